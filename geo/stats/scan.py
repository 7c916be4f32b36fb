"""Kulldorff's spatial scan statistic, discrete Poisson model, high rates only (as SaTScan does it).

Method: Kulldorff M. (1997) "A spatial scan statistic", Commun. Stat. Theory Methods 26(6):1481–1496
(doi:10.1080/03610929708831995); SaTScan User Guide (v10.0), "Discrete Poisson model", "Likelihood ratio
test", "Secondary clusters". Cross-checked against R ``smerc::scan.test`` / ``scan.stat`` and
``SpatialEpi::kulldorff`` (same statistic; smerc's New York leukaemia example c = 106, E = 62.13, C = 552
gives LLR 14.782, a unit test). No maintained Python package implements it; this is numpy (+ scipy) only.

Decisions, units, CRS:

* **Windows** (:func:`scan_windows`): circles centred on each unit's centroid (projected coordinates in
  metres, e.g. :data:`geo.admin.boundaries.METRIC_CRS` UTM 48N; radii reported in km). Window (i, k) holds
  the k + 1 units nearest to centre i (i first; equal distances broken by input order). A window is allowed
  while its population is at most :data:`MAX_POP_SHARE` of the population at risk (the *scanning maximum*;
  SaTScan's default is 50 %, 10 % is used here to keep clusters local and the scan fast) and, optionally,
  its radius is at most ``max_radius_km``. A single unit above the cap forms no window. Units with a
  population ≤ 0 or missing are left out of every window and are never a centre: they cannot carry
  expected cases (their cases, if any, are left out of the total; ``attrs["excluded_cases"]``).
* **Statistic**: with c, E inside the window and C in total, LLR = c·ln(c/E) + (C−c)·ln((C−c)/(C−E)) when
  c > E, else 0 (:func:`poisson_llr`). Expected counts E_i = C·P_i/ΣP over the units analysed
  (:func:`expected_counts`), so ΣE = C. A high-rate window needs at least :data:`MIN_CASES` cases
  (SaTScan's default minimum of 2).
* **Inference**: :data:`REPLICATES` Monte Carlo replicates, each placing exactly round(C) cases
  multinomially with probabilities E_i/C (numpy ``default_rng(seed).multinomial``, seed :data:`SEED`),
  rescanning every window and keeping the maximum LLR. p = (1 + #{replicate maxima ≥ LLR})/(R + 1), so
  p ≥ 1/(R + 1) (0.001 with 999). Every reported cluster, secondary ones included, is ranked against the
  same replicate maxima (SaTScan's convention: secondary p-values are conservative).
* **Clusters reported**: the most likely cluster (MLC, ``cluster`` = 1), then windows taken by decreasing
  LLR that share no unit with any cluster kept before (SaTScan ``NOGEOOVERLAP``, "no geographical
  overlap"), at most ``max_clusters``. Non-significant ones are reported too (``significant`` False).
* **Over-dispersion** (``dispersion`` φ ≥ 1, quasi-Poisson): for victim counts, where one case can bring
  many victims, observed and expected counts are divided by φ before the LLR (the LLR is divided by φ) and
  replicates draw round(C/φ) events; reported ``observed``/``expected`` stay in the original units.
  φ = 1 is the ordinary Poisson scan.
* **No data is not zero**: a missing (NaN) count leaves the unit out (no data): it is in no window, its
  population is not at risk, and the windows are rebuilt without it.

Computation: for each replicate the cases of all windows come from running sums along each centre's
neighbour list (O(n·K) per replicate, K = longest window, as SpatialEpi's ``computeAllLogLkhd``), done
level by level over k for a block of replicates at once, with an integer x·ln x lookup table, int16/int32
counts and float64 likelihoods. Memory stays at a few tens of MB. Deterministic for a given seed.

Outputs: :class:`ScanResult` with ``clusters`` and ``units`` (pandas) and ``attrs`` (settings, totals,
``note``); the same ``attrs`` are on both frames (``df.attrs``). ``observed`` columns are raw counts (for
the exporter's small-count protection), listed in ``attrs["count_columns"]``. Nothing here prints.
This module never imports Streamlit.
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MAX_POP_SHARE = 0.10  # scanning maximum: share of the population at risk in a window
REPLICATES = 999
SEED = 12345
MIN_CASES = 2  # SaTScan's minimum cases in a high-rate cluster
ALPHA = 0.05
#: replicate blocks are sized so that one block's (centres × replicates) arrays hold about this many cells
_BLOCK_CELLS = 200_000
#: relative tolerance when comparing a replicate maximum with an observed LLR (float rounding)
_TIE_RTOL = 1e-9

CLUSTER_COLUMNS = ("cluster", "centre", "codes", "n_units", "radius_km", "observed", "expected", "oe_ratio",
                   "relative_risk", "llr", "p_value", "significant")
UNIT_COLUMNS = ("cluster", "p_value", "in_significant_cluster", "observed", "expected")


@dataclass(frozen=True, eq=False)
class ScanWindows:
    """The fixed geometry of all circular windows (independent of the counts; cache and reuse it).

    ``nb[i, k]``: position (in ``codes``) of the k-th nearest unit to centre i (i itself first);
    ``ok[i, k]``: window (i, k) = the first k + 1 units of row i is allowed (within the caps; always a
    prefix of the row); ``radius_km[i, k]``: distance of that unit's centroid from centre i. Beyond a
    centre's last window ``nb`` repeats the centre and ``radius_km`` is NaN. Rows of units without
    population are all ``ok`` False. ``xy_m`` and ``population`` are the inputs (kept to rebuild
    the windows when some counts are missing).
    """

    codes: tuple[str, ...]
    nb: np.ndarray
    ok: np.ndarray
    radius_km: np.ndarray
    max_pop_share: float
    max_radius_km: float | None
    xy_m: np.ndarray = field(repr=False, default=None)
    population: np.ndarray = field(repr=False, default=None)

    @property
    def n_windows(self) -> int:
        return int(self.ok.sum())

    @property
    def sizes(self) -> np.ndarray:
        """Number of allowed windows per centre (K_i)."""
        return self.ok.sum(axis=1)


@dataclass
class ScanResult:
    """Result of :func:`kulldorff_scan`: ``clusters`` (one row per reported cluster, MLC first), ``units``
    (one row per input code) and ``attrs`` (settings, totals, ``note``)."""

    clusters: pd.DataFrame
    units: pd.DataFrame
    attrs: dict

    @property
    def significant_codes(self) -> set[str]:
        return set(self.units.index[self.units["in_significant_cluster"]])


def _valid_population(population) -> np.ndarray:
    pop = np.asarray(pd.to_numeric(pd.Series(np.asarray(population, dtype=object).ravel()), errors="coerce"),
                     dtype=float)
    return np.where(np.isfinite(pop) & (pop > 0), pop, np.nan)


def scan_windows(codes, xy_m, population, max_pop_share: float = MAX_POP_SHARE,
                 max_radius_km: float | None = None) -> ScanWindows:
    """All circular windows: for each unit with population, its nearest units up to the caps.

    ``codes``: unit codes; ``xy_m``: (n, 2) projected centroids in metres, same order; ``population``:
    population at risk per unit (array or Series in the same order). Units with population ≤ 0 or missing
    are in no window and centre none. ``max_pop_share`` (0 < share ≤ 1) of the total population of the
    units with population; ``max_radius_km`` optional radius cap (km).
    """
    codes = tuple(str(c) for c in codes)
    n = len(codes)
    if len(set(codes)) != n:
        raise ValueError("unit codes must be unique")
    xy = np.asarray(xy_m, dtype=float).reshape(n, 2) if n else np.zeros((0, 2))
    if isinstance(population, pd.Series) and set(codes) <= set(population.index.astype(str)):
        population = population.set_axis(population.index.astype(str)).reindex(list(codes))
    pop = _valid_population(population)
    if len(pop) != n:
        raise ValueError("population must have one value per code")
    if not 0 < max_pop_share <= 1:
        raise ValueError("max_pop_share must be in (0, 1]")
    valid = np.flatnonzero(~np.isnan(pop) & np.isfinite(xy).all(axis=1))
    m = len(valid)
    cap = max_pop_share * (pop[valid].sum() if m else 0.0) * (1 + 1e-12)
    rmax = np.inf if max_radius_km is None else float(max_radius_km) * 1000.0 * (1 + 1e-12)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # (rows, nearest units, distances) per chunk
    sizes = np.zeros(m, dtype=np.int64)
    vxy, vpop = xy[valid], pop[valid]
    chunk = max(1, 1_000_000 // max(m, 1))
    for s in range(0, m, chunk):
        d = np.hypot(vxy[s:s + chunk, None, 0] - vxy[None, :, 0], vxy[s:s + chunk, None, 1] - vxy[None, :, 1])
        rows = np.arange(s, min(s + chunk, m))
        d[np.arange(len(rows)), rows] = -1.0  # the centre first, whatever the ties
        order = np.argsort(d, axis=1, kind="stable")
        dist = np.take_along_axis(d, order, axis=1)
        dist[:, 0] = 0.0
        within = (np.cumsum(vpop[order], axis=1) <= cap) & (dist <= rmax)
        # a prefix: stop at the first unit that breaks a cap
        k = np.where(within.all(axis=1), m, np.argmin(within, axis=1))
        sizes[rows] = k
        kc = int(k.max())
        parts.append((rows, order[:, :kc].astype(np.int32), dist[:, :kc]))
        del d, order, dist, within
    K = int(sizes.max()) if m else 0
    # beyond a centre's last window: nb repeats the centre, radius_km is NaN, ok is False
    nb = np.repeat(np.arange(n, dtype=np.int32)[:, None], K, axis=1)
    radius = np.full((n, K), np.nan)
    ok = np.zeros((n, K), dtype=bool)
    for rows, order, dist in parts:
        kc = order.shape[1]
        if not kc:
            continue
        inside = np.arange(kc)[None, :] < sizes[rows, None]
        g = valid[rows]
        nb[g, :kc] = np.where(inside, valid[order], g[:, None])
        radius[g, :kc] = np.where(inside, dist / 1000.0, np.nan)
        ok[g, :kc] = inside
    return ScanWindows(codes=codes, nb=nb, ok=ok, radius_km=radius, max_pop_share=float(max_pop_share),
                       max_radius_km=None if max_radius_km is None else float(max_radius_km), xy_m=xy,
                       population=pop)


def poisson_llr(c, e, total) -> np.ndarray:
    """High-rate Poisson log-likelihood ratio, elementwise: c·ln(c/E) + (C−c)·ln((C−c)/(C−E)) where c > E,
    else 0 (the second term is 0 when c = C). ``c``, ``e``: cases and expected cases in the window,
    ``total``: C (ΣE = C)."""
    c, e, total = np.broadcast_arrays(np.asarray(c, dtype=float), np.asarray(e, dtype=float),
                                      np.asarray(total, dtype=float))
    high = (c > e) & (e > 0) & (c <= total)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = total - c
        inside = c * np.log(c / e)
        outside = np.where(rest > 0, rest * np.log(rest / (total - e)), 0.0)
        out = np.where(high, inside + outside, 0.0)
    return out if out.ndim else out[()]


def expected_counts(population, total) -> np.ndarray:
    """E_i = C·P_i/ΣP over the units with population > 0 (NaN for the others: they carry no expectation)."""
    pop = _valid_population(population)
    s = np.nansum(pop)
    if not s > 0:
        return np.full(len(pop), np.nan)
    return float(total) * pop / s


def _xlogx_table(total: int) -> np.ndarray:
    """G[x] = x·ln x + (C−x)·ln(C−x) for x = 0..C (0·ln 0 = 0)."""
    x = np.arange(total + 1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(x > 0, x * np.log(x), 0.0)
    return t + t[::-1]


def _replicate_maxima(nb_c: np.ndarray, sizes: np.ndarray, prob: np.ndarray, events: int, replicates: int,
                      seed: int, min_events: int, workers: int = 2) -> np.ndarray:
    """Maximum LLR over all windows for each Monte Carlo replicate.

    ``nb_c``: (n_c, K) compact unit positions (0..len(prob)-1) of the centres that have windows,
    ``sizes``: their K_i ≥ 1; ``prob``: multinomial probabilities (ΣE = events); ``events``: cases placed
    per replicate; ``min_events``: minimum cases in a high-rate window.
    """
    order = np.argsort(-sizes, kind="stable")
    sizes = sizes[order]
    nb_c = nb_c[order]
    K = int(sizes[0])
    nbT = np.ascontiguousarray(nb_c[:, :K].T)  # (K, n_c)
    n_at = np.searchsorted(-sizes, -np.arange(1, K + 1), side="right")  # centres with K_i > k, k = 0..K-1
    # expected events in every window and the fixed parts of the likelihood
    ew = np.cumsum(events * prob[nbT], axis=0)  # (K, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        rest = events - ew
        cb = np.where(rest > 0, events * np.log(rest), 0.0)
        d = np.where(rest > 0, np.log(ew) - np.log(rest), 0.0)
    thr = np.maximum(np.floor(ew) + 1, min_events)
    thr = np.where(rest > 1e-9 * events, thr, events + 1)  # a window holding everything is never high-rate
    dtype = np.int16 if events < np.iinfo(np.int16).max else np.int32
    thr = np.minimum(thr, events + 1).astype(dtype)
    table = _xlogx_table(events)

    rng = np.random.default_rng(seed)
    n_c = nb_c.shape[0]
    block = int(max(8, min(replicates, _BLOCK_CELLS // max(n_c, 1))))
    starts = list(range(0, replicates, block))
    # draws in a fixed order (one stream, independent of the threads)
    draws = [np.ascontiguousarray(rng.multinomial(events, prob, size=min(block, replicates - s)).T.astype(dtype))
             for s in starts]

    def run(cnt: np.ndarray) -> np.ndarray:
        b = cnt.shape[1]
        c = np.zeros((n_c, b), dtype=dtype)
        gathered = np.empty((n_c, b), dtype=dtype)
        tmp = np.empty((n_c, b))
        high = np.empty((n_c, b), dtype=bool)
        best = np.zeros(b)
        for k in range(K):
            m = n_at[k]
            ck = c[:m]
            np.take(cnt, nbT[k, :m], axis=0, out=gathered[:m])
            ck += gathered[:m]
            v = table[ck]  # fancy indexing: much faster than np.take(..., out=) with int16 indices
            np.multiply(ck, d[k, :m, None], out=tmp[:m])
            v -= tmp[:m]
            v -= cb[k, :m, None]
            np.greater_equal(ck, thr[k, :m, None], out=high[:m])
            v *= high[:m]  # windows that are not high-rate (or below the minimum cases) count 0
            np.maximum(best, v.max(axis=0), out=best)
        return best

    if workers > 1 and len(draws) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(pool.map(run, draws))
    else:
        parts = [run(cnt) for cnt in draws]
    out = np.concatenate(parts) if parts else np.zeros(0)
    return out


def _empty_clusters() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        CLUSTER_COLUMNS, (int, object, object, int, float, float, float, float, float, float, float, bool))})


def _aligned(values, codes: tuple[str, ...], name: str) -> np.ndarray:
    if isinstance(values, pd.Series):
        s = pd.to_numeric(values, errors="coerce").astype(float)
        s.index = s.index.astype(str)
        if s.index.duplicated().any():
            raise ValueError(f"{name}: duplicate codes")
        return s.reindex(list(codes)).to_numpy()
    arr = np.asarray(pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce"),
                     dtype=float)
    if len(arr) != len(codes):
        raise ValueError(f"{name} must have one value per code ({len(codes)})")
    return arr


def kulldorff_scan(counts, population, windows: ScanWindows, replicates: int = REPLICATES, seed: int = SEED,
                   min_cases: int = MIN_CASES, alpha: float = ALPHA, max_clusters: int = 10,
                   dispersion: float = 1.0) -> ScanResult:
    """Kulldorff's Poisson spatial scan (high rates) with Monte Carlo inference.

    ``counts``: cases per unit, a Series indexed by code (codes absent = no data) or an array in the
    order of ``windows.codes``; NaN = no data (the unit is left out). ``population``: population at risk,
    same conventions (None: the population the windows were built with). ``windows``: from
    :func:`scan_windows` (reuse it across calls). ``dispersion`` φ ≥ 1: quasi-Poisson scaling (see the
    module docstring). Returns a :class:`ScanResult`.
    """
    started = time.perf_counter()
    if dispersion < 1 or not np.isfinite(dispersion):
        raise ValueError("dispersion must be a finite number ≥ 1")
    if replicates < 0:
        raise ValueError("replicates must be ≥ 0")
    codes = windows.codes
    n = len(codes)
    cnt = _aligned(counts, codes, "counts")
    if np.nanmin(np.append(cnt, 0.0)) < 0:
        raise ValueError("counts must not be negative")
    pop = windows.population if population is None else _valid_population(_aligned(population, codes, "population"))
    has_pop = ~np.isnan(pop)
    has_data = ~np.isnan(cnt)
    use = has_pop & has_data
    attrs: dict = {
        "method": "Kulldorff spatial scan, discrete Poisson, high rates (SaTScan conventions)",
        "replicates": int(replicates), "seed": int(seed), "max_pop_share": windows.max_pop_share,
        "max_radius_km": windows.max_radius_km, "min_cases": int(min_cases), "alpha": float(alpha),
        "dispersion": float(dispersion), "min_p": 1.0 / (replicates + 1), "n_units": int(use.sum()),
        "n_input": n, "no_data_codes": [codes[i] for i in np.flatnonzero(~has_data)],
        "no_population_codes": [codes[i] for i in np.flatnonzero(~has_pop)],
        "excluded_cases": float(np.nansum(np.where(has_pop, 0.0, cnt))),
        "secondary_overlap": "none (NOGEOOVERLAP)", "count_columns": ["observed"],
        "expected_columns": ["expected"], "note": None,
    }
    # windows without the units that have no data (the population cap is a share of what remains)
    population_changed = population is not None and not np.array_equal(
        np.nan_to_num(pop, nan=-1.0), np.nan_to_num(windows.population, nan=-1.0))
    if (~use & has_pop).any() or population_changed:
        if windows.xy_m is None:
            raise ValueError("these windows cannot be rebuilt (no xy_m); build them with scan_windows")
        windows = scan_windows(codes, windows.xy_m, np.where(use, pop, np.nan), windows.max_pop_share,
                               windows.max_radius_km)
    total = float(np.nansum(np.where(use, cnt, 0.0)))
    expected = np.where(use, expected_counts(np.where(use, pop, np.nan), total), np.nan) if use.any() \
        else np.full(n, np.nan)
    attrs.update({"total": total, "n_windows": windows.n_windows})

    units = pd.DataFrame({"cluster": np.zeros(n, dtype=int), "p_value": np.full(n, np.nan),
                          "in_significant_cluster": np.zeros(n, dtype=bool), "observed": cnt,
                          "expected": expected}, index=pd.Index(codes, name="code"))
    clusters = _empty_clusters()

    def finish(note: str | None = None) -> ScanResult:
        attrs["note"] = note
        attrs["elapsed_s"] = time.perf_counter() - started
        attrs["n_clusters"] = len(clusters)
        attrs["n_significant"] = int(clusters["significant"].sum()) if len(clusters) else 0
        clusters.attrs.update(attrs)
        units.attrs.update(attrs)
        return ScanResult(clusters=clusters, units=units, attrs=attrs)

    if not has_data.any():
        return finish("no_data")
    if not (has_pop & has_data).any():
        return finish("no_population")
    if total <= 0 or total < min_cases:
        return finish("too_few_cases")
    if windows.n_windows == 0:
        return finish("no_windows")

    phi = float(dispersion)
    c_s = np.where(use, cnt, 0.0) / phi
    e_s = np.where(use, expected, 0.0) / phi
    total_s = total / phi
    ok = windows.ok
    nb = windows.nb
    K = ok.shape[1]
    # observed LLR of every window (float64; counts may be non-integer after dividing by φ)
    cw = np.cumsum(c_s[nb], axis=1)
    ew = np.cumsum(e_s[nb], axis=1)
    raw_cw = cw * phi
    llr = np.where(ok & (raw_cw >= min_cases - 1e-9), poisson_llr(cw, ew, total_s), 0.0)

    # clusters: walk windows by decreasing LLR, no unit shared with an earlier one
    kept: list[tuple[int, int]] = []
    avail = llr > 0
    used = np.zeros(n, dtype=bool)
    kk = np.arange(K)[None, :]
    while len(kept) < max_clusters and avail.any():
        flat = np.flatnonzero(avail)
        vals = llr.ravel()[flat]
        top = vals.max()
        tied = flat[vals >= top - 1e-12 * max(1.0, abs(top))]
        ti, tk = np.divmod(tied, K)
        pick = np.lexsort((ti, tk))[0]  # ties: fewer units, then the first centre
        i, k = int(ti[pick]), int(tk[pick])
        kept.append((i, k))
        used[nb[i, :k + 1]] = True
        hit = used[nb]
        first = np.where(hit.any(axis=1), np.argmax(hit, axis=1), K)
        avail &= kk < first[:, None]

    # Monte Carlo
    maxima = np.zeros(0)
    if replicates > 0 and kept:
        centres = np.flatnonzero(ok[:, 0])
        pos = np.full(n, -1, dtype=np.int64)
        members = np.flatnonzero(use)
        pos[members] = np.arange(len(members))
        nb_c = pos[nb[centres]]
        nb_c[nb_c < 0] = 0  # only beyond K_i (never used)
        prob = expected[members] / expected[members].sum()
        events = int(round(total_s))
        min_events = int(np.ceil(min_cases / phi - 1e-9))
        if events >= max(1, min_events):
            maxima = _replicate_maxima(nb_c, ok[centres].sum(axis=1), prob, events, replicates, seed,
                                       max(min_events, 1))
        else:
            maxima = np.zeros(replicates)
        attrs["replicate_events"] = events
        attrs["replicate_max_llr_quantiles"] = {q: float(np.quantile(maxima, q)) for q in (0.5, 0.95, 0.99)}

    rows = []
    for rank, (i, k) in enumerate(kept, start=1):
        mem = nb[i, :k + 1]
        obs = float(np.sum(cnt[mem]))
        exp = float(np.sum(expected[mem]))
        value = float(llr[i, k])
        if len(maxima):
            p = (1 + int(np.sum(maxima >= value * (1 - _TIE_RTOL)))) / (len(maxima) + 1)
        else:
            p = np.nan
        rest_o, rest_e = total - obs, total - exp
        rr = (obs / exp) / (rest_o / rest_e) if rest_o > 0 and rest_e > 0 else np.inf
        rows.append({"cluster": rank, "centre": codes[i], "codes": tuple(codes[j] for j in mem),
                     "n_units": int(k + 1), "radius_km": float(windows.radius_km[i, k]), "observed": obs,
                     "expected": exp, "oe_ratio": obs / exp, "relative_risk": rr, "llr": value, "p_value": p,
                     "significant": bool(p <= alpha) if np.isfinite(p) else False})
        units.iloc[mem, units.columns.get_loc("cluster")] = rank
        units.iloc[mem, units.columns.get_loc("p_value")] = p
        units.iloc[mem, units.columns.get_loc("in_significant_cluster")] = rows[-1]["significant"]
    if rows:
        clusters = pd.DataFrame(rows, columns=list(CLUSTER_COLUMNS))
    return finish(None)
