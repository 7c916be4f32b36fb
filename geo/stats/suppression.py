"""Small-count protection for everything exported (briefing images, PDFs, tables).

Counts from 1 to ``threshold - 1`` (default 5, setting ``TDN_SUPPRESSION_THRESHOLD``) are shown as
``"<5"``. Zero stays ``"0"``. Counts of victims are the reason, but every count of people or cases in an
export goes through here (see :data:`PROTECTED_COLUMNS`).

**The rule for totals (complementary suppression, audited).** A shown total must not let anyone work
out a suppressed cell by subtraction. The rows and totals of a table are tied by *groups*: a total and
the cells that add up to it (a row of a crosstab, the districts of a province, the provinces of the
country...). For every group the reader's knowledge is written as an interval per cell:

====================  ======================================================
what is shown         what the reader knows
====================  ======================================================
a number              exactly that number
``"<5"``              1 to 4 (and its colour class on a map, if any)
``"x"``               at least the threshold (assumed: the strictest reader)
nothing (map colour)  its colour class (``known`` intervals), else 0 to ∞
====================  ======================================================

These intervals are narrowed by every group's sum until nothing changes (interval propagation). A
suppressed cell is *protected* when at least two values remain possible for it. While some small cell
is not protected, one more cell of a group it belongs to is hidden as ``"x"``: first the smallest shown
non-zero cell of that group, else the group's total, else a shown zero, else another ``"<5"`` cell
becomes ``"x"``; then the audit runs again. So when a row group has exactly one ``"<5"`` next to a shown
total, the next smallest cell is hidden too; and four ``"<5"`` districts under a ``"<5"`` province
total (which would all be 1) get one of them hidden.

Each count column is its own table (victims and cases are not added together). The audit covers the
sums it is given; it does not model orderings (a "top 10" list) unless told through ``known``.

Display strings: :func:`label_count` (``"1.234"`` in Vietnamese, ``"1,234"`` in English).

**Viewers: the cell-key method instead.** The views protect what a viewer sees with
:func:`protect_ckm` (:mod:`geo.stats.cellkey`): every cell is perturbed from its own records' keys, then
masked ("<5" for a perturbed 1..threshold-1). No complementary "x" is needed there: totals are perturbed
independently of their lines, so subtraction gives no exact count. The audited complementary suppression
above (:func:`suppress_counts`) remains for tables of exact figures that leave the app without noise
(``access="exact"`` views with ``suppress`` on, row-level downloads via :func:`protect_columns`).
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Callable, Hashable, Iterable, Mapping, Sequence

import pandas as pd

DEFAULT_THRESHOLD = 5
ENV_THRESHOLD = "TDN_SUPPRESSION_THRESHOLD"
ENV_EXACT_EXPORTS = "TDN_EXACT_EXPORTS"
HIDDEN = "x"
NO_DATA = "–"
#: stored count columns that are protected in exports
PROTECTED_COLUMNS = ("cases", "n_cases", "victims", "victims_children", "victims_women", "victims_rescued",
                     "victims_supported", "suspects_arrested")

SHOWN, SMALL, HIDDEN_STATUS, ZERO, MISSING, WITHHELD = "shown", "small", "hidden", "zero", "no_data", "withheld"

NOTES = {
    "small": ("“<{t}”: nhỏ hơn {t} nhưng khác 0 (ẩn để bảo vệ nạn nhân)",
              "“<{t}”: fewer than {t} but not zero (hidden to protect victims)"),
    "hidden": ("“x”: ẩn thêm để không suy ra được số nhỏ từ tổng",
               "“x”: also hidden so that a small number cannot be worked out from a total"),
    "off": ("Số liệu chính xác, không ẩn số nhỏ: không dùng để phát hành",
            "Exact figures, small counts not hidden: not for release"),
    "published": ("“x”: ẩn vì tổng của tỉnh trong kỳ có số liệu công bố chính thức ({figures}); từ tổng chính xác "
                  "đó các phần nhỏ của nó có thể bị suy ra",
                  "“x”: hidden because the province's total for the period is officially published ({figures}); "
                  "from that exact total its small parts could be worked out"),
    "ckm": ("Số liệu đã được làm nhiễu nhẹ để bảo vệ nạn nhân: mỗi ô có thể lệch vài đơn vị, tổng có thể khác "
            "tổng các dòng và khác số liệu công bố chính thức; “0” có thể là không có hoặc rất ít",
            "Figures carry slight noise to protect victims: each cell may differ by a few, a total may differ from "
            "the sum of its lines and from the official figure; “0” may mean none or very few"),
}


def threshold_from_env(default: int = DEFAULT_THRESHOLD) -> int:
    """The threshold set by ``TDN_SUPPRESSION_THRESHOLD`` (an integer of at least 2), else ``default``."""
    raw = os.environ.get(ENV_THRESHOLD, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{ENV_THRESHOLD} must be a whole number (e.g. 5), not {raw!r}") from None
    if value < 2:
        raise ValueError(f"{ENV_THRESHOLD} must be at least 2, not {value}")
    return value


def _resolve(threshold: int | None) -> int:
    return threshold_from_env() if threshold is None else int(threshold)


def format_count(n: int, lang: str = "vi") -> str:
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "vi" else text


def is_small(n, threshold: int | None = None) -> bool:
    t = _resolve(threshold)
    return n is not None and not _missing(n) and 0 < float(n) < t


def label_count(n, threshold: int | None = None, lang: str = "vi", suppress: bool = True) -> str:
    """Display text of one count: ``"0"``, ``"<5"`` for 1..threshold-1, else the number; ``"–"`` for
    no data. ``suppress=False`` gives the exact number (interactive views for allowed users)."""
    if _missing(n):
        return NO_DATA
    if suppress and is_small(n, threshold):
        return f"<{_resolve(threshold)}"
    return format_count(n, lang)


def exact_exports_allowed() -> bool:
    """Whether this deployment lets its users download exact small counts (``TDN_EXACT_EXPORTS=1``, for a
    server whose every user is allowed to see them). Off by default: exports show "<5"."""
    return os.environ.get(ENV_EXACT_EXPORTS, "").strip().lower() in ("1", "true", "yes", "on")


def protect_columns(df: pd.DataFrame, columns: Sequence[str], threshold: int | None = None,
                    lang: str = "vi") -> pd.DataFrame:
    """A copy of a row-level table (e.g. case rows, no totals in it) whose count ``columns`` are display
    strings: ``"<5"`` for 1..threshold-1, the number otherwise, ``""`` when empty. A table that also
    prints totals needs :func:`suppress_counts` instead."""
    out = df.copy()
    for column in columns:
        if column in out.columns:
            out[column] = [("" if _missing(v) else label_count(v, threshold, lang)) for v in out[column]]
    return out


def note_lines(statuses: Iterable[str], threshold: int | None = None, lang: str = "vi",
               suppressed: bool = True) -> list[str]:
    """Footnotes explaining the marks that appear (``statuses`` as returned in :class:`Suppressed`)."""
    t = _resolve(threshold)
    index = 1 if lang == "en" else 0
    if not suppressed:
        return [NOTES["off"][index]]
    seen = set(statuses)
    out = []
    if SMALL in seen:
        out.append(NOTES["small"][index].format(t=t))
    if HIDDEN_STATUS in seen:
        out.append(NOTES["hidden"][index])
    return out


def _missing(value) -> bool:
    if value is None or value is pd.NA:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


# --------------------------------------------------------------------------------------------------
# The audit on one column
# --------------------------------------------------------------------------------------------------
Interval = tuple[float, float]


def protect(values: Mapping[Hashable, float | None], groups: Sequence[tuple[Hashable, Sequence[Hashable]]],
            threshold: int | None = None, *, withheld: Iterable[Hashable] = (),
            known: Mapping[Hashable, Interval] | None = None, min_values: int = 2,
            audit: str = "auto", max_rounds: int = 10_000) -> dict[Hashable, str]:
    """Status of every key of ``values`` after primary and complementary suppression.

    ``groups``: (total key, member keys) with ``values[total] == sum(values[members])`` (None counts
    as 0). ``withheld``: keys never displayed as numbers (e.g. units only coloured on a map); they
    take part in the audit and must not become computable either. ``known``: extra interval a reader
    gets for a key besides the number (e.g. its colour class). ``min_values``: how many values must
    remain possible for a small cell (2: it cannot be worked out exactly). ``audit``: ``"intervals"``
    (propagation, exact when the groups form a tree: hierarchies), ``"lp"`` (linear programming, for
    crosstabs whose rows and columns both have totals) or ``"auto"`` (lp only when the groups have a
    cycle).

    Returns ``shown``, ``zero``, ``small`` ("<5"), ``hidden`` ("x"), ``withheld`` or ``no_data`` per key.
    """
    t = _resolve(threshold)
    known = dict(known or {})
    withheld = set(withheld)
    status: dict[Hashable, str] = {}
    val: dict[Hashable, float] = {}
    for key, value in values.items():
        if _missing(value):
            status[key], val[key] = MISSING, 0.0
        else:
            v = float(value)
            val[key] = v
            if key in withheld:
                status[key] = WITHHELD
            elif v == 0:
                status[key] = ZERO
            elif v < t:
                status[key] = SMALL
            else:
                status[key] = SHOWN
    for total, members in groups:
        for key in (total, *members):
            if key not in status:
                raise KeyError(f"group key {key!r} has no value")
    sensitive = [k for k, v in val.items() if 0 < v < t and status[k] != MISSING]
    if not sensitive or not groups:
        return status
    member_of: dict[Hashable, list[int]] = {}
    for gi, (total, members) in enumerate(groups):
        for key in (total, *members):
            member_of.setdefault(key, []).append(gi)
    sensitive.sort(key=lambda k: (val[k], str(k)))
    if audit == "auto":
        audit = "lp" if _has_cycle(groups) else "intervals"
    if audit not in ("intervals", "lp"):
        raise ValueError("audit must be auto, intervals or lp")

    for _ in range(max_rounds):
        bounds = _propagate(val, status, groups, t, known)
        exposed = [k for k in sensitive if bounds[k][1] - bounds[k][0] < min_values - 1]
        if audit == "lp" and not exposed:
            exposed = _lp_exposed(sensitive, bounds, groups, min_values)
        if not exposed:
            return status
        key = exposed[0]
        choice = _complement(key, val, status, groups, member_of, t, known, min_values, audit)
        if choice is None:  # nothing left to hide around it: hide the cell itself as "x"
            if status[key] in (HIDDEN_STATUS, WITHHELD):
                raise RuntimeError(f"cannot protect {key!r}: every related cell is hidden already")
            choice = key
        status[choice] = HIDDEN_STATUS
    raise RuntimeError("suppression audit did not settle")


def _reader_interval(key, v: float, st: str, t: int, known: Mapping) -> Interval:
    if st in (SHOWN, ZERO, MISSING):
        return v, v
    if st == SMALL:
        lo, hi = 1.0, float(t - 1)
    elif st == HIDDEN_STATUS:
        lo, hi = (float(t), math.inf) if v >= t else (0.0, math.inf)
    else:  # withheld
        lo, hi = 0.0, math.inf
    if key in known:
        klo, khi = known[key]
        lo, hi = max(lo, float(klo)), min(hi, float(khi))
    return lo, hi


def _propagate(val, status, groups, t, known) -> dict[Hashable, Interval]:
    """Narrow every reader interval by the group sums until nothing changes."""
    b = {k: _reader_interval(k, val[k], status[k], t, known) for k in val}
    for _ in range(500):
        changed = False
        for total, members in groups:
            lo_sum = sum(b[m][0] for m in members)
            his = [b[m][1] for m in members]
            n_inf = sum(1 for h in his if math.isinf(h))
            hi_fin = sum(h for h in his if not math.isinf(h))
            tlo, thi = b[total]
            ntlo = max(tlo, lo_sum)
            nthi = min(thi, hi_fin if n_inf == 0 else math.inf)
            if (ntlo, nthi) != (tlo, thi):
                b[total] = (ntlo, nthi)
                changed = True
            tlo, thi = b[total]
            for m in members:
                mlo, mhi = b[m]
                others_inf = n_inf - (1 if math.isinf(mhi) else 0)
                others_hi = (hi_fin - (0.0 if math.isinf(mhi) else mhi)) if others_inf == 0 else math.inf
                others_lo = lo_sum - mlo
                nlo = max(mlo, tlo - others_hi)
                nhi = min(mhi, thi - others_lo)
                if nlo > mlo + 1e-9 or nhi < mhi - 1e-9:
                    nlo, nhi = max(nlo, mlo), min(nhi, mhi)
                    b[m] = (nlo, nhi)
                    changed = True
                    lo_sum += nlo - mlo
                    if math.isinf(mhi) and not math.isinf(nhi):
                        n_inf -= 1
                        hi_fin += nhi
                    elif not math.isinf(mhi):
                        hi_fin += nhi - mhi
        if not changed:
            break
    return b


def _has_cycle(groups) -> bool:
    """True when the cell–group incidence graph has a cycle (e.g. a table with row and column totals)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for gi, (total, members) in enumerate(groups):
        g = ("__group__", gi)
        for cell in {total, *members}:
            a, b = find(g), find(("__cell__", cell))
            if a == b:
                return True
            parent[a] = b
    return False


