"""Statistical hotspots: Getis-Ord Gi* on pre-2025 district figures (702 districts).

The chain is ``store.aggregate_cases(by="district")`` → counts per district → rates per 100,000 people
(2009 census population, the only population figure the boundary source has) → empirical Bayes smoothing
→ Gi* (``esda.G_Local``, star) with a permutation test → Benjamini–Hochberg false-discovery-rate
correction → classes hot/cold at 99/95/90% confidence or "not significant".

Decisions (also in :func:`explanation`):

* **Neighbours** (:func:`spatial_weights`): districts that share a border (queen contiguity on the
  full-resolution layer; ``rook=True`` for edge-only). Eleven districts have no land neighbour (Vân Đồn,
  Cô Tô, Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Trường Sa, Phú Quý, Côn Đảo, Phú Quốc, Kiên Hải): each
  is linked to its :data:`ISLAND_K` nearest districts by centroid distance in :data:`geo.admin.boundaries.METRIC_CRS`
  (links are made both ways), then any part still cut off is joined to the rest through its closest pair
  of centroids. The result has no islands and one connected component; ``w.attached`` lists every added
  link. Weights are binary; :func:`getis_ord` adds the district itself (the "star") and row-standardises,
  so a district's statistic is the average of itself and its neighbours.
* **Inference**: a permutation test with 999 permutations and a fixed seed (12345). By default under
  *total* randomisation, the null hypothesis of Gi* itself: the district's own value is shuffled together
  with its neighbours', so a high district among average neighbours can be hot (esda's conditional
  randomisation holds the own value fixed, which for Gi* tests only the neighbours; it is available as
  ``method="conditional"``). ``p_sim`` is one-sided in the direction observed (the GeoDa/PySAL
  convention), ties counted on both sides; with 999 permutations it cannot be below 0.001. ``p_fdr`` is
  the Benjamini–Hochberg adjusted p-value (q-value) over all districts tested; a class at 99/95/90% means
  ``p_fdr`` ≤ 0.01/0.05/0.10 (``p_sim`` when ``fdr=False``). ``class_uncorrected`` gives the class
  before the correction. With 702 tests and 999 permutations, 99% needs about 70 districts at the
  smallest p-value, so it is rare; 9,999 permutations (≈0.2 s) resolve the classes better.
* **Evidence rule** (:data:`MIN_SUPPORT`): a hot class needs at least 3 cases in the district and its
  neighbours together; a cold class needs at least 3 cases *expected* there at the overall rate.
  Districts with fewer than :data:`MIN_POPULATION` people (2009) get no rate.
* **No data is not zero** (:func:`coverage_mask`): a district with no rows in the data is "no data"
  unless the caller states that the data covers it (``covered="all"``, ``"provinces"`` or a list of
  codes); only then is it counted as 0 cases. Districts without data are left out of the test (their
  neighbours are tested with the neighbours that have data; a district left without any neighbour is
  linked to its nearest tested districts, ``neighbours_attached``).

Outputs keep the raw counts in their own columns (``cases``, ``victims``, ... and ``count`` for the
metric analysed) and list them in ``df.attrs["count_columns"]`` (rates derived from them in
``df.attrs["rate_columns"]``) so an exporter can apply the small-count protection. Nothing here prints.
This module never imports Streamlit.
"""
from __future__ import annotations

import hashlib
import threading
import warnings
from typing import Iterable

import numpy as np
import pandas as pd

METRICS = ("cases", "victims", "victims_children", "victims_women", "victims_rescued", "victims_supported",
           "suspects_arrested")
#: columns of store aggregates that are counts (kept raw for the exporter's small-count protection)
COUNT_COLUMNS = METRICS
PER = 100_000
PERMUTATIONS = 999
SEED = 12345
ALPHA = 0.10
#: nearest districts (by centroid) linked to a district that has no land neighbour
ISLAND_K = 2
#: fewer tested districts than this and Gi* is not run (``not_tested``)
MIN_UNITS = 10
#: districts with fewer people (2009) get no rate: Hoàng Sa (0), Cồn Cỏ (83), Trường Sa (195), Bạch Long Vĩ (902)
MIN_POPULATION = 1_000
#: a hot class needs at least this many cases (of the metric) in the district and its neighbours together
MIN_SUPPORT = 3
CONFIDENCE_LEVELS = ((0.01, 99), (0.05, 95), (0.10, 90))

#: class -> (order, colour, Vietnamese label, English label). Diverging red/blue, grey for not significant.
CLASSES: dict[str, tuple[int, str, str, str]] = {
    "hot_99": (0, "#b2182b", "Điểm nóng thống kê – tin cậy 99%", "Statistical hotspot – 99% confidence"),
    "hot_95": (1, "#ef8a62", "Điểm nóng thống kê – tin cậy 95%", "Statistical hotspot – 95% confidence"),
    "hot_90": (2, "#fddbc7", "Điểm nóng thống kê – tin cậy 90%", "Statistical hotspot – 90% confidence"),
    "not_significant": (3, "#d9d9d9", "Không có ý nghĩa thống kê", "Not significant"),
    "cold_90": (4, "#d1e5f0", "Điểm lạnh thống kê – tin cậy 90%", "Statistical cold spot – 90% confidence"),
    "cold_95": (5, "#67a9cf", "Điểm lạnh thống kê – tin cậy 95%", "Statistical cold spot – 95% confidence"),
    "cold_99": (6, "#2166ac", "Điểm lạnh thống kê – tin cậy 99%", "Statistical cold spot – 99% confidence"),
    "not_tested": (7, "#f0f0f0", "Không kiểm định được (quá ít số liệu)", "Not tested (too little data)"),
    "no_data": (8, "#ffffff", "Không có số liệu", "No data"),
}
HOT_CLASSES = ("hot_99", "hot_95", "hot_90")
COLD_CLASSES = ("cold_99", "cold_95", "cold_90")


def table_legend(table: dict, lang: str = "vi", include: Iterable[str] | None = None) -> pd.DataFrame:
    """Legend of a ``{class: (order, colour, vi, en)}`` table: ``class``, ``label``, ``colour``."""
    keys = list(table) if include is None else [k for k in table if k in set(include)]
    return pd.DataFrame({"class": keys, "label": [table[k][3 if lang == "en" else 2] for k in keys],
                         "colour": [table[k][1] for k in keys]})


def class_label(cls: str, lang: str = "vi") -> str:
    return CLASSES[cls][3 if lang == "en" else 2]


def class_colour(cls: str) -> str:
    return CLASSES[cls][1]


def legend(lang: str = "vi", include: Iterable[str] | None = None) -> pd.DataFrame:
    """The classes in legend order: ``class``, ``label``, ``colour``."""
    return table_legend(CLASSES, lang, include)


# --------------------------------------------------------------------------------------------------
# Spatial weights
# --------------------------------------------------------------------------------------------------
_W_CACHE: dict[tuple, object] = {}
_W_LOCK = threading.Lock()


def _default_districts():
    from geo.admin.cache import load_layer

    return load_layer("districts_pre2025")


def _layer_key(districts) -> str:
    """Cheap fingerprint of a district layer: codes, bounds and areas."""
    digest = hashlib.sha256()
    digest.update("|".join(map(str, districts["code"])).encode())
    digest.update(np.round(districts.geometry.bounds.to_numpy(dtype=float), 5).tobytes())
    return digest.hexdigest()


def _metric_centroids(districts) -> np.ndarray:
    from geo.admin.boundaries import METRIC_CRS

    cent = districts.geometry.to_crs(METRIC_CRS).centroid
    return np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])


