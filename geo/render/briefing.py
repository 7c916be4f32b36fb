"""Briefing exports: a 16:9 PNG and a one-page A4 PDF of a map view, with small counts protected.

The same filters as the page URL (``page``, ``era``, ``prov``, ``border``, ``period``, ``metric``,
``lang``, ``demo``, ``form``...) give the same view; the numbers come from the store, go through
:mod:`geo.stats.suppression` (on by default) and are drawn by :mod:`geo.render.static_maps`.

Pages call :func:`build_briefing` (or :func:`export_briefing`); a scheduled job calls the command line::

    python -m geo briefing --page border --border laos --prov 40 --period 2024-H1 --format png,pdf --out DIR
    python -m geo briefing --url "page=choropleth&metric=victims&prov=40&period=last-month" --out DIR
    python -m geo briefing --page phong-ngua --prov 40 --period 2024 --out DIR
    python -m geo briefing --page huyen --dist 40417 --period 2024 --out DIR

File names: ``{view}_{place}_{period}_{yyyymmdd}.{ext}`` in ASCII, e.g.
``bien-gioi-lao_nghe-an_2024-H1_20261123.png`` (English exports end in ``_en``; a 2025-era place ends in
``-2025``, because the 2025 provinces are not the pre-2025 ones).

Data rules:

- *Units*: districts before 2025; since 2025, provinces nationally and communes in a province. A row
  that is not placed in a unit of the era is counted in the view's total and shown on its own line
  ("Chưa gán được huyện"); a border view counts only the rows placed in its border units.
- *No data vs zero*: a unit reads 0 when its province has at least one stored row in the period (the
  province reports), and "no data" otherwise.
- *Tables*: one line per unit in a province view, per province in a national or whole-border view; at
  most :data:`MAX_TABLE_LINES` lines by the chosen metric, the rest summed in one "other" line, then
  the total. The suppression audit ties units, provinces, "other" lines and totals together, and
  knows what the map's colour classes reveal.
- *Hotspot layers* (``layer=gi``, the default of ``page=diem-nong``; ``layer=change``; also on
  ``tong-quan`` and ``bien-gioi``): the Gi* or change class of every pre-2025 district, computed on the
  whole country as the hotspot page does (:mod:`geo.views.analysis_layers`, same classes, colours and labels),
  the legend lists the classes present; the table lists the hot (or most increased) districts of the view
  with their counts protected ("<5") and no total; the key figures count districts only.
- *District page* (``page=huyen&dist=40417``): the province's districts coloured by the metric with the
  district outlined in black; key figures of the district; its figures by form of exploitation with the
  district's total. Forms, districts and the district's own figures are suppressed together (the forms
  add up to the district), and the province total is not printed.
- *Prevention page* (``page=phong-ngua``): the share of key-area communes with a prevention model at the
  end of the year of ``period`` (latest year with a list when none), in the page's classes around the
  target (:mod:`geo.stats.prevention`), per district (per 2025 commune or province in the 2025 era; ``border``
  keeps the units on that border); a progress table against the target with its source. Commune counts
  only, so nothing is suppressed there.
"""
from __future__ import annotations

import argparse
import io
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Mapping, Sequence
from urllib.parse import parse_qs

import pandas as pd

from geo.data import schema as S
from geo.stats import suppression as sup
from geo.admin.borders import BORDERS
from geo.stats.classify import METHODS, classify, format_number
from geo.views.filters import RATE_SUFFIX, metric_label, period_words
from geo.i18n import t
from geo.render.static_maps import (
    BORDER_KEYS,
    MapSpec,
    format_date,
    place_text,
    province_name,
    render_pdf,
    render_png,
    short_province,
    unit_full_name,
    view_units,
)

#: page (kind, or the app's URL path) -> kind of map exported
PAGES = {
    "admin": "admin", "ban-do": "admin", "ban_do": "admin", "map": "admin",
    "choropleth": "choropleth", "tong-quan": "choropleth", "tong_quan": "choropleth", "overview": "choropleth",
    "diem-nong": "choropleth", "diem_nong": "choropleth",
    "border": "border", "bien-gioi": "border", "bien_gioi": "border", "borders": "border",
    "prevention": "prevention", "phong-ngua": "prevention", "phong_ngua": "prevention",
    "district": "district", "huyen": "district",
}
#: pages without a map: refused with a clear message
NOT_EXPORTABLE = {"du-lieu", "du_lieu", "data"}
PAGE_CHOICES = "admin (ban-do), choropleth (tong-quan), border (bien-gioi), hotspots (diem-nong), " \
               "prevention (phong-ngua) or district (huyen)"
#: map layers (``layer=``): the counts, Gi* hotspot classes, change classes against the previous period
LAYERS = ("metric", "gi", "change")
LAYER_ALIASES = {"hotspots": "gi", "gi*": "gi", "counts": "metric", "choropleth": "metric"}
#: pages whose default layer is Gi* (the hotspot page)
HOTSPOT_PAGES = {"diem-nong", "diem_nong"}
LAYER_SLUGS = {"gi": "diem-nong-gi", "change": "thay-doi"}
FORMATS = ("png", "pdf")
MAX_TABLE_LINES = 14
DEFAULT_METRIC = "victims"

#: metric -> (Vietnamese label, English label, short column header vi, en, file-name slug)
METRICS: dict[str, tuple[str, str, str, str, str]] = {
    "cases": ("Số vụ việc", "Cases", "Vụ việc", "Cases", "vu-viec"),
    "victims": ("Số nạn nhân", "Victims", "Nạn nhân", "Victims", "nan-nhan"),
    "victims_children": ("Nạn nhân là trẻ em", "Child victims", "Trẻ em", "Children", "nan-nhan-tre-em"),
    "victims_women": ("Nạn nhân là nữ", "Female victims", "Nữ", "Female", "nan-nhan-nu"),
    "victims_rescued": ("Nạn nhân được giải cứu, tiếp nhận", "Victims rescued or received", "Giải cứu",
                        "Rescued", "nan-nhan-giai-cuu"),
    "victims_supported": ("Nạn nhân được hỗ trợ", "Victims supported", "Hỗ trợ", "Supported", "nan-nhan-ho-tro"),
    "suspects_arrested": ("Đối tượng bị bắt", "Suspects arrested", "Đối tượng bị bắt", "Arrests",
                          "doi-tuong-bi-bat"),
}
#: key figures shown as tiles, in this order after the chosen metric
KPI_METRICS = ("cases", "victims", "victims_children", "victims_rescued", "suspects_arrested")
BORDER_SLUGS = {"laos": "bien-gioi-lao", "china": "bien-gioi-trung-quoc", "cambodia": "bien-gioi-campuchia",
                "all": "bien-gioi"}

_TEXT = {
    "unplaced_district": ("Chưa gán được huyện", "Not placed in a district"),
    "unplaced_commune": ("Chưa gán được xã/phường", "Not placed in a commune"),
    "unplaced_province": ("Chưa gán được tỉnh", "Not placed in a province"),
    "others": ("Các đơn vị khác ({n})", "Other units ({n})"),
    "others_prov": ("Các tỉnh khác ({n})", "Other provinces ({n})"),
    "total": ("Tổng", "Total"),
    "unit": ("Đơn vị", "Unit"),
    "province": ("Tỉnh", "Province"),
    "border_km": ("Biên giới (km)", "Border (km)"),
    "rate_header": ("Trên 100.000 dân", "Per 100,000"),
    "n_units": ("Số đơn vị", "Units"),
    "n_border_units": ("Giáp biên giới", "On a land border"),
    "border_len": ("{name} (km)", "{name} (km)"),
    "range": ("Từ {a} đến {b}", "From {a} to {b}"),
    "metric": ("Chỉ tiêu", "Measure"),
    "form": ("Hình thức", "Form"),
    "agency": ("Cơ quan báo cáo", "Reporting agency"),
    "demo_include": ("Gồm dữ liệu minh họa", "Includes demo data"),
    "demo_exclude": ("Không gồm dữ liệu minh họa", "Demo data excluded"),
    "demo_only": ("Chỉ dữ liệu minh họa", "Demo data only"),
    "suppressed": ("Số nhỏ hơn {t} được ẩn", "Counts under {t} hidden"),
    "not_suppressed": ("Số liệu chính xác (không ẩn số nhỏ)", "Exact figures (small counts not hidden)"),
    "table_title": ("Số liệu theo {level}", "Figures by {level}"),
    "level_district": ("huyện", "district"),
    "level_commune": ("xã/phường", "commune"),
    "level_province": ("tỉnh", "province"),
    "border_table_title": ("Đơn vị giáp biên giới", "Units on a land border"),
    "border_summary_title": ("Biên giới đất liền", "Land borders"),
    "n_provinces": ("Số tỉnh", "Provinces"),
    "source_demo": ("{label}: do geo/data/demo.py sinh ngẫu nhiên, không phải số liệu thật",
                    "{label}: randomly generated by geo/data/demo.py, not real data"),
    "source_store": ("kho dữ liệu Tuyến & Điểm nóng", "the Routes & Hotspots data store"),
    "source_files": ("tệp đã nhập: {files}", "imported files: {files}"),
    "source_updated": ("cập nhật {d}", "updated {d}"),
    "source_none": ("chưa có số liệu vụ việc trong kho", "no case figures in the store yet"),
    "data_source": ("Nguồn số liệu", "Data source"),
    "only_border_rows": ("Chỉ tính các bản ghi gán được vào đơn vị giáp biên giới.",
                         "Only rows placed in a unit on the border are counted."),
    "no_data_rule": ("“Không có dữ liệu”: tỉnh không có bản ghi nào trong kỳ; “0”: tỉnh có báo cáo, đơn vị không có vụ việc.",
                     "“No data”: the province has no record in the period; “0”: the province reports, the unit has none."),
    "by_form": ("Theo hình thức bóc lột — {name}", "By form of exploitation — {name}"),
    "form_col": ("Hình thức bóc lột", "Form of exploitation"),
    "form_unknown": ("Không rõ", "Not stated"),
    "district_total": ("Tổng ({name})", "Total ({name})"),
    "top_lines": ("Xếp theo {metric}; các đơn vị còn lại gộp một dòng.", "Sorted by {metric}; the others on one line."),
}


def _tx(key: str, lang: str, **kw) -> str:
    vi, en = _TEXT[key]
    return (en if lang == "en" else vi).format(**kw)


class BriefingError(ValueError):
    """Bad filters or nothing to show (exit code 1 on the command line)."""


