"""Hotspot statistics with known answers, on the real 702 pre-2025 districts (issue 14): the calibrated
Gi* (exact constant-risk reference, two FDR families, the evidence rule inside the test, dispersion for
clumped counts), Gi* and Kulldorff's scan together (a null flags nothing; a strong planted cluster is
found by both), and the hotspot page's scan/agreement/2025-commune views for a protected viewer."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from geo.stats import clusters as CL
from geo.stats import hotspots as H

KY_SON = "40417"
VOLUME = 600  # expected cases nationally (≈ a year of a real national reporting system)


@pytest.fixture(scope="module")
def population(districts):
    pop = pd.to_numeric(districts["pop_2009_odm"], errors="coerce")
    return pd.Series(pop.to_numpy(), index=districts["code"].astype(str))


def _expected(population, total=VOLUME):
    p = population.where(population >= H.MIN_POPULATION, 0).fillna(0)
    return total * p / p.sum()


def _cluster(w, start=KY_SON, size=8):
    """``size`` contiguous districts from ``start``, breadth first."""
    chosen, queue = [start], [start]
    while queue and len(chosen) < size:
        for j in w.neighbors[queue.pop(0)]:
            if j not in chosen and len(chosen) < size:
                chosen.append(j)
                queue.append(j)
    return chosen


def _hot95(table) -> set[str]:
    return set(table.loc[table["class"].isin(("hot_99", "hot_95")), "code"].astype(str))


def test_gi_null_maps_flag_nothing(w, population):
    """Constant risk everywhere: no district hot or cold at 95% in any of 8 maps, at 60 and 600 cases."""
    rng = np.random.default_rng(2026)
    for total in (60, VOLUME):
        e = _expected(population, total)
        for _ in range(4):
            counts = pd.Series(rng.poisson(e), index=e.index)
            t = H.gi_constant_risk(counts, population, w)
            flagged = t["class"].isin(("hot_99", "hot_95", "cold_99", "cold_95"))
            assert not flagged.any(), t.loc[flagged, ["code", "count", "neighbourhood_count", "p_hot", "q_hot"]]


def test_gi_p_values_are_exact_binomial_and_families_are_separate(w, population):
    rng = np.random.default_rng(7)
    counts = pd.Series(rng.poisson(_expected(population)), index=population.index)
    t = H.gi_constant_risk(counts, population, w).set_index("code")
    assert t.attrs["method"] == "constant_risk"
    row = t.loc[KY_SON]
    tested = t[t["class"] != "not_tested"]
    share = row["neighbourhood_expected"] / tested["count"].sum()
    n = int(tested["count"].sum())
    k = int(row["neighbourhood_count"])
    if k >= H.MIN_SUPPORT:
        assert row["p_hot"] == pytest.approx(stats.binom.sf(k - 1, n, share), rel=1e-6)
    assert row["p_cold"] == pytest.approx(stats.binom.cdf(k, n, share), rel=1e-6)
    # the hot family is every tested district; the cold family only where ≥ 3 cases were expected
    assert t.attrs["n_hot_family"] == len(tested)
    cold = tested[tested["cold_eligible"]]
    assert (cold["neighbourhood_expected"] >= H.MIN_SUPPORT).all()
    assert tested.loc[~tested["cold_eligible"], "q_cold"].isna().all()
    assert np.allclose(cold["q_cold"], H.bh_adjust(cold["p_cold"]))
    assert np.allclose(tested["q_hot"], H.bh_adjust(tested["p_hot"]))
    # p-values finer than any Monte Carlo floor are resolved
    planted = counts.copy()
    planted[_cluster(w)] += 12
    strong = H.gi_constant_risk(planted, population, w)
    assert strong["p_hot"].min() < 1e-6


def test_evidence_rule_is_inside_the_test(w, population):
    """Two cases in a tiny-population neighbourhood are far above expectation but can never be hot (p = 1);
    a quiet district where fewer than 3 cases were expected is never cold."""
    e = _expected(population, 40)
    counts = pd.Series(np.round(e).astype(float), index=e.index)
    counts[:] = 0
    counts[KY_SON] = 2
    t = H.gi_constant_risk(counts, population, w).set_index("code")
    assert t.loc[KY_SON, "few_cases"] and t.loc[KY_SON, "p_hot"] == 1.0
    assert not t["class"].str.startswith("hot").any()
    assert not t.loc[~t["cold_eligible"], "class"].str.startswith("cold").any()


def test_dispersion_of_clumped_counts():
    cases = np.array([1, 2, 0, 3, 5, 1, 4, 2], dtype=float)
    assert H.dispersion(cases, cases) == 1.0  # the case count itself
    assert H.dispersion(3 * cases, cases) == pytest.approx(3.0)  # every case has exactly 3 victims
    varied = np.array([1, 7, 0, 3, 15, 2, 9, 4], dtype=float)
    assert H.dispersion(varied, cases) > H.dispersion(2 * cases, cases) - 1e-9 or H.dispersion(varied, cases) >= 1


def test_a_strong_planted_cluster_is_found_by_both_methods(w, population):
    """Eight contiguous districts on Nghệ An's Laos border at 5× the national rate, ≈ 600 expected cases."""
    cluster = _cluster(w)
    e = _expected(population)
    e[cluster] *= 5
    e *= VOLUME / e.sum()
    rng = np.random.default_rng(11)
    counts = pd.Series(rng.poisson(e), index=e.index).astype(float)
    result = CL.cluster_analysis(counts.rename("cases"), covered="all")
    units = result["units"].set_index("code")
    scan_found = units.loc[cluster, "scan_class"].isin(("scan_mlc", "scan_secondary")).sum()
    gi_found = len(_hot95(result["gi"]) & set(cluster))
    assert scan_found >= 6, (scan_found, result["clusters"].head())
    assert gi_found >= 3
    both = set(units.index[units["agree_class"] == "both"])
    assert both and both <= set(cluster) | {j for c in cluster for j in w.neighbors[c]}
    mlc = result["clusters"].iloc[0]
    assert mlc["significant"] and mlc["p_value"] <= 0.05 and mlc["oe_ratio"] > 2
    outside = units.drop(index=cluster)
    # circles overreach a little into normal-rate neighbours (bench/bench_clusters.py measures it)
    assert outside["scan_class"].isin(("scan_mlc", "scan_secondary")).sum() <= 10
    assert result["settings"]["scan_max_share"] == 0.10 and result["settings"]["scan_replicates"] == 999


