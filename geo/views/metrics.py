"""Figures per unit for the dashboard: counts, victim groups, rates per 100,000 and KPI changes.

Population is the 2009 census figure carried by the boundary source (``pop_2009_odm``); rates say
so. A district with no stored row reads 0 when its province reports anything for the period, and
"no data" (``NaN``) otherwise — the map shows the two differently, and the exports use the same rule. Rows that the data places only at a higher level (a province total) stay out of the
unit values and are reported in :attr:`UnitValues.unplaced`, so nothing is silently dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from geo.data import store
from geo.admin.cache import load_layer
from geo.views.filters import METRICS, RATE_SUFFIX, Filters, previous_period

GROUP_COLUMNS = {"victims": {"children": "victims_children", "women": "victims_women"}}
SUMS = ("cases", "victims", "victims_children", "victims_women", "victims_rescued", "victims_supported",
        "suspects_arrested")


def value_column(metric: str, group: str = "all") -> str:
    """Stored sum column behind a metric for a victim group (children/women narrow 'victims')."""
    base = metric[: -len(RATE_SUFFIX)] if metric.endswith(RATE_SUFFIX) else metric
    column = METRICS[base][0]
    return GROUP_COLUMNS.get(column, {}).get(group, column)


def case_filter(f: Filters, dates: tuple[date, date] | None = None, district: bool = False) -> store.CaseFilter:
    """The store filter for the dashboard filters (``district`` narrows to the selected district)."""
    cf = store.CaseFilter()
    if f.province:
        if f.era == "2025":
            cf.provinces_2025 = [f.province]
        else:
            cf.provinces = [f.province]
    if district and f.district:
        cf.districts = [f.district]
    period = dates if dates is not None else f.dates()
    if period:
        cf.start, cf.end = period
    if f.form:
        cf.forms = [f.form]
    return cf


def unit_level(f: Filters) -> str:
    """Units a map of these filters shows: pre-2025 districts, or 2025 provinces."""
    return "district" if f.era == "pre2025" else "province_2025"


@dataclass
class UnitValues:
    frame: pd.DataFrame  # one row per unit of the layer: code, sums, value, population, is_demo
    value_column: str
    unplaced: pd.DataFrame  # rows placed only at a higher level
    any_demo: bool

    def values(self) -> dict[str, float]:
        return dict(zip(self.frame["code"], self.frame["value"]))


def _population(level: str) -> pd.Series:
    if level == "district":
        frame = load_layer("districts_pre2025", "national")
        return pd.Series(frame["pop_2009_odm"].astype(float).to_numpy(), index=frame["code"])
    provinces = load_layer("provinces_pre2025", "national")
    by_new = provinces.groupby("prov_code_2025new")["pop_2009_odm"].sum().astype(float)
    return by_new


def unit_values(f: Filters, dates: tuple[date, date] | None = None, engine=None) -> UnitValues:
    """Sums per unit (districts before 2025, provinces since) for the filters and period."""
    level = unit_level(f)
    key = "district_code5" if level == "district" else "prov_code_2025"
    agg = store.aggregate_cases(by=level, grain="all", filters=case_filter(f, dates), engine=engine)
    placed = agg[agg[key].notna() & (agg[key] != "")] if not agg.empty else agg
    unplaced = agg[~agg.index.isin(placed.index)] if not agg.empty else agg
    sums = placed.groupby(key)[list(SUMS)].sum() if not placed.empty else pd.DataFrame(columns=list(SUMS))
    demo = placed.groupby(key)["is_demo"].any() if not placed.empty else pd.Series(dtype=bool)
    population = _population(level)
    frame = pd.DataFrame({"code": population.index.astype(str)})
    if level == "district" and f.province:
        districts = load_layer("districts_pre2025", "national")
        frame = frame[frame["code"].isin(districts.loc[districts["prov_code"] == f.province, "code"])]
    elif level == "province_2025" and f.province:
        frame = frame[frame["code"] == f.province]
    frame = frame.merge(sums, left_on="code", right_index=True, how="left")
    for column in SUMS:  # nullable integers -> floats with NaN for "no data"
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if level == "district" and not agg.empty:
        # a province that reports anything for the period reports for all its districts: their
        # missing values are 0, not "no data" (the same rule as the briefing exports)
        reporting = set(agg["prov_code_pre2025"].dropna().astype(str))
        districts = load_layer("districts_pre2025", "national").set_index("code")["prov_code"]
        in_reporting = frame["code"].map(districts).isin(reporting)
        frame.loc[in_reporting, list(SUMS)] = frame.loc[in_reporting, list(SUMS)].fillna(0.0)
    frame["population_2009"] = frame["code"].map(population)
    frame["is_demo"] = frame["code"].map(lambda c: bool(demo.get(c, False)))
    column = value_column(f.metric, f.group)
    frame["count"] = frame[column]
    if f.metric.endswith(RATE_SUFFIX):
        frame["value"] = frame["count"] / frame["population_2009"] * 100_000
        # no rate where fewer than 1,000 people live (the outpost islands): a single case would read as hundreds
        from geo.stats.hotspots import MIN_POPULATION

        frame.loc[frame["population_2009"].fillna(0) < MIN_POPULATION, "value"] = np.nan
    else:
        frame["value"] = frame["count"]
    any_demo = bool(agg["is_demo"].any()) if not agg.empty else False
    return UnitValues(frame.reset_index(drop=True), column, unplaced, any_demo)


@dataclass(frozen=True)
class Kpi:
    key: str
    current: float
    previous: float | None

    @property
    def change_pct(self) -> float | None:
        if self.previous in (None, 0) or pd.isna(self.previous):
            return None
        return (self.current - self.previous) / self.previous * 100


def kpis(f: Filters, engine=None) -> tuple[list[Kpi], bool]:
    """Totals for the filters' period (and the previous period when a period is set); any demo rows."""
    dates = f.dates()
    current = store.aggregate_cases(by="national", grain="all", filters=case_filter(f, dates, district=True),
                                    engine=engine)
    previous = None
    if dates:
        previous = store.aggregate_cases(by="national", grain="all",
                                         filters=case_filter(f, previous_period(*dates), district=True),
                                         engine=engine)
    out = []
    for key in ("cases", "victims", "victims_children", "victims_rescued", "suspects_arrested"):
        cur = float(current[key].sum()) if not current.empty else 0.0
        prev = None if previous is None else (float(previous[key].sum()) if not previous.empty else 0.0)
        out.append(Kpi(key, cur, prev))
    demo = bool(current["is_demo"].any()) if not current.empty else False
    return out, demo