# --------------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A period filter: ``start``/``end`` (None: open), and its canonical ``code`` (``2024-H1``...)."""

    start: date | None
    end: date | None
    code: str  # 2024 | 2024-H1 | 2024-Q2 | 2024-05 | 2024-01-01_2024-03-15 | all

    def words(self, lang: str = "vi") -> str:
        """The period as the pages write it (:func:`geo.views.filters.period_words`), in sentence case."""
        if self.code == "all":
            text = period_words("", lang)
        elif self.start is not None and self.end is not None and "_" in self.code:
            text = period_words(f"{self.start.isoformat()}..{self.end.isoformat()}", lang)
        elif "_" in self.code:  # open range
            a = format_date(self.start, lang) if self.start else "…"
            b = format_date(self.end, lang) if self.end else "…"
            text = _tx("range", lang, a=a, b=b)
        else:
            text = period_words(self.code, lang)
        return text[:1].upper() + text[1:]

    @property
    def slug(self) -> str:
        return "tat-ca" if self.code == "all" else self.code


def _month_end(y: int, m: int) -> date:
    return (date(y + (m == 12), m % 12 + 1, 1) - timedelta(days=1))


def parse_period(text: str | None, today: date | None = None) -> Period:
    """``2024``, ``2024-H1``, ``2024-Q2``, ``2024-05``, ``2024-01-01/2024-03-15`` (also ``..`` or ``_``),
    ``all`` (or empty), and for scheduled jobs ``last-month``, ``last-quarter``, ``last-half``,
    ``last-year`` (the last complete one before ``today``)."""
    from geo.data.store import bucket_bounds, period_label

    today = today or date.today()
    raw = (text or "").strip()
    if raw in ("", "all", "tat-ca"):
        return Period(None, None, "all")
    low = raw.lower()
    if low.startswith("last-"):
        unit = low[5:]
        if unit == "month":
            first = today.replace(day=1) - timedelta(days=1)
            return parse_period(f"{first.year}-{first.month:02d}", today)
        if unit == "quarter":
            q = (today.month - 1) // 3 + 1
            y, q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
            return parse_period(f"{y}-Q{q}", today)
        if unit == "half":
            y, h = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
            return parse_period(f"{y}-H{h}", today)
        if unit == "year":
            return parse_period(str(today.year - 1), today)
        raise BriefingError(f"unknown relative period {raw!r} (last-month, last-quarter, last-half, last-year)")
    m = re.fullmatch(r"(\d{4})", raw)
    if m:
        y = int(m.group(1))
        return Period(*bucket_bounds(y, "year", None), str(y))
    m = re.fullmatch(r"(\d{4})-([HhQq])(\d)", raw)
    if m:
        y, letter, part = int(m.group(1)), m.group(2).upper(), int(m.group(3))
        if (letter == "H" and part not in (1, 2)) or (letter == "Q" and part not in (1, 2, 3, 4)):
            raise BriefingError(f"bad period {raw!r}")
        grain = "half" if letter == "H" else "quarter"
        return Period(*bucket_bounds(y, grain, part), f"{y}-{letter}{part}")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
    if m:
        y, month = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            raise BriefingError(f"bad month in period {raw!r}")
        return Period(date(y, month, 1), _month_end(y, month), f"{y}-{month:02d}")
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:/|\.\.|_|--)\s*(\d{4}-\d{2}-\d{2})", raw)
    if m:
        try:
            a, b = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError as exc:
            raise BriefingError(f"bad date in period {raw!r}: {exc}") from None
        if b < a:
            raise BriefingError(f"period {raw!r} ends before it starts")
        label = period_label(a, b)
        if "/" in label:
            return Period(a, b, f"{a.isoformat()}_{b.isoformat()}")
        return parse_period(label, today) if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", label) else \
            Period(a, b, f"{a.isoformat()}_{b.isoformat()}")
    raise BriefingError(f"bad period {raw!r}: use 2024, 2024-H1, 2024-Q2, 2024-05, 2024-01-01/2024-03-15, "
                        "all or last-month")


# --------------------------------------------------------------------------------------------------
# Request (the URL's filters)
# --------------------------------------------------------------------------------------------------
@dataclass
class BriefingRequest:
    page: str = "admin"  # admin | choropleth | border
    era: str = "pre2025"
    province: str | None = None
    border: str | None = None
    period: Period = field(default_factory=lambda: Period(None, None, "all"))
    metric: str = DEFAULT_METRIC  # the stored count (a victim group narrows "victims")
    rate: bool = False  # per 100,000 people (2009 census) instead of the count
    lang: str = "vi"
    demo: str = "include"
    forms: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    suppress: bool = True
    threshold: int = sup.DEFAULT_THRESHOLD
    method: str = "natural_breaks"
    k: int = 5
    breaks: tuple[float, ...] | None = None
    layer: str = "metric"  # metric (the counts) | gi (Gi* hotspot classes) | change (vs previous period)
    district: str | None = None  # pre-2025 district code of ``page=district`` (its province is ``province``)
    highlight: str | None = None  # pre-2025 district outlined on the map (``dist`` of the page's filters)


def _one(params: Mapping, *names: str, default=None):
    for name in names:
        if name in params:
            value = params[name]
            if isinstance(value, (list, tuple)):
                value = value[-1] if value else None
            if value is None:
                continue
            value = str(value).strip()
            if value != "":
                return value
    return default


def _many(params: Mapping, *names: str) -> list[str]:
    out: list[str] = []
    for name in names:
        value = params.get(name)
        if value is None:
            continue
        for v in (value if isinstance(value, (list, tuple)) else [value]):
            out += [p.strip() for p in str(v).split(",") if p.strip()]
    return out


def _truthy(value: str | None) -> bool | None:
    if value is None:
        return None
    v = value.strip().lower()
    if v in ("1", "true", "yes", "on", "co", "có"):
        return True
    if v in ("0", "false", "no", "off", "khong", "không"):
        return False
    raise BriefingError(f"expected on/off, not {value!r}")


def parse_params(params: Mapping | str, today: date | None = None, allow_exact: bool = False) -> BriefingRequest:
    """A request from URL-like filters: a dict of query parameters (values may be lists, as
    ``st.query_params`` or ``parse_qs`` give them) or a query string (``page=border&border=laos``).

    Parameters: ``page`` (admin | choropleth | border | prevention | district, also the page's URL path
    such as ``ban-do``, ``bien-gioi``, ``phong-ngua`` or ``huyen``), ``era`` (pre2025 | 2025), ``prov`` (province code of the era), ``border`` (laos |
    china | cambodia | all), ``period`` (see :func:`parse_period`; or ``start``/``end`` dates),
    ``dist`` (``page=huyen``: a pre-2025 district code; its province is implied),
    ``metric`` (:data:`METRICS`), ``lang`` (vi | en), ``demo`` (include | exclude | only), ``form``,
    ``agency``, ``suppress`` (on | off), ``threshold``, ``method`` (quantiles | natural_breaks |
    fixed), ``k``, ``breaks`` (e.g. ``4,9,19``), ``layer`` (metric | gi | change: the counts, the Gi*
    hotspot classes or the change classes against the previous period; ``gi`` by default on ``diem-nong``,
    ``metric`` elsewhere; pre-2025 districts only, ``change`` needs a period).

    ``suppress=off`` and a ``threshold`` below the configured one (``TDN_SUPPRESSION_THRESHOLD``) are
    refused unless ``allow_exact`` (a page passes it only for users allowed to see exact numbers; the
    command line passes it, since whoever runs it reads the store anyway).
    """
    if isinstance(params, str):
        params = parse_qs(params.lstrip("?"), keep_blank_values=False)
    lang = _one(params, "lang", default="vi")
    if lang not in ("vi", "en"):
        raise BriefingError(f"lang must be vi or en, not {lang!r}")
    page_raw = _one(params, "page", default="admin").lower().strip("/")
    if page_raw in NOT_EXPORTABLE:
        raise BriefingError(f"page {page_raw!r} has no map to export: use {PAGE_CHOICES}")
    page = PAGES.get(page_raw)
    if page is None:
        raise BriefingError(f"unknown page {page_raw!r}: use {PAGE_CHOICES}")
    era = _one(params, "era", default="pre2025")
    if era not in ("pre2025", "2025"):
        raise BriefingError(f"era must be pre2025 or 2025, not {era!r}")
    prov = _one(params, "prov", "province")
    if prov is not None:
        prov = prov.zfill(2)
        try:
            province_name(era, prov)
        except KeyError:
            raise BriefingError(f"no province with code {prov!r} in era {era}") from None
    border = _one(params, "border")
    if border is not None and border not in BORDER_KEYS:
        raise BriefingError(f"border must be one of {', '.join(BORDER_KEYS)}, not {border!r}")
    district = _one(params, "dist", "district")
    highlight = None  # the district chosen in the filters, outlined on a pre-2025 map of its province
    if district is not None and page != "district" and era == "pre2025" and prov is not None:
        try:
            highlight = district if _district_province(district) == prov else None
        except BriefingError:
            highlight = None  # a stale district in a shared link does not stop the export
    if page != "district":
        district = None
    if page == "district":
        if era != "pre2025":
            raise BriefingError("page=huyen shows a district before 2025 (since 1 July 2025 there are no districts): "
                                "use era=pre2025")
        if district is None:
            page = "choropleth"  # the District page before a district is chosen: the province's districts
        else:
            prov_of = _district_province(district)
            if prov is not None and prov != prov_of:
                raise BriefingError(f"district {district} is not in province {prov}")
            prov, border, highlight = prov_of, None, district
    if page == "border" and border is None:
        border = "all"
    if page == "choropleth" and border is not None:
        page = "border"  # a choropleth of the units on a border is the border view with figures
    elif page == "admin":
        border = None  # the administrative map shows every border
    start, end = _one(params, "start", "from"), _one(params, "end", "to")
    if start or end:
        if _one(params, "period"):
            raise BriefingError("give either period or start/end, not both")
        try:
            a = date.fromisoformat(start) if start else None
            b = date.fromisoformat(end) if end else None
        except ValueError as exc:
            raise BriefingError(f"bad start/end date: {exc}") from None
        if a and b:
            period = parse_period(f"{a.isoformat()}/{b.isoformat()}", today)
        else:
            period = Period(a, b, f"{a.isoformat() if a else 'start'}_{b.isoformat() if b else 'end'}")
    else:
        period = parse_period(_one(params, "period"), today)
    metric = _one(params, "metric", default=DEFAULT_METRIC)
    if metric == "n_cases":
        metric = "cases"
    rate = metric.endswith(RATE_SUFFIX)
    base_metric = metric[: -len(RATE_SUFFIX)] if rate else metric
    if base_metric not in METRICS:
        raise BriefingError(f"unknown metric {metric!r}: use one of {', '.join(METRICS)} "
                            f"(or a count followed by {RATE_SUFFIX})")
    group = _one(params, "group", default="all")
    if group not in ("all", "children", "women"):
        raise BriefingError("group must be all, children or women")
    if group != "all" and base_metric == "victims":
        base_metric = "victims_children" if group == "children" else "victims_women"
    demo = _one(params, "demo", default="include")
    if demo not in ("include", "exclude", "only"):
        raise BriefingError("demo must be include, exclude or only")
    forms = [S.FORMS.parse(f) or f for f in _many(params, "form", "forms")]
    bad = [f for f in forms if f not in S.FORMS.codes()]
    if bad:
        raise BriefingError(f"unknown form {bad[0]!r}: use one of {', '.join(S.FORMS.codes())}")
    agencies = [S.AGENCIES.parse(a) or a for a in _many(params, "agency", "agencies")]
    bad = [a for a in agencies if a not in S.AGENCIES.codes()]
    if bad:
        raise BriefingError(f"unknown agency {bad[0]!r}: use one of {', '.join(S.AGENCIES.codes())}")
    suppress = _truthy(_one(params, "suppress"))
    threshold_raw = _one(params, "threshold")
    try:
        threshold = int(threshold_raw) if threshold_raw else sup.threshold_from_env()
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    if threshold < 2:
        raise BriefingError("threshold must be at least 2")
    if not allow_exact:
        if suppress is False:
            raise BriefingError("exact figures (suppress=off) are not allowed for this export")
        configured = sup.threshold_from_env()
        if threshold < configured:
            raise BriefingError(f"the small-count threshold cannot be lowered below {configured} for this export")
    method = _one(params, "classes", "method", default="natural_breaks")
    if method not in METHODS:
        raise BriefingError(f"method must be one of {', '.join(METHODS)}")
    try:
        k = int(_one(params, "k", default="5"))
        breaks_raw = _one(params, "breaks")
        breaks = tuple(float(b) for b in breaks_raw.split(",")) if breaks_raw else None
    except ValueError:
        raise BriefingError("k must be a whole number and breaks numbers separated by commas") from None
    if not 1 <= k <= 8:
        raise BriefingError("k must be between 1 and 8")
    layer = _one(params, "layer", default="gi" if page_raw in HOTSPOT_PAGES else "metric").lower()
    layer = LAYER_ALIASES.get(layer, layer)
    if layer not in LAYERS:
        raise BriefingError(f"layer must be one of {', '.join(LAYERS)}, not {layer!r}")
    if layer != "metric":
        if page in ("prevention", "district"):
            raise BriefingError(f"layer={layer} is not shown on the {page} page: use page=diem-nong, tong-quan "
                                "or bien-gioi")
        if page == "admin":
            raise BriefingError(f"layer={layer} is not shown on the administrative map: use page=diem-nong, "
                                "tong-quan or bien-gioi")
        if era != "pre2025":
            raise BriefingError(f"layer={layer}: Gi* and change classes are computed on the pre-2025 districts "
                                "(use era=pre2025)")
        if layer == "change" and (period.start is None or period.end is None):
            raise BriefingError("layer=change compares a period with the one before: give a period "
                                "(e.g. period=2024-H1)")
        if layer == "gi" and ((period.start is None) != (period.end is None)):
            raise BriefingError("layer=gi needs a whole period (e.g. period=2024-H1) or none")
    return BriefingRequest(page=page, era=era, province=prov, border=border, period=period, metric=base_metric,
                           rate=rate, layer=layer, district=district, highlight=highlight,
                           lang=lang, demo=demo, forms=forms, agencies=agencies,
                           suppress=True if suppress is None else suppress, threshold=threshold, method=method,
                           k=k, breaks=breaks)