def _lp_exposed(sensitive, bounds, groups, min_values) -> list:
    """Sensitive cells whose range under all the group sums (linear programming) is too narrow."""
    import numpy as np
    from scipy.optimize import linprog

    unknown = sorted({k for k, (lo, hi) in bounds.items() if hi > lo}, key=str)
    if not unknown:
        return list(sensitive)
    index = {k: i for i, k in enumerate(unknown)}
    rows, rhs = [], []
    for total, members in groups:
        row = np.zeros(len(unknown))
        const = 0.0
        for m in members:
            if m in index:
                row[index[m]] += 1.0
            else:
                const += bounds[m][0]
        if total in index:
            row[index[total]] -= 1.0
        else:
            const -= bounds[total][0]
        if row.any():
            rows.append(row)
            rhs.append(-const)
    a_eq = np.array(rows) if rows else None
    b_eq = np.array(rhs) if rows else None
    box = [(bounds[k][0], None if math.isinf(bounds[k][1]) else bounds[k][1]) for k in unknown]
    exposed = []
    for key in sensitive:
        if key not in index:
            exposed.append(key)
            continue
        c = np.zeros(len(unknown))
        c[index[key]] = 1.0
        low = linprog(c, A_eq=a_eq, b_eq=b_eq, bounds=box, method="highs")
        high = linprog(-c, A_eq=a_eq, b_eq=b_eq, bounds=box, method="highs")
        if not (low.success and high.success):
            continue  # unbounded above (an open "x"): protected
        if -high.fun - low.fun < min_values - 1 - 1e-9:
            exposed.append(key)
    return exposed


