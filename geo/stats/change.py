"""Change against the previous period, in the style of conflict-monitoring dashboards.

Each district (or any unit) gets one class:

===================  ===========================================================================
class                rule (``pct`` = (current − previous) / previous)
===================  ===========================================================================
``too_few``          both periods below ``min_baseline`` cases (default 5): too few to say
``new``              no case before, at least ``min_baseline`` now
``limited``          the absolute change is below ``min_abs_change`` (default 3), or |pct| ≤ 10%
``large_increase``   pct > +25%
``moderate_increase``  +10% < pct ≤ +25%
``moderate_decrease``  −25% ≤ pct < −10%
``large_decrease``   pct < −25% (including a drop to 0)
``no_data``          no figure for one of the two periods (and the caller did not say it is 0)
===================  ===========================================================================

The low-baseline rule means 1 → 2 (or 0 → 3) is never flagged as a surge, while 20 → 30 is a large
increase. ``chance_p`` gives, for information, the two-sided probability of a split at least this uneven
if both periods had the same underlying rate (exact binomial test on current | current + previous,
adjusted for unequal period lengths): a large percentage on small numbers can still be chance.

Counts stay in their own columns (``current``, ``previous``) so an exporter can protect small counts;
nothing here prints. Never imports Streamlit.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Iterable

import numpy as np
import pandas as pd

MIN_BASELINE = 5
MIN_ABS_CHANGE = 3
LARGE = 0.25
MODERATE = 0.10

#: class -> (rank order, colour, Vietnamese label, English label)
CLASSES: dict[str, tuple[int, str, str, str]] = {
    "large_increase": (0, "#b2182b", "Tăng mạnh (> 25%)", "Large increase (> +25%)"),
    "new": (1, "#762a83", "Mới xuất hiện (kỳ trước không có)", "New (none in the previous period)"),
    "moderate_increase": (2, "#ef8a62", "Tăng vừa (10–25%)", "Moderate increase (+10 to +25%)"),
    "limited": (3, "#f7f7f7", "Thay đổi ít", "Limited change"),
    "moderate_decrease": (4, "#67a9cf", "Giảm vừa (10–25%)", "Moderate decrease (−10 to −25%)"),
    "large_decrease": (5, "#2166ac", "Giảm mạnh (> 25%)", "Large decrease (> −25%)"),
    "too_few": (6, "#d9d9d9", "Quá ít vụ để kết luận", "Too few to say"),
    "no_data": (7, "#ffffff", "Không có số liệu", "No data"),
}
INCREASE_CLASSES = ("large_increase", "new", "moderate_increase")
DECREASE_CLASSES = ("moderate_decrease", "large_decrease")

from geo.i18n.stats import CHANGE_RULES as RULES  # noqa: E402  (strings live in geo/i18n)


def class_label(cls: str, lang: str = "vi") -> str:
    return CLASSES[cls][3] if lang == "en" else CLASSES[cls][2]


def class_colour(cls: str) -> str:
    return CLASSES[cls][1]


def legend(lang: str = "vi", include: Iterable[str] | None = None) -> pd.DataFrame:
    """The classes in legend order: ``class``, ``label``, ``colour``."""
    from geo.stats.hotspots import table_legend

    return table_legend(CLASSES, lang, include)


# --------------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------------
def _as_date(value) -> date:
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def previous_period(start, end, mode: str = "previous") -> tuple[date, date]:
    """The period to compare [start, end] with.

    ``mode="previous"``: the period of the same length just before (2024-Q2 → 2024-Q1, 2024-H1 → 2023-H2,
    2024 → 2023, May 2024 → April 2024; whole months are shifted by whole months). ``mode="year_ago"``:
    the same dates one year earlier (2024-Q2 → 2023-Q2), which removes seasonal effects such as Tết.
    A period that is not made of whole months is shifted by its number of days.
    """
    s, e = _as_date(start), _as_date(end)
    if e < s:
        raise ValueError("end is before start")
    whole_months = s.day == 1 and (e + timedelta(days=1)).day == 1
    if mode == "year_ago":
        if whole_months:
            return _add_months(s, -12), _month_end(_add_months(e.replace(day=1), -12))
        try:
            return s.replace(year=s.year - 1), e.replace(year=e.year - 1)
        except ValueError:  # 29 February
            return s.replace(year=s.year - 1, day=28), e.replace(year=e.year - 1, day=28)
    if mode != "previous":
        raise ValueError("mode must be previous or year_ago")
    if whole_months:
        n = (e.year - s.year) * 12 + (e.month - s.month) + 1
        ps = _add_months(s, -n)
        return ps, _month_end(_add_months(ps, n - 1))
    days = (e - s).days + 1
    return s - timedelta(days=days), s - timedelta(days=1)


# --------------------------------------------------------------------------------------------------
# Classes
# --------------------------------------------------------------------------------------------------
def _binom_two_sided(k: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    from scipy import stats

    out = np.full(len(k), np.nan)
    for i, (ki, ni) in enumerate(zip(k, n)):
        if np.isnan(ki) or np.isnan(ni) or ni <= 0:
            continue
        out[i] = stats.binomtest(int(ki), int(ni), p).pvalue
    return out


def _counts(frame, metric: str, key: str | None) -> tuple[pd.Series, bool]:
    """A count Series by code from a Series or a store aggregate; also whether any row is demo data."""
    if isinstance(frame, pd.Series):
        s = pd.to_numeric(frame, errors="coerce").astype(float)
        s.index = s.index.astype(str)
        return s.groupby(level=0).sum(min_count=1), False
    if isinstance(frame, dict):
        return _counts(pd.Series(frame, dtype=float), metric, key)
    df = frame
    key = key or next((k for k in ("district_code5", "code", "prov_code_pre2025", "prov_code_2025")
                       if k in df.columns), None)
    if key is None or metric not in df.columns:
        raise ValueError(f"the frame needs a code column and a {metric!r} column")
    demo = bool(df["is_demo"].fillna(False).astype(bool).any()) if "is_demo" in df.columns else False
    placed = df[key].notna() & (df[key].astype(str).str.strip() != "")
    sub = pd.to_numeric(df.loc[placed, metric], errors="coerce").astype(float)
    sub.index = df.loc[placed, key].astype(str).str.strip().to_numpy()
    return sub.groupby(level=0).sum(min_count=1), demo


def change_classes(current, previous, min_baseline: int = MIN_BASELINE, min_abs_change: int = MIN_ABS_CHANGE,
                   large: float = LARGE, moderate: float = MODERATE, metric: str = "cases", key: str | None = None,
                   codes: Iterable[str] | None = None, covered: bool | Iterable[str] = False,
                   length_ratio: float = 1.0, names: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classify the change from ``previous`` to ``current`` for every unit, ranked.

    ``current``/``previous``: store aggregates (``store.aggregate_cases``: the ``metric`` column is summed by
    ``key``, default ``district_code5``), or Series/dicts of counts by code. ``codes``: the units to list
    (default: every code seen in either period). ``covered``: True when the data covers every listed unit,
    so a missing figure means 0; or the list of codes it covers; otherwise a unit missing in one period is
    ``no_data`` (a district with no report is not a district with no case). ``length_ratio``: length of
    the current period divided by the previous one's (1 for the usual comparison); the previous count is
    scaled by it before the percentage is taken. ``names``: optional frame with ``code`` and name columns
    to join (e.g. the district layer without geometry).

    Returns one row per unit, ranked (``rank`` 1 = the largest increase): ``code``, ``current``,
    ``previous``, ``change`` (absolute), ``pct_change`` (NaN when the previous count is 0), ``class``,
    ``rule``, ``label_vi``/``label_en``, ``rule_vi``/``rule_en``, ``colour``, ``class_order``, ``chance_p``.
    ``df.attrs`` holds the thresholds, ``is_demo`` and ``count_columns``.
    """
    cur, demo_c = _counts(current, metric, key)
    prev, demo_p = _counts(previous, metric, key)
    if codes is None:
        units = sorted(set(cur.index) | set(prev.index))
    else:
        units = [str(c) for c in codes]
    cur = cur.reindex(units)
    prev = prev.reindex(units)
    if covered is True:
        cover = pd.Series(True, index=units)
    elif covered is False or covered is None:
        cover = pd.Series(False, index=units)
    else:
        items = {str(c) for c in covered}
        cover = pd.Series([u in items or u[:2] in items for u in units], index=units)
    # a unit seen in one period and covered, or seen in both, is complete; a covered unit missing is 0
    cur = cur.where(cur.notna() | ~cover, 0.0)
    prev = prev.where(prev.notna() | ~cover, 0.0)

    out = pd.DataFrame({"code": units, "current": cur.to_numpy(), "previous": prev.to_numpy()})
    c = out["current"].to_numpy(dtype=float)
    p = out["previous"].to_numpy(dtype=float) * float(length_ratio)
    change = c - p
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(p > 0, change / p, np.nan)
    cls = np.full(len(out), "limited", dtype=object)
    rule = np.full(len(out), "percent", dtype=object)
    missing = np.isnan(c) | np.isnan(p)
    low = ~missing & (np.maximum(c, p) < min_baseline)
    small = ~missing & ~low & (np.abs(change) < min_abs_change)
    new = ~missing & ~low & ~small & (p == 0)
    pct_rule = ~missing & ~low & ~small & ~new
    cls[pct_rule & (pct > large)] = "large_increase"
    cls[pct_rule & (pct > moderate) & (pct <= large)] = "moderate_increase"
    cls[pct_rule & (pct < -moderate) & (pct >= -large)] = "moderate_decrease"
    cls[pct_rule & (pct < -large)] = "large_decrease"
    cls[new] = "new"
    rule[new] = "new"
    cls[small] = "limited"
    rule[small] = "small_change"
    cls[low] = "too_few"
    rule[low] = "low_baseline"
    cls[missing] = "no_data"
    rule[missing] = "no_data"
    out["change"] = change
    out["pct_change"] = pct
    out["class"] = cls
    out["rule"] = rule
    share = float(length_ratio) / (1.0 + float(length_ratio))
    total = c + out["previous"].to_numpy(dtype=float)
    out["chance_p"] = _binom_two_sided(c, total, share)
    fmt = {"min_baseline": min_baseline, "min_abs_change": min_abs_change}
    out["label_vi"] = out["class"].map(lambda k: CLASSES[k][2])
    out["label_en"] = out["class"].map(lambda k: CLASSES[k][3])
    out["rule_vi"] = out["rule"].map(lambda k: RULES[k][0].format(**fmt))
    out["rule_en"] = out["rule"].map(lambda k: RULES[k][1].format(**fmt))
    out["colour"] = out["class"].map(lambda k: CLASSES[k][1])
    out["class_order"] = out["class"].map(lambda k: CLASSES[k][0]).astype(int)
    if names is not None:
        cols = [col for col in names.columns if col != "geometry"]
        named = pd.DataFrame(names[cols]).copy()
        named["code"] = named["code"].astype(str)
        out = out.merge(named, on="code", how="left")
    out = rank_changes(out)
    out.attrs.update({
        "metric": metric, "min_baseline": int(min_baseline), "min_abs_change": int(min_abs_change),
        "large": float(large), "moderate": float(moderate), "length_ratio": float(length_ratio),
        "is_demo": bool(demo_c or demo_p), "count_columns": ["current", "previous", "change"],
        "covered": bool(covered) if isinstance(covered, bool) or covered is None else sorted(map(str, covered)),
    })
    return out


