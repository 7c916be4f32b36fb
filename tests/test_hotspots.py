"""Gi* hotspots on the real pre-2025 district layer (702 districts): weights, rates, a constructed
pattern, FDR, reproducibility, the no-data rule, demo data and named against computed hotspots."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from geo import config

from geo.stats import hotspots as H
ISLANDS = {"22203", "22207", "31318", "45471", "48498", "51536", "56576", "60602", "77755", "91911", "91912"}
KY_SON, TUONG_DUONG, CON_CUONG = "40417", "40418", "40422"


@pytest.fixture(scope="module")
def pattern(districts, w):
    """High values in Nghệ An's 6 Laos-border districts and their neighbours, low elsewhere, and one lone
    district as high as the cluster in Cà Mau (far away)."""
    codes = districts["code"].astype(str)
    border = list(codes[(districts["prov_code"] == "40") & districts["touches_laos"]])
    core = set(border)
    for c in border:
        core |= set(w.neighbors[c])
    ring = set()
    for c in core:
        ring |= set(w.neighbors[c])
    ring -= core
    rng = np.random.default_rng(7)
    y = pd.Series(rng.poisson(2, len(codes)).astype(float), index=codes.to_numpy())
    y[sorted(core)] = 20.0 + rng.integers(0, 4, len(core))
    ca_mau = districts[(districts["prov_code"] == "96") & ~districts["historical"]]
    outlier = str(ca_mau["code"].iloc[3])
    y[outlier] = 20.0
    return {"y": y, "border": border, "core": core, "ring": ring, "outlier": outlier,
            "outlier_nb": [outlier, *w.neighbors[outlier]]}


@pytest.fixture(scope="module")
def result(pattern, w):
    return H.getis_ord(pattern["y"], w).set_index("code")


# --------------------------------------------------------------------------------------------------
# weights
# --------------------------------------------------------------------------------------------------
def test_weights_cover_every_district_without_islands(districts, w):
    assert w.n == 702 and list(w.id_order) == list(districts["code"].astype(str))
    assert not w.islands and w.n_components == 1
    attached = {c for pair in w.attached for c in pair}
    assert ISLANDS <= attached  # every district without a land neighbour got links
    assert TUONG_DUONG in w.neighbors[KY_SON] and KY_SON in w.neighbors[TUONG_DUONG]
    # links are symmetric and islands are attached to nearby districts (Phú Quốc to Kiên Giang)
    assert all(i in w.neighbors[j] for i in w.id_order for j in w.neighbors[i])
    assert any(n.startswith("91") for n in w.neighbors["91911"])
    assert H.spatial_weights(districts) is w  # cached per process


# --------------------------------------------------------------------------------------------------
# rates
# --------------------------------------------------------------------------------------------------
def test_eb_rates_match_esda_and_skip_missing_population():
    from esda.smoothing import Empirical_Bayes

    rng = np.random.default_rng(3)
    pop = pd.Series(rng.integers(2_000, 400_000, 60).astype(float), index=[f"d{i}" for i in range(60)])
    true_rate = rng.gamma(1.5, 1 / 30_000, 60)  # districts really differ: between-variance > 0
    counts = pd.Series(rng.poisson(pop * true_rate).astype(float), index=pop.index)
    out = H.eb_rates(counts, pop)
    ref = Empirical_Bayes(counts.to_numpy().reshape(-1, 1), pop.to_numpy().reshape(-1, 1)).r.flatten()
    np.testing.assert_allclose(out["eb_rate"].to_numpy(), ref * 100_000, rtol=1e-9)
    np.testing.assert_allclose(out["raw_rate"], counts / pop * 100_000)
    # a small district is pulled towards the overall rate more than a large one
    overall = counts.sum() / pop.sum() * 100_000
    gap_raw = (out["raw_rate"] - overall).abs()
    gap_eb = (out["eb_rate"] - overall).abs()
    assert (gap_eb <= gap_raw + 1e-9).all()
    # identical raw rates: the between-district variance estimate is negative, set to 0 (Marshall), so
    # every district gets the overall rate (esda would use negative weights here)
    k = pd.Series(np.arange(1, 21, dtype=float))
    flat_out = H.eb_rates(k, k * 40_000)
    assert (flat_out["eb_weight"] == 0).all()
    np.testing.assert_allclose(flat_out["eb_rate"], 2.5)
    pop2 = pop.copy()
    pop2.iloc[:3] = [0, np.nan, -5]
    out2 = H.eb_rates(counts, pop2)
    assert out2["eb_rate"].iloc[:3].isna().all() and out2["eb_rate"].iloc[3:].notna().all()


# --------------------------------------------------------------------------------------------------
# Gi* on a constructed pattern
# --------------------------------------------------------------------------------------------------
def test_gi_star_finds_the_constructed_cluster(pattern, result):
    hot = set(result.index[result["class"].isin(H.HOT_CLASSES)])
    assert set(pattern["border"]) <= hot  # Nghệ An's six Laos-border districts
    assert len(hot & pattern["core"]) >= len(pattern["core"]) - 1
    # nothing is hot away from the cluster and its first ring of neighbours
    assert hot <= pattern["core"] | pattern["ring"]
    assert not (set(result.index[result["class"].isin(H.COLD_CLASSES)]) & pattern["core"])
    assert result.attrs["n_tested"] == 702 and result.attrs["permutations"] == 999


def test_fdr_removes_the_lone_outlier(pattern, result):
    nb = pattern["outlier_nb"]
    # without the correction the outlier's neighbourhood looks significant ...
    assert result.loc[nb, "class_uncorrected"].isin(H.HOT_CLASSES).any()
    # ... after the Benjamini–Hochberg correction it is not
    assert not result.loc[nb, "class"].isin(H.HOT_CLASSES).any()
    assert (result["p_fdr"] >= result["p_sim"] - 1e-12).all()
    assert result["p_sim"].min() >= 1 / 1000


def test_fdr_agrees_with_esda(result):
    from esda import fdr

    p = result["p_sim"].to_numpy()
    for alpha in (0.01, 0.05, 0.10):
        threshold = fdr(p, alpha)
        assert ((result["p_fdr"] <= alpha) == (p <= threshold)).all()


def test_same_seed_same_result(pattern, w, result):
    again = H.getis_ord(pattern["y"], w, seed=12345).set_index("code")
    pd.testing.assert_frame_equal(again, result)
    other = H.getis_ord(pattern["y"], w, seed=99).set_index("code")
    assert not np.allclose(other["p_sim"], result["p_sim"])
    cond = H.getis_ord(pattern["y"], w, method="conditional")
    cond2 = H.getis_ord(pattern["y"], w, method="conditional")
    pd.testing.assert_frame_equal(cond, cond2)


def test_classes_labels_and_colours(result):
    assert set(result["class"]) <= set(H.CLASSES)
    row = result[result["class"] == "not_significant"].iloc[0]
    assert row["colour"] == "#d9d9d9" and row["label_en"] == "Not significant"
    assert H.class_label("hot_99", "vi").startswith("Điểm nóng")
    assert list(H.legend("en")["class"])[:3] == ["hot_99", "hot_95", "hot_90"]


def test_ties_are_not_cold_spots(w):
    # 95% zeros: a neighbourhood of zeros is what chance gives most often, so it is not "significantly low"
    rng = np.random.default_rng(1)
    y = pd.Series(np.where(rng.random(702) < 0.05, 5.0, 0.0), index=list(w.id_order))
    out = H.getis_ord(y, w)
    zeros = out[(out["local_mean"] == 0)]
    assert len(zeros) > 300 and not zeros["class"].isin(H.COLD_CLASSES).any()


def test_missing_values_are_no_data_and_left_out(pattern, w):
    y = pattern["y"].copy()
    y[list(pattern["border"])[:2]] = np.nan
    out = H.getis_ord(y, w).set_index("code")
    assert (out.loc[list(pattern["border"])[:2], "class"] == "no_data").all()
    assert out.attrs["n_tested"] == 700
    few = H.getis_ord(pd.Series({"40417": 3.0, "40418": 1.0}), w)
    assert few.attrs["note"] == "too_few_units" and set(few["class"]) == {"not_tested", "no_data"}


# --------------------------------------------------------------------------------------------------
# hotspot_table: no data is not zero
# --------------------------------------------------------------------------------------------------
def test_hotspot_table_no_data_is_not_zero(districts, w):
    counts = pd.Series({"40417": 12, "40418": 9, "40422": 7, "40415": 3}, name="cases")
    reported = H.hotspot_table(counts, districts, weights=w).set_index("code")
    assert reported.loc["40417", "cases"] == 12 and np.isnan(reported.loc["01001", "cases"])
    assert reported.loc["01001", "class"] == "no_data" and not reported.loc["01001", "covered"]
    province = H.hotspot_table(counts, districts, weights=w, covered="provinces").set_index("code")
    assert province.loc["40425", "cases"] == 0 and np.isnan(province.loc["01001", "cases"])
    assert province.attrs["n_tested"] == 21
    everything = H.hotspot_table(counts, districts, weights=w, covered="all").set_index("code")
    assert everything.loc["01001", "cases"] == 0 and everything.loc["01001", "covered"]
    # islands without a population figure (Hoàng Sa, Trường Sa...) get no rate
    assert everything.loc["48498", "no_population"] and everything.loc["48498", "class"] == "not_tested"
    assert everything.attrs["population_source"].startswith("dân số 2009")
    assert {"cases", "count"} <= set(everything.attrs["count_columns"])
    assert everything.loc["40417", "eb_rate"] < everything.loc["40417", "raw_rate"]


def test_explanation_says_what_it_is_not():
    vi, en = H.explanation("vi"), H.explanation("en")
    for text, words in ((vi, ["2009", "FDR", "không phải bằng chứng"]), (en, ["2009", "FDR", "not proof"])):
        for word in words:
            assert word.lower() in text.lower()


def test_geo_modules_do_not_import_streamlit():
    code = ("import sys; import geo.stats.hotspots, geo.stats.change, geo.stats.corridors, geo.stats.named_vs_computed; "
            "assert 'streamlit' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=config.PROJECT_ROOT)


# --------------------------------------------------------------------------------------------------
# demo data in a temporary store
# --------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_engine(tmp_path_factory):
    from geo.data import store
    from tests.db_support import demo_store_url
    with demo_store_url(tmp_path_factory.mktemp('hotspots'), "demo") as url:  # the demo data loaded (a copy)
        engine = store.get_engine(url)
        yield engine
        engine.dispose()


def test_demo_hotspots_and_named_comparison(demo_engine, districts, w):
    from geo.stats import named_vs_computed as N
    from geo.data import store
    agg = store.aggregate_cases("district", "all", engine=demo_engine)
    table = H.hotspot_table(agg, districts, weights=w, covered="all")
    assert len(table) == 702 and table.attrs["is_demo"]
    hot = table[table["class"].isin(H.HOT_CLASSES)]
    assert len(hot) and set(hot["prov_code"]) & {"40", "10"}  # the demo data is densest there
    assert (hot["neighbourhood_count"] >= H.MIN_SUPPORT).all()
    yearly = store.aggregate_cases("district", "year", engine=demo_engine)
    history = N.hotspot_history(yearly, periods=["2022", "2023"], districts=districts, weights=w, covered="all")
    assert list(history) == ["2022", "2023"]
    per_named = N.named_vs_computed(history["2023"], {"2022": history["2022"]})
    assert set(per_named["status"]) <= set(N.STATUSES)
    assert (per_named.loc[per_named["hotspot_id"] == "NA-H19", "status"] == "no_district").all()
    kys = per_named[per_named["hotspot_id"] == "NA-H14"].iloc[0]
    assert kys["code"] == KY_SON and kys["source"]
    by_district = N.agreement_by_district(history["2023"], {"2022": history["2022"]})
    assert set(by_district["agreement"]) <= set(N.AGREEMENT) and by_district["code"].is_unique
    computed = set(by_district.loc[by_district["agreement"] == "computed_only", "code"])
    assert computed == H.hot_codes(history["2023"]) - set(per_named["code"].dropna())


def test_rank_hotspots(result):
    ranked = H.rank_hotspots(result.reset_index(), include_cold=True)
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    hot = ranked["class"].isin(H.HOT_CLASSES)
    assert hot.iloc[0] and not hot[hot.idxmin():].any()  # hot first, then cold
    top = ranked[hot]
    assert (top["class_order"].diff().fillna(0) >= 0).all()