def _candidates(key, val, status, groups, member_of, max_levels: int = 4) -> list:
    """Cells that could be hidden to protect ``key``, best first: by distance from ``key`` (its own
    groups, then groups reached through cells that are not shown, e.g. a hidden province total leads
    to the group of provinces), then non-zero cells before totals, zeros and "<5" cells, smallest first.
    """
    rank = {"nonzero": 0, "total": 1, "zero": 2, "small": 3}
    out: list = []
    seen_groups: set[int] = set()
    seen_cells = {key}
    picked: set = set()
    frontier = [key]
    for level in range(max_levels):
        groups_here = []
        for cell in frontier:
            for gi in member_of.get(cell, []):
                if gi not in seen_groups:
                    seen_groups.add(gi)
                    groups_here.append(gi)
        found = []
        nxt = []
        for gi in groups_here:
            total, members = groups[gi]
            for cell in (total, *members):
                if cell == key or cell in picked:
                    continue
                st = status[cell]
                if st == SHOWN:
                    kind = "total" if cell == total else "nonzero"
                elif st == ZERO:
                    kind = "zero"
                elif st == SMALL:
                    kind = "small"
                else:
                    kind = None
                if kind is not None:
                    picked.add(cell)
                    found.append((rank[kind], val[cell], str(cell), cell))
                if cell not in seen_cells and st in (SMALL, HIDDEN_STATUS, WITHHELD):
                    seen_cells.add(cell)
                    nxt.append(cell)
        out.extend(c for *_, c in sorted(found, key=lambda f: f[:3]))
        frontier = nxt
        if not frontier:
            break
    return out