def _components(neighbors: dict[int, set[int]], n: int) -> np.ndarray:
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    rows = [i for i, js in neighbors.items() for _ in js]
    cols = [j for js in neighbors.values() for j in js]
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _attach(neighbors: dict[int, set[int]], xy: np.ndarray, k: int, connect: bool) -> list[tuple[int, int]]:
    """Link every position without neighbours to its ``k`` nearest (both ways); with ``connect``, join
    each remaining component to the rest through its closest pair of centroids. Returns the links added."""
    n = len(xy)
    added: list[tuple[int, int]] = []

    def link(i: int, j: int) -> None:
        if j not in neighbors[i]:
            neighbors[i].add(j)
            neighbors[j].add(i)
            added.append((i, j))

    if n < 2:
        return added
    lonely = [i for i in range(n) if not neighbors[i]]
    for i in lonely:
        dist = np.hypot(xy[:, 0] - xy[i, 0], xy[:, 1] - xy[i, 1])
        dist[i] = np.inf
        for j in np.argsort(dist, kind="stable")[: min(k, n - 1)]:
            link(i, int(j))
    if connect:
        while True:
            labels = _components(neighbors, n)
            sizes = np.bincount(labels)
            if len(sizes) <= 1:
                break
            main = int(np.argmax(sizes))
            # the smallest part first, joined to any district outside it through the closest pair
            part = int(np.argmin(np.where(np.arange(len(sizes)) == main, np.iinfo(np.int64).max, sizes)))
            inside = np.flatnonzero(labels == part)
            outside = np.flatnonzero(labels != part)
            d = np.hypot(xy[inside, None, 0] - xy[None, outside, 0], xy[inside, None, 1] - xy[None, outside, 1])
            a, b = np.unravel_index(int(np.argmin(d)), d.shape)
            link(int(inside[a]), int(outside[b]))
    return added


def _weights_path(key: tuple):
    try:
        from geo.admin.population import cache_key, derived_dir

        return derived_dir() / f"weights_{cache_key(*key)}.json"
    except OSError:  # a read-only cache folder: compute in memory only
        return None


def _read_stored_weights(key: tuple, codes: list[str]):
    """Neighbours, centroids and added links stored by an earlier process (contiguity of the 3,321
    communes takes ~12 s), or None."""
    import json

    path = _weights_path(key)
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("codes") != codes:
        return None
    neighbors = {i: set(js) for i, js in enumerate(data["neighbors"])}
    return neighbors, np.asarray(data["xy"], dtype=float), [tuple(p) for p in data["added"]]


def _store_weights(key: tuple, codes, neighbors, xy, added) -> None:
    import json

    path = _weights_path(key)
    if path is None:
        return
    data = {"codes": codes, "neighbors": [sorted(int(j) for j in neighbors[i]) for i in range(len(codes))],
            "xy": np.asarray(xy).round(1).tolist(), "added": [list(map(int, p)) for p in added]}
    try:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass


def spatial_weights(districts=None, rook: bool = False, island_k: int = ISLAND_K):
    """Binary contiguity weights of the districts (ids = district ``code``), islands attached.

    Queen contiguity (shared border or corner) on the full-resolution layer by default; ``rook=True``
    counts shared edges only. Districts without a land neighbour get their ``island_k`` nearest districts
    by centroid distance (metric CRS), both ways, and remaining disconnected parts are joined through their
    closest centroids. Extra attributes on the returned ``libpysal.weights.W``:

    * ``w.attached``: list of (code, code) links that are not shared borders;
    * ``w.xy``: centroids in metres, aligned with ``w.id_order`` (used to re-attach within subsets);
    * ``w.rook``: the contiguity rule used.

    Cached per process (per layer fingerprint and options); treat the result as read-only.
    """
    from libpysal.weights import W, Queen, Rook

    districts = _default_districts() if districts is None else districts
    key = (_layer_key(districts), bool(rook), int(island_k))
    with _W_LOCK:
        cached = _W_CACHE.get(key)
    if cached is not None:
        return cached
    codes = [str(c) for c in districts["code"]]
    if len(set(codes)) != len(codes):
        raise ValueError("district codes must be unique")
    stored = _read_stored_weights(key, codes)
    if stored is not None:
        neighbors, xy, added = stored
    else:
        frame = districts.reset_index(drop=True)
        builder = Rook if rook else Queen
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            contiguity = builder.from_dataframe(frame, use_index=False, silence_warnings=True)
        neighbors = {i: set(int(j) for j in contiguity.neighbors[i]) - {i} for i in range(len(codes))}
        xy = _metric_centroids(frame)
        added = _attach(neighbors, xy, island_k, connect=True)
        _store_weights(key, codes, neighbors, xy, added)
    w = W({codes[i]: [codes[j] for j in sorted(neighbors[i])] for i in range(len(codes))},
          id_order=codes, silence_warnings=True)
    w.transform = "B"
    w.attached = [(codes[i], codes[j]) for i, j in added]
    w.xy = xy
    w.rook = bool(rook)
    with _W_LOCK:
        _W_CACHE[key] = w
    return w


def _subset_neighbors(weights, codes: list[str], island_k: int = ISLAND_K) -> tuple[dict[str, list[str]], set[str]]:
    """Neighbours restricted to ``codes``; a code left without neighbours is linked to its nearest codes
    of the subset (when the weights carry centroids ``xy``). Returns (neighbours, codes that have at least
    one neighbour that is not across a shared border)."""
    pos = {c: i for i, c in enumerate(codes)}
    neighbors = {i: {pos[j] for j in weights.neighbors[c] if j in pos and j != c} for i, c in enumerate(codes)}
    xy_all = getattr(weights, "xy", None)
    added: list[tuple[int, int]] = []
    if xy_all is not None:
        order = {c: i for i, c in enumerate(weights.id_order)}
        xy = np.asarray(xy_all)[[order[c] for c in codes]]
        added = _attach(neighbors, xy, island_k, connect=False)
    pairs = {frozenset(p) for p in getattr(weights, "attached", [])}
    pairs |= {frozenset((codes[i], codes[j])) for i, j in added}
    out = {codes[i]: [codes[j] for j in sorted(js)] for i, js in neighbors.items()}
    flagged = {c for c, js in out.items() if any(frozenset((c, j)) in pairs for j in js)}
    return out, flagged


