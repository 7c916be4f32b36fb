"""Change against the previous period, classed by ACLED's published rule.

ACLED's Conflict Change Map / Country Change Level map (acleddata.com, Early Warning hub) classes the
change of event counts between the latest period and a historical norm:

=====================  ================================================================================
class                  rule (``pct`` = (current − norm) / norm; ``norm`` = the previous period's count,
                       scaled to the current period's length)
=====================  ================================================================================
``large_increase``     pct > +25%
``moderate_increase``  +10% < pct ≤ +25%
``limited``            −25% ≤ pct ≤ +10%; **and, whatever the percentage, every unit whose norm is at
                       most 2 events and whose latest period has at most 5** (ACLED's low-baseline rule:
                       "two events or fewer on average … and five events or fewer in the most recent
                       week … are categorized as limited change")
``large_decrease``     pct < −25%
``new``                (our addition) nothing in the previous period and at least 6 now: ACLED's rule
                       has no percentage for a zero norm; 0 → 1…5 stays "limited" by the low-baseline rule
``no_data``            no figure for one of the two periods (and the caller did not say it is 0)
=====================  ================================================================================

So 2 → 5 is "limited" (ACLED's own low-baseline example), 0 → 5 "limited", 0 → 6 "new", 10 → 12 (+20%)
a moderate increase, 20 → 16 (−20%) "limited", 4 → 0 a large decrease. ACLED has no "moderate decrease":
falls between −10% and −25% are limited change, as in its rule. The counts of both periods are always
shown next to the class. ``chance_p`` gives, for information, the two-sided probability of a split at
least this uneven if both periods had the same underlying rate (exact binomial test on current | current +
previous, adjusted for unequal period lengths): a large percentage on small numbers can still be chance.

Counts stay in their own columns (``current``, ``previous``) so an exporter can protect small counts;
nothing here prints. Never imports Streamlit.
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from typing import Iterable

import numpy as np
import pandas as pd

#: ACLED's low-baseline rule: a norm of at most LOW_NORM events and at most LOW_CURRENT now is "limited"
LOW_NORM = 2
LOW_CURRENT = 5
#: nothing before and at least NEW_MIN now is "new" (the low-baseline rule covers 0 → 1…5)
NEW_MIN = LOW_CURRENT + 1
LARGE = 0.25
MODERATE = 0.10
#: kept for callers that name the smallest count that can be more than "limited"
MIN_BASELINE = NEW_MIN

#: class -> (rank order, colour, Vietnamese label, English label). ACLED's four classes, "new", no data.
CLASSES: dict[str, tuple[int, str, str, str]] = {
    "large_increase": (0, "#b2182b", "Tăng mạnh (trên 25%)", "Large increase (above +25%)"),
    "new": (1, "#762a83", "Mới xuất hiện (kỳ trước không có, nay từ 6)", "New (none before, 6 or more now)"),
    "moderate_increase": (2, "#ef8a62", "Tăng vừa (10–25%)", "Moderate increase (+10 to +25%)"),
    "limited": (3, "#f7f7f7", "Thay đổi ít (−25% đến +10%, hoặc số nền thấp)",
                "Limited change (−25% to +10%, or low baseline)"),
    "large_decrease": (4, "#2166ac", "Giảm mạnh (quá 25%)", "Large decrease (below −25%)"),
    "no_data": (5, "#ffffff", "Không có số liệu", "No data"),
}
INCREASE_CLASSES = ("large_increase", "new", "moderate_increase")
DECREASE_CLASSES = ("large_decrease",)

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
def format_count(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


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


def change_classes(current, previous, large: float = LARGE, moderate: float = MODERATE, metric: str = "cases",
                   key: str | None = None, codes: Iterable[str] | None = None, covered: bool | Iterable[str] = False,
                   length_ratio: float = 1.0, names: pd.DataFrame | None = None, low_norm: float = LOW_NORM,
                   low_current: float = LOW_CURRENT, new_min: float = NEW_MIN) -> pd.DataFrame:
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
    low = ~missing & (p <= low_norm) & (c <= low_current)
    new = ~missing & ~low & (p == 0) & (c >= new_min)
    pct_rule = ~missing & ~low & ~new & (p > 0)
    cls[pct_rule & (pct > large)] = "large_increase"
    cls[pct_rule & (pct > moderate) & (pct <= large)] = "moderate_increase"
    cls[pct_rule & (pct < -large)] = "large_decrease"
    cls[new] = "new"
    rule[new] = "new"
    cls[low] = "limited"
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
    fmt = {"low_norm": format_count(low_norm), "low_current": format_count(low_current),
           "new_min": format_count(new_min)}
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
        "metric": metric, "rule": "acled", "low_norm": float(low_norm), "low_current": float(low_current),
        "new_min": float(new_min),
        "large": float(large), "moderate": float(moderate), "length_ratio": float(length_ratio),
        "is_demo": bool(demo_c or demo_p), "count_columns": ["current", "previous", "change"],
        "covered": bool(covered) if isinstance(covered, bool) or covered is None else sorted(map(str, covered)),
    })
    return out


RANK_ORDER = ("large_increase", "new", "moderate_increase", "limited", "large_decrease", "no_data")


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
                    metric: str = "cases", key: str | None = None, **kwargs) -> pd.DataFrame:
    """:func:`change_classes` for all pre-2025 districts with their names (or every unit of the layer
    ``districts``, e.g. the 2025 communes with ``key="commune_code"``).

    ``covered`` as in :func:`geo.stats.hotspots.coverage_mask`, applied to both periods together: ``None`` — a
    district with rows in either period is taken as covered in both (no row in the other period = 0) and a
    district with rows in neither is ``no_data``; ``"all"`` — no row means 0 everywhere; ``"provinces"`` —
    no row means 0 in the provinces that report in either period; or a list of codes.
    """
    from geo.stats import hotspots
    if districts is None:
        districts = hotspots._default_districts()
    sums_c, info_c = hotspots.district_sums(aggregates_current, [metric], key=key)
    sums_p, info_p = hotspots.district_sums(aggregates_previous, [metric], key=key)
    has = pd.Series(True, index=sorted(set(sums_c.index) | set(sums_p.index)))
    mask = hotspots.coverage_mask(districts, has, covered, info_c["provinces"] | info_p["provinces"])
    codes = list(districts["code"].astype(str))
    cov_codes = [c for c, m in zip(codes, mask.to_numpy()) if m]
    names = pd.DataFrame(districts[[c for c in ("code", "name_vi", "full_name_vi", "name_vi_full", "prov_code",
                                                "prov_name_vi")
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
            "**How change is classed (ACLED's rule).** Each district's count is compared with the previous "
            f"period of the same length: **large increase** above +{int(LARGE * 100)}%, **moderate increase** "
            f"+{int(MODERATE * 100)} to +{int(LARGE * 100)}%, **limited change** from −{int(LARGE * 100)}% to "
            f"+{int(MODERATE * 100)}%, **large decrease** below −{int(LARGE * 100)}% — the thresholds of the "
            "Armed Conflict Location & Event Data project (ACLED), the reference for event-count monitoring. "
            f"**Low-baseline rule (ACLED's):** a district with at most {LOW_NORM} cases before and at most "
            f"{LOW_CURRENT} now is “limited change” whatever the percentage, so 2 → 5 is not a surge. "
            f"**What we add:** “new” for none before and at least {NEW_MIN} now (a percentage of zero is "
            "undefined). Like ACLED there is no “moderate decrease”: falls of 10–25% are limited change. The "
            "counts of both periods are always shown next to the class. These are cases detected and reported: "
            "a rise can mean more activity by the units as much as more trafficking.")
    return (
        "**Cách phân loại thay đổi (theo quy tắc của ACLED).** Số vụ của mỗi huyện được so với kỳ trước cùng độ "
        f"dài: **tăng mạnh** khi trên +{int(LARGE * 100)}%, **tăng vừa** từ +{int(MODERATE * 100)}% đến "
        f"+{int(LARGE * 100)}%, **thay đổi ít** từ −{int(LARGE * 100)}% đến +{int(MODERATE * 100)}%, **giảm mạnh** "
        f"khi dưới −{int(LARGE * 100)}% — các ngưỡng của dự án ACLED (Armed Conflict Location & Event Data), "
        f"chuẩn tham chiếu khi theo dõi số sự kiện. **Quy tắc số nền thấp (của ACLED):** huyện có kỳ trước không "
        f"quá {LOW_NORM} vụ và kỳ này không quá {LOW_CURRENT} vụ được xếp “thay đổi ít” dù tỷ lệ là bao nhiêu, "
        f"nên 2 → 5 vụ không bị coi là tăng đột biến. **Điểm bổ sung:** “mới xuất hiện” khi kỳ trước không có vụ "
        f"nào và kỳ này từ {NEW_MIN} vụ (không tính được tỷ lệ so với 0). Như ACLED, không có lớp “giảm vừa”: "
        "giảm 10–25% là thay đổi ít. Số vụ của cả hai kỳ luôn được ghi cạnh lớp. Đây là số vụ được phát hiện, "
        "báo cáo: tăng có thể do lực lượng hoạt động tích cực hơn chứ không chỉ do tội phạm tăng.")
