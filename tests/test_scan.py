"""Kulldorff spatial scan (geo.stats.scan): known answers, a synthetic grid and the real 702 districts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.stats import scan as S

GRID = 20
REPS = 199


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------
def grid(n: int = GRID, spacing_m: float = 1000.0):
    ij = np.array([(i, j) for i in range(n) for j in range(n)], dtype=float)
    codes = [f"g{i:02d}{j:02d}" for i, j in ij.astype(int)]
    return codes, ij * spacing_m


def planted_block(n: int = GRID, rows=range(8, 10), cols=range(6, 10)) -> np.ndarray:
    """Positions of a compact 2 × 4 block of the grid (8 units)."""
    return np.array([i * n + j for i in rows for j in cols])


def grow(neighbors: dict, start: str, size: int, allowed: set[str], prefer: set[str], xy: dict) -> list[str]:
    """A connected set of ``size`` codes grown from ``start`` through ``neighbors`` (codes in ``prefer``
    first, then the nearest to the start)."""
    chosen = [start]
    while len(chosen) < size:
        frontier = {j for c in chosen for j in neighbors[c] if j in allowed and j not in chosen}
        if not frontier:
            raise AssertionError("the region is too small")
        x0 = xy[start]
        chosen.append(min(frontier, key=lambda j: (j not in prefer, float(np.hypot(*(xy[j] - x0))), j)))
    return chosen


@pytest.fixture(scope="module")
def grid_windows():
    codes, xy = grid()
    pop = np.full(len(codes), 1000.0)
    return codes, xy, pop, S.scan_windows(codes, xy, pop)


@pytest.fixture(scope="module")
def planted_result(grid_windows):
    codes, xy, pop, win = grid_windows
    hot = planted_block()
    rr = np.ones(len(codes))
    rr[hot] = 5.0
    counts = np.random.default_rng(7).poisson(1.0 * rr)
    return counts, hot, S.kulldorff_scan(counts, pop, win, replicates=REPS)


# --------------------------------------------------------------------------------------------------
# the statistic
# --------------------------------------------------------------------------------------------------
def test_llr_known_answer():
    # smerc's New York leukaemia example
    assert S.poisson_llr(106, 62.13, 552) == pytest.approx(14.782, abs=1e-3)


def test_llr_vectorised_and_high_rate_only():
    c = np.array([106.0, 50.0, 62.13, 552.0, 0.0])
    e = np.array([62.13, 62.13, 62.13, 500.0, 1.0])
    out = S.poisson_llr(c, e, 552.0)
    assert out.shape == (5,)
    assert out[0] == pytest.approx(14.782, abs=1e-3)
    assert out[1] == 0.0 and out[2] == 0.0 and out[4] == 0.0  # c <= E
    assert out[3] == pytest.approx(552 * np.log(552 / 500))  # c = C: the outside term is 0
    # homogeneous of degree 1: dividing everything by φ divides the LLR by φ
    assert S.poisson_llr(106 / 2, 62.13 / 2, 552 / 2) == pytest.approx(S.poisson_llr(106, 62.13, 552) / 2)


def test_expected_counts():
    e = S.expected_counts(np.array([100.0, 300.0, 0.0, np.nan]), 40)
    assert e[:2] == pytest.approx([10.0, 30.0])
    assert np.isnan(e[2]) and np.isnan(e[3])


# --------------------------------------------------------------------------------------------------
# windows
# --------------------------------------------------------------------------------------------------
def test_windows_respect_caps_and_skip_units_without_population():
    codes, xy = grid(12)
    rng = np.random.default_rng(1)
    pop = rng.lognormal(8, 1, len(codes))
    pop[[5, 40, 77]] = 0.0
    pop[90] = np.nan
    win = S.scan_windows(codes, xy, pop, max_pop_share=0.2, max_radius_km=3.0)
    valid = np.isfinite(pop) & (pop > 0)
    total = pop[valid].sum()
    n, K = win.nb.shape
    assert n == len(codes) and win.ok.shape == win.radius_km.shape == (n, K)
    for i in range(n):
        k_i = int(win.ok[i].sum())
        assert win.ok[i, :k_i].all() and not win.ok[i, k_i:].any()  # a prefix
        if not valid[i]:
            assert k_i == 0
            continue
        assert win.nb[i, 0] == i and win.radius_km[i, 0] == 0
        members = win.nb[i, :k_i]
        assert valid[members].all()  # units without population are in no window
        assert pop[members].sum() <= 0.2 * total * (1 + 1e-9)
        assert (win.radius_km[i, :k_i] <= 3.0 + 1e-9).all()
        assert (np.diff(win.radius_km[i, :k_i]) >= 0).all()
        # brute force: units with population by distance (the centre first); the window cannot grow
        dist = np.hypot(*(xy - xy[i]).T)
        dist[~valid] = np.inf
        dist[i] = -1.0
        order = np.argsort(dist, kind="stable")[: int(valid.sum())]
        grows = (np.cumsum(pop[order]) <= 0.2 * total) & (np.maximum(dist[order], 0) <= 3000.0)
        expected_k = int(np.argmin(grows)) if not grows.all() else len(order)
        assert k_i == expected_k
        assert (members == order[:k_i]).all()
        assert np.isnan(win.radius_km[i, k_i:]).all()
    bad = set(np.flatnonzero(~valid))
    assert not bad & set(win.nb[win.ok].tolist())


def test_replicate_kernel_matches_the_formula(grid_windows):
    """The lookup-table kernel gives the same replicate maxima as poisson_llr on every window."""
    codes, xy, pop, win = grid_windows
    prob = pop / pop.sum()
    events, reps, seed = 150, 20, 3
    maxima = S._replicate_maxima(win.nb.astype(np.int64), win.ok.sum(axis=1), prob, events, reps, seed, 2,
                                 workers=1)
    draws = np.random.default_rng(seed).multinomial(events, prob, size=reps)
    ew = np.cumsum((events * prob)[win.nb], axis=1)
    for r in range(reps):
        cw = np.cumsum(draws[r][win.nb], axis=1)
        llr = np.where(win.ok & (cw >= 2), S.poisson_llr(cw, ew, events), 0.0)
        assert maxima[r] == pytest.approx(llr.max(), rel=1e-9, abs=1e-9)


# --------------------------------------------------------------------------------------------------
# the scan on a synthetic grid
# --------------------------------------------------------------------------------------------------
def test_null_grid_is_rarely_significant(grid_windows):
    codes, xy, pop, win = grid_windows
    p = []
    for seed in range(10):
        counts = np.random.default_rng(100 + seed).poisson(1.0, len(codes))
        res = S.kulldorff_scan(counts, pop, win, replicates=REPS, seed=seed)
        p.append(res.clusters["p_value"].iloc[0])
    assert sum(x > 0.05 for x in p) >= 8, p


def test_planted_cluster_is_found(planted_result, grid_windows):
    codes = grid_windows[0]
    counts, hot, res = planted_result
    mlc = res.clusters.iloc[0]
    assert mlc["cluster"] == 1 and mlc["p_value"] <= 0.05 and mlc["significant"]
    assert mlc["llr"] == res.clusters["llr"].max()
    hot_codes = {codes[i] for i in hot}
    assert len(hot_codes & set(mlc["codes"])) >= 6
    assert len(hot_codes & res.significant_codes) >= 6
    assert mlc["n_units"] == len(mlc["codes"]) and mlc["centre"] == mlc["codes"][0]
    assert mlc["observed"] == pytest.approx(counts[[codes.index(c) for c in mlc["codes"]]].sum())
    assert mlc["oe_ratio"] == pytest.approx(mlc["observed"] / mlc["expected"])
    C = counts.sum()
    rr = (mlc["observed"] / mlc["expected"]) / ((C - mlc["observed"]) / (C - mlc["expected"]))
    assert mlc["relative_risk"] == pytest.approx(rr)
    assert mlc["llr"] == pytest.approx(float(S.poisson_llr(mlc["observed"], mlc["expected"], C)))
    # p-values on the Monte Carlo grid, at least 1/(R+1)
    assert (res.clusters["p_value"] >= 1 / (REPS + 1)).all()
    assert np.allclose((res.clusters["p_value"] * (REPS + 1)) % 1, 0, atol=1e-6)
    assert res.attrs["min_p"] == pytest.approx(1 / (REPS + 1))
    assert list(res.clusters.columns) == list(S.CLUSTER_COLUMNS)


def test_secondary_clusters_never_overlap(planted_result):
    _, _, res = planted_result
    seen: set[str] = set()
    assert len(res.clusters) > 1
    for members in res.clusters["codes"]:
        assert not seen & set(members)
        seen |= set(members)
    assert (np.diff(res.clusters["llr"].to_numpy()) <= 1e-12).all()
    assert res.clusters["cluster"].tolist() == list(range(1, len(res.clusters) + 1))
    # the units table agrees with the clusters table
    units = res.units
    for _, row in res.clusters.iterrows():
        assert (units.loc[list(row["codes"]), "cluster"] == row["cluster"]).all()
        assert (units.loc[list(row["codes"]), "p_value"] == row["p_value"]).all()
    assert (units["cluster"] > 0).sum() == res.clusters["n_units"].sum()


def test_same_seed_same_result(grid_windows, planted_result):
    codes, xy, pop, win = grid_windows
    counts, _, res = planted_result
    again = S.kulldorff_scan(counts, pop, win, replicates=REPS)
    pd.testing.assert_frame_equal(res.clusters, again.clusters)
    pd.testing.assert_frame_equal(res.units, again.units)


def test_dispersion_halves_the_llr(grid_windows, planted_result):
    codes, xy, pop, win = grid_windows
    counts, _, res = planted_result
    res2 = S.kulldorff_scan(counts, pop, win, replicates=REPS, dispersion=2.0)
    a, b = res.clusters.iloc[0], res2.clusters.iloc[0]
    assert a["codes"] == b["codes"]
    assert b["llr"] == pytest.approx(a["llr"] / 2)
    assert b["observed"] == a["observed"] and b["expected"] == pytest.approx(a["expected"])  # original units
    assert res2.attrs["replicate_events"] == round(counts.sum() / 2)
    assert b["p_value"] >= a["p_value"]
    with pytest.raises(ValueError):
        S.kulldorff_scan(counts, pop, win, dispersion=0.5)


def test_missing_counts_and_population(grid_windows):
    codes, xy, pop, win = grid_windows
    counts = pd.Series(np.random.default_rng(2).poisson(1.0, len(codes)), index=codes, dtype=float)
    counts.iloc[3] = np.nan
    counts = counts.drop(codes[10])  # absent = no data
    pop2 = pop.copy()
    pop2[20] = 0.0
    res = S.kulldorff_scan(counts, pop2, win, replicates=19)
    u = res.units
    assert list(u.index) == codes
    for i in (3, 10, 20):
        assert u["cluster"].iloc[i] == 0 and np.isnan(u["expected"].iloc[i])
    assert np.isnan(u["observed"].iloc[3]) and np.isnan(u["observed"].iloc[10])
    assert u["expected"].sum() == pytest.approx(res.attrs["total"])
    assert res.attrs["total"] == pytest.approx(counts.drop(codes[3]).sum() - counts[codes[20]])
    assert codes[3] in res.attrs["no_data_codes"] and codes[20] in res.attrs["no_population_codes"]
    for members in res.clusters["codes"]:
        assert not {codes[3], codes[10], codes[20]} & set(members)


def test_edge_cases(grid_windows):
    codes, xy, pop, win = grid_windows
    n = len(codes)
    for counts in (np.zeros(n), np.eye(1, n, 5).ravel()):
        res = S.kulldorff_scan(counts, pop, win, replicates=9)
        assert res.attrs["note"] == "too_few_cases" and res.clusters.empty
        assert list(res.clusters.columns) == list(S.CLUSTER_COLUMNS)
        assert (res.units["cluster"] == 0).all() and not res.units["in_significant_cluster"].any()
    res = S.kulldorff_scan(np.full(n, np.nan), pop, win, replicates=9)
    assert res.attrs["note"] == "no_data" and res.clusters.empty
    nopop = S.scan_windows(codes, xy, np.zeros(n))
    assert nopop.n_windows == 0
    res = S.kulldorff_scan(np.ones(n), None, nopop, replicates=9)
    assert res.attrs["note"] == "no_population" and res.clusters.empty
    one = S.scan_windows(["a"], [[0.0, 0.0]], [10.0], max_pop_share=1.0)
    res = S.kulldorff_scan([5], [10.0], one, replicates=9)
    assert res.clusters.empty or res.clusters["llr"].iloc[0] == 0  # one unit: no high-rate window
    res = S.kulldorff_scan([5], [10.0], S.scan_windows(["a"], [[0.0, 0.0]], [10.0]), replicates=9)
    assert res.attrs["note"] == "no_windows"  # a single unit holds 100% > the 10% cap
    res = S.kulldorff_scan(np.ones(n) * 3, pop, win, replicates=0)
    assert res.clusters.empty or res.clusters["p_value"].isna().all()


# --------------------------------------------------------------------------------------------------
# the real 702 districts
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def districts():
    from geo.admin.cache import load_layer
    from geo.stats import hotspots

    d = load_layer("districts_pre2025")
    w = hotspots.spatial_weights(d)
    codes = [str(c) for c in w.id_order]
    frame = d.assign(code=d["code"].astype(str)).set_index("code").loc[codes]
    pop = pd.to_numeric(frame["pop_2009_odm"], errors="coerce").to_numpy(float)
    return frame, w, codes, pop, S.scan_windows(codes, w.xy, pop)


def test_real_districts_planted_nghe_an(districts):
    frame, w, codes, pop, win = districts
    assert len(codes) == 702
    # Hoàng Sa (no population) is in no window
    nopop = np.flatnonzero(~(pop > 0))
    assert len(nopop) >= 1 and not set(nopop) & set(win.nb[win.ok].tolist())
    start = frame.index[(frame["prov_code"].astype(str) == "40") & frame["name_vi"].str.contains("Kỳ Sơn")][0]
    nghe_an = set(frame.index[frame["prov_code"].astype(str) == "40"])
    laos = set(frame.index[frame["touches_laos"].fillna(False).astype(bool)])
    xy = dict(zip(codes, np.asarray(w.xy)))
    hot = grow(w.neighbors, start, 8, nghe_an, laos, xy)
    assert len(set(hot)) == 8
    e = np.nan_to_num(S.expected_counts(pop, 600))
    rr = np.where(np.isin(codes, hot), 5.0, 1.0)
    found = []
    for seed in (11, 12):
        counts = np.random.default_rng(seed).poisson(e * rr)
        res = S.kulldorff_scan(pd.Series(counts, index=codes), pop, win, replicates=299)
        assert res.clusters["significant"].iloc[0]
        assert set(res.clusters["codes"].iloc[0]) & set(hot)
        found.append(len(set(hot) & res.significant_codes))
        assert res.attrs["n_units"] == 701 and res.attrs["excluded_cases"] == 0
    assert min(found) >= 6, found


def test_real_districts_null_rarely_flags(districts):
    frame, w, codes, pop, win = districts
    e = np.nan_to_num(S.expected_counts(pop, 600))
    flagged = 0
    for seed in range(4):
        counts = np.random.default_rng(500 + seed).poisson(e)
        res = S.kulldorff_scan(counts, pop, win, replicates=199, seed=seed)
        flagged += bool(res.attrs["n_significant"])
    assert flagged <= 1