# --------------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------------
def slugify(text: str) -> str:
    """ASCII slug: ``Thành phố Hồ Chí Minh`` -> ``thanh-pho-ho-chi-minh``."""
    s = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()
    return s or "x"


def view_slug(req: BriefingRequest) -> str:
    if req.page == "prevention":
        return (BORDER_SLUGS[req.border] + "-" if req.border else "") + "phong-ngua"
    if req.page == "district":
        base = "huyen-" + slugify(_district_row(req.district)["name_vi"])
        if req.metric != DEFAULT_METRIC or req.rate:
            base = f"{base}-{METRICS[req.metric][4]}" + ("-ty-le" if req.rate else "")
        return base
    if req.layer in LAYER_SLUGS:
        base = LAYER_SLUGS[req.layer] + "-" + METRICS[_analysis_metric(req)][4]
        return (BORDER_SLUGS[req.border or "all"] + "-" + base) if req.page == "border" else base
    if req.page == "border":
        base = BORDER_SLUGS[req.border or "all"]
        if req.metric != DEFAULT_METRIC or req.rate:
            base = f"{base}-{METRICS[req.metric][4]}" + ("-ty-le" if req.rate else "")
        return base
    if req.page == "choropleth":
        return METRICS[req.metric][4] + ("-ty-le" if req.rate else "")
    return "ban-do-hanh-chinh"


def place_slug(req: BriefingRequest) -> str:
    if req.province is None:
        base = "toan-tuyen" if (req.page == "border" or req.border) else "toan-quoc"
    else:
        base = slugify(short_province(province_name(req.era, req.province)))
    return base + ("-2025" if req.era == "2025" else "")


def briefing_filename(req: BriefingRequest, ext: str, made_on: date | None = None) -> str:
    """``{view}_{place}_{period}_{yyyymmdd}.{ext}`` (``_en`` before the extension in English)."""
    made_on = made_on or date.today()
    lang = "_en" if req.lang == "en" else ""
    return f"{view_slug(req)}_{place_slug(req)}_{req.period.slug}_{made_on:%Y%m%d}{lang}.{ext}"


# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------
SUMS = tuple(METRICS)


def _case_filter(req: BriefingRequest) -> dict:
    f: dict = {"start": req.period.start, "end": req.period.end, "demo": req.demo, "forms": req.forms,
               "agencies": req.agencies}
    if req.province is not None:
        f["provinces" if req.era == "pre2025" else "provinces_2025"] = [req.province]
    return f


def _unit_rows(req: BriefingRequest, engine) -> pd.DataFrame:
    """Stored rows of the scope summed by the finest unit of the era: columns ``unit`` (code or None),
    ``prov`` (province code of the era or None), the metric sums, ``demo_rows``, ``n_rows``."""
    from geo.data import store
    f = _case_filter(req)
    cols = ["unit", "prov", *SUMS, "demo_rows", "n_rows"]
    if req.era == "pre2025":
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine)
        if agg.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": agg["district_code5"], "prov": agg["prov_code_pre2025"]})
        for c in SUMS:
            df[c] = pd.to_numeric(agg[c], errors="coerce").fillna(0)
        df["demo_rows"], df["n_rows"] = agg["demo_rows"], agg["n_rows"]
    elif req.province is None and req.page != "border":
        agg = store.aggregate_cases("province_2025", "all", filters=f, engine=engine)
        if agg.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": agg["prov_code_2025"], "prov": agg["prov_code_2025"]})
        for c in SUMS:
            df[c] = pd.to_numeric(agg[c], errors="coerce").fillna(0)
        df["demo_rows"], df["n_rows"] = agg["demo_rows"], agg["n_rows"]
    else:
        rows = store.cases_frame(f, engine=engine)
        if rows.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": rows["commune_code_2025"], "prov": rows["prov_code_2025"]})
        df["cases"] = pd.to_numeric(rows["n_cases"], errors="coerce").fillna(0)
        for c in SUMS[1:]:
            df[c] = pd.to_numeric(rows[c], errors="coerce").fillna(0)
        df["demo_rows"] = rows["is_demo"].astype(int)
        df["n_rows"] = 1
    df["unit"] = df["unit"].where(df["unit"].notna(), None)
    df["prov"] = df["prov"].where(df["prov"].notna(), None)
    key_unit = df["unit"].fillna("")
    key_prov = df["prov"].fillna("")
    out = df.groupby([key_unit.rename("unit_k"), key_prov.rename("prov_k")], sort=True)[
        [*SUMS, "demo_rows", "n_rows"]].sum().reset_index()
    out["unit"] = out["unit_k"].replace("", None)
    out["prov"] = out["prov_k"].replace("", None)
    return out[cols]


@dataclass
class _Line:
    key: str
    label: str
    members: list[str]  # element keys summed by this line (itself when it is an element)


def _units_table(req: BriefingRequest, spec_units: pd.DataFrame, rows: pd.DataFrame, unit_layer: str):
    """Values per element, the lines of the table and the groups tying them (see the module doc)."""
    lang = req.lang
    national = req.province is None and req.page != "border"
    border_view = req.page == "border"
    codes = [str(c) for c in spec_units["code"]]
    prov_of = dict(zip(codes, spec_units["prov_code"] if "prov_code" in spec_units else spec_units["code"]))
    in_view = set(codes)
    reporting = set(rows["prov"].dropna())
    by_unit = rows[rows["unit"].isin(in_view)].groupby("unit")[list(SUMS)].sum()

    values: dict[str, dict[str, float | None]] = {}
    for code in codes:
        if code in by_unit.index:
            values[f"u:{code}"] = {m: float(by_unit.at[code, m]) for m in SUMS}
        elif prov_of[code] in reporting:
            values[f"u:{code}"] = {m: 0.0 for m in SUMS}
        else:
            values[f"u:{code}"] = {m: None for m in SUMS}
    # rows of the scope not placed in a unit of the view (not counted in a border view)
    unplaced = rows[~rows["unit"].isin(in_view)] if not border_view else rows.iloc[0:0]
    level_word = {"districts_pre2025": "district", "communes_2025": "commune", "provinces_2025": "province"}[unit_layer]
    table_by_province = (national and unit_layer != "provinces_2025") or (border_view and req.province is None)
    groups: list[tuple[str, list[str]]] = []
    lines: list[_Line] = []
    withheld: set[str] = set()
    unplaced_keys: list[str] = []
    if table_by_province:
        names = _province_names(req.era)
        provs = sorted({prov_of[c] for c in codes})
        for p in provs:
            members = [f"u:{c}" for c in codes if prov_of[c] == p]
            pu = unplaced[unplaced["prov"] == p]
            if len(pu) and not border_view:
                values[f"pu:{p}"] = {m: float(pu[m].sum()) for m in SUMS}
                members.append(f"pu:{p}")
            vals = [values[k] for k in members]
            values[f"p:{p}"] = {m: (None if all(v[m] is None for v in vals) else
                                    float(sum(v[m] or 0 for v in vals))) for m in SUMS}
            groups.append((f"p:{p}", members))
            lines.append(_Line(f"p:{p}", names.get(p, p), [f"p:{p}"]))
        rest = unplaced[~unplaced["prov"].isin(provs)] if not border_view else unplaced
        if len(rest):
            values["unplaced"] = {m: float(rest[m].sum()) for m in SUMS}
            unplaced_keys.append("unplaced")
    else:
        layer_frame = spec_units.set_index("code")
        for code in codes:
            name = unit_full_name(layer_frame.loc[code], unit_layer)
            if unit_layer == "provinces_2025":
                name = short_province(name)
            lines.append(_Line(f"u:{code}", name, [f"u:{code}"]))
        if len(unplaced):
            values["unplaced"] = {m: float(unplaced[m].sum()) for m in SUMS}
            unplaced_keys.append("unplaced")
    # top lines by the chosen metric, the rest on one "other" line
    metric = req.metric
    lines.sort(key=lambda ln: (-(values[ln.key][metric] or 0), ln.label))
    top: list[_Line] = lines
    if len(lines) > MAX_TABLE_LINES + 1:
        top, rest_lines = lines[:MAX_TABLE_LINES], lines[MAX_TABLE_LINES:]
        rest_keys = [ln.key for ln in rest_lines]
        values["others"] = {m: (None if all(values[k][m] is None for k in rest_keys) else
                                float(sum(values[k][m] or 0 for k in rest_keys))) for m in SUMS}
        groups.append(("others", rest_keys))
        provinces = table_by_province or unit_layer == "provinces_2025"
        label = _tx("others_prov" if provinces else "others", lang, n=len(rest_lines))
        top = top + [_Line("others", label, rest_keys)]
    if unplaced_keys:
        top = top + [_Line("unplaced", _tx(f"unplaced_{level_word if not table_by_province else 'province'}", lang),
                           ["unplaced"])]
    total_members = [ln.key for ln in top]
    values["total"] = {m: float(sum(values[k][m] or 0 for k in total_members)) for m in SUMS}
    groups.append(("total", total_members))
    # what is never printed as a number: units of a national map (colours only), provinces and units
    # not listed, the unplaced rows of each province
    listed = {ln.key for ln in top}
    for key in values:
        if key.startswith("pu:"):
            withheld.add(key)
        elif key.startswith("p:") and key not in listed:
            withheld.add(key)
        elif key.startswith("u:") and national and key not in listed:
            withheld.add(key)
    return values, top, groups, withheld, level_word, table_by_province


