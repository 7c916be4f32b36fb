"""Small-count protection: "<5" labels and complementary suppression that survives subtraction.

Every protected table here is checked by brute force: all the integer tables that agree with what is
shown (numbers, "<5" = 1..4, "x" = any value, the sums) are enumerated, and each small cell must
keep at least two possible values.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from geo.stats import suppression as sup
def _possible_values(display: dict, groups: list, threshold: int, top: int) -> dict:
    """For every hidden cell, the set of values it can take in some table that agrees with the display."""
    hidden = [k for k, v in display.items() if not str(v).replace(".", "").isdigit()]
    ranges = []
    for k in hidden:
        text = str(display[k])
        if text.startswith("<"):
            ranges.append(range(1, threshold))
        else:  # "x" or withheld: any value
            ranges.append(range(0, top + 1))
    possible = {k: set() for k in hidden}
    shown = {k: int(str(v).replace(".", "")) for k, v in display.items() if k not in hidden}
    order = {k: i for i, k in enumerate(hidden)}
    # a group can be checked once its last hidden cell is assigned (depth-first search with pruning)
    due: dict[int, list] = {}
    for total, members in groups:
        cells = [total, *members]
        last = max((order[c] for c in cells if c in order), default=-1)
        due.setdefault(last, []).append((total, members))
    cell = dict(shown)
    if not all(cell[t] == sum(cell[m] for m in members) for t, members in due.get(-1, [])):
        return possible

    def search(i: int) -> None:
        if i == len(hidden):
            for k in hidden:
                possible[k].add(cell[k])
            return
        for v in ranges[i]:
            cell[hidden[i]] = v
            if all(cell[t] == sum(cell[m] for m in members) for t, members in due.get(i, [])):
                search(i + 1)
        del cell[hidden[i]]

    search(0)
    return possible


def _assert_protected(values: dict, display: dict, groups: list, threshold: int = 5) -> None:
    top = int(sum(v for v in values.values() if v)) + 1
    possible = _possible_values(display, groups, threshold, top)
    for key, value in values.items():
        if 0 < value < threshold:
            assert key in possible, f"small cell {key} is shown: {display[key]!r}"
            assert value in possible[key]
            assert len(possible[key]) >= 2, f"{key} can be worked out: only {possible[key]}"


def test_label_count():
    assert sup.label_count(0, 5) == "0"
    assert [sup.label_count(n, 5) for n in (1, 2, 3, 4)] == ["<5"] * 4
    assert sup.label_count(5, 5) == "5"
    assert sup.label_count(1234, 5, "vi") == "1.234" and sup.label_count(1234, 5, "en") == "1,234"
    assert sup.label_count(None) == "–" and sup.label_count(float("nan")) == "–"
    assert sup.label_count(3, 5, suppress=False) == "3"
    assert sup.label_count(7, 10) == "<10"


def test_threshold_from_env(monkeypatch):
    monkeypatch.delenv(sup.ENV_THRESHOLD, raising=False)
    assert sup.threshold_from_env() == 5
    monkeypatch.setenv(sup.ENV_THRESHOLD, "10")
    assert sup.threshold_from_env() == 10
    assert sup.label_count(7) == "<10"
    monkeypatch.setenv(sup.ENV_THRESHOLD, "ten")
    with pytest.raises(ValueError, match="whole number"):
        sup.threshold_from_env()
    monkeypatch.setenv(sup.ENV_THRESHOLD, "1")
    with pytest.raises(ValueError):
        sup.threshold_from_env()


def test_one_small_cell_next_to_a_total_hides_the_next_smallest():
    df = pd.DataFrame({"victims": [12, 3, 0, 8, 20]}, index=list("abcde"))
    out = sup.suppress_counts(df, ["victims"], 5, add_total="total")
    shown = out.display["victims"].to_dict()
    assert shown == {"a": "12", "b": "<5", "c": "0", "d": "x", "e": "20", "total": "43"}
    assert out.status.at["d", "victims"] == "hidden" and out.status.at["c", "victims"] == "zero"
    groups = [("total", list("abcde"))]
    _assert_protected(out.values["victims"].to_dict(), shown, groups)
    assert out.notes("vi")[0].startswith("“<5”") and len(out.notes("en")) == 2


def test_small_cells_that_would_all_be_one():
    # four "<5" under a "<5" total can only be 1 each: one of them must become "x"
    df = pd.DataFrame({"victims": [1, 1, 1, 1]}, index=list("abcd"))
    out = sup.suppress_counts(df, ["victims"], 5, add_total="total")
    shown = out.display["victims"].to_dict()
    assert list(shown.values()).count("x") == 1
    _assert_protected(out.values["victims"].to_dict(), shown, [("total", list("abcd"))])


def test_zero_stays_zero_and_nothing_hidden_without_small_counts():
    df = pd.DataFrame({"victims": [0, 7, 12, 0]}, index=list("abcd"))
    out = sup.suppress_counts(df, ["victims"], 5, add_total="total")
    assert out.display["victims"].tolist() == ["0", "7", "12", "0", "19"]
    assert out.notes() == []


def test_disabled_shows_exact_numbers():
    df = pd.DataFrame({"victims": [1, 2, 30]}, index=list("abc"))
    out = sup.suppress_counts(df, ["victims"], 5, add_total="total", enabled=False)
    assert out.display["victims"].tolist() == ["1", "2", "30", "33"]
    assert "not for release" in out.notes("en")[0]


def test_crosstab_rows_and_columns_with_totals():
    df = pd.DataFrame({"a": [3, 10, 7], "b": [8, 9, 6]}, index=["p", "q", "r"])
    df["tot"] = df["a"] + df["b"]
    out = sup.suppress_counts(df, ["a", "b"], 5, add_total="T", total_column="tot")
    display = {(r, c): out.display.at[r, c] for r in out.display.index for c in ("a", "b", "tot")}
    values = {(r, c): int(out.values.at[r, c]) for r in out.values.index for c in ("a", "b", "tot")}
    rows = list(out.display.index)
    groups = [((r, "tot"), [(r, "a"), (r, "b")]) for r in rows]
    groups += [(("T", c), [(r, c) for r in ("p", "q", "r")]) for c in ("a", "b", "tot")]
    # the enumeration would be too large with "x" as 0..inf: bound it by the grand total
    _assert_protected(values, display, groups)
    assert display[("p", "a")] == "<5"
    assert display[("T", "tot")] == "43"  # the grand total stays


def test_hierarchy_with_colour_classes_on_a_map():
    # districts are only coloured (class 1–4 or 5–9), provinces are listed, the country total shown
    values = {"d1": 1, "d2": 5, "d3": 9, "p1": 6, "p2": 9, "T": 15}
    df = pd.DataFrame({"v": values})
    classes = {"d1": (1, 4), "d2": (5, 9), "d3": (5, 9)}
    out = sup.suppress_counts(df, ["v"], 5, groups=[("p1", ["d1", "d2"]), ("p2", ["d3"]), ("T", ["p1", "p2"])],
                              withheld_rows=["d1", "d2", "d3"], known=lambda c, r, v: classes.get(r))
    shown = out.display["v"].to_dict()
    assert shown["d1"] == shown["d2"] == ""  # never printed
    # p1 = 6 next to the colours 1–4 and 5–9 would give d1 = 1 and d2 = 5: p1 cannot stay
    assert shown["p1"] == "x"
    # check by enumeration, using what the colours tell
    possible = set()
    for d1, d2, d3 in itertools.product(range(1, 5), range(5, 10), range(5, 10)):
        p1, p2 = d1 + d2, d3
        ok = (shown["p1"] in ("x", str(p1))) and (shown["p2"] in ("x", str(p2))) and p1 + p2 == int(shown["T"])
        if ok:
            possible.add(d1)
    assert len(possible) >= 2


@pytest.mark.parametrize("seed", range(25))
def test_random_tables_cannot_be_worked_out(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 6))
    values = rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 11, 15], size=n)
    df = pd.DataFrame({"v": values}, index=[f"r{i}" for i in range(n)])
    out = sup.suppress_counts(df, ["v"], 5, add_total="total")
    shown = out.display["v"].to_dict()
    exact = {k: int(v) for k, v in out.values["v"].items()}
    _assert_protected(exact, shown, [("total", list(df.index))])
    for key, value in exact.items():
        if 0 < value < 5:
            assert shown[key] in ("<5", "x")
        if value == 0:
            assert shown[key] in ("0", "x")


def test_protect_raises_on_unknown_group_key():
    with pytest.raises(KeyError):
        sup.protect({"a": 1}, [("t", ["a"])], 5)


def test_row_level_exports_write_small_counts_as_less_than_five(monkeypatch):
    from geo.data import store
    monkeypatch.delenv("TDN_SUPPRESSION_THRESHOLD", raising=False)
    rows = pd.DataFrame({"Mã vụ việc": ["A", "B", "C"], "Nạn nhân": [3, 12, None], "Số vụ": [1, 0, 5]})
    data = store.export_csv_bytes(rows, "vi", demo=False, protect=["Nạn nhân", "Số vụ"]).decode("utf-8-sig")
    lines = data.splitlines()
    assert lines[0].startswith("# “<5”: nhỏ hơn 5")
    assert lines[2:] == ["A,<5,<5", "B,12,0", "C,,5"]
    assert rows["Nạn nhân"].iloc[0] == 3  # the frame shown on the page keeps its exact numbers
    assert not sup.exact_exports_allowed()
    monkeypatch.setenv("TDN_EXACT_EXPORTS", "1")
    assert sup.exact_exports_allowed()