# --------------------------------------------------------------------------------------------------
# Rates
# --------------------------------------------------------------------------------------------------
def eb_rates(counts, population, per: float = PER) -> pd.DataFrame:
    """Raw and global empirical Bayes smoothed rates per ``per`` people (Marshall 1991).

    ``counts`` and ``population``: Series on the same index (or arrays of the same length). A district
    with a missing count, or with population missing or ≤ 0, gets NaN rates and takes no part in the
    estimate. The smoothed rate pulls each raw rate towards the overall rate, the more so the smaller
    the population: ``eb = w·raw + (1 − w)·m`` with ``m = Σcounts/Σpopulation``,
    ``w = a / (a + m/pop)`` and ``a = max(0, Σpop·(raw − m)² / Σpop − m / mean(pop))``.
    Matches ``esda.smoothing.Empirical_Bayes`` on the valid districts when ``a`` > 0; when the estimated
    between-district variance is negative, esda would use negative weights, while here (as in Marshall)
    ``a`` is set to 0 and every district gets the overall rate.

    Returns ``count``, ``population``, ``raw_rate``, ``eb_rate``, ``eb_weight`` (share of the raw rate
    kept, 1 = not smoothed) on the input index.
    """
    def as_series(x, index) -> pd.Series:
        if isinstance(x, pd.Series):
            return pd.to_numeric(x, errors="coerce").astype(float)
        return pd.Series(pd.to_numeric(pd.Series(np.asarray(x, dtype=object).ravel()), errors="coerce").to_numpy(),
                         index=index, dtype=float)

    index = counts.index if isinstance(counts, pd.Series) else (
        population.index if isinstance(population, pd.Series) else None)
    e = as_series(counts, index)
    b = as_series(population, e.index)
    if isinstance(population, pd.Series):
        b = b.reindex(e.index) if isinstance(counts, pd.Series) else pd.Series(b.to_numpy(), index=e.index)
    if (e < 0).any():
        raise ValueError("counts must not be negative")
    out = pd.DataFrame({"count": e, "population": b}, index=e.index)
    out["raw_rate"] = np.nan
    out["eb_rate"] = np.nan
    out["eb_weight"] = np.nan
    ok = e.notna() & b.notna() & (b > 0)
    if not ok.any():
        return out
    ev, bv = e[ok].to_numpy(), b[ok].to_numpy()
    raw = ev / bv
    m = ev.sum() / bv.sum()
    s2 = (bv * (raw - m) ** 2).sum() / bv.sum()
    a = max(0.0, s2 - m / bv.mean())
    with np.errstate(divide="ignore", invalid="ignore"):
        weight = np.where(a + m / bv > 0, a / (a + m / bv), 1.0)
    eb = weight * raw + (1 - weight) * m
    out.loc[ok, "raw_rate"] = raw * per
    out.loc[ok, "eb_rate"] = eb * per
    out.loc[ok, "eb_weight"] = weight
    return out