def _complement(key, val, status, groups, member_of, t, known, min_values, audit,
                max_tries: int = 40) -> Hashable | None:
    """The next cell to hide so that ``key`` is protected (see the module's rule): the first candidate
    (:func:`_candidates`) that protects it on its own, else the first candidate."""
    candidates = _candidates(key, val, status, groups, member_of)
    for cell in candidates[:max_tries]:
        trial = dict(status)
        trial[cell] = HIDDEN_STATUS
        bounds = _propagate(val, trial, groups, t, known)
        lo, hi = bounds[key]
        ok = hi - lo >= min_values - 1
        if ok and audit == "lp":
            ok = not _lp_exposed([key], bounds, groups, min_values)
        if ok:
            return cell
    return candidates[0] if candidates else None


# --------------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------------
@dataclass
class Suppressed:
    """A table ready for export: ``display`` (strings in the count columns), ``status`` per count cell,
    and the exact ``values`` it came from (never export those)."""

    display: pd.DataFrame
    status: pd.DataFrame
    values: pd.DataFrame
    threshold: int
    enabled: bool
    count_columns: list[str] = field(default_factory=list)

    def notes(self, lang: str = "vi") -> list[str]:
        return note_lines(self.status.to_numpy().ravel().tolist(), self.threshold, lang, self.enabled)

    def text(self, row, column) -> str:
        return str(self.display.at[row, column])


