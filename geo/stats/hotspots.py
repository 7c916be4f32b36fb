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
    frame = districts.reset_index(drop=True)
    builder = Rook if rook else Queen
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        contiguity = builder.from_dataframe(frame, use_index=False, silence_warnings=True)
    neighbors = {i: set(int(j) for j in contiguity.neighbors[i]) - {i} for i in range(len(codes))}
    xy = _metric_centroids(frame)
    added = _attach(neighbors, xy, island_k, connect=True)
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


def hotspot_table(aggregates, districts=None, metric: str = "cases", per_capita: bool = True, covered=None,
                  smooth: bool = True, permutations: int = PERMUTATIONS, seed: int = SEED, alpha: float = ALPHA,
                  fdr: bool = True, weights=None, geometry: bool = False, min_population: int = MIN_POPULATION,
                  min_support: int = MIN_SUPPORT) -> pd.DataFrame:
    """Gi* hotspot classes per pre-2025 district from store aggregates.

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
    districts = _default_districts() if districts is None else districts
    weights = spatial_weights(districts) if weights is None else weights
    sums, info = district_sums(aggregates)
    if metric not in sums.columns:
        raise ValueError(f"the aggregates have no {metric!r} column")
    codes = districts["code"].astype(str)
    unmatched = sorted(set(sums.index) - set(codes))
    has_data = pd.Series(True, index=sums.index).reindex(codes.to_numpy()).fillna(False).astype(bool)
    cov = coverage_mask(districts, has_data, covered, info["provinces"])

    base_cols = [c for c in ("code", "name_vi", "full_name_vi", "prov_code", "prov_name_vi") if c in districts.columns]
    out = pd.DataFrame(districts[base_cols]).reset_index(drop=True)
    out["code"] = codes.to_numpy()
    pop = pd.to_numeric(districts.get("pop_2009_odm", pd.Series(np.nan, index=districts.index)), errors="coerce")
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
    gi = getis_ord(values.reindex([str(c) for c in weights.id_order]), weights, permutations=permutations,
                   seed=seed, alpha=alpha, fdr=fdr, support=support if min_support else None,
                   expected=expected if min_support else None, min_support=min_support)
    gi = gi.drop(columns=["value"]).set_index("code").reindex(out["code"]).reset_index()
    out = pd.concat([out, gi.drop(columns=["code"])], axis=1)
    out.attrs.update(gi.attrs)
    out.attrs.update({
        "metric": metric, "value_kind": value_kind, "per": PER, "per_capita": bool(per_capita),
        "smooth": bool(smooth), "covered": covered if isinstance(covered, (str, type(None))) else sorted(map(str, covered)),
        "count_columns": count_cols + ["count"] + (["neighbourhood_count"] if min_support else []),
        "rate_columns": ["raw_rate", "eb_rate", "value", "local_mean"],
        "expected_columns": ["neighbourhood_expected"] if min_support else [],
        "is_demo": bool(info["is_demo"]), "periods": info["periods"], "unplaced_rows": info["unplaced_rows"],
        "unplaced_cases": info["unplaced_cases"], "unmatched_codes": unmatched,
        "population_source": "dân số 2009 (Tổng điều tra 2009) / 2009 census population",
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
_EXPLANATION = {
    "vi": {
        "title": "Điểm nóng thống kê (Getis-Ord Gi*) là gì?",
        "what": [
            "Một huyện được tô đỏ khi huyện đó **cùng các huyện giáp ranh** có tỷ lệ vụ việc (trên 100.000 dân) "
            "cao hơn hẳn mức chung của cả nước, cao đến mức khó xảy ra do ngẫu nhiên. Màu xanh là ngược lại: "
            "một vùng thấp hơn hẳn. Màu xám: không khác biệt rõ so với ngẫu nhiên.",
            "Kiểm định: số liệu của huyện và các huyện láng giềng được thay ngẫu nhiên bằng số liệu của các huyện "
            "khác 999 lần (hạt giống cố định nên chạy lại cho cùng kết quả), rồi so sánh với số thật.",
            "Đã hiệu chỉnh cho việc kiểm định cùng lúc hàng trăm huyện (tỷ lệ phát hiện sai – FDR): nếu không, "
            "khoảng 1 trong 10 huyện sẽ \"có ý nghĩa\" chỉ do may rủi. Một huyện đơn lẻ có số cao mà xung quanh "
            "thấp thường không thành điểm nóng.",
            "Tỷ lệ được làm trơn (Bayes thực nghiệm) để huyện ít dân không dao động quá mạnh vì 1–2 vụ.",
            "Láng giềng = huyện có chung ranh giới. Huyện đảo (Cô Tô, Bạch Long Vĩ, Côn Đảo, Phú Quốc, Lý Sơn, "
            "Hoàng Sa, Trường Sa...) được nối với huyện gần nhất.",
        ],
        "not": [
            "**Không phải bằng chứng** có mua bán người ở huyện đó, và không xếp hạng mức độ nguy hiểm.",
            "Bản đồ phản ánh **số vụ được phát hiện, báo cáo**: nơi lực lượng hoạt động mạnh có thể phát hiện "
            "nhiều hơn; nơi không có báo cáo không có nghĩa là không có vụ việc (\"không có số liệu\" khác "
            "\"bằng 0\").",
            "Dân số dùng để tính tỷ lệ là **dân số 2009** (Tổng điều tra 2009), nguồn duy nhất có cho 702 huyện; "
            "tỷ lệ ở nơi dân số tăng nhanh có thể bị thổi phồng.",
            "Số nhỏ: vài vụ có thể làm thay đổi kết quả. Với 999 lần xáo trộn, giá trị p nhỏ nhất là 0,001, nên "
            "sau hiệu chỉnh FDR chỉ những cụm lớn mới đạt mức tin cậy 99%.",
            "Điểm nóng thống kê khác \"điểm nóng\" được nêu tên trong báo cáo; xem phần so sánh hai loại.",
        ],
    },
    "en": {
        "title": "What is a statistical hotspot (Getis-Ord Gi*)?",
        "what": [
            "A district is red when it **together with the districts bordering it** has a case rate (per 100,000 "
            "people) clearly above the national level – too far above to be likely by chance. Blue is the "
            "opposite: an area clearly below. Grey: no clear difference from chance.",
            "Test: the figures of the district and its neighbours are replaced at random by those of other "
            "districts 999 times (a fixed seed, so a rerun gives the same result), then compared with the real ones.",
            "Corrected for testing hundreds of districts at once (false discovery rate, FDR): without it about 1 "
            "district in 10 would look \"significant\" by luck alone. A single high district surrounded by low "
            "ones is usually not a hotspot.",
            "Rates are smoothed (empirical Bayes) so that a small district does not swing wildly on 1–2 cases.",
            "Neighbours = districts sharing a border. Island districts (Cô Tô, Bạch Long Vĩ, Côn Đảo, Phú Quốc, "
            "Lý Sơn, Hoàng Sa, Trường Sa...) are linked to their nearest districts.",
        ],
        "not": [
            "It is **not proof** of trafficking in a district, and it does not rank danger.",
            "The map reflects **cases detected and reported**: where units are active more is found; no report "
            "does not mean no case (\"no data\" is not \"zero\").",
            "Rates use the **2009 population** (2009 census), the only figure available for all 702 districts; "
            "rates where the population has grown fast may be overstated.",
            "Small numbers: a few cases can change the result. With 999 shuffles the smallest p-value is 0.001, "
            "so after the FDR correction only large clusters reach the 99% class.",
            "A statistical hotspot is not the same as a hotspot named in a report; see the comparison of the two.",
        ],
    },
}


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
