"""Route corridors on the real district layer: membership, order along the route, summaries, demo data."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.stats import corridors as C
from geo.data import facts  # NA-R01, the QL7/QL7A corridor: Diễn Châu – Đô Lương – Anh Sơn – Con Cuông – Tương Dương – Kỳ Sơn (Nậm Cắn)
QL7 = ["40425", "40427", "40424", "40422", "40418", "40417"]
FAR = {"96968", "01001", "79760"}  # Cà Mau, Hà Nội (Ba Đình), TP Hồ Chí Minh (Quận 1)


@pytest.fixture(scope="module")
def routes():
    return facts.routes()


@pytest.fixture(scope="module")
def ql7(routes):
    return routes.set_index("route_id").loc["NA-R01"]


def test_ql7_corridor_membership_and_order(ql7):
    corr = C.corridor_districts(ql7.geometry, km=10)
    codes = list(corr["code"])
    assert set(QL7) <= set(codes)
    assert not FAR & set(codes)
    assert set(corr["prov_code"]) == {"40"}  # the line stays in Nghệ An until the gate
    # from the origin (Diễn Châu) to the border gate (Kỳ Sơn)
    order = [codes.index(c) for c in QL7]
    assert order == sorted(order)
    pos = corr.set_index("code")["position_km"]
    assert pos["40425"] < 10 and pos["40417"] > 150
    assert corr["position_km"].is_monotonic_increasing and list(corr["order"]) == list(range(1, len(corr) + 1))
    assert corr.set_index("code").loc[QL7, "crosses"].all()


def test_corridor_grows_with_distance(ql7):
    zero = set(C.corridor_districts(ql7.geometry, km=0)["code"])
    ten = set(C.corridor_districts(ql7.geometry, km=10)["code"])
    thirty = set(C.corridor_districts(ql7.geometry, km=30)["code"])
    assert set(QL7) <= zero <= ten <= thirty and len(thirty) > len(ten)
    assert C.corridor_districts(None).empty


def test_corridor_summary_on_constructed_counts(routes):
    counts = pd.Series({"40425": 4, "40427": 2, "40417": 6, "96968": 3, "01001": 1}, name="cases")
    s = C.corridor_summary(counts, routes, km=10, covered="all").set_index("route_id")
    r = s.loc["NA-R01"]
    assert r["cases_in"] == 12 and r["cases_out"] == 4 and r["n_districts_in"] >= 6
    assert r["rate_in"] == pytest.approx(12 / r["population_in"] * 100_000)
    assert r["rate_ratio"] > 1 and r["share_of_cases"] == pytest.approx(12 / 16)
    assert r["nature"] == "transport" and r["source"] and r["caveat_en"] and r["has_line"]
    # routes without two drawable points stay listed, with nothing in their corridor
    assert not s.loc["NA-R04", "has_line"] and s.loc["NA-R04", "n_districts_in"] == 0
    assert s.loc["NA-T07", "nature"] == "smuggling" and "not all" in s.loc["NA-T07", "caveat_en"]
    assert "cases_in" in s.attrs["count_columns"] and "victims_in" in s.attrs["count_columns"]
    only = C.corridor_summary(counts, routes, natures=["trafficking"], covered="all")
    assert set(only["nature"]) == {"trafficking"}
    # without a coverage statement only the reported districts count (no data is not zero)
    reported = C.corridor_summary(counts, routes, covered=None).set_index("route_id").loc["NA-R01"]
    assert reported["n_covered_in"] == 3 and reported["cases_in"] == 12


def test_along_route_profile(ql7):
    counts = pd.Series({"40425": 4, "40427": 2, "40417": 6}, name="cases")
    prof = C.along_route_profile(ql7, counts, km=10, covered="provinces")
    assert prof["position_km"].is_monotonic_increasing
    by = prof.set_index("code")
    assert by.loc["40417", "cases"] == 6 and by.loc["40422", "cases"] == 0
    assert prof["cumulative_cases"].iloc[-1] == 12
    assert "Nậm Cắn" in by.loc["40417", "waypoints"] and "Diễn Châu" in by.loc["40425", "waypoints"]
    assert prof.attrs["route_id"] == "NA-R01" and prof.attrs["source"] and prof.attrs["length_km"] > 150
    assert C.along_route_profile("NA-R01", counts)["cases"].notna().sum() == 3


def test_corridors_on_demo_data(demo_engine, reg, routes):
    from geo.data import store
    engine = demo_engine  # a new store with the demo data loaded (conftest.py)
    agg = store.aggregate_cases("district", "all", engine=engine)
    s = C.corridor_summary(agg, routes, km=10, covered="all")
    assert len(s) == len(routes) and s.attrs["is_demo"]
    drawn = s[s["has_line"]]
    placed = agg.loc[agg["district_code5"].notna(), "cases"].sum()
    assert ((drawn["cases_in"] + drawn["cases_out"]) == placed).all()
    assert np.isfinite(drawn["rate_in"]).all()
    prof = C.along_route_profile("NA-R01", agg, covered="all")
    assert prof["cases"].sum() == s.set_index("route_id").loc["NA-R01", "cases_in"]