def _province_names(era: str) -> dict[str, str]:
    from geo.admin.cache import load_layer

    frame = load_layer("provinces_pre2025" if era == "pre2025" else "provinces_2025", "national")
    return {str(c): short_province(str(n)) for c, n in zip(frame["code"], frame["prov_name_vi"])}


# --------------------------------------------------------------------------------------------------
# The briefing
# --------------------------------------------------------------------------------------------------
@dataclass
class Briefing:
    """Everything one export needs: the request, the map spec, and the protected table."""

    request: BriefingRequest
    spec: MapSpec
    table: pd.DataFrame  # display strings, as printed in the PDF
    table_status: pd.DataFrame | None  # suppression status of the count cells (None: no counts)
    kpis: list[tuple[str, str]]
    made_on: date
    has_data: bool
    figures: dict = field(default_factory=dict)  # the last figure drawn per format (for checks)

    def filename(self, ext: str) -> str:
        return briefing_filename(self.request, ext, self.made_on)

    def png(self, path_or_buffer=None, size: tuple[int, int] = (1920, 1080)) -> bytes | None:
        """The 16:9 slide image: bytes, or written to ``path_or_buffer``."""
        buf = io.BytesIO() if path_or_buffer is None else path_or_buffer
        self.figures["png"] = render_png(self.spec, buf, size)
        return buf.getvalue() if path_or_buffer is None else None

    def pdf(self, path_or_buffer=None) -> bytes | None:
        """The one-page A4 PDF: bytes, or written to ``path_or_buffer``."""
        buf = io.BytesIO() if path_or_buffer is None else path_or_buffer
        self.figures["pdf"] = render_pdf(self.spec, buf)
        return buf.getvalue() if path_or_buffer is None else None

    def write(self, out_dir: str | Path, formats: Iterable[str] = FORMATS) -> list[Path]:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for fmt in formats:
            if fmt not in FORMATS:
                raise BriefingError(f"format must be png or pdf, not {fmt!r}")
            path = out / self.filename(fmt)
            (self.png if fmt == "png" else self.pdf)(path)
            paths.append(path)
        return paths


def _metric_label(metric: str, lang: str) -> str:
    vi, en, *_ = METRICS[metric]
    return en if lang == "en" else vi


KPI_LABELS = {"victims_rescued": ("Nạn nhân được giải cứu", "Victims rescued"),
              "victims_supported": ("Nạn nhân được hỗ trợ", "Victims supported")}


def _kpi_label(metric: str, lang: str) -> str:
    if metric in KPI_LABELS:
        return KPI_LABELS[metric][1 if lang == "en" else 0]
    return _metric_label(metric, lang)


def _metric_header(metric: str, lang: str) -> str:
    return METRICS[metric][3 if lang == "en" else 2]


def _filters_text(req: BriefingRequest) -> str:
    lang = req.lang
    parts = [t("era_pre2025" if req.era == "pre2025" else "era_2025", lang)]
    if req.page in ("choropleth", "border"):
        parts.append(f"{_tx('metric', lang)}: {_display_label(req)}")
    if req.forms:
        parts.append(f"{_tx('form', lang)}: " + ", ".join(S.FORMS.label(f, lang) for f in req.forms))
    if req.agencies:
        parts.append(f"{_tx('agency', lang)}: " + ", ".join(S.AGENCIES.label(a, lang) for a in req.agencies))
    parts.append(_tx(f"demo_{req.demo}", lang))
    parts.append(_tx("suppressed", lang, t=req.threshold) if req.suppress else _tx("not_suppressed", lang))
    return " · ".join(parts)


def _data_source(req: BriefingRequest, engine, demo_used: bool, real_used: bool) -> str:
    from geo.data import importer
    lang = req.lang
    parts = []
    try:
        log = importer.list_imports(engine=engine, include_undone=False)
        log = log[(log["kind"] == "cases") & (log["status"] == "active")]
    except Exception:  # the store may be empty or unreachable: the export still names its source
        log = pd.DataFrame(columns=["is_demo", "file_name", "imported_at"])
    if real_used:
        real = log[~log["is_demo"].astype(bool)]
        files = list(dict.fromkeys(real["file_name"].astype(str)))
        text = _tx("source_store", lang)
        if files:
            shown = ", ".join(files[:3]) + (" …" if len(files) > 3 else "")
            text += "; " + _tx("source_files", lang, files=shown)
        if len(real):
            last = pd.to_datetime(real["imported_at"]).max()
            text += "; " + _tx("source_updated", lang, d=format_date(last.date(), lang))
        parts.append(text)
    if demo_used:
        parts.append(_tx("source_demo", lang, label=S.DEMO_LABEL))
    if not parts:
        parts.append(_tx("source_store", lang) + " (" + _tx("source_none", lang) + ")")
    return f"{_tx('data_source', lang)}: " + " · ".join(parts)


def build_briefing(params: Mapping | str | BriefingRequest, engine=None, today: date | None = None,
                   allow_exact: bool = False) -> Briefing:
    """Fetch, protect and lay out one view for export. Raises :class:`BriefingError` for bad filters,
    or when a choropleth view has no stored rows at all for its scope and period. ``allow_exact``: see
    :func:`parse_params`."""
    from geo.render.static_maps import _unit_layer_name

    req = params if isinstance(params, BriefingRequest) else parse_params(params, today, allow_exact)
    made_on = today or date.today()
    if req.layer != "metric":
        return _analysis_briefing(req, engine, made_on)
    if req.page == "prevention":
        return _prevention_briefing(req, engine, made_on)
    lang = req.lang
    kind = "choropleth" if req.page == "district" else req.page
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    unit_layer = _unit_layer_name(req.era, req.province, kind, req.border)
    try:
        rows = _unit_rows(req, engine)
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    has_rows = len(rows) > 0
    if kind == "choropleth" and not has_rows:
        raise BriefingError(_no_data_message(req))
    # (an administrative or border view without figures still shows its units and border lengths)
    values, lines, groups, withheld, level_word, by_province = _units_table(req, units, rows, unit_layer)
    mapped = kind == "choropleth" or (kind == "border" and has_rows)
    counts = {k[2:]: v[req.metric] for k, v in values.items() if k.startswith("u:")}
    population = _element_population(req, units, unit_layer, values, groups) if req.rate else {}
    rates = {key: _rate(values[key][req.metric], population.get(key)) for key in values} if req.rate else {}
    metric_values = {k[2:]: v for k, v in rates.items() if k.startswith("u:")} if req.rate else counts
    cls = None
    if mapped:
        cls = classify(metric_values, req.method, req.k, req.breaks,
                       protect=req.threshold if (req.suppress and not req.rate) else None,
                       integer=False if req.rate else None)
    form_keys: list[str] = []
    if req.district:  # the district's figures by form of exploitation, tied to the district's own figures
        form_keys = _add_district_forms(req, engine, values, groups)

    # suppression on one frame holding every element (units, provinces, lines, totals)
    frame = pd.DataFrame.from_dict(values, orient="index")[list(SUMS)]
    if kind == "admin":  # the administrative map prints only the totals of the view
        withheld = {k for k in values if k != "total"}
    elif req.district:  # the map labels (districts) and the district's form table; no province total
        withheld = {k for k in values if not k.startswith(("u:", "f:"))}
    map_labels_shown = mapped and not (req.province is None and kind != "border")

    def known(column: str, row: str, value: float):
        """What a unit's colour tells about its count (rate maps: the rate class times the population;
        small counts are hatched there, which reads as 1 to threshold-1)."""
        if cls is None or column != req.metric or not row.startswith("u:"):
            return None
        if not req.rate:
            return cls.interval_of(value)
        if 0 < value < req.threshold:
            return (1.0, float(req.threshold - 1))
        pop = population.get(row)
        if not pop or rates.get(row) is None:
            return None
        lo, hi = cls.interval_of(rates[row])
        return (math.floor(lo * pop / 100_000), math.ceil(hi * pop / 100_000) if math.isfinite(hi) else math.inf)

    suppressed = sup.suppress_counts(frame, list(SUMS), req.threshold, groups=groups, withheld_rows=withheld,
                                     known=known, enabled=req.suppress, lang=lang)
    demo_rows = int(rows["demo_rows"].sum()) if has_rows else 0
    real_rows = int(rows["n_rows"].sum()) - demo_rows if has_rows else 0
    in_scope_demo = demo_rows > 0

    # map labels: the protected text of each unit for the mapped metric; on a rate map the units whose
    # count is small or hidden are hatched instead of coloured (their rate would give the count away)
    value_labels = None
    protected: set[str] = set()
    if mapped:
        value_labels = {}
        for key in values:
            if not key.startswith("u:"):
                continue
            code = key[2:]
            status = suppressed.status.at[key, req.metric]
            raw = values[key][req.metric]
            small = raw is not None and 0 < raw < req.threshold
            text = suppressed.display.at[key, req.metric]
            if req.rate and req.suppress and (status in (sup.SMALL, sup.HIDDEN_STATUS) or small):
                protected.add(code)
                text = text if status in (sup.SMALL, sup.HIDDEN_STATUS) else f"<{req.threshold}"
            elif req.rate and rates.get(key) is not None and status != sup.MISSING:
                text = format_number(rates[key], lang, integer=False)
            value_labels[code] = "" if (not map_labels_shown or text in ("0", "0,0", "0.0", sup.NO_DATA)) else text

    # the table
    if req.district:
        table, table_status = _district_table(req, form_keys, suppressed)
        kpis = _kpis(req, kind, units, suppressed, has_rows, rates, key=f"u:{req.district}")
    else:
        table, table_status = _table(req, kind, units, unit_layer, lines, suppressed, by_province, level_word,
                                     has_rows, rates)
        kpis = _kpis(req, kind, units, suppressed, has_rows, rates)
    notes = []
    mark_notes = {}
    if has_rows:
        if req.suppress:
            index = 1 if lang == "en" else 0
            mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold),
                          sup.HIDDEN: sup.NOTES["hidden"][index]}
        else:
            notes += suppressed.notes(lang)
    if mapped:
        notes.append(_tx("no_data_rule", lang))
    if kind == "border" and has_rows:
        notes.append(_tx("only_border_rows", lang))
    district_name = unit_full_name(_district_row(req.district), "districts_pre2025") if req.district else None
    highlight, highlight_label = _highlight(req, kind)
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   metric=req.metric if mapped else None, metric_label=_display_label(req) if mapped else None,
                   title=(f"{_display_label(req)} — {district_name}, {province_name(req.era, req.province)}"
                          if req.district else None),
                   highlight=highlight, highlight_label=highlight_label,
                   protected=protected,
                   values=metric_values if mapped else None, value_labels=value_labels, classification=cls,
                   period_label=req.period.words(lang), filters_text=_filters_text(req), demo=in_scope_demo,
                   kpis=kpis, table=table,
                   table_title=(_tx("by_form", lang, name=district_name) if req.district else
                                _table_title(req, kind, level_word, by_province)),
                   notes=notes, mark_notes=mark_notes, data_source=_data_source(req, engine, in_scope_demo, real_rows > 0),
                   made_on=made_on, suppress=req.suppress, threshold=req.threshold)
    return Briefing(request=req, spec=spec, table=table, table_status=table_status, kpis=kpis, made_on=made_on,
                    has_data=has_rows)


