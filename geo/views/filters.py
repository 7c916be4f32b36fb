"""The dashboard's shared filters: one dataclass, read from and written to the URL query string.

Every page reads the same :class:`Filters`; the URL holds them (``?era=pre2025&prov=40&dist=40417
&period=2024-H1&form=sexual&group=children&metric=victims``), so a copied link restores the view.
Pure Python: the Streamlit glue lives in ``ui.py``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date

from geo import periods
from geo.periods import period_words, previous_period  # noqa: F401  (used by pages)

ERAS = ("pre2025", "2025")
GROUPS = ("all", "children", "women")
#: metric key -> (stored sum column, is a victim count (sensitive), vi label, en label)
METRICS: dict[str, tuple[str, bool, str, str]] = {
    "cases": ("cases", False, "Số vụ", "Cases"),
    "victims": ("victims", True, "Nạn nhân", "Victims"),
    "victims_rescued": ("victims_rescued", True, "Nạn nhân được giải cứu, tiếp nhận", "Victims rescued or received"),
    "victims_children": ("victims_children", True, "Nạn nhân là trẻ em", "Child victims"),
    "suspects_arrested": ("suspects_arrested", False, "Đối tượng bị bắt", "Suspects arrested"),
}
RATE_SUFFIX = "_per100k"
BORDER_CHOICES = ("all", "laos", "china", "cambodia")
CLASS_METHODS = ("natural_breaks", "quantiles", "fixed")



def metric_label(metric: str, lang: str = "vi") -> str:
    base, rate = (metric[: -len(RATE_SUFFIX)], True) if metric.endswith(RATE_SUFFIX) else (metric, False)
    _, _, vi, en = METRICS[base]
    if lang == "en":
        return f"{en} per 100,000 people" if rate else en
    return f"{vi} trên 100.000 dân" if rate else vi


def metric_options() -> list[str]:
    return [m for base in METRICS for m in (base, base + RATE_SUFFIX)]


def is_sensitive(metric: str) -> bool:
    """Victim counts are sensitive: exports suppress small numbers of them."""
    base = metric[: -len(RATE_SUFFIX)] if metric.endswith(RATE_SUFFIX) else metric
    return METRICS[base][1]


def parse_period(text: str | None) -> tuple[date, date] | None:
    """(start, end) of a period filter (:func:`geo.periods.parse_period`); None if empty.

    Raises ValueError (:class:`geo.periods.PeriodError`) for text that is not a period.
    """
    return periods.parse_period(text).bounds


@dataclass(frozen=True)
class Filters:
    """What every page filters by. Empty strings mean "no filter"."""

    era: str = "pre2025"
    province: str = ""  # province code of the era
    district: str = ""  # pre-2025 district code (no districts in the 2025 era)
    period: str = ""  # see parse_period
    form: str = ""  # form of exploitation key (geo.data.schema vocabulary)
    group: str = "all"  # victim group: all, children, women
    metric: str = "victims"
    border: str = "all"  # borders page: all, laos, china, cambodia
    method: str = "natural_breaks"  # class breaks of choropleths

    QUERY_KEYS = {"era": "era", "province": "prov", "district": "dist", "period": "period", "form": "form",
                  "group": "group", "metric": "metric", "border": "border", "method": "classes"}

    def to_query(self) -> dict[str, str]:
        """Only the values that differ from the defaults, keyed by URL parameter name."""
        default = Filters()
        return {self.QUERY_KEYS[k]: v for k, v in asdict(self).items() if v != getattr(default, k)}

    @classmethod
    def from_query(cls, query: dict[str, str]) -> "Filters":
        """Read URL parameters, dropping values that are not valid (a bad link shows the default)."""
        values = {}
        for name, key in cls.QUERY_KEYS.items():
            if key in query and query[key] is not None:
                values[name] = str(query[key])
        f = replace(cls(), **values)
        if f.era not in ERAS:
            f = replace(f, era="pre2025")
        if f.group not in GROUPS:
            f = replace(f, group="all")
        if f.metric not in metric_options():
            f = replace(f, metric="victims")
        if f.border not in BORDER_CHOICES:
            f = replace(f, border="all")
        if f.method not in CLASS_METHODS:
            f = replace(f, method="natural_breaks")
        try:
            parse_period(f.period)
        except ValueError:
            f = replace(f, period="")
        if f.era == "2025" and f.district:
            f = replace(f, district="")
        return f

    def after_reform(self) -> bool:
        """The period starts on or after 1 July 2025: its rows are in 2025 units, which have no pre-2025 map."""
        from geo.data.schema import ERA_CHANGE

        try:
            bounds = parse_period(self.period)
        except ValueError:
            return False
        return bounds is not None and bounds[0] >= ERA_CHANGE

    def for_period(self) -> "Filters":
        """These filters with the 2025 era when the period is wholly after the reform (the province carried
        over to the 2025 province it merged into); unchanged otherwise, and when a district is chosen (a
        district is a pre-2025 unit: its page counts the rows that name it)."""
        if self.era != "pre2025" or self.district or not self.after_reform():
            return self
        province = ""
        if self.province:
            try:
                from geo.admin.registry import load_registry

                reg = load_registry()
                province = reg.province_2025_of(reg.get(self.province, "province", "pre2025")).code
            except Exception:  # an unknown code: the national view
                province = ""
        return replace(self, era="2025", province=province, district="")

    def dates(self) -> tuple[date, date] | None:
        return parse_period(self.period)

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)



#: Gi* and change classes work on these stored sums
ANALYSIS_METRICS = ("cases", "victims", "victims_rescued", "victims_children", "suspects_arrested")


def analysis_metric(f: Filters) -> str:
    """The stored count that Gi* and the change classes analyse for these filters (rates are computed
    by the analysis itself; a victim group narrows "victims")."""
    base = f.metric[: -len(RATE_SUFFIX)] if f.metric.endswith(RATE_SUFFIX) else f.metric
    if base == "victims" and f.group != "all":
        return f"victims_{f.group}"
    return base if base in ANALYSIS_METRICS else "cases"


__all__ = ["Filters", "METRICS", "GROUPS", "ERAS", "parse_period", "previous_period", "period_words",
           "metric_label", "metric_options", "is_sensitive", "field"]