def test_null_map_gives_no_cluster_and_no_agreement(population):
    e = _expected(population)
    counts = pd.Series(np.random.default_rng(5).poisson(e), index=e.index).astype(float)
    result = CL.cluster_analysis(counts.rename("cases"), covered="all")
    assert not result["clusters"]["significant"].any()
    assert (result["units"]["agree_class"].isin(("neither", "not_tested"))).all()


@pytest.mark.parametrize("query", [
    {"period": "2024-H1", "layer": "scan"},
    {"period": "2024", "layer": "agree", "prov": "40"},
    {"period": "2024-H1", "layer": "change"},
    {"era": "2025", "period": "2025-H2", "layer": "gi", "prov": "40"},
])
def test_hotspot_page_views_for_a_viewer(query):
    """The page renders each analysis from its link for a viewer, states its method and parameters, and
    shows no count 1–4 in its table."""
    from tests.apptest_support import run_page

    at = run_page("pages/diem_nong.py", query, timeout=120)
    body = " ".join(m.value for m in at.markdown) + " ".join(getattr(e, "value", "") for e in at.caption)
    assert at.session_state["hotspot_view"] == query["layer"]
    expected_words = {"scan": "Kulldorff", "agree": "Đồng thuận", "change": "ACLED", "gi": "nhị thức"}[query["layer"]]
    assert expected_words in body
    from geo.views.model import build_view
    from geo.views.spec import parse_view

    spec = parse_view({"page": "diem-nong", **query})
    assert spec.protected  # a viewer's view, as the page builds it for a viewer
    model = build_view(spec)
    main = model.all_tables()[0]
    assert len(main.status.columns), "the table's count columns carry a protection status"
    for col in main.status.columns:  # the counts of people (not e.g. the number of districts in a cluster)
        for cell in main.frame[col].astype(str):
            assert cell not in {"1", "2", "3", "4"}, (col, cell)
