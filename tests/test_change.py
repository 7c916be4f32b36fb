"""Change classes against the previous period: the low-baseline rule, ranking, periods, demo data."""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from geo.stats import change as C
def _one(cur, prev, **kw) -> str:
    return C.change_classes(pd.Series({"x": cur}), pd.Series({"x": prev}), **kw).loc[0, "class"]


@pytest.mark.parametrize("prev, cur, expected", [
    # ACLED's edge cases (issue 14): its thresholds and low-baseline rule, "new" for 0 → 6 or more
    (2, 5, "limited"),            # ACLED's own low-baseline example: ≤ 2 before and ≤ 5 now
    (0, 5, "limited"),            # low baseline, not "new"
    (0, 6, "new"),
    (10, 12, "moderate_increase"),  # +20%
    (20, 16, "limited"),          # −20%: ACLED has no moderate decrease
    (4, 0, "large_decrease"),     # −100% on a norm above 2
    # the thresholds themselves
    (20, 30, "large_increase"),   # +50%
    (40, 51, "large_increase"),   # +27.5%
    (40, 50, "moderate_increase"),  # +25% exactly: moderate (large is above +25%)
    (40, 44, "limited"),          # +10% exactly: limited
    (40, 45, "moderate_increase"),  # +12.5%
    (40, 30, "limited"),          # −25% exactly: limited
    (40, 29, "large_decrease"),   # −27.5%
    (1, 2, "limited"), (2, 1, "limited"), (0, 0, "limited"),
    (1, 6, "large_increase"),     # 6 now is above the low baseline: +500%
    (3, 5, "large_increase"),     # a norm of 3 is above ACLED's "two or fewer"
])
def test_acled_classes_and_low_baseline(prev, cur, expected):
    assert _one(cur, prev) == expected


def test_small_numbers_are_never_an_increase():
    for prev in range(0, 3):
        for cur in range(0, 6):
            assert _one(cur, prev) not in C.INCREASE_CLASSES, (prev, cur)
    assert _one(2, 1, low_norm=0, low_current=0) == "large_increase"  # the rule is a parameter


def test_table_ranked_with_labels_and_no_data():
    cur = pd.Series({"a": 2, "b": 30, "c": 6, "d": 0, "e": 60, "g": 9})
    prev = pd.Series({"a": 1, "b": 20, "c": 0, "d": 8, "e": 50, "f": 7})
    t = C.change_classes(cur, prev)
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    assert t.loc[0, "code"] == "b" and t.loc[0, "class"] == "large_increase"
    by = t.set_index("code")
    assert by.loc["f", "class"] == "no_data" and by.loc["g", "class"] == "no_data"  # missing is not zero
    assert by.loc["a", "rule"] == "low_baseline" and "ACLED" in by.loc["a", "rule_en"]
    assert by.loc["b", "label_vi"].startswith("Tăng mạnh") and by.loc["b", "colour"] == "#b2182b"
    assert 0 < by.loc["b", "chance_p"] < 1 and by.loc["c", "chance_p"] < 0.05
    # the caller says the data covers every unit: a missing figure is 0
    covered = C.change_classes(cur, prev, covered=True).set_index("code")
    assert covered.loc["f", "class"] == "large_decrease" and covered.loc["g", "class"] == "new"
    assert set(t.attrs["count_columns"]) == {"current", "previous", "change"}
    top = C.top_changes(t, "increase", 2)
    assert list(top["code"]) == ["b", "e"]
    assert C.top_changes(t, "decrease", 5)["code"].tolist() == ["d"]
    assert t.attrs["rule"] == "acled"


def test_length_ratio_scales_the_previous_period():
    # current quarter against a previous half-year: 15 now vs 20 over twice as long = +50%
    t = C.change_classes(pd.Series({"x": 15}), pd.Series({"x": 20}), length_ratio=0.5)
    assert t.loc[0, "class"] == "large_increase" and t.loc[0, "pct_change"] == pytest.approx(0.5)


@pytest.mark.parametrize("start, end, mode, expected", [
    ("2024-04-01", "2024-06-30", "previous", (date(2024, 1, 1), date(2024, 3, 31))),
    ("2024-01-01", "2024-03-31", "previous", (date(2023, 10, 1), date(2023, 12, 31))),
    ("2024-01-01", "2024-06-30", "previous", (date(2023, 7, 1), date(2023, 12, 31))),
    ("2024-07-01", "2024-12-31", "previous", (date(2024, 1, 1), date(2024, 6, 30))),
    ("2024-01-01", "2024-12-31", "previous", (date(2023, 1, 1), date(2023, 12, 31))),
    ("2024-03-01", "2024-03-31", "previous", (date(2024, 2, 1), date(2024, 2, 29))),
    ("2024-04-01", "2024-06-30", "year_ago", (date(2023, 4, 1), date(2023, 6, 30))),
    ("2024-02-01", "2024-02-29", "year_ago", (date(2023, 2, 1), date(2023, 2, 28))),
    ("2024-03-10", "2024-03-19", "previous", (date(2024, 2, 29), date(2024, 3, 9))),
])
def test_previous_period(start, end, mode, expected):
    assert C.previous_period(start, end, mode) == expected


def test_district_change_on_demo_data(demo_engine, reg):
    from geo.data import store
    engine = demo_engine  # a new store with the demo data loaded (conftest.py)
    cur = store.aggregate_cases("district", "year", filters={"start": "2024-01-01", "end": "2024-12-31"}, engine=engine)
    start, end = C.previous_period("2024-01-01", "2024-12-31")
    prev = store.aggregate_cases("district", "year", filters={"start": start, "end": end}, engine=engine)
    t = C.district_change(cur, prev, covered="all")
    assert len(t) == 702 and t["code"].is_unique and t.attrs["is_demo"]
    assert set(t["class"]) <= set(C.CLASSES) and "no_data" not in set(t["class"])
    assert t["current"].sum() == cur.loc[cur["district_code5"].notna(), "cases"].sum()
    inc = t[t["class"].isin(C.INCREASE_CLASSES)]
    # nothing that ACLED's low-baseline rule calls limited is an increase
    assert not ((inc["previous"] <= C.LOW_NORM) & (inc["current"] <= C.LOW_CURRENT)).any()
    assert {"name_vi", "prov_name_vi"} <= set(t.columns)
    # without a coverage statement, districts with rows in neither year are no data
    t2 = C.district_change(cur, prev)
    seen = set(cur["district_code5"].dropna()) | set(prev["district_code5"].dropna())
    assert set(t2.loc[t2["class"] != "no_data", "code"]) == seen
    assert np.isnan(t2.loc[~t2["code"].isin(seen), "current"]).all()