RANK_ORDER = ("large_increase", "new", "moderate_increase", "limited", "large_decrease", "moderate_decrease",
              "too_few", "no_data")


def rank_changes(table: pd.DataFrame) -> pd.DataFrame:
    """Rank a :func:`change_classes` table: large increases, new, moderate increases (each by absolute
    increase, largest first), limited change, large then moderate decreases (largest drop first), too few,
    no data (by current count); ``rank`` starts at 1."""
    df = table.copy()
    group = df["class"].map({k: i for i, k in enumerate(RANK_ORDER)}).to_numpy()
    inc = df["class"].isin(INCREASE_CLASSES).to_numpy()
    dec = df["class"].isin(DECREASE_CLASSES).to_numpy()
    change = df["change"].fillna(0).to_numpy(dtype=float)
    key = np.where(inc, -change, np.where(dec, change, -df["current"].fillna(-1).to_numpy(dtype=float)))
    df = df.assign(_g=group, _k=key)
    df = df.sort_values(["_g", "_k", "code"], kind="stable").drop(columns=["_g", "_k"])
    df["rank"] = np.arange(1, len(df) + 1)
    return df.reset_index(drop=True)


def top_changes(table: pd.DataFrame, direction: str = "increase", n: int = 10) -> pd.DataFrame:
    """The ``n`` largest increases (``direction="increase"``: large/new/moderate increase) or decreases."""
    if direction not in ("increase", "decrease"):
        raise ValueError("direction must be increase or decrease")
    classes = INCREASE_CLASSES if direction == "increase" else DECREASE_CLASSES
    sub = table[table["class"].isin(classes)]
    sub = sub.sort_values("change", ascending=direction != "increase", kind="stable")
    return sub.head(n).reset_index(drop=True)