def _rate(count, population) -> float | None:
    if count is None or population is None or not population or population <= 0:
        return None
    return float(count) / float(population) * 100_000


def _element_population(req: BriefingRequest, units: pd.DataFrame, unit_layer: str, values: dict,
                        groups: list) -> dict[str, float]:
    """2009 census population of every element (units, provinces, "other" lines, total), as on the pages."""
    from geo.admin.cache import load_layer

    if unit_layer == "districts_pre2025":
        pop = dict(zip(units["code"].astype(str), pd.to_numeric(units["pop_2009_odm"], errors="coerce")))
    elif unit_layer == "provinces_2025":
        old = load_layer("provinces_pre2025", "national")
        by_new = old.groupby("prov_code_2025new")["pop_2009_odm"].sum()
        pop = {str(c): float(by_new.get(c, float("nan"))) for c in units["code"]}
    else:
        raise BriefingError("rates per 100,000 people need a population: there is none for 2025 communes "
                            "(use the pre-2025 era, or the whole country in the 2025 era)")
    out = {f"u:{code}": (None if pd.isna(p) else float(p)) for code, p in pop.items()}
    for key in values:
        out.setdefault(key, None)
    for total, members in groups:  # subtotals before totals (the order they were built in)
        known = [out.get(m) for m in members if not m.startswith(("pu:", "unplaced"))]
        out[total] = float(sum(p for p in known if p)) if any(known) else None
    return out


def _display_label(req: BriefingRequest) -> str:
    """The metric as the pages name it (:func:`geo.views.filters.metric_label`), per 100,000 people for rates."""
    from geo.views.filters import METRICS as PAGE_METRICS

    if req.metric in PAGE_METRICS:
        return metric_label(req.metric + (RATE_SUFFIX if req.rate else ""), req.lang)
    label = _metric_label(req.metric, req.lang)
    if req.rate:
        label += " per 100,000 people" if req.lang == "en" else " trên 100.000 dân"
    return label


def _no_data_message(req: BriefingRequest) -> str:
    place = place_text(MapSpec(kind=req.page, era=req.era, province=req.province, border=req.border, lang="en"))
    return (f"no stored case rows for {place}, period {req.period.code} (filters: demo={req.demo}"
            + (f", form={','.join(req.forms)}" if req.forms else "") + "): nothing to map. "
            "Import data (python -m geo import FILE) or load the demo data (python -m geo demo).")


def _table_title(req, kind, level_word, by_province) -> str:
    lang = req.lang
    if kind == "admin":
        return _tx("border_summary_title" if req.province is None else "border_table_title", lang)
    return _tx("table_title", lang, level=_tx("level_province" if by_province else f"level_{level_word}", lang))


def _border_km(units: pd.DataFrame, border: str | None) -> pd.Series:
    keys = list(BORDERS) if border in (None, "all") else [border]
    return sum(units[f"shared_km_{k}"].fillna(0) for k in keys)


def _km(value: float, lang: str) -> str:
    text = f"{value:,.1f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text


def _table(req, kind, units, unit_layer, lines, suppressed, by_province, level_word, has_rows, rates=None):
    lang = req.lang
    if kind == "admin":
        return _admin_table(req, units, unit_layer), None
    first = _tx("province" if by_province or unit_layer == "provinces_2025" else "unit", lang)
    columns = [first]
    if kind == "border":
        columns.append(_tx("border_km", lang))
    metrics = [req.metric] + [m for m in SUMS if m != req.metric and m != "victims_supported"]
    if req.rate:
        columns.append(_tx("rate_header", lang))
    columns += [_metric_header(m, lang) for m in metrics]
    km_of = {}
    if kind == "border":
        km = _border_km(units, req.border)
        codes = units["code"].astype(str).tolist()
        per_unit = dict(zip(codes, km))
        prov_col = units["prov_code"] if "prov_code" in units else units["code"]
        per_prov = pd.Series(km.to_numpy(), index=prov_col.astype(str).to_numpy()).groupby(level=0).sum()
        for ln in lines:
            if ln.key.startswith("u:"):
                km_of[ln.key] = per_unit.get(ln.key[2:], 0.0)
            elif ln.key.startswith("p:"):
                km_of[ln.key] = float(per_prov.get(ln.key[2:], 0.0))
        km_of["total"] = float(km.sum())
    out_rows, status_rows, index = [], [], []
    for ln in lines + [_Line("total", _tx("total", lang), ["total"])]:
        row = [ln.label]
        if kind == "border":
            row.append(_km(km_of[ln.key], lang) if ln.key in km_of else "")
        if req.rate:
            row.append(_rate_text(req, ln.key, suppressed, rates or {}))
        row += [suppressed.display.at[ln.key, m] for m in metrics]
        out_rows.append(row)
        status_rows.append([suppressed.status.at[ln.key, m] for m in metrics])
        index.append(ln.key)
    table = pd.DataFrame(out_rows, columns=columns, index=index)
    status = pd.DataFrame(status_rows, columns=[_metric_header(m, lang) for m in metrics], index=index)
    return table, status


def _rate_text(req, key: str, suppressed, rates: dict) -> str:
    """A rate is printed only where its count is: otherwise the count's mark ("<5", "x")."""
    status = suppressed.status.at[key, req.metric]
    if req.suppress and status in (sup.SMALL, sup.HIDDEN_STATUS, sup.WITHHELD):
        return suppressed.display.at[key, req.metric] or sup.HIDDEN
    rate = rates.get(key)
    return sup.NO_DATA if rate is None else format_number(rate, req.lang, integer=False)


def _admin_table(req, units: pd.DataFrame, unit_layer: str) -> pd.DataFrame:
    """Border units of a province with their border lengths; nationally one line per border."""
    lang = req.lang
    if req.province is None:
        rows = []
        for key, b in BORDERS.items():
            touching = units[units[f"touches_{key}"].astype(bool)]
            rows.append([b.label(lang), str(touching["prov_code"].nunique() if "prov_code" in touching else len(touching)),
                         str(len(touching)), _km(float(touching[f"shared_km_{key}"].sum()), lang)])
        unit_word = t("border_districts" if req.era == "pre2025" else "border_communes", lang)
        if unit_layer == "provinces_2025":
            unit_word = _tx("n_provinces", lang)
        return pd.DataFrame(rows, columns=[t("borders", lang), _tx("n_provinces", lang), unit_word, "km"])
    touching = units[units["touches_any"].astype(bool)]
    rows = []
    for _, u in touching.sort_values("code").iterrows():
        row = [unit_full_name(u, unit_layer)]
        for key in BORDERS:
            row.append(_km(float(u[f"shared_km_{key}"]), lang) if bool(u[f"touches_{key}"]) else "")
        rows.append(row)
    columns = [_tx("unit", lang)] + [_tx("border_len", lang, name=(b.name_vi if lang == "vi" else b.name_en))
                                     for b in BORDERS.values()]
    frame = pd.DataFrame(rows, columns=columns)
    keep = [columns[0]] + [c for c in columns[1:] if (frame[c] != "").any()]
    if len(frame):
        total = [_tx("total", lang)] + [
            _km(float(touching[f"shared_km_{k}"].sum()), lang) if (frame[c] != "").any() else ""
            for k, c in zip(BORDERS, columns[1:])]
        frame.loc[len(frame)] = total
    return frame[keep]


