"""Named hotspots (places reports call hotspots) against computed Gi* hotspots.

A named hotspot (:func:`geo.data.facts.hotspots`, with its ``source`` and ``period``) is compared through its
pre-2025 district with the Gi* classes of :func:`geo.stats.hotspots.hotspot_table`:

==================  ==========================================================================
status              meaning
==================  ==========================================================================
``hot_now``         its district is statistically hot in the current period
``hot_before``      not hot now, but hot in at least one earlier period given ("no longer hot")
``not_hot``         tested and not hot in any period given
``no_data``         its district has no data (or was not tested) in the current period
``no_district``     the named hotspot has no district (a province or a sea port): not comparable
==================  ==========================================================================

:func:`agreement_by_district` gives one row per district for a map: ``both`` (named and hot now),
``named_no_longer``, ``named_only``, ``named_no_data`` and ``computed_only`` (hot now, named by no
report). A named hotspot that is not statistically hot is not "wrong": reports name places for reasons
(a single grave case, a village of origin) that a district rate cannot show. Never imports Streamlit.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from geo.stats.hotspots import CLASSES as GI_CLASSES
from geo.stats.hotspots import HOT_CLASSES

from geo.i18n.stats import NAMED_STATUSES as STATUSES  # noqa: E402  (strings live in geo/i18n)

#: agreement -> (order, colour, Vietnamese label, English label)
AGREEMENT: dict[str, tuple[int, str, str, str]] = {
    "both": (0, "#b2182b", "Được nêu tên và là điểm nóng thống kê", "Named and statistically hot"),
    "computed_only": (1, "#f4a582", "Điểm nóng thống kê, chưa được nêu tên", "Statistically hot, not named"),
    "named_no_longer": (2, "#8073ac", "Được nêu tên, trước đây nóng, nay không", "Named, was hot, no longer"),
    "named_only": (3, "#92c5de", "Được nêu tên, không phải điểm nóng thống kê", "Named, not statistically hot"),
    "named_no_data": (4, "#f0f0f0", "Được nêu tên, không có số liệu", "Named, no data"),
    "neither": (5, "#ffffff", "Không", "Neither"),
}


def _district_code(row: pd.Series, known: set[str]) -> str | None:
    """The pre-2025 district code of a named hotspot (reference rows: province + 3-digit district code;
    user rows: ``district_code5``), or None."""
    for col in ("district_code5",):
        value = row.get(col)
        if isinstance(value, str) and value.strip():
            return value.strip()
    d = row.get("district_code")
    if d is None or (isinstance(d, float) and np.isnan(d)) or not str(d).strip():
        return None
    d = str(d).strip()
    if len(d) >= 5:
        code = d
    else:
        prov = row.get("province_code")
        if prov is None or (isinstance(prov, float) and np.isnan(prov)):
            return None
        code = str(prov).strip().zfill(2) + d.zfill(3)
    if known and code not in known and ("H" + code) in known:
        return "H" + code
    return code


def _tables(earlier) -> list[tuple[str, pd.DataFrame]]:
    if earlier is None:
        return []
    if isinstance(earlier, Mapping):
        return [(str(k), v) for k, v in earlier.items()]
    out = []
    for i, table in enumerate(earlier):
        periods = table.attrs.get("periods") or []
        out.append((", ".join(periods) if periods else f"#{i + 1}", table))
    return out


def _classes(table: pd.DataFrame) -> pd.Series:
    return table.set_index(table["code"].astype(str))["class"]


def named_vs_computed(current: pd.DataFrame, earlier=None, named=None, current_label: str | None = None) -> pd.DataFrame:
    """One row per named hotspot: its district's Gi* class now, in earlier periods, and a status.

    ``current``: a :func:`geo.stats.hotspots.hotspot_table` (or :func:`geo.stats.hotspots.getis_ord`) result.
    ``earlier``: a dict {period label: table} or a list of tables (labels from ``attrs["periods"]``),
    e.g. from :func:`hotspot_history`. ``named``: :func:`geo.data.facts.hotspots` by default (pass
    ``user_points=store.user_points_frame`` there for user hotspots).

    Columns: ``hotspot_id``, ``name``, ``level``, ``category``, ``nature``, ``named_period`` (the period the
    report gives), ``source``, ``origin``, ``code`` (district), ``district_name``, ``current_class``,
    ``current_label_vi``/``_en``, ``hot_now``, ``hot_periods`` (earlier periods in which it was hot),
    ``status``, ``status_vi``/``status_en``, ``current_period``.
    """
    if named is None:
        from geo.data import facts
        named = facts.hotspots()
    now = _classes(current)
    names = current.set_index(current["code"].astype(str))["name_vi"] if "name_vi" in current.columns else None
    before = [(label, _classes(t)) for label, t in _tables(earlier)]
    label_now = current_label or ", ".join(current.attrs.get("periods") or []) or None
    known = set(now.index)
    rows = []
    for _, r in named.iterrows():
        code = _district_code(r, known)
        cls = now.get(code) if code else None
        hot_periods = [label for label, t in before if code and t.get(code) in HOT_CLASSES]
        if code is None:
            status = "no_district"
        elif cls is None or cls in ("no_data", "not_tested"):
            status = "no_data"
        elif cls in HOT_CLASSES:
            status = "hot_now"
        elif hot_periods:
            status = "hot_before"
        else:
            status = "not_hot"
        rows.append({
            "hotspot_id": r.get("hotspot_id"), "name": r.get("name"), "level": r.get("level"),
            "category": r.get("category"), "nature": r.get("nature"), "named_period": r.get("period"),
            "source": r.get("source"), "origin": r.get("origin"), "is_demo": bool(r.get("is_demo", False)),
            "code": code, "district_name": names.get(code) if names is not None and code else None,
            "current_class": cls,
            "current_label_vi": GI_CLASSES[cls][2] if cls in GI_CLASSES else None,
            "current_label_en": GI_CLASSES[cls][3] if cls in GI_CLASSES else None,
            "hot_now": bool(cls in HOT_CLASSES), "hot_periods": "; ".join(hot_periods),
            "status": status, "status_vi": STATUSES[status][0], "status_en": STATUSES[status][1],
            "current_period": label_now,
        })
    return pd.DataFrame(rows)


def agreement_by_district(current: pd.DataFrame, earlier=None, named=None, include_neither: bool = False) -> pd.DataFrame:
    """One row per district for a map of named against computed hotspots.

    ``agreement``: ``both``, ``computed_only``, ``named_no_longer``, ``named_only``, ``named_no_data`` (and
    ``neither`` with ``include_neither``), with ``label_vi``/``label_en``, ``colour``, ``order``; plus
    ``n_named``, ``named_ids``, ``named_names``, ``sources`` (of the named hotspots in the district),
    ``current_class`` and ``hot_periods``.
    """
    per_named = named_vs_computed(current, earlier, named)
    per_named = per_named[per_named["code"].notna()]
    before = [(label, _classes(t)) for label, t in _tables(earlier)]
    now = _classes(current)
    names = current.set_index(current["code"].astype(str))["name_vi"] if "name_vi" in current.columns else None
    codes = list(now.index) if include_neither else sorted(set(per_named["code"]) | set(now[now.isin(HOT_CLASSES)].index))
    grouped = {c: g for c, g in per_named.groupby("code")}
    rows = []
    for code in codes:
        cls = now.get(code)
        g = grouped.get(code)
        hot_periods = [label for label, t in before if t.get(code) in HOT_CLASSES]
        hot = cls in HOT_CLASSES
        if g is None:
            agreement = "computed_only" if hot else "neither"
        elif hot:
            agreement = "both"
        elif cls is None or cls in ("no_data", "not_tested"):
            agreement = "named_no_data"
        elif hot_periods:
            agreement = "named_no_longer"
        else:
            agreement = "named_only"
        order, colour, vi, en = AGREEMENT[agreement]
        rows.append({
            "code": code, "district_name": names.get(code) if names is not None else None,
            "agreement": agreement, "label_vi": vi, "label_en": en, "colour": colour, "order": order,
            "current_class": cls, "hot_periods": "; ".join(hot_periods),
            "n_named": 0 if g is None else int(len(g)),
            "named_ids": "" if g is None else "; ".join(map(str, g["hotspot_id"])),
            "named_names": "" if g is None else "; ".join(map(str, g["name"])),
            "sources": "" if g is None else " | ".join(sorted({str(s) for s in g["source"].dropna()})),
            "named_periods": "" if g is None else "; ".join(str(p) for p in g["named_period"].dropna()),
        })
    out = pd.DataFrame(rows, columns=["code", "district_name", "agreement", "label_vi", "label_en", "colour", "order",
                                      "current_class", "hot_periods", "n_named", "named_ids", "named_names",
                                      "sources", "named_periods"])
    return out.sort_values(["order", "code"], kind="stable").reset_index(drop=True)


def hotspot_history(aggregates: pd.DataFrame, periods: Iterable[str] | None = None, **kwargs) -> dict[str, pd.DataFrame]:
    """Run :func:`geo.stats.hotspots.hotspot_table` on each period of a multi-period district aggregate.

    ``aggregates``: ``store.aggregate_cases(by="district", grain="year")`` (or quarter, half...). Rows whose
    own period does not fit one bucket (``exact_grain`` false) are left out. ``periods``: which period
    labels (default all, in time order). ``kwargs`` go to ``hotspot_table`` (e.g. ``covered="all"``).
    Returns {period label: table}.
    """
    from geo.stats.hotspots import hotspot_table

    df = aggregates
    if "exact_grain" in df.columns:
        df = df[df["exact_grain"].fillna(True).astype(bool)]
    order = (df.sort_values("period_start")["period"].astype(str).drop_duplicates().tolist()
             if "period_start" in df.columns else sorted(df["period"].astype(str).unique()))
    if periods is not None:
        wanted = {str(p) for p in periods}
        order = [p for p in order if p in wanted]
    return {p: hotspot_table(df[df["period"].astype(str) == p], **kwargs) for p in order}


def explanation(lang: str = "vi") -> str:
    """Plain words on named against computed hotspots (Markdown)."""
    if lang == "en":
        return (
            "**Named and computed hotspots.** A *named* hotspot is a place a report or plan calls a hotspot "
            "(with its source and period). A *computed* hotspot is a district whose neighbourhood has a "
            "clearly high case rate in the data shown. Where both agree the evidence is stronger. A named "
            "hotspot that is not (or no longer) computed as hot is not necessarily wrong: reports name places "
            "for a single grave case or as a village of origin, the data may not cover that time, or "
            "prevention work may have had an effect. A computed hotspot no report names deserves a look.")
    return (
        "**Điểm nóng được nêu tên và điểm nóng thống kê.** Điểm nóng *được nêu tên* là nơi báo cáo, kế hoạch gọi "
        "là điểm nóng (có nguồn và thời kỳ). Điểm nóng *thống kê* là huyện mà vùng xung quanh có tỷ lệ vụ việc cao "
        "rõ rệt theo số liệu đang xem. Khi hai loại trùng nhau, bằng chứng mạnh hơn. Điểm được nêu tên nhưng "
        "không (hoặc không còn) là điểm nóng thống kê chưa chắc đã sai: báo cáo có thể nêu tên vì một vụ nghiêm "
        "trọng, vì là nơi xuất phát của nạn nhân, số liệu có thể không bao phủ thời kỳ đó, hoặc công tác phòng "
        "ngừa đã có tác dụng. Điểm nóng thống kê chưa được báo cáo nào nêu tên cần được xem xét.")