def district_change(aggregates_current, aggregates_previous, districts=None, covered=None,
                    metric: str = "cases", **kwargs) -> pd.DataFrame:
    """:func:`change_classes` for all pre-2025 districts with their names.

    ``covered`` as in :func:`geo.stats.hotspots.coverage_mask`, applied to both periods together: ``None`` — a
    district with rows in either period is taken as covered in both (no row in the other period = 0) and a
    district with rows in neither is ``no_data``; ``"all"`` — no row means 0 everywhere; ``"provinces"`` —
    no row means 0 in the provinces that report in either period; or a list of codes.
    """
    from geo.stats import hotspots
    if districts is None:
        districts = hotspots._default_districts()
    sums_c, info_c = hotspots.district_sums(aggregates_current, [metric])
    sums_p, info_p = hotspots.district_sums(aggregates_previous, [metric])
    has = pd.Series(True, index=sorted(set(sums_c.index) | set(sums_p.index)))
    mask = hotspots.coverage_mask(districts, has, covered, info_c["provinces"] | info_p["provinces"])
    codes = list(districts["code"].astype(str))
    cov_codes = [c for c, m in zip(codes, mask.to_numpy()) if m]
    names = pd.DataFrame(districts[[c for c in ("code", "name_vi", "full_name_vi", "prov_code", "prov_name_vi")
                                    if c in districts.columns]])
    cur = sums_c[metric] if metric in sums_c else pd.Series(dtype=float)
    prev = sums_p[metric] if metric in sums_p else pd.Series(dtype=float)
    out = change_classes(cur, prev, codes=codes, covered=cov_codes, names=names, metric=metric, **kwargs)
    out.attrs["is_demo"] = bool(info_c["is_demo"] or info_p["is_demo"])
    out.attrs["periods"] = {"current": info_c["periods"], "previous": info_p["periods"]}
    out.attrs["unplaced_rows"] = {"current": info_c["unplaced_rows"], "previous": info_p["unplaced_rows"]}
    return out


