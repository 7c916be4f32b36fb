"""The dashboard's shared filters: one dataclass, read from and written to the URL query string.

Every page reads the same :class:`Filters`; the URL holds them (``?era=pre2025&prov=40&dist=40417
&period=2024-H1&form=sexual&group=children&metric=victims``), so a copied link restores the view.
Pure Python: the Streamlit glue lives in ``ui.py``.
"""
from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta

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

_PERIOD = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


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
    """'2024', '2024-H1', '2024-Q2', '2024-05' or '2024-01-01..2024-03-31' -> (start, end); None if empty.

    Raises ValueError for text that is none of these.
    """
    if not text:
        return None
    text = text.strip()
    m = _RANGE.match(text)
    if m:
        start, end = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        if end < start:
            raise ValueError(f"period ends before it starts: {text}")
        return start, end
    m = _PERIOD.match(text)
    if not m:
        raise ValueError(f"not a period: {text!r} (use 2024, 2024-H1, 2024-Q2, 2024-05 or 2024-01-01..2024-03-31)")
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if part.startswith("H"):
        first = 1 if part == "H1" else 7
        last = first + 5
    elif part.startswith("Q"):
        first = 3 * (int(part[1]) - 1) + 1
        last = first + 2
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise ValueError(f"no month {part} in {text!r}")
    return date(year, first, 1), date(year, last, monthrange(year, last)[1])


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (whole months stay whole months)."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        p_start = date(index // 12, index % 12 + 1, 1)
        last_index = start.year * 12 + start.month - 2
        p_end = date(last_index // 12, last_index % 12 + 1, monthrange(last_index // 12, last_index % 12 + 1)[1])
        return p_start, p_end
    length = end - start
    return start - length - timedelta(days=1), start - timedelta(days=1)


def period_words(text: str | None, lang: str = "vi") -> str:
    """'2024-H1' -> '6 tháng đầu năm 2024' / 'first half of 2024'."""
    if not text:
        return "Toàn bộ thời gian" if lang == "vi" else "All time"
    m = _PERIOD.match(text)
    if not m:
        start, end = parse_period(text)
        return (f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" if lang == "vi" else f"{start:%d %b %Y} – {end:%d %b %Y}")
    year, part = m.group(1), m.group(2)
    if part is None:
        return f"Năm {year}" if lang == "vi" else year
    if part.startswith("H"):
        if lang == "vi":
            return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
        return f"{'first' if part == 'H1' else 'second'} half of {year}"
    if part.startswith("Q"):
        return f"Quý {part[1]}/{year}" if lang == "vi" else f"Q{part[1]} {year}"
    return f"Tháng {int(part)}/{year}" if lang == "vi" else f"{date(int(year), int(part), 1):%B %Y}"


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

    def dates(self) -> tuple[date, date] | None:
        return parse_period(self.period)

    def with_(self, **changes) -> "Filters":
        return replace(self, **changes)


__all__ = ["Filters", "METRICS", "GROUPS", "ERAS", "parse_period", "previous_period", "period_words",
           "metric_label", "metric_options", "is_sensitive", "field"]