def suppress_counts(df: pd.DataFrame, count_columns: Sequence[str], threshold: int | None = None, *,
                    total_row: Hashable | None = None, add_total: Hashable | None = None,
                    total_column: str | None = None, groups: Sequence[tuple[Hashable, Sequence[Hashable]]] = (),
                    withheld_rows: Iterable[Hashable] = (),
                    known: Callable[[str, Hashable, float], Interval | None] | None = None,
                    enabled: bool = True, lang: str = "vi") -> Suppressed:
    """Display values of ``df`` with small counts and their complements hidden (module rule).

    - ``total_row``: index label of a row that is the sum of all other rows (every count column); or
      ``add_total``: a label under which such a row is appended (sums with missing values as 0).
    - ``total_column``: a column that is the sum of ``count_columns`` on every row (a crosstab).
    - ``groups``: more (total row, member rows) relations, e.g. a province subtotal and its districts.
    - ``withheld_rows``: rows that are not shown as numbers but are tied by the groups (the units of
      a national map that only shows colours); ``known(column, row, value)`` gives the interval a reader
      learns anyway (the colour class), or None.
    - ``enabled=False``: exact numbers (formatted), nothing hidden.
    """
    t = _resolve(threshold)
    work = df.copy()
    columns = list(count_columns) + ([total_column] if total_column else [])
    if add_total is not None:
        if add_total in work.index:
            raise ValueError(f"row {add_total!r} exists already")
        sums = {c: pd.to_numeric(work[c], errors="coerce").fillna(0).sum() for c in columns}
        work.loc[add_total] = pd.Series(sums)
        total_row = add_total
    withheld_rows = set(withheld_rows)
    values = work[columns].apply(pd.to_numeric, errors="coerce")
    index = list(work.index)
    raw = {c: dict(zip(index, values[c].tolist())) for c in columns}  # plain dicts: fast lookups
    status_map: dict[str, dict] = {c: {} for c in columns}

    row_groups = list(groups)
    if total_row is not None:
        inner = _subtotal_members(groups)
        row_groups.append((total_row, [r for r in index if r != total_row and r not in inner]))
    # one audit per count column; a crosstab (total column) ties the columns: one audit for all
    blocks = [columns] if total_column else [[c] for c in columns]
    for block in blocks:
        cells = {(r, c): raw[c][r] for c in block for r in index}
        block_groups = [((tot, c), [(m, c) for m in members]) for c in block for tot, members in row_groups]
        if total_column:
            block_groups += [((r, total_column), [(r, c) for c in count_columns]) for r in index]
        withheld = {(r, c) for r in withheld_rows for c in block}
        if enabled:
            block_known = {}
            if known is not None:
                for (r, c), v in cells.items():
                    if not _missing(v):
                        interval = known(c, r, float(v))
                        if interval is not None:
                            block_known[(r, c)] = interval
            result = protect(cells, block_groups, t, withheld=withheld, known=block_known)
        else:
            result = {k: (MISSING if _missing(v) else WITHHELD if k in withheld else ZERO if float(v) == 0
                          else SHOWN) for k, v in cells.items()}
        for (r, c), st in result.items():
            status_map[c][r] = st

    status = pd.DataFrame({c: [status_map[c][r] for r in index] for c in columns}, index=work.index, dtype=object)
    display = work.copy()
    for c in columns:
        display[c] = pd.Series([_display(raw[c][r], status_map[c][r], t, lang) for r in index], index=work.index,
                               dtype=object)
    return Suppressed(display=display, status=status, values=values, threshold=t, enabled=enabled,
                      count_columns=columns)