def explanation(lang: str = "vi") -> str:
    """Plain words on the change classes and the low-baseline rule (Markdown)."""
    if lang == "en":
        return (
            "**How change is classed.** Each district's count is compared with the previous period of the same "
            f"length: large increase above +{int(LARGE * 100)}%, moderate increase +{int(MODERATE * 100)} to "
            f"+{int(LARGE * 100)}%, limited change within ±{int(MODERATE * 100)}%, moderate and large decrease "
            "likewise. **Low-baseline rule:** when both periods have fewer than "
            f"{MIN_BASELINE} cases the district is \"too few to say\", and a difference of fewer than "
            f"{MIN_ABS_CHANGE} cases is \"limited\" – so 1 → 2 is never a surge, while 20 → 30 is a large "
            "increase. \"New\" means none before and at least "
            f"{MIN_BASELINE} now. The figures are cases detected and reported: a rise can mean more activity "
            "by the units as much as more trafficking.")
    return (
        "**Cách phân loại thay đổi.** Số vụ của mỗi huyện được so với kỳ trước cùng độ dài: tăng mạnh khi trên "
        f"+{int(LARGE * 100)}%, tăng vừa từ +{int(MODERATE * 100)} đến +{int(LARGE * 100)}%, thay đổi ít trong "
        f"khoảng ±{int(MODERATE * 100)}%, giảm vừa và giảm mạnh tương tự. **Quy tắc số nền thấp:** nếu cả hai kỳ "
        f"đều dưới {MIN_BASELINE} vụ thì xếp \"quá ít vụ để kết luận\", và chênh lệch dưới {MIN_ABS_CHANGE} vụ là "
        "\"thay đổi ít\" – vì vậy 1 → 2 vụ không bao giờ bị coi là tăng đột biến, còn 20 → 30 là tăng mạnh. "
        f"\"Mới xuất hiện\": kỳ trước không có, kỳ này ít nhất {MIN_BASELINE} vụ. Đây là số vụ được phát hiện, "
        "báo cáo: tăng có thể do lực lượng hoạt động tích cực hơn chứ không chỉ do tội phạm tăng.")