def _kpis(req, kind, units, suppressed, has_rows, rates=None, key: str = "total") -> list[tuple[str, str]]:
    """Key figures of the view (``key``: the element they are of, the view's total by default)."""
    lang = req.lang
    out: list[tuple[str, str]] = []
    if kind == "admin":
        unit_word = t("district" if req.era == "pre2025" else "commune", lang)
        if req.era == "2025" and req.province is None:
            unit_word = t("province_col", lang)
        out.append((f"{_tx('n_units', lang)} ({unit_word.lower()})", f"{len(units):,}".replace(",", ".")))
        out.append((_tx("n_border_units", lang), str(int(units["touches_any"].astype(bool).sum()))))
        for key, b in BORDERS.items():
            km = float(units[f"shared_km_{key}"].sum())
            if km > 0:
                out.append((b.label(lang) + " (km)", _km(km, lang)))
        if has_rows:
            for m in ("cases", "victims"):
                out.append((_kpi_label(m, lang), suppressed.display.at["total", m]))
        return out
    if kind == "border":
        out.append((t("border_districts" if req.era == "pre2025" else "border_communes", lang),
                    str(len(units))))
        out.append((_tx("border_km", lang), _km(float(_border_km(units, req.border).sum()), lang)))
    if not has_rows:
        return out
    if req.rate:
        out.append((_display_label(req), _rate_text(req, key, suppressed, rates or {})))
    order = [req.metric] + [m for m in KPI_METRICS if m != req.metric]
    for m in order[: 6 - len(out)]:
        out.append((_kpi_label(m, lang), suppressed.display.at[key, m]))
    return out


# --------------------------------------------------------------------------------------------------
# District page: the district on its province's map, its figures by form of exploitation
# --------------------------------------------------------------------------------------------------
def _district_row(code: str) -> pd.Series:
    from geo.admin.cache import load_layer

    frame = load_layer("districts_pre2025", "national")
    match = frame[frame["code"] == str(code)]
    if match.empty:
        raise BriefingError(f"no district with code {code!r} before 2025 (5 digits, e.g. 40417 = Kỳ Sơn, Nghệ An)")
    return match.iloc[0]


def _district_province(code: str) -> str:
    return str(_district_row(code)["prov_code"])


def _highlight(req: BriefingRequest, kind: str) -> tuple[set[str], str | None]:
    """The district to outline and its legend text, when it is one of the map's units."""
    if not req.highlight or kind == "admin":
        return set(), None
    units = view_units(MapSpec(kind=kind, era=req.era, province=req.province, border=req.border))
    if req.highlight not in set(units["code"].astype(str)):
        return set(), None
    return {req.highlight}, unit_full_name(_district_row(req.highlight), "districts_pre2025")


def _add_district_forms(req: BriefingRequest, engine, values: dict, groups: list) -> list[str]:
    """Add one element per form of exploitation of the district (``f:{form}``, ``f:`` for rows without a
    form) and the group tying them to the district's element; returns their keys, largest first."""
    from geo.data import store
    f = _case_filter(req)
    f["districts"] = [req.district]
    try:
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine, extra_by=("form",))
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    if agg.empty:
        return []
    form = agg["form"].where(agg["form"].notna(), "").astype(str)
    sums = agg.assign(form=form).groupby("form")[list(SUMS)].sum()
    keys = []
    for code, row in sums.iterrows():
        values[f"f:{code}"] = {m: float(pd.to_numeric(row[m], errors="coerce") or 0) for m in SUMS}
        keys.append(f"f:{code}")
    keys.sort(key=lambda k: (-(values[k][req.metric] or 0), k == "f:", k))
    groups.append((f"u:{req.district}", keys))
    return keys


def _district_table(req: BriefingRequest, form_keys: list[str], suppressed) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One line per form of exploitation, then the district's total (protected display strings)."""
    lang = req.lang
    name = unit_full_name(_district_row(req.district), "districts_pre2025")
    metrics = [req.metric] + [m for m in SUMS if m != req.metric and m != "victims_supported"]
    columns = [_tx("form_col", lang)] + [_metric_header(m, lang) for m in metrics]
    keys = form_keys + [f"u:{req.district}"]
    rows = []
    for key in keys:
        if key.startswith("f:"):
            code = key[2:]
            label = S.FORMS.label(code, lang) if code else _tx("form_unknown", lang)
        else:
            label = _tx("district_total", lang, name=name)
        rows.append([label] + [suppressed.display.at[key, m] for m in metrics])
    table = pd.DataFrame(rows, columns=columns, index=keys)
    status = pd.DataFrame([[suppressed.status.at[k, m] for m in metrics] for k in keys],
                          columns=[_metric_header(m, lang) for m in metrics], index=keys)
    return table, status


# --------------------------------------------------------------------------------------------------
# Prevention page: share of key-area communes with a prevention model, against the plan target
# --------------------------------------------------------------------------------------------------
_PTEXT = {
    "table_units": ("Tiến độ theo {level}", "Progress by {level}"),
    "table_lists": ("Tiến độ theo danh sách xã trọng điểm (tỉnh lập danh sách)",
                    "Progress by key-area list (the province that drew it up)"),
    "others": ("Các đơn vị khác ({n})", "Other units ({n})"),
    "total": ("Tổng — {place}", "Total — {place}"),
    "meets_yes": ("Đạt", "Meets"),
    "meets_no": ("Chưa đạt", "Below"),
    "kpi_covered": ("Xã có mô hình", "Communes with a model"),
    "kpi_meets_districts": ("Huyện đạt chỉ tiêu", "Districts on target"),
    "kpi_meets_lists": ("Tỉnh đạt chỉ tiêu", "Provinces on target"),
    "points_note": ("Điểm: xã trọng điểm, vị trí gần đúng (trong xã mới mà xã cũ đã sáp nhập vào).",
                    "Dots: key-area communes, approximate positions (inside the 2025 commune each was merged into)."),
    "no_victims": ("Bản này chỉ có số xã, không có số nạn nhân.", "This export holds commune counts only, no victims."),
    "source_lists": ("danh sách xã trọng điểm, mô hình phòng ngừa và chỉ tiêu trong kho Tuyến & Điểm nóng",
                     "key-area lists, prevention models and targets in the Routes & Hotspots data store"),
    "targets_by_list": ("theo từng danh sách", "per list"),
}


def _ptx(key: str, lang: str, **kw) -> str:
    vi, en = _PTEXT[key]
    return (en if lang == "en" else vi).format(**kw)


def _prevention_briefing(req: BriefingRequest, engine, made_on: date) -> Briefing:
    """Coverage of key-area communes by a prevention model (:mod:`geo.stats.prevention`): the map of the page
    (districts before 2025; 2025 communes in a province, 2025 provinces nationally; the units on a border
    with ``border``) in the page's classes around the target, the progress table, the key figures, and
    where the target comes from. Commune counts only: nothing to suppress."""
    from dataclasses import replace as dc_replace

    from geo.stats import prevention as P
    from geo.data import store
    from geo.render.static_maps import _unit_layer_name

    lang = req.lang
    tr = lambda key, **kw: P.TEXT[key][1 if lang == "en" else 0].format(**kw)  # noqa: E731
    kind = "border" if req.border else "choropleth"
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    place = place_text(base)
    years = P.list_years(req.era, req.province, engine)
    year = req.period.end.year if req.period.end is not None else (years[-1] if years else None)
    if year is None or year not in years:
        listed = f" (years with a list: {', '.join(map(str, years))})" if years else " (none at all)"
        raise BriefingError(f"no key-area commune list for {place_text(dc_replace(base, lang='en'))}, "
                            f"{year or 'any year'}{listed}. Import one (python -m geo import FILE) or load the "
                            "demo data (python -m geo demo).")
    req = dc_replace(req, period=parse_period(str(year)))
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    unit_layer = _unit_layer_name(req.era, req.province, kind, req.border)
    unit_column = {"districts_pre2025": "district_code5", "communes_2025": "commune_code_2025",
                   "provinces_2025": "prov_code_2025"}[unit_layer]
    codes = [str(c) for c in units["code"]]
    key = P.key_commune_status(year, req.era, req.province, lang, engine)
    if req.border:  # only the key-area communes in the units on the border
        key = key[key[unit_column].isin(codes)]
        if key.empty:
            raise BriefingError(f"no key-area commune of the {year} list lies in {place_text(dc_replace(base, lang='en'))}")
    placed = key[key[unit_column].isin(codes)]
    per_unit = P.coverage_summary(placed, unit_column) if len(placed) else pd.DataFrame(
        columns=[unit_column, "key_communes", "covered_communes", "coverage_pct", "is_demo"])
    values = {str(c): P.class_value(v) for c, v in zip(per_unit[unit_column], per_unit["coverage_pct"])}

    # the lists (provinces of the list's era) of the scope, with their targets
    lists = store.coverage_frame(year, engine=engine)
    lists = lists[lists["province_code"].isin(key["province_code"])].reset_index(drop=True)
    single = len(lists) == 1
    target = float(lists["target_value"].iloc[0]) if single and pd.notna(lists["target_value"].iloc[0]) else None
    comparator = lists["target_comparator"].iloc[0] if single else None
    targets = lists.set_index("province_code")
    cls = P.coverage_classes(values, target)

    # the table, lowest coverage first, as on the page: districts with key-area communes (a province or
    # a border before 2025), else the lists (the provinces that drew them up, before the 2025 reform)
    national = req.province is None and not req.border
    by_units = req.era == "pre2025" and not national
    if not by_units:
        lines = pd.DataFrame({
            "label": lists["province_name"].astype(str) + ("" if req.era == "pre2025" else " " + t("historical", lang)),
            "key_communes": lists["key_communes"], "covered_communes": lists["covered_communes"],
            "coverage_pct": lists["coverage_pct"], "target": lists["target_value"],
            "comparator": lists["target_comparator"]})
        table_title = _ptx("table_lists", lang)
        first = _tx("province", lang)
    else:
        names = units.set_index(units["code"].astype(str))
        summary = per_unit.copy()
        summary["label"] = [unit_full_name(names.loc[str(c)], unit_layer) for c in summary[unit_column]]
        one_list = placed.groupby(unit_column)["province_code"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
        list_of = summary[unit_column].map(one_list)
        summary["target"] = list_of.map(targets["target_value"]) if len(targets) else None
        summary["comparator"] = list_of.map(targets["target_comparator"]) if len(targets) else None
        lines = summary[["label", "key_communes", "covered_communes", "coverage_pct", "target", "comparator"]]
        table_title = _ptx("table_units", lang, level=_tx("level_district", lang))
        first = t("district", lang)
    lines = lines.assign(meets=[P.meets_target(v, c, tv) for v, c, tv in
                                zip(lines["coverage_pct"], lines["comparator"], lines["target"])])
    lines = lines.sort_values(["coverage_pct", "label"], na_position="first").reset_index(drop=True)
    meets_known = [m for m in lines["meets"] if m is not None]

    def meets_words(m) -> str:
        return "—" if m is None else _ptx("meets_yes" if m else "meets_no", lang)

    def row_of(label, n_key, n_cov, share, tv, tc, m) -> list[str]:
        return [label, format_number(n_key, lang), format_number(n_cov, lang), P.pct_text(share, lang),
                P.target_text(tv, tc, lang), meets_words(m)]

    shown = lines
    rows = []
    if len(lines) > MAX_TABLE_LINES + 1:
        shown, rest = lines.iloc[:MAX_TABLE_LINES], lines.iloc[MAX_TABLE_LINES:]
    for r in shown.itertuples():
        rows.append(row_of(r.label, r.key_communes, r.covered_communes, r.coverage_pct, r.target, r.comparator, r.meets))
    if len(shown) < len(lines):
        n_k, n_c = int(rest["key_communes"].sum()), int(rest["covered_communes"].sum())
        rows.append(row_of(_ptx("others", lang, n=len(rest)), n_k, n_c, 100.0 * n_c / n_k if n_k else None,
                           None, None, None)[:4] + ["", ""])
    n_key, n_cov = len(key), int(key["covered"].sum())
    total_pct = round(100.0 * n_cov / n_key, 1) if n_key else None
    rows.append(row_of(_ptx("total", lang, place=short_province(place)), n_key, n_cov, total_pct, target, comparator,
                       P.meets_target(total_pct, comparator, target)))
    header = [first, tr("key_communes"), tr("covered"), tr("coverage_short"), tr("target"), tr("meets")]
    table = pd.DataFrame(rows, columns=header)

    # key figures, as the page's cards
    target_words = P.target_text(target, comparator, lang, none=tr("no_target")) if single else (
        tr("no_target") if lists["target_value"].isna().all() else _ptx("targets_by_list", lang))
    kpis = [(f"{tr('province_coverage')}", P.pct_text(total_pct, lang)),
            (tr("target"), target_words),
            (_ptx("kpi_covered", lang), f"{n_cov}/{n_key}"),
            (_ptx("kpi_meets_districts" if by_units else "kpi_meets_lists", lang),
             f"{sum(meets_known)}/{len(meets_known)}" if meets_known else "—")]

    # notes: the denominator's era, the counting rule, the target's source
    n_pre = int((key["place_era"] == "pre2025").sum())
    n_new = n_key - n_pre
    notes = []
    if n_pre:
        notes.append(tr("era_pre", n=n_pre, year=year).replace("**", ""))
        successors = key.loc[key["place_era"] == "pre2025", "commune_code_2025"].dropna().nunique()
        if req.era == "2025" or year >= 2025:
            notes.append(tr("era_change", n=n_pre, m=successors))
    if n_new:
        notes.append(tr("era_new", n=n_new, year=year).replace("**", ""))
    notes.append(tr("model_rule"))
    sources: dict[tuple[str, str], list[str]] = {}  # (kind, source) -> provinces
    for r in lists[lists["target_source"].notna()].itertuples():
        what = tr("target_published") if r.target_is_published else (
            tr("target_demo") if r.target_is_demo else tr("target_imported"))
        sources.setdefault((what, str(r.target_source)), []).append(short_province(str(r.province_name)))
    for (what, text), provinces in list(sources.items())[:4]:
        notes.append(f"{tr('target_source')} ({', '.join(provinces)}; {what}): {text}")
    unplaced = n_key - len(placed)
    if unplaced and not req.border:
        notes.append(f"{unplaced} " + ("xã trọng điểm không xác định được đơn vị trên bản đồ."
                                       if lang == "vi" else "key-area communes could not be placed on this map."))
    notes.append(_ptx("no_victims", lang))

    demo_used = bool(key["is_demo"].any()) or bool(lists["is_demo"].any()) or bool(
        lists["target_is_demo"].fillna(False).astype(bool).any())
    list_era = P.list_era_words(key, lang)
    filters = " · ".join([t("era_pre2025" if req.era == "pre2025" else "era_2025", lang),
                          f"{tr('list_era_col')}: {list_era}", _tx(f"demo_{req.demo}", lang)])
    source = f"{_tx('data_source', lang)}: {_ptx('source_lists', lang)}"
    if demo_used:
        source += " · " + _tx("source_demo", lang, label=S.DEMO_LABEL)
    points, point_legend = (), ()
    if req.era == "pre2025" and req.province and not req.border:  # as the page shows them (approximate)
        placed_points = P.key_commune_points(key)
        points = [(r.lon, r.lat, *P.POINT_STYLES[bool(r.covered)]) for r in placed_points.itertuples()]
        point_legend = [(tr("key_communes"), "", "")] + [(tr(k), *P.POINT_STYLES[c]) for k, c in
                                                         (("has_model", True), ("no_model", False))]
        notes.append(_ptx("points_note", lang))
    map_labels = {} if national else {str(c): P.pct_text(v, lang) for c, v in
                                      zip(per_unit[unit_column], per_unit["coverage_pct"])}
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   metric="coverage", metric_label=f"{tr('coverage')} (%)", values=values,
                   value_labels={c: map_labels.get(c, "") for c in codes}, classification=cls,
                   no_data_label=tr("not_key_area"), label_low_first=True, points=points, point_legend=point_legend,
                   period_label=tr("year_words", year=year), filters_text=filters, demo=demo_used,
                   kpis=kpis, table=table, table_title=table_title, notes=notes, data_source=source,
                   made_on=made_on, suppress=req.suppress, threshold=req.threshold)
    return Briefing(request=req, spec=spec, table=table, table_status=None, kpis=kpis, made_on=made_on,
                    has_data=True)