def _subtotal_members(groups) -> set:
    members = set()
    for _total, rows in groups:
        members.update(rows)
    return members


def _display(value, st: str, t: int, lang: str) -> str:
    if st == MISSING:
        return NO_DATA
    if st == SMALL:
        return f"<{t}"
    if st == HIDDEN_STATUS:
        return HIDDEN
    if st == WITHHELD:
        return ""
    return format_count(value, lang)


# --------------------------------------------------------------------------------------------------
# Cell-key method (viewers)
# --------------------------------------------------------------------------------------------------
def _ckm_status(value, t: int) -> str:
    if _missing(value):
        return MISSING
    v = float(value)
    if v == 0:
        return ZERO
    return SMALL if v < t else SHOWN


def hide_cells(table: Suppressed, cells: Iterable[tuple[Hashable, str]]) -> Suppressed:
    """``table`` with the given (row, column) cells hidden ("x", status ``hidden``, no value for the map's
    classes, rates or changes). Used for viewers where a published exact total would let the perturbed parts
    of it be pinned down (:func:`geo.views.units.published_parts`). Cells without data or withheld stay so."""
    cells = [(r, c) for r, c in cells if r in table.status.index and c in table.status.columns
             and table.status.at[r, c] not in (MISSING, WITHHELD)]
    if not cells:
        return table
    display, status, values = table.display.copy(), table.status.copy(), table.values.copy()
    for c in {c for _, c in cells}:  # (a hidden value is None: the column holds objects)
        values[c] = values[c].astype(object)
    for r, c in cells:
        display.at[r, c] = HIDDEN
        status.at[r, c] = HIDDEN_STATUS
        values.at[r, c] = None
    return Suppressed(display=display, status=status, values=values, threshold=table.threshold,
                      enabled=table.enabled, count_columns=table.count_columns)


def mask_label(value, threshold: int | None = None, lang: str = "vi") -> str:
    """Display text of a perturbed count: "–" for no data, "0", "<5" for 1..threshold-1, else the number."""
    t = _resolve(threshold)
    st = _ckm_status(value, t)
    return _display(value, st, t, lang)


def protect_ckm(df: pd.DataFrame, count_columns: Sequence[str], threshold: int | None = None, *,
                keys: pd.DataFrame | None = None, withheld_rows: Iterable[Hashable] = (),
                lang: str = "vi") -> Suppressed:
    """Cell-key protection of a table (viewers): every count cell of ``df`` is perturbed from its own
    cell-key sum (``keys[column]``, same index; :func:`geo.stats.cellkey.perturb`), then masked: a
    perturbed value from 1 to ``threshold - 1`` reads ``"<5"``, 0 reads ``"0"`` (a true 0 always stays 0).
    ``keys=None``: the values are perturbed already (mask only). ``withheld_rows``: not printed (status
    ``withheld``, empty text). The returned ``values`` are the **perturbed** counts: rates, changes and map
    classes are computed from them, never from the true counts."""
    from geo.stats import cellkey

    t = _resolve(threshold)
    columns = list(count_columns)
    withheld_rows = set(withheld_rows)
    index = list(df.index)
    table = cellkey.ptable() if keys is not None else None
    perturbed: dict[str, list] = {}
    for c in columns:
        raw = pd.to_numeric(df[c], errors="coerce").tolist()
        if keys is None:
            perturbed[c] = [None if _missing(v) else float(v) for v in raw]
        else:
            ks = pd.to_numeric(keys[c], errors="coerce").fillna(0.0).tolist()
            perturbed[c] = [None if _missing(v) else float(cellkey.perturb(v, k, table)) for v, k in zip(raw, ks)]
    values = pd.DataFrame(perturbed, index=df.index, dtype=float)
    status = pd.DataFrame({c: [WITHHELD if (r in withheld_rows and not _missing(v)) else _ckm_status(v, t)
                               for r, v in zip(index, perturbed[c])] for c in columns}, index=df.index, dtype=object)
    display = df.copy()
    for c in columns:
        display[c] = pd.Series([_display(v, st, t, lang) for v, st in zip(perturbed[c], status[c])],
                               index=df.index, dtype=object)
    return Suppressed(display=display, status=status, values=values, threshold=t, enabled=True,
                      count_columns=columns)