# --------------------------------------------------------------------------------------------------
# Gi*
# --------------------------------------------------------------------------------------------------
def bh_adjust(pvalues) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values); NaN stays NaN and is not counted as a test."""
    p = np.asarray(pvalues, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv, kind="stable")
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(ranked, 1.0)
    out[ok] = adjusted
    return out


def _classify(direction: np.ndarray, p: np.ndarray, alpha: float) -> np.ndarray:
    out = np.full(len(p), "not_significant", dtype=object)
    levels = [(cut, conf) for cut, conf in CONFIDENCE_LEVELS if cut <= alpha + 1e-12]
    for cut, conf in reversed(levels):  # 90 first, then overwritten by 95 and 99
        sig = ~np.isnan(p) & (p <= cut + 1e-12)
        out[sig & (direction > 0)] = f"hot_{conf}"
        out[sig & (direction < 0)] = f"cold_{conf}"
    return out


def _with_labels(df: pd.DataFrame, col: str = "class") -> pd.DataFrame:
    df["label_vi"] = df[col].map(lambda c: CLASSES[c][2])
    df["label_en"] = df[col].map(lambda c: CLASSES[c][3])
    df["colour"] = df[col].map(lambda c: CLASSES[c][1])
    df["class_order"] = df[col].map(lambda c: CLASSES[c][0]).astype(int)
    return df


def _total_randomization(y: np.ndarray, sizes: np.ndarray, observed: np.ndarray, permutations: int, seed: int,
                         mean: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Permutation test of neighbourhood sums (or means) under total randomisation.

    Under the Gi* null hypothesis the ``sizes[i]`` values of district i's neighbourhood (itself included)
    are a random draw, without replacement, from all ``n`` values. With equal (binary or row-standardised)
    weights the reference distribution depends only on the neighbourhood size, so each random permutation
    of all values serves every district: its first ``s`` values are a uniform random subset of size ``s``.

    Returns (p, direction, z): ``p`` = (min(#sims ≥ observed, #sims ≤ observed) + 1) / (permutations + 1),
    ties counted on both sides (so an all-zero neighbourhood among many zeros is not "significantly low");
    ``direction`` +1 when the high tail is the smaller one, −1 for the low tail, 0 for a tie;
    ``z`` = (observed − mean of sims) / sd of sims.
    """
    n = len(y)
    smax = int(sizes.max())
    rng = np.random.default_rng(seed)
    ge = np.zeros(n)
    le = np.zeros(n)
    total = np.zeros(n)
    total_sq = np.zeros(n)
    cols = sizes - 1
    tol = 1e-9 * max(1.0, float(np.abs(y).max()))
    done = 0
    while done < permutations:
        chunk = min(1000, permutations - done)
        keys = rng.random((chunk, n))
        first = np.argpartition(keys, smax - 1, axis=1)[:, :smax] if smax < n else np.argsort(keys, axis=1)
        order = np.take_along_axis(keys, first, axis=1).argsort(axis=1)
        first = np.take_along_axis(first, order, axis=1)[:, :smax]
        csum = np.cumsum(y[first], axis=1)
        sims = csum[:, cols]  # (chunk, n): the sum of a random neighbourhood of each district's size
        if mean:
            sims = sims / sizes
        ge += (sims >= observed - tol).sum(axis=0)
        le += (sims <= observed + tol).sum(axis=0)
        total += sims.sum(axis=0)
        total_sq += (sims ** 2).sum(axis=0)
        done += chunk
    p_hot = (ge + 1) / (permutations + 1)
    p_cold = (le + 1) / (permutations + 1)
    p = np.minimum(np.minimum(p_hot, p_cold), 1.0)
    direction = np.where(p_hot < p_cold, 1, np.where(p_cold < p_hot, -1, 0))
    sim_mean = total / permutations
    sim_sd = np.sqrt(np.maximum(total_sq / permutations - sim_mean ** 2, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sim_sd > 0, (observed - sim_mean) / sim_sd, 0.0)
    return p, direction.astype(int), z


def getis_ord(values, weights=None, permutations: int = PERMUTATIONS, seed: int = SEED, alpha: float = ALPHA,
              fdr: bool = True, transform: str = "R", island_k: int = ISLAND_K, support=None,
              min_support: int = MIN_SUPPORT, method: str = "total", expected=None) -> pd.DataFrame:
    """Gi* hot and cold spots of ``values`` with a permutation test and FDR correction.

    ``values``: Series indexed by district code (NaN = no data: the district is left out of the test and
    classed ``no_data``), or an array aligned with ``weights.id_order``. Values must not be negative.
    ``weights``: from :func:`spatial_weights` (default: the pre-2025 district layer). ``alpha``: the widest
    confidence class reported (0.10 → 99/95/90%, 0.05 → 99/95%, 0.01 → 99%). ``transform``: ``R``
    (default, the statistic is the average of the district and its neighbours) or ``B`` (their sum).

    The statistic and its analytical z (``z_norm``) come from ``esda.G_Local(star=True)``. ``method``
    chooses the permutation test:

    * ``"total"`` (default): total randomisation, the null hypothesis of Gi* itself (Getis & Ord): the
      district's own value is shuffled with its neighbours', so a high district among average neighbours
      can be hot. Seeded with ``numpy.random.default_rng(seed)``; ties count on both sides.
    * ``"conditional"``: esda's conditional randomisation (the district's own value held fixed). For Gi*
      this tests the neighbours only (the same p-values as Gi), so a high district surrounded by low ones
      is never hot but its neighbours may be; esda also counts ties towards the low tail.

    Evidence rule (``support``/``expected``, both Series by code): a district is only classed hot if its
    neighbourhood (itself and its neighbours) holds at least ``min_support`` observed cases (``support``),
    and only classed cold if at least ``min_support`` cases would be *expected* there at the overall rate
    (``expected``); otherwise it is ``not_significant`` with ``few_cases`` true. This keeps a cluster of
    small districts whose rates were smoothed towards the average from showing as a hotspot without cases
    behind it, and a populous area with no case in a quiet period from showing as a cold spot when no
    case was to be expected anyway.

    Returns one row per district in ``weights.id_order``: ``code``, ``value``, ``n_neighbours``,
    ``neighbours_attached`` (some neighbours are not across a shared border), ``local_mean`` (average of the
    district and its tested neighbours), ``gi``, ``z`` (standardised against the permutations), ``z_norm``
    (analytical), ``p_sim``, ``p_fdr`` (Benjamini–Hochberg q-value), ``p_used``, ``direction`` (1 hot side,
    −1 cold side), ``class``, ``class_uncorrected``, ``neighbourhood_count`` / ``neighbourhood_expected``
    and ``few_cases`` (with ``support`` / ``expected``), ``label_vi``, ``label_en``, ``colour``,
    ``class_order``. ``df.attrs`` holds the settings (``permutations``, ``seed``, ``alpha``, ``fdr``,
    ``method``, ``n_tested``, ``min_p``, ``note``).
    The same seed gives the same result.
    """
    import esda
    from libpysal.weights import W

    if alpha not in (0.01, 0.05, 0.10):
        raise ValueError("alpha must be 0.01, 0.05 or 0.10")
    transform = transform.upper()
    if transform not in ("R", "B"):
        raise ValueError("transform must be R or B")
    if method not in ("total", "conditional"):
        raise ValueError("method must be total or conditional")
    if permutations < 99:
        raise ValueError("use at least 99 permutations")
    weights = spatial_weights() if weights is None else weights
    ids = [str(c) for c in weights.id_order]
    if isinstance(values, pd.Series):
        vals = pd.to_numeric(values.copy(), errors="coerce").astype(float)
        vals.index = vals.index.astype(str)
        unknown = sorted(set(vals.index) - set(ids))
        if unknown:
            raise ValueError(f"codes not in the weights: {unknown[:5]}")
        y_all = vals.reindex(ids).to_numpy()
    else:
        y_all = np.asarray(values, dtype=float)
        if len(y_all) != len(ids):
            raise ValueError("values must align with weights.id_order")
    if np.nanmin(np.append(y_all, 0)) < 0:
        raise ValueError("Gi* needs values that are not negative")

    out = pd.DataFrame({"code": ids, "value": y_all})
    out["n_neighbours"] = 0
    out["neighbours_attached"] = False
    for col in ("local_mean", "gi", "z", "z_norm", "p_sim", "p_fdr", "p_used"):
        out[col] = np.nan
    out["direction"] = 0
    if support is not None:
        out["neighbourhood_count"] = np.nan
    if expected is not None:
        out["neighbourhood_expected"] = np.nan
    if support is not None or expected is not None:
        out["few_cases"] = False
    out["class"] = np.where(np.isnan(y_all), "no_data", "not_tested").astype(object)
    out["class_uncorrected"] = out["class"]
    attrs = {"permutations": int(permutations), "seed": int(seed), "alpha": float(alpha), "fdr": bool(fdr),
             "method": method, "transform": transform, "n_tested": 0, "n_no_data": int(np.isnan(y_all).sum()),
             "min_p": 1.0 / (permutations + 1), "note": None,
             "min_support": int(min_support) if support is not None or expected is not None else None}

    tested = [c for c, v in zip(ids, y_all) if not np.isnan(v)]
    if len(tested) < MIN_UNITS:
        attrs["note"] = "too_few_units"
        out = _with_labels(out)
        out.attrs.update(attrs)
        return out
    neigh, flagged = _subset_neighbors(weights, tested, island_k)
    keep = [c for c in tested if neigh[c]]  # only without centroids can a district stay without neighbours
    if len(keep) < len(tested):
        neigh, flagged = _subset_neighbors(weights, keep, island_k)
    pos = {c: i for i, c in enumerate(ids)}
    idx = np.array([pos[c] for c in keep])
    y = y_all[idx]
    sizes = np.array([1 + len(neigh[c]) for c in keep])
    nb_sum = np.array([y_all[pos[c]] + sum(y_all[pos[j]] for j in neigh[c]) for c in keep])
    out.loc[idx, "n_neighbours"] = sizes - 1
    out.loc[idx, "neighbours_attached"] = [c in flagged for c in keep]
    out.loc[idx, "local_mean"] = nb_sum / sizes
    def neighbourhood_total(series) -> list[float]:
        arr = pd.to_numeric(pd.Series(series), errors="coerce").astype(float)
        arr.index = arr.index.astype(str)
        arr = arr.reindex(ids).fillna(0.0).to_numpy()
        return [arr[pos[c]] + sum(arr[pos[j]] for j in neigh[c]) for c in keep]

    if support is not None:
        out.loc[idx, "neighbourhood_count"] = neighbourhood_total(support)
    if expected is not None:
        out.loc[idx, "neighbourhood_expected"] = neighbourhood_total(expected)
    attrs["n_tested"] = len(keep)
    if len(keep) < MIN_UNITS:
        attrs["note"] = "too_few_units"
        out = _with_labels(out)
        out.attrs.update(attrs)
        return out
    if np.allclose(y, y[0]):
        attrs["note"] = "constant_values"
        out.loc[idx, ["p_sim", "p_fdr", "p_used"]] = 1.0
        out.loc[idx, "z"] = 0.0
        out.loc[idx, ["class", "class_uncorrected"]] = "not_significant"
        out = _with_labels(out)
        out.attrs.update(attrs)
        return out

    w = W(neigh, id_order=keep, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "total":
            g = esda.G_Local(y, w, transform=transform, permutations=0, star=True)
        else:
            state = np.random.get_state()  # esda seeds numpy's global generator: restore it afterwards
            try:
                g = esda.G_Local(y, w, transform=transform, permutations=permutations, star=True,
                                 keep_simulations=True, n_jobs=1, seed=seed)
            finally:
                np.random.set_state(state)
    gs = np.asarray(g.Gs, dtype=float)
    if method == "total":
        observed = nb_sum / sizes if transform == "R" else nb_sum
        p, direction, z = _total_randomization(y, sizes, observed, permutations, seed, mean=transform == "R")
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = (gs - g.EG_sim) / g.seG_sim
        z = np.where(np.isfinite(z), z, 0.0)
        p = np.asarray(g.p_sim, dtype=float)
        direction = np.sign(z).astype(int)
    q = bh_adjust(p)
    used = q if fdr else p
    classes = _classify(direction, used, alpha)
    uncorrected = _classify(direction, p, alpha)
    for column, side in (("neighbourhood_count", HOT_CLASSES), ("neighbourhood_expected", COLD_CLASSES)):
        if column not in out.columns:
            continue
        few = out.loc[idx, column].to_numpy(dtype=float) < min_support
        out.loc[idx, "few_cases"] = out.loc[idx, "few_cases"].to_numpy(dtype=bool) | (few & np.isin(classes, side))
        classes = np.where(few & np.isin(classes, side), "not_significant", classes)
        uncorrected = np.where(few & np.isin(uncorrected, side), "not_significant", uncorrected)
    out.loc[idx, "gi"] = gs
    out.loc[idx, "z_norm"] = np.asarray(g.Zs, dtype=float)
    out.loc[idx, "z"] = z
    out.loc[idx, "p_sim"] = p
    out.loc[idx, "p_fdr"] = q
    out.loc[idx, "p_used"] = used
    out.loc[idx, "direction"] = direction
    out.loc[idx, "class"] = classes
    out.loc[idx, "class_uncorrected"] = uncorrected
    out["direction"] = out["direction"].astype(int)
    out["n_neighbours"] = out["n_neighbours"].astype(int)
    out = _with_labels(out)
    out.attrs.update(attrs)
    return out


# --------------------------------------------------------------------------------------------------
# Calibrated Gi*: the constant-risk null (default of hotspot_table)
# --------------------------------------------------------------------------------------------------
def dispersion(metric_counts, case_counts) -> float:
    """Extra-Poisson dispersion φ ≥ 1 of a count that comes in clumps (victims per case, arrests per case).

    Cases are treated as independent events (Poisson); a case carries ``k`` victims (or suspects) drawn
    from some distribution, so the metric is compound Poisson with variance/mean ``φ = E[k²]/E[k]``. The
    moments of ``k`` are estimated from the unit totals *conditional on their case counts* (so a spatial
    cluster of cases does not inflate φ): ``k̄ = ΣM/Σc`` and ``Var k = n/(n−1) · Σ(M_i − c_i·k̄)² / Σc_i``.
    Returns 1.0 when the metric is the case count itself or there are too few cases to tell.
    """
    m = np.asarray(metric_counts, dtype=float)
    c = np.asarray(case_counts, dtype=float)
    ok = ~np.isnan(m) & ~np.isnan(c) & (c > 0)
    if ok.sum() < 2 or c[ok].sum() <= 0 or m[ok].sum() <= 0 or np.allclose(m[ok], c[ok]):
        return 1.0
    m, c = m[ok], c[ok]
    kbar = m.sum() / c.sum()
    var_k = len(m) / (len(m) - 1) * ((m - c * kbar) ** 2).sum() / c.sum()
    return float(max(1.0, (var_k + kbar ** 2) / kbar))


def gi_constant_risk(counts, population, weights=None, alpha: float = ALPHA, min_support: int = MIN_SUPPORT,
                     phi: float = 1.0, island_k: int = ISLAND_K, min_population: float = MIN_POPULATION,
                     fdr: bool = True) -> pd.DataFrame:
    """Gi* hot and cold spots of case counts tested against the constant-risk null (calibrated; the default).

    ``counts``: Series of event counts by unit code (NaN = no data: left out, ``no_data``);
    ``population``: Series by code (people at risk; units with fewer than ``min_population`` are left out
    as ``not_tested``), or None to give every unit the same weight (a count analysis, used only where no
    population exists; the caller states the limitation). ``weights``: :func:`spatial_weights` of the layer.

    **Statistic.** Getis–Ord's Gi* of the counts with binary weights, the unit itself included:
    ``G*_i = N_i / C`` where ``N_i`` is the number of cases in unit i and its neighbours (its
    *neighbourhood*) and ``C`` the total. Reported with the neighbourhood's rate per 100,000
    (``local_mean`` = N_i / P_i) and its ratio to the expected count (``oe_ratio``).

    **Null hypothesis and p-values: exact, not permuted.** Constant risk: every person has the same chance
    of being in a case, wherever they live. Given the total C, the cases of a neighbourhood holding the
    share ``π_i`` of the population then follow Binomial(C, π_i) exactly, so ``p_hot`` = P(N ≥ observed)
    and ``p_cold`` = P(N ≤ observed) are computed exactly (``scipy.stats.binom``), with no Monte Carlo
    floor: a p of 10⁻⁹ is resolved, which the false-discovery correction over hundreds of units needs (999
    permutations cannot go below 0.001, so under BH at 95% over 702 districts at least 14 had to sit at
    that floor before any was significant). This reference is right for every unit whatever its own and
    its neighbours' populations: permuting rates between districts (esda's test) assumes rates are
    exchangeable, which a densely peopled delta and a sparse highland are not, and smoothed rates change
    their spread with the data. ``phi`` > 1 (victims, suspects: counts that come in clumps, see
    :func:`dispersion`) tests ``round(C/φ)`` events of weight φ (quasi-Poisson), so a case with many
    victims does not pass for many independent events.

    **Evidence rule, inside the test (before the correction).** A unit can only be hot if its neighbourhood
    holds at least ``min_support`` observed cases: the rule is part of the rejection region, so ``p_hot`` =
    P(N ≥ max(observed, min_support)), i.e. 1 for a unit without that evidence (``few_cases``). Every
    tested unit stays in the hot family, so the family does not depend on where the cases fell (choosing
    the units to test by their observed counts would bias the test). The *cold* family holds the units
    where at least ``min_support`` cases were *expected* (fixed before looking at where cases fell): a
    quiet area where too few cases were expected cannot be called cold.

    **Two tails, two families.** Benjamini–Hochberg on ``p_hot`` over the hot family and, separately, on
    ``p_cold`` over the cold family (``q_hot``, ``q_cold``); a class at 99/95/90% means q ≤ 0.01/0.05/0.10
    within its family. Mixing the two tails in one ranking let the cold p-values of populous districts
    without a case carry weak hot districts through. Neighbourhood tests overlap and are positively
    dependent, the case where BH keeps its guarantee (Benjamini & Yekutieli 2001).

    What it does not do: Gi* marks *neighbourhoods*, so the neighbours of a strong cluster can be hot
    because the cluster is in their neighbourhood; the spatial scan (:mod:`geo.stats.scan`) gives the
    cluster's own extent.

    Returns one row per unit of ``weights.id_order``: ``code``, ``count``, ``value`` (the unit's own rate
    per 100,000; its count without population), ``local_mean``, ``expected``, ``neighbourhood_count``,
    ``neighbourhood_expected``, ``oe_ratio``, ``gi``, ``z`` (standardised binomial, for ranking), ``z_norm``
    (Getis–Ord's analytical z of the counts), ``p_hot``, ``p_cold``, ``q_hot``, ``q_cold``, ``p_sim`` (the
    smaller one-sided p), ``p_fdr`` (its q), ``p_used``, ``direction``, ``hot_eligible``, ``cold_eligible``,
    ``few_cases``, ``n_neighbours``, ``neighbours_attached``, ``class``, ``class_uncorrected`` and the
    label columns. ``df.attrs``: ``method`` = ``constant_risk``, ``alpha``, ``phi``, ``min_support``,
    ``n_tested``, ``n_hot_family``, ``n_cold_family``, ``n_hot_evidence``, ``total``, ``note``.
    """
    from scipy import stats
    from scipy.sparse import csr_matrix

    if alpha not in (0.01, 0.05, 0.10):
        raise ValueError("alpha must be 0.01, 0.05 or 0.10")
    if phi < 1:
        raise ValueError("phi must be at least 1")
    weights = spatial_weights() if weights is None else weights
    ids = [str(c) for c in weights.id_order]
    cnt = pd.to_numeric(pd.Series(counts), errors="coerce").astype(float)
    cnt.index = cnt.index.astype(str)
    unknown = sorted(set(cnt.index) - set(ids))
    if unknown:
        raise ValueError(f"codes not in the weights: {unknown[:5]}")
    y_all = cnt.reindex(ids).to_numpy()
    if np.nanmin(np.append(y_all, 0)) < 0:
        raise ValueError("counts must not be negative")
    if population is None:
        pop_all = np.where(np.isnan(y_all), np.nan, 1.0)
        min_population = 0
    else:
        pop = pd.to_numeric(pd.Series(population), errors="coerce").astype(float)
        pop.index = pop.index.astype(str)
        pop_all = pop.reindex(ids).to_numpy()

    out = pd.DataFrame({"code": ids, "count": y_all})
    for col in ("value", "local_mean", "expected", "neighbourhood_count", "neighbourhood_expected", "oe_ratio",
                "gi", "z", "z_norm", "p_hot", "p_cold", "q_hot", "q_cold", "p_sim", "p_fdr", "p_used"):
        out[col] = np.nan
    out["n_neighbours"] = 0
    out["neighbours_attached"] = False
    out["direction"] = 0
    for col in ("hot_eligible", "cold_eligible", "few_cases"):
        out[col] = False
    out["class"] = np.where(np.isnan(y_all), "no_data", "not_tested").astype(object)
    out["class_uncorrected"] = out["class"]
    attrs = {"method": "constant_risk", "alpha": float(alpha), "fdr": bool(fdr), "phi": float(phi),
             "min_support": int(min_support), "n_tested": 0, "n_no_data": int(np.isnan(y_all).sum()),
             "n_hot_family": 0, "n_cold_family": 0, "n_hot_evidence": 0, "total": float(np.nansum(y_all)),
             "note": None, "population": "none" if population is None else "given", "transform": "B",
             "permutations": 0, "min_p": 0.0}

    def finish(frame):
        frame = _with_labels(frame)
        frame.attrs.update(attrs)
        return frame

    ok_pop = ~np.isnan(pop_all) & (pop_all > 0) & (pop_all >= min_population)
    tested = [c for c, v, okp in zip(ids, y_all, ok_pop) if not np.isnan(v) and okp]
    if len(tested) < MIN_UNITS:
        attrs["note"] = "too_few_units"
        return finish(out)
    neigh, flagged = _subset_neighbors(weights, tested, island_k)
    keep = [c for c in tested if neigh[c]]
    if len(keep) < len(tested):
        neigh, flagged = _subset_neighbors(weights, keep, island_k)
    pos = {c: i for i, c in enumerate(ids)}
    kpos = {c: i for i, c in enumerate(keep)}
    idx = np.array([pos[c] for c in keep])
    n = len(keep)
    y = y_all[idx]
    b = pop_all[idx]
    total = float(y.sum())
    attrs["n_tested"] = n
    attrs["total"] = total
    sizes = np.array([1 + len(neigh[c]) for c in keep], dtype=float)
    rows = np.concatenate([np.full(len(neigh[c]) + 1, i) for i, c in enumerate(keep)])
    cols = np.concatenate([[i] + [kpos[j] for j in neigh[c]] for i, c in enumerate(keep)])
    binary = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    share = b / b.sum()
    expected = total * share
    nb_count = binary @ y
    nb_pop = binary @ b
    nb_share = np.minimum(nb_pop / b.sum(), 1.0)
    nb_expected = total * nb_share
    hot_support = nb_count >= min_support
    cold_family = nb_expected >= min_support
    out.loc[idx, "n_neighbours"] = (sizes - 1).astype(int)
    out.loc[idx, "neighbours_attached"] = [c in flagged for c in keep]
    out.loc[idx, "expected"] = expected
    out.loc[idx, "neighbourhood_count"] = nb_count
    out.loc[idx, "neighbourhood_expected"] = nb_expected
    out.loc[idx, "hot_eligible"] = True
    out.loc[idx, "cold_eligible"] = cold_family
    out.loc[idx, "few_cases"] = ~hot_support
    out.loc[idx, "value"] = y / b * PER if population is not None else y
    out.loc[idx, "local_mean"] = nb_count / nb_pop * PER if population is not None else nb_count / sizes
    with np.errstate(divide="ignore", invalid="ignore"):
        out.loc[idx, "oe_ratio"] = np.where(nb_expected > 0, nb_count / nb_expected, np.nan)
    attrs["n_hot_family"] = n
    attrs["n_cold_family"] = int(cold_family.sum())
    attrs["n_hot_evidence"] = int(hot_support.sum())
    if total <= 0:
        attrs["note"] = "no_cases"
        out.loc[idx, ["p_sim", "p_fdr", "p_used", "p_hot", "p_cold"]] = 1.0
        out.loc[idx, ["z", "z_norm", "gi"]] = 0.0
        out.loc[idx, ["class", "class_uncorrected"]] = "not_significant"
        return finish(out)

    events = max(int(round(total / phi)), 1)
    k = nb_count / phi  # the neighbourhood's cases in events of weight φ
    hot_k = np.ceil(np.maximum(k, min_support / phi) - 1e-9)
    p_hot = np.where(hot_support, stats.binom.sf(hot_k - 1, events, nb_share), 1.0)
    p_cold = np.minimum(stats.binom.cdf(np.floor(k + 1e-9), events, nb_share), 1.0)
    p_hot = np.clip(p_hot, 0.0, 1.0)
    mean = events * nb_share
    sd = np.sqrt(events * nb_share * (1 - nb_share))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (k - mean) / sd, 0.0)
        xbar, s = y.mean(), y.std()
        z_norm = (nb_count - xbar * sizes) / (s * np.sqrt((n * sizes - sizes ** 2) / (n - 1)))

    q_hot = bh_adjust(p_hot)
    q_cold = np.full(n, np.nan)
    q_cold[cold_family] = bh_adjust(p_cold[cold_family])
    use_hot = q_hot if fdr else p_hot
    use_cold = q_cold if fdr else np.where(cold_family, p_cold, np.nan)

    def classes_of(ph: np.ndarray, pc: np.ndarray) -> np.ndarray:
        ph_ = np.where(np.isnan(ph), np.inf, ph)
        pc_ = np.where(np.isnan(pc), np.inf, pc)
        direction = np.where(ph_ <= pc_, 1, -1)
        p = np.minimum(ph_, pc_)
        return _classify(direction, np.where(np.isinf(p), np.nan, p), alpha)

    direction = np.where(p_hot < p_cold, 1, np.where(p_cold < p_hot, -1, 0))
    out.loc[idx, "gi"] = nb_count / total
    out.loc[idx, "z"] = z
    out.loc[idx, "z_norm"] = np.where(np.isfinite(z_norm), z_norm, 0.0)
    out.loc[idx, "p_hot"] = p_hot
    out.loc[idx, "p_cold"] = p_cold
    out.loc[idx, "q_hot"] = q_hot
    out.loc[idx, "q_cold"] = q_cold
    out.loc[idx, "p_sim"] = np.minimum(p_hot, p_cold)
    out.loc[idx, "p_fdr"] = np.where(direction >= 0, q_hot, q_cold)
    out.loc[idx, "p_used"] = np.where(direction >= 0, use_hot, use_cold)
    out.loc[idx, "direction"] = direction
    out.loc[idx, "class"] = classes_of(use_hot, use_cold)
    out.loc[idx, "class_uncorrected"] = classes_of(p_hot, np.where(cold_family, p_cold, np.nan))
    out["direction"] = out["direction"].astype(int)
    out["n_neighbours"] = out["n_neighbours"].astype(int)
    if total < 10:
        attrs["note"] = "few_cases_total"
    return finish(out)


# --------------------------------------------------------------------------------------------------
# From store aggregates to a hotspot table
# --------------------------------------------------------------------------------------------------
def district_sums(aggregates, columns: Iterable[str] = METRICS, key: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Sum the count ``columns`` of a district aggregate (``store.aggregate_cases(by="district")``) per
    district code; also accepts a Series (index = code) of one metric, or a frame with ``code``.

    Returns (sums indexed by code with ``n_rows``/``demo_rows`` when present, info) where ``info`` has
    ``unplaced_rows``/``unplaced_cases`` (rows with no district code, e.g. placed in a 2025 commune or a
    whole province), ``periods`` and ``is_demo``. All rows of the frame are summed: pass one period.
    """
    info = {"unplaced_rows": 0, "unplaced_cases": 0, "periods": [], "is_demo": False, "provinces": set()}
    if isinstance(aggregates, pd.Series):
        s = pd.to_numeric(aggregates, errors="coerce")
        s.index = s.index.astype(str)
        name = aggregates.name if aggregates.name in METRICS else "cases"
        return s.groupby(level=0).sum(min_count=1).to_frame(name), info
    df = aggregates
    key = key or ("district_code5" if "district_code5" in df.columns else "code")
    columns = [c for c in columns if c in df.columns]
    extra = [c for c in ("n_rows", "demo_rows") if c in df.columns]
    if "period" in df.columns:
        info["periods"] = sorted(map(str, df["period"].dropna().unique()))
    if "is_demo" in df.columns:
        info["is_demo"] = bool(df["is_demo"].fillna(False).astype(bool).any())
    elif "demo_rows" in df.columns:
        info["is_demo"] = bool((pd.to_numeric(df["demo_rows"], errors="coerce").fillna(0) > 0).any())
    if "prov_code_pre2025" in df.columns:
        info["provinces"] = set(df["prov_code_pre2025"].dropna().astype(str))
    codes = df[key].astype(object).where(df[key].notna(), None)
    placed = codes.map(lambda c: c is not None and str(c).strip() != "")
    info["unplaced_rows"] = int((~placed).sum()) if "n_rows" not in df.columns else int(
        pd.to_numeric(df.loc[~placed, "n_rows"], errors="coerce").fillna(0).sum())
    if "cases" in df.columns:
        info["unplaced_cases"] = int(pd.to_numeric(df.loc[~placed, "cases"], errors="coerce").fillna(0).sum())
    sub = df.loc[placed, columns + extra].apply(pd.to_numeric, errors="coerce").astype(float)
    sub.index = codes[placed].astype(str).str.strip().to_numpy()
    sums = sub.groupby(level=0).sum(min_count=1)
    if "demo_rows" in sums.columns:
        sums["demo_rows"] = sums["demo_rows"].fillna(0).astype(int)
    if "n_rows" in sums.columns:
        sums["n_rows"] = sums["n_rows"].fillna(0).astype(int)
    return sums, info


def coverage_mask(districts, has_data: pd.Series, covered=None, data_provinces: Iterable[str] = ()) -> pd.Series:
    """Which districts the data covers (a covered district without rows counts as 0, not as no data).

    ``covered``:

    * ``None`` (default): only districts with at least one row in the data. A district with no report
      is **not** assumed to have had no case.
    * ``"all"``: the data covers the whole country (a national reporting system; the demo data).
    * ``"provinces"``: every district of each province that has at least one row (a province that
      reports, reports for all its districts).
    * a list of codes: 2-digit pre-2025 province codes and/or district codes.
    """
    codes = districts["code"].astype(str)
    has = has_data.reindex(codes.to_numpy()).fillna(False).astype(bool).to_numpy()
    if covered is None or (isinstance(covered, str) and covered == "reported"):
        mask = has
    elif isinstance(covered, str) and covered == "all":
        mask = np.ones(len(codes), dtype=bool)
    elif isinstance(covered, str) and covered == "provinces":
        provs = set(districts.loc[has, "prov_code"].astype(str)) | {str(p).zfill(2) for p in data_provinces}
        mask = districts["prov_code"].astype(str).isin(provs).to_numpy() | has
    elif isinstance(covered, str):
        raise ValueError("covered must be None, 'all', 'provinces' or a list of codes")
    else:
        items = {str(c).strip() for c in covered}
        provs = {c.zfill(2) for c in items if len(c) <= 2}
        mask = codes.isin(items).to_numpy() | districts["prov_code"].astype(str).isin(provs).to_numpy() | has
    return pd.Series(mask, index=codes.to_numpy(), name="covered")


def _population_source(layer: str) -> str:
    from geo.admin.population import source_words

    return f"{source_words(layer, 'vi')} / {source_words(layer, 'en')}"


def hotspot_table(aggregates, districts=None, metric: str = "cases", per_capita: bool = True, covered=None,
                  smooth: bool = True, permutations: int = PERMUTATIONS, seed: int = SEED, alpha: float = ALPHA,
                  fdr: bool = True, weights=None, geometry: bool = False, min_population: int = MIN_POPULATION,
                  min_support: int = MIN_SUPPORT, method: str = "constant_risk", population=None,
                  key: str | None = None, layer: str = "districts_pre2025") -> pd.DataFrame:
    """Gi* hotspot classes per unit (pre-2025 districts by default; 2025 communes with ``layer``) from
    store aggregates.

    ``method="constant_risk"`` (default): :func:`gi_constant_risk` — Gi* of the counts against the exact
    constant-risk reference, hot and cold as separate FDR families, the evidence rule inside the test, and
    a dispersion φ (:func:`dispersion`) for counts that come in clumps (victims, suspects). ``"total"`` /
    ``"conditional"``: the earlier permutation tests of the (EB-smoothed) rates (:func:`getis_ord`; kept
    for comparison in ``bench/``). ``population``: Series by code (default: the layer's population,
    :func:`geo.admin.population.population`). ``key``: the aggregate's code column (default
    ``district_code5``; ``commune_code`` for communes). With ``per_capita=False`` the counts are analysed
    without population (every unit the same weight) — the limitation must be stated.

    ``aggregates``: ``store.aggregate_cases(by="district", grain=..., filters=...)`` for **one** period
    (all rows are summed), or a Series of counts indexed by district code. ``metric``: the count analysed
    (``cases`` by default; ``victims``, ``suspects_arrested``...). ``per_capita``: rates per 100,000 people
    (2009 census) smoothed by empirical Bayes when ``smooth``; a district without a population figure or
    with fewer than ``min_population`` people is left out (``no_population``: the outpost islands
    Hoàng Sa, Trường Sa, Cồn Cỏ, Bạch Long Vĩ). ``per_capita=False`` analyses the raw counts.
    ``covered``: see :func:`coverage_mask` — by default a district with no rows is **no data**, not zero.
    ``min_support``: a hot class needs that many cases in the district and its neighbours together, a
    cold class needs that many *expected* there at the overall rate (see :func:`getis_ord`; 0 switches the
    rule off).

    Returns one row per district with ``code``, names, ``prov_code``, ``population_2009``, ``has_data``,
    ``covered``, ``no_population``, the raw count columns of the aggregate (``cases``, ``victims``, ...:
    NaN where not covered), ``count`` (the metric analysed), ``raw_rate``, ``eb_rate`` (per 100,000),
    ``value`` (what Gi* used), the Gi* columns of :func:`getis_ord`, ``demo_rows``. ``df.attrs``: settings,
    ``metric``, ``value_kind``, ``count_columns``, ``rate_columns``, ``is_demo``, ``periods``,
    ``overall_rate`` (per 100,000, of the districts analysed),
    ``unplaced_rows``/``unplaced_cases`` (rows without a district), ``unmatched_codes``,
    ``population_source`` = "dân số 2009 (Tổng điều tra 2009)". With ``geometry=True`` a GeoDataFrame.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}")
    if method not in ("constant_risk", "total", "conditional"):
        raise ValueError("method must be constant_risk, total or conditional")
    if districts is None:
        from geo.admin.cache import load_layer

        districts = _default_districts() if layer == "districts_pre2025" else load_layer(layer)
    weights = spatial_weights(districts) if weights is None else weights
    sums, info = district_sums(aggregates, key=key)
    if metric not in sums.columns:
        raise ValueError(f"the aggregates have no {metric!r} column")
    codes = districts["code"].astype(str)
    unmatched = sorted(set(sums.index) - set(codes))
    has_data = pd.Series(True, index=sums.index).reindex(codes.to_numpy()).fillna(False).astype(bool)
    cov = coverage_mask(districts, has_data, covered, info["provinces"])

    base_cols = [c for c in ("code", "name_vi", "full_name_vi", "prov_code", "prov_name_vi") if c in districts.columns]
    out = pd.DataFrame(districts[base_cols]).reset_index(drop=True)
    out["code"] = codes.to_numpy()
    if population is None and "pop_2009_odm" in districts.columns:
        pop = pd.to_numeric(districts["pop_2009_odm"], errors="coerce")
    elif population is None:
        from geo.admin.population import population as layer_population

        pop = layer_population(layer).reindex(codes.to_numpy())
    else:
        pop = pd.to_numeric(pd.Series(population), errors="coerce")
        pop.index = pop.index.astype(str)
        pop = pop.reindex(codes.to_numpy())
    out["population_2009"] = pop.to_numpy()
    out["has_data"] = has_data.to_numpy()
    out["covered"] = cov.to_numpy()
    count_cols = [c for c in METRICS if c in sums.columns]
    aligned = sums.reindex(out["code"]).reset_index(drop=True)
    for col in count_cols:
        vals = aligned[col].to_numpy(dtype=float)
        # a covered district without any row is 0; a district with rows but no figure stays unknown
        vals = np.where(out["covered"] & ~out["has_data"], 0.0, vals)
        vals = np.where(out["covered"], vals, np.nan)
        out[col] = vals
    out["count"] = out[metric]
    out["demo_rows"] = aligned["demo_rows"].fillna(0).astype(int).to_numpy() if "demo_rows" in aligned else 0
    out["no_population"] = ~(out["population_2009"] >= max(1, min_population))
    if per_capita:
        rates = eb_rates(out["count"], out["population_2009"].where(~out["no_population"]))
        out["raw_rate"] = rates["raw_rate"].to_numpy()
        out["eb_rate"] = rates["eb_rate"].to_numpy()
        out["value"] = out["eb_rate"] if smooth else out["raw_rate"]
        value_kind = "eb_rate" if smooth else "raw_rate"
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            out["raw_rate"] = np.where(out["population_2009"] > 0, out["count"] / out["population_2009"] * PER, np.nan)
        out["eb_rate"] = np.nan
        out["value"] = out["count"]
        value_kind = "count"
    values = pd.Series(out["value"].to_numpy(), index=out["code"].to_numpy())
    support = pd.Series(out["count"].to_numpy(), index=out["code"].to_numpy())
    # expected cases at the overall rate of the districts analysed (for the cold-spot evidence rule)
    analysed = out["value"].notna()
    if per_capita:
        pop_total = out.loc[analysed, "population_2009"].sum()
        rate = out.loc[analysed, "count"].sum() / pop_total if pop_total > 0 else 0.0
        expected_counts = out["population_2009"] * rate
    else:
        expected_counts = pd.Series(out.loc[analysed, "count"].mean() if analysed.any() else 0.0, index=out.index)
    expected = pd.Series(np.where(analysed, expected_counts, np.nan), index=out["code"].to_numpy())
    phi = 1.0
    if method == "constant_risk":
        if metric != "cases" and "cases" in out.columns:
            phi = dispersion(out["count"], out["cases"])
        pop_used = out["population_2009"].where(~out["no_population"]) if per_capita else None
        gi = gi_constant_risk(pd.Series(out["count"].to_numpy(), index=out["code"].to_numpy()),
                              None if pop_used is None else pd.Series(pop_used.to_numpy(), index=out["code"].to_numpy()),
                              weights, alpha=alpha, min_support=min_support, phi=phi, fdr=fdr,
                              min_population=min_population if per_capita else 0)
        gi = gi.drop(columns=["value", "count"])
    else:
        gi = getis_ord(values.reindex([str(c) for c in weights.id_order]), weights, permutations=permutations,
                       seed=seed, alpha=alpha, fdr=fdr, support=support if min_support else None,
                       expected=expected if min_support else None, min_support=min_support, method=method)
        gi = gi.drop(columns=["value"])
    gi = gi.set_index("code").reindex(out["code"]).reset_index()
    out = pd.concat([out, gi.drop(columns=["code"])], axis=1)
    out.attrs.update(gi.attrs)
    out.attrs.update({
        "metric": metric, "value_kind": value_kind, "per": PER, "per_capita": bool(per_capita),
        "smooth": bool(smooth), "covered": covered if isinstance(covered, (str, type(None))) else sorted(map(str, covered)),
        "count_columns": count_cols + ["count"] + (["neighbourhood_count"] if "neighbourhood_count" in out.columns else []),
        "rate_columns": ["raw_rate", "eb_rate", "value", "local_mean"],
        "expected_columns": ["neighbourhood_expected"] if min_support else [],
        "is_demo": bool(info["is_demo"]), "periods": info["periods"], "unplaced_rows": info["unplaced_rows"],
        "unplaced_cases": info["unplaced_cases"], "unmatched_codes": unmatched,
        "population_source": _population_source(layer), "layer": layer, "phi": phi,
        "overall_rate": float(rate * PER) if per_capita else None,
        "n_districts": len(out), "min_population": int(min_population),
        "no_population_codes": sorted(out.loc[out["no_population"], "code"]) if per_capita else [],
        "n_hot": int(out["class"].isin(HOT_CLASSES).sum()),
        "n_cold": int(out["class"].isin(COLD_CLASSES).sum()),
    })
    if geometry:
        import geopandas as gpd

        out = gpd.GeoDataFrame(out, geometry=districts.geometry.reset_index(drop=True).to_numpy(),
                               crs=districts.crs)
    return out