# --------------------------------------------------------------------------------------------------
# Analysis layers: Gi* hotspot classes and change classes (the hotspot page, also overview / borders)
# --------------------------------------------------------------------------------------------------
_ATEXT = {
    "gi_label": ("Điểm nóng thống kê (Gi*)", "Statistical hotspots (Gi*)"),
    "change_label": ("Thay đổi so với kỳ trước", "Change vs previous period"),
    "gi_note": ("Gi*: huyện được tô đỏ khi huyện đó cùng các huyện giáp ranh có tỷ lệ trên 100.000 dân (dân số 2009, "
                "làm trơn Bayes) cao hơn hẳn mức chung cả nước, khó xảy ra do ngẫu nhiên (kiểm định hoán vị, "
                "hiệu chỉnh FDR) — không phải bằng chứng có mua bán người tại huyện đó.",
                "Gi*: a district is red when it and the districts bordering it have a rate per 100,000 people "
                "(dân số 2009 / 2009 census, empirical Bayes smoothed) clearly above the national level, unlikely "
                "by chance (permutation test, FDR corrected) — not proof of trafficking in that district."),
    "change_note": ("Thay đổi: so với kỳ trước cùng độ dài ({prev}); khi cả hai kỳ dưới {b} vụ thì xếp “quá ít "
                    "vụ để kết luận”. Số vụ được phát hiện, báo cáo: tăng có thể do lực lượng hoạt động tích cực hơn.",
                    "Change: against the previous period of the same length ({prev}); when both periods are below "
                    "{b} the district is “too few to say”. Detected and reported figures: a rise can mean more "
                    "activity by the units."),
    "covered_note": ("Huyện không có bản ghi trong kỳ được tính là 0 (như trang Phân tích điểm nóng).",
                     "A district without records in the period counts as 0 (as on the hotspot page)."),
    "rate_words": ("tỷ lệ trên 100.000 dân, dân số 2009", "rate per 100,000 people, 2009 population"),
    "gi_table": ("Các huyện là điểm nóng thống kê", "Districts that are statistical hotspots"),
    "change_table": ("Các huyện tăng nhiều nhất", "Districts with the largest increases"),
    "no_hot": ("Không có huyện nào là điểm nóng thống kê", "No district is a statistical hotspot"),
    "no_increase": ("Không có huyện nào tăng", "No district increased"),
    "district": ("Huyện", "District"),
    "class": ("Mức", "Class"),
    "change_class": ("Phân loại", "Class"),
    "previous": ("Kỳ trước", "Previous"),
    "current": ("Kỳ này", "This period"),
    "versus": ("so với {p}", "vs {p}"),
    "kpi_hot": ("Huyện là điểm nóng / huyện kiểm định", "Hotspot districts / districts tested"),
    "kpi_cold": ("Huyện là điểm lạnh / huyện kiểm định", "Cold-spot districts / districts tested"),
    "kpi_inc": ("Huyện tăng / huyện có số liệu", "Districts up / districts with figures"),
    "kpi_dec": ("Huyện giảm / huyện có số liệu", "Districts down / districts with figures"),
    "short_large_increase": ("Tăng mạnh", "Large increase"),
    "short_new": ("Mới xuất hiện", "New"),
    "short_moderate_increase": ("Tăng vừa", "Moderate increase"),
    "others_n": ("Các huyện khác cùng loại ({n})", "Other districts of these classes ({n})"),
}
_CONFIDENCE = {"hot_99": "99%", "hot_95": "95%", "hot_90": "90%"}


def _atx(key: str, lang: str, **kw) -> str:
    vi, en = _ATEXT[key]
    return (en if lang == "en" else vi).format(**kw)


def _analysis_metric(req: BriefingRequest) -> str:
    """The count the analysis layers use for this request (as :func:`geo.views.analysis_layers.analysis_metric`)."""
    from geo.views.analysis_layers import analysis_metric
    from geo.views.filters import Filters

    if req.metric in ("victims_children", "victims_women"):
        f = Filters(metric="victims", group=req.metric.split("_")[1])
    else:
        f = Filters(metric=req.metric)
    return analysis_metric(f)


def _analysis_aggregate(req: BriefingRequest, start, end, engine) -> pd.DataFrame:
    """District sums of the whole country (Gi* needs every district as context: no province filter)."""
    from geo.data import store
    f = _case_filter(req)
    f.pop("provinces", None)
    f.pop("provinces_2025", None)
    f["start"], f["end"] = start, end
    try:
        return store.aggregate_cases("district", "all", filters=f, engine=engine)
    except ValueError as exc:
        raise BriefingError(str(exc)) from None


