"""Analysis results as map layers: Gi* hotspot classes and change classes per district.

Thin glue between :mod:`geo.stats.hotspots` / :mod:`geo.stats.change` and :mod:`geo.render.maps`, shared by the
overview, borders and hotspot pages (and usable by exports).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.stats import change, hotspots

from geo.data import store
from geo.views.filters import RATE_SUFFIX, Filters, previous_period
from geo.render.maps import Choropleth, CategoryClasses
from geo.stats.metrics import case_filter

#: Gi* and change classes work on these stored sums
ANALYSIS_METRICS = ("cases", "victims", "victims_rescued", "victims_children", "suspects_arrested")


def analysis_metric(f: Filters) -> str:
    base = f.metric[: -len(RATE_SUFFIX)] if f.metric.endswith(RATE_SUFFIX) else f.metric
    if base == "victims" and f.group != "all":
        return f"victims_{f.group}"
    return base if base in ANALYSIS_METRICS else "cases"


@dataclass
class AnalysisLayer:
    choropleth: Choropleth
    table: pd.DataFrame


def _aggregate(f: Filters, dates: tuple[date, date] | None, engine=None) -> pd.DataFrame:
    # Gi* needs every district of the country as context, so the province filter is not applied here
    return store.aggregate_cases(by="district", grain="all", filters=case_filter(f.with_(province=""), dates),
                                 engine=engine)


def metric_choropleth(f: Filters, values, lang: str = "vi") -> Choropleth:
    """The chosen metric as classes (:mod:`geo.stats.classify`); small victim counts share one class."""
    from geo.stats.classify import classify
    from geo.views.filters import is_sensitive, metric_label

    protect = 5 if is_sensitive(f.metric) and not f.metric.endswith(RATE_SUFFIX) else None
    classification = classify(values.values(), f.method, 5, protect=protect)
    return Choropleth(values.values(), classification, metric_label(f.metric, lang), key=f"metric|{f}")


def gi_layer(f: Filters, lang: str = "vi", engine=None) -> AnalysisLayer:
    """Gi* classes of the filters' metric and period (rates per 100,000, EB-smoothed, FDR)."""
    table = hotspots.hotspot_table(_aggregate(f, f.dates(), engine), metric=analysis_metric(f), covered="all")
    classes = CategoryClasses.from_table(hotspots.CLASSES)
    values = dict(zip(table["code"], table["class"]))
    label = "Điểm nóng thống kê (Gi*)" if lang == "vi" else "Statistical hotspots (Gi*)"
    return AnalysisLayer(Choropleth(values, classes, label, key=f"gi|{f}"), table)


def change_layer(f: Filters, lang: str = "vi", engine=None) -> AnalysisLayer | None:
    """Change classes against the previous period (None when no period is chosen)."""
    dates = f.dates()
    if not dates:
        return None
    current = _aggregate(f, dates, engine)
    previous = _aggregate(f, previous_period(*dates), engine)
    table = change.district_change(current, previous, covered="all", metric=analysis_metric(f))
    classes = CategoryClasses.from_table(change.CLASSES)
    values = dict(zip(table["code"], table["class"]))
    label = "Thay đổi so với kỳ trước" if lang == "vi" else "Change vs previous period"
    return AnalysisLayer(Choropleth(values, classes, label, key=f"change|{f}"), table)