def rank_hotspots(table: pd.DataFrame, include_cold: bool = False) -> pd.DataFrame:
    """The hot districts of a :func:`hotspot_table` (then the cold ones with ``include_cold``), strongest
    first: 99% before 95% before 90%, then by the size of ``z``; ``rank`` starts at 1."""
    keep = HOT_CLASSES + (COLD_CLASSES if include_cold else ())
    sub = table[table["class"].isin(keep)].copy()
    sub["_side"] = np.where(sub["class"].isin(HOT_CLASSES), 0, 1)
    sub["_conf"] = -sub["class"].str.split("_").str[1].astype(int)
    sub["_z"] = -sub["z"].abs()
    sub = sub.sort_values(["_side", "_conf", "_z", "code"], kind="stable").drop(columns=["_side", "_conf", "_z"])
    sub["rank"] = np.arange(1, len(sub) + 1)
    return sub.reset_index(drop=True)


def hot_codes(table: pd.DataFrame) -> set[str]:
    """District codes classed hot (any confidence) in a :func:`hotspot_table` or :func:`getis_ord` result."""
    return set(table.loc[table["class"].isin(HOT_CLASSES), "code"].astype(str))


# --------------------------------------------------------------------------------------------------
# Plain words
# --------------------------------------------------------------------------------------------------
from geo.i18n.stats import HOTSPOT_EXPLANATION as _EXPLANATION  # noqa: E402  (strings live in geo/i18n)


def explanation(lang: str = "vi", as_markdown: bool = True):
    """Short plain-words explanation of Gi* hotspots: what they mean and what they do not.

    Markdown text by default; ``as_markdown=False`` returns the dict (``title``, ``what``, ``not``).
    """
    text = _EXPLANATION["en" if lang == "en" else "vi"]
    if not as_markdown:
        return {k: (list(v) if isinstance(v, list) else v) for k, v in text.items()}
    not_head = "Điều bản đồ này **không** nói:" if lang != "en" else "What this map does **not** say:"
    lines = [f"**{text['title']}**", ""]
    lines += [f"- {s}" for s in text["what"]]
    lines += ["", not_head, ""]
    lines += [f"- {s}" for s in text["not"]]
    return "\n".join(lines)