def _analysis_briefing(req: BriefingRequest, engine, made_on: date) -> Briefing:
    """Gi* classes (``layer=gi``) or change classes (``layer=change``) per district, with the classes,
    colours and labels of the interactive page (:mod:`geo.views.analysis_layers`); the table lists the hot (or
    most increased) districts of the view with their counts protected, and no total."""
    from dataclasses import replace as dc_replace

    from geo.stats import change, hotspots
    from geo.views.filters import previous_period
    from geo.render.maps import CategoryClasses

    lang = req.lang
    kind = req.page
    metric = _analysis_metric(req)
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    codes = [str(c) for c in units["code"]]
    in_view = set(codes)
    current = _analysis_aggregate(req, req.period.start, req.period.end, engine)
    if current.empty:
        raise BriefingError(_no_data_message(req))
    frames = [current]
    previous_words = ""
    if req.layer == "gi":
        table = hotspots.hotspot_table(current, metric=metric, covered="all")
        class_table = hotspots.CLASSES
    else:
        p_start, p_end = previous_period(req.period.start, req.period.end)
        previous = _analysis_aggregate(req, p_start, p_end, engine)
        frames.append(previous)
        table = change.district_change(current, previous, covered="all", metric=metric)
        class_table = change.CLASSES
        previous_words = parse_period(f"{p_start.isoformat()}/{p_end.isoformat()}").words(lang)
    table = table.assign(code=table["code"].astype(str))
    view = table[table["code"].isin(in_view)].copy()
    values = dict(zip(view["code"], view["class"]))
    full = CategoryClasses.from_table(class_table)
    present = set(values.values())
    cls = dc_replace(full, order=tuple(k for k in full.order if k in present))  # legend: the classes present

    # the listed districts and their protected counts (no total: it would give a hidden count away)
    name_col = "full_name_vi" if "full_name_vi" in view.columns else "name_vi"
    with_province = req.province is None
    if req.layer == "gi":
        listed = hotspots.rank_hotspots(view)
        count_cols = {"count": _metric_header(metric, lang)}
        class_header = _atx("class", lang)
        class_text = {k: (f"{v} confidence" if lang == "en" else f"Tin cậy {v}") for k, v in _CONFIDENCE.items()}
        empty_text = _atx("no_hot", lang)
    else:
        listed = change.top_changes(view, "increase", n=len(view))
        count_cols = {"previous": _atx("previous", lang), "current": _atx("current", lang)}
        class_header = _atx("change_class", lang)
        class_text = {k: _atx(f"short_{k}", lang) for k in change.INCREASE_CLASSES}
        empty_text = _atx("no_increase", lang)
    n_listed = len(listed)
    listed = listed.head(MAX_TABLE_LINES)
    keys = [f"u:{c}" for c in listed["code"]]
    counts = pd.DataFrame({c: pd.to_numeric(listed[c], errors="coerce").to_numpy() for c in count_cols},
                          index=keys)
    suppressed = sup.suppress_counts(counts, list(count_cols), req.threshold, enabled=req.suppress, lang=lang)
    header = [_atx("district", lang)] + ([_tx("province", lang)] if with_province else []) + [class_header] + \
        list(count_cols.values())
    rows = []
    for key, (_, r) in zip(keys, listed.iterrows()):
        row = [str(r.get(name_col) or r.get("name_vi") or r["code"])]
        if with_province:
            row.append(short_province(str(r.get("prov_name_vi", ""))))
        row.append(class_text.get(r["class"], str(r["class"])))
        row += [suppressed.display.at[key, c] for c in count_cols]
        rows.append(row)
    if n_listed > len(listed):
        rows.append([_atx("others_n", lang, n=format_number(n_listed - len(listed), lang))] + [""] * (len(header) - 1))
        keys.append("others")
    if not rows:
        rows.append([empty_text] + [""] * (len(header) - 1))
        keys.append("none")
    out_table = pd.DataFrame(rows, columns=header, index=keys)
    status = pd.DataFrame([[suppressed.status.at[k, c] for c in count_cols] for k in keys if k.startswith("u:")],
                          columns=list(count_cols.values()), index=[k for k in keys if k.startswith("u:")])

    # key figures: district counts only, written as a share so that no small number stands alone
    if req.layer == "gi":
        tested = view[~view["class"].isin(("not_tested", "no_data"))]
        n_tested = len(tested)
        kpis = [(_atx("kpi_hot", lang), f"{int(view['class'].isin(hotspots.HOT_CLASSES).sum())}/{n_tested}"),
                (_atx("kpi_cold", lang), f"{int(view['class'].isin(hotspots.COLD_CLASSES).sum())}/{n_tested}")]
    else:
        known_units = view[view["class"] != "no_data"]
        n_known = len(known_units)
        kpis = [(_atx("kpi_inc", lang), f"{int(view['class'].isin(change.INCREASE_CLASSES).sum())}/{n_known}"),
                (_atx("kpi_dec", lang), f"{int(view['class'].isin(change.DECREASE_CLASSES).sum())}/{n_known}")]

    demo_rows = int(sum(pd.to_numeric(f_["demo_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                        if "demo_rows" in f_))
    all_rows = int(sum(pd.to_numeric(f_["n_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                       if "n_rows" in f_))
    demo_used = demo_rows > 0 or bool(table.attrs.get("is_demo"))
    label = _atx(f"{req.layer}_label", lang)
    metric_words = _metric_label(metric, lang)
    filters = [t("era_pre2025", lang),
               f"{_tx('metric', lang)}: {metric_words}"
               + (f" ({_atx('rate_words', lang)})" if req.layer == "gi" else "")]
    if req.forms:
        filters.append(f"{_tx('form', lang)}: " + ", ".join(S.FORMS.label(f_, lang) for f_ in req.forms))
    if req.agencies:
        filters.append(f"{_tx('agency', lang)}: " + ", ".join(S.AGENCIES.label(a, lang) for a in req.agencies))
    filters.append(_tx(f"demo_{req.demo}", lang))
    filters.append(_tx("suppressed", lang, t=req.threshold) if req.suppress else _tx("not_suppressed", lang))
    notes = [_atx("gi_note", lang)] if req.layer == "gi" else \
        [_atx("change_note", lang, prev=previous_words, b=change.MIN_BASELINE)]
    notes.append(_atx("covered_note", lang))
    mark_notes = {}
    if req.suppress:
        index = 1 if lang == "en" else 0
        mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold),
                      sup.HIDDEN: sup.NOTES["hidden"][index]}
    period_label = req.period.words(lang)
    if previous_words:
        period_label += " " + _atx("versus", lang, p=previous_words[:1].lower() + previous_words[1:])
    highlight, highlight_label = _highlight(req, kind)
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   metric=req.layer, metric_label=f"{label}: {_display_metric(metric, lang)}",
                   highlight=highlight, highlight_label=highlight_label,
                   values=values, value_labels={c: "" for c in values}, classification=cls,
                   period_label=period_label, filters_text=" · ".join(filters), demo=demo_used,
                   kpis=kpis, table=out_table, table_total_rows=0,
                   table_title=_atx("gi_table" if req.layer == "gi" else "change_table", lang),
                   notes=notes, mark_notes=mark_notes,
                   data_source=_data_source(req, engine, demo_used, all_rows - demo_rows > 0),
                   made_on=made_on, suppress=req.suppress, threshold=req.threshold)
    return Briefing(request=req, spec=spec, table=out_table, table_status=status, kpis=kpis, made_on=made_on,
                    has_data=True, figures={})


def _display_metric(metric: str, lang: str) -> str:
    """The analysed count as the pages name it (geo.views.filters), else the briefing's own label."""
    from geo.views.filters import METRICS as PAGE_METRICS

    if metric in PAGE_METRICS:
        return metric_label(metric, lang)
    return _metric_label(metric, lang)


def export_briefing(params: Mapping | str | BriefingRequest, formats: Sequence[str] = FORMATS,
                    out_dir: str | Path = ".", engine=None, today: date | None = None) -> list[Path]:
    """Build the view and write the files; returns their paths."""
    return build_briefing(params, engine=engine, today=today).write(out_dir, formats)


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m geo briefing",
        description="Export a briefing map (PNG 1920x1080 for slides, A4 PDF with a table) with the same filters "
                    "as the page URL. Small counts are hidden unless --no-suppress.")
    p.add_argument("--url", help="filters as a URL query string, e.g. 'page=border&border=laos&prov=40&period=2024-H1' "
                                 "(options given below override it)")
    p.add_argument("--page", help="admin | choropleth | border | prevention | district (or the page path: ban-do, "
                                  "tong-quan, bien-gioi, diem-nong, phong-ngua, huyen)")
    p.add_argument("--dist", help="district code before 2025 for --page huyen (e.g. 40417 = Kỳ Sơn)")
    p.add_argument("--era", help="pre2025 (default) | 2025")
    p.add_argument("--prov", help="province code of the era (e.g. 40 = Nghệ An); none = whole country")
    p.add_argument("--border", help="laos | china | cambodia | all")
    p.add_argument("--period", help="2024, 2024-H1, 2024-Q2, 2024-05, 2024-01-01/2024-03-15, all, "
                                    "last-month, last-quarter, last-half, last-year")
    p.add_argument("--metric", help=", ".join(METRICS))
    p.add_argument("--layer", help="metric (default) | gi (Gi* hotspots, default of diem-nong) | change")
    p.add_argument("--lang", help="vi (default) | en")
    p.add_argument("--demo", help="include (default) | exclude | only")
    p.add_argument("--form", action="append", help="form of exploitation (repeatable)")
    p.add_argument("--agency", action="append", help="reporting agency (repeatable)")
    p.add_argument("--method", help="quantiles | natural_breaks (default) | fixed")
    p.add_argument("--k", help="number of classes (default 5)")
    p.add_argument("--breaks", help="upper bounds of the classes for --method fixed, e.g. 4,9,19,49")
    p.add_argument("--threshold", help=f"small-count threshold (default ${sup.ENV_THRESHOLD} or 5)")
    p.add_argument("--no-suppress", action="store_true", help="exact numbers (not for release)")
    p.add_argument("--format", default="png,pdf", help="png, pdf or png,pdf (default)")
    p.add_argument("--out", default=".", help="output folder (created if missing)")
    p.add_argument("--date", help="date printed on the export and in the file name (YYYY-MM-DD, default today)")
    return p


def main_briefing(argv: list[str] | None = None) -> int:
    """``python -m geo briefing ...``: 0 written, 1 bad filters or no data, 2 usage."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in FORMATS for f in formats):
        parser.print_usage(sys.stderr)
        print(f"python -m geo briefing: --format must be png, pdf or png,pdf (not {args.format!r})", file=sys.stderr)
        return 2
    today = None
    if args.date:
        try:
            today = date.fromisoformat(args.date)
        except ValueError:
            print(f"python -m geo briefing: --date must be YYYY-MM-DD, not {args.date!r}", file=sys.stderr)
            return 2
    params: dict = {k: v for k, v in parse_qs((args.url or "").lstrip("?")).items()} if args.url else {}
    for name in ("page", "era", "prov", "dist", "border", "period", "metric", "layer", "lang", "demo", "method", "k", "breaks",
                 "threshold"):
        value = getattr(args, name)
        if value is not None:
            params[name] = value
    if args.form:
        params["form"] = args.form
    if args.agency:
        params["agency"] = args.agency
    if args.no_suppress:
        params["suppress"] = "off"
    try:
        briefing = build_briefing(params, today=today, allow_exact=True)
        paths = briefing.write(args.out, formats)
    except BriefingError as exc:
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    except (ValueError, KeyError) as exc:  # e.g. a bad TDN_SUPPRESSION_THRESHOLD
        print(f"briefing: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    if briefing.spec.demo:
        print(f"note: {S.DEMO_LABEL} — the export shows demonstration figures", file=sys.stderr)
    return 0


main = main_briefing
