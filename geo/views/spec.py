"""What a view shows: the one value object (:class:`ViewSpec`) and the one parser that makes it.

A view is described by the filters of its URL (``page``, ``era``, ``prov``, ``dist``, ``border``,
``period``, ``metric``, ``group``, ``form``, ``layer``, ``classes``, ``lang``...), whichever way they
arrive: :func:`parse_view` reads a URL query (a dict or a string); a page's widgets give their
:class:`geo.views.filters.Filters`, which :func:`spec_from_filters` turns into the same query; the command
line (``python -m geo briefing``) passes its arguments as that query too. Periods are read by the one
period parser, :mod:`geo.periods`.

A :class:`ViewSpec` is frozen and hashable: with the store's data version it is the cache key of a view
model (:mod:`geo.views.model`). ``access`` is the viewer's access level (``viewer``: small counts
protected; ``exact``: allowed to see exact counts); it is part of the key, so a protected view and an
exact one are never mixed up.

File names of exports also follow from the spec: ``{view}_{place}_{period}_{yyyymmdd}.{ext}``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Mapping
from urllib.parse import parse_qs

import pandas as pd

from geo import periods
from geo.data import schema as S
from geo.i18n.views import _TEXT
from geo.periods import Period
from geo.stats import suppression as sup
from geo.i18n import t
from geo.stats.classify import METHODS
from geo.views.filters import RATE_SUFFIX, metric_label
from geo.views.mapspec import BORDER_KEYS, province_name, short_province


#: page (kind, or the app's URL path) -> kind of map exported
PAGES = {
    "admin": "admin", "ban-do": "admin", "ban_do": "admin", "map": "admin",
    "choropleth": "choropleth", "tong-quan": "choropleth", "tong_quan": "choropleth", "overview": "choropleth",
    "diem-nong": "choropleth", "diem_nong": "choropleth",
    "border": "border", "bien-gioi": "border", "bien_gioi": "border", "borders": "border",
    "prevention": "prevention", "phong-ngua": "prevention", "phong_ngua": "prevention",
    "district": "district", "huyen": "district",
}
#: the app's pages (URL paths) that show a view
APP_PAGES = ("tong-quan", "bien-gioi", "diem-nong", "phong-ngua", "huyen", "ban-do")
#: pages without a map: refused with a clear message
NOT_EXPORTABLE = {"du-lieu", "du_lieu", "data"}
PAGE_CHOICES = "admin (ban-do), choropleth (tong-quan), border (bien-gioi), hotspots (diem-nong), " \
               "prevention (phong-ngua) or district (huyen)"
#: map layers (``layer=``): the counts, Gi* hotspot classes, change classes against the previous period
LAYERS = ("metric", "gi", "scan", "agree", "change")
LAYER_ALIASES = {"hotspots": "gi", "gi*": "gi", "counts": "metric", "choropleth": "metric", "kulldorff": "scan",
                 "satscan": "scan", "clusters": "scan", "both": "agree", "agreement": "agree"}
#: pages whose default layer is Gi* (the hotspot page)
HOTSPOT_PAGES = {"diem-nong", "diem_nong"}
LAYER_SLUGS = {"gi": "diem-nong-gi", "scan": "cum-quet", "agree": "dong-thuan", "change": "thay-doi"}
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


def _tx(key: str, lang: str, **kw) -> str:
    vi, en = _TEXT[key]
    return (en if lang == "en" else vi).format(**kw)


class BriefingError(ValueError):
    """Bad filters or nothing to show (exit code 1 on the command line)."""


#: the name used by views; exports used BriefingError before the view model
ViewError = BriefingError


def parse_period(text: str | None, today: date | None = None) -> Period:
    """The period of a view (:func:`geo.periods.parse_period`); bad text raises :class:`BriefingError`."""
    try:
        return periods.parse_period(text, today)
    except periods.PeriodError as exc:
        raise BriefingError(str(exc)) from None


@dataclass(frozen=True)
class ViewSpec:
    """One view: what a page, an export or a download shows (see the module doc). Frozen and hashable."""

    page: str = "admin"  # kind of view: admin | choropleth | border | prevention | district
    era: str = "pre2025"
    province: str | None = None
    border: str | None = None
    period: Period = periods.ALL
    metric: str = DEFAULT_METRIC  # the stored count (a victim group narrows "victims")
    rate: bool = False  # per 100,000 people (2009 census) instead of the count
    lang: str = "vi"
    demo: str = "include"
    forms: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    suppress: bool = True
    threshold: int = sup.DEFAULT_THRESHOLD
    method: str = "natural_breaks"
    k: int = 5
    breaks: tuple[float, ...] | None = None
    layer: str = "metric"  # metric (the counts) | gi (Gi*) | scan (Kulldorff) | agree (both) | change (vs previous)
    district: str | None = None  # pre-2025 district code of ``page=district`` (its province is ``province``)
    highlight: str | None = None  # pre-2025 district outlined on the map (``dist`` of the page's filters)
    page_path: str = ""  # the app page the view is for (tong-quan, bien-gioi, diem-nong...), "" for exports by kind
    access: str = "viewer"  # viewer (small counts protected) | exact (may see exact counts)
    corridor_km: int = 10  # Hotspot page: width of the route corridors (``km``, 5–30)
    route: str | None = None  # Hotspot page: the route whose corridor is profiled (``route``), None: the first
    #: pre-2025 province codes the user may see (empty: the whole country). Given by the sign-in glue
    #: (``parse_view(..., scope=...)``), never read from a URL; every store query of the view applies it.
    scope: tuple[str, ...] = ()
    trend_grain: str = "month"  # District page: the trend by month or quarter (``grain``)
    compare: tuple[str, ...] = ()  # District page: up to 3 other districts compared (``cmp``)

    @property
    def protected(self) -> bool:
        """Counts protected with the cell-key method (every ``viewer`` view)."""
        return self.access != "exact"


#: the name exports used before the view model
BriefingRequest = ViewSpec


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


def _scope(scope) -> tuple[str, ...]:
    """A user's province scope: sorted pre-2025 province codes (empty: the whole country)."""
    if scope is None:
        return ()
    codes = [scope] if isinstance(scope, str) else list(scope)
    out = set()
    for code in codes:
        code = str(code).strip().zfill(2)
        try:
            province_name("pre2025", code)
        except KeyError:
            raise BriefingError(f"no pre-2025 province with code {code!r} in the user's scope") from None
        out.add(code)
    return tuple(sorted(out))


def parse_params(params: Mapping | str, today: date | None = None, allow_exact: bool = False,
                 scope=()) -> ViewSpec:
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

    ``scope``: the pre-2025 provinces the signed-in user may see (from the sign-in glue, never from the
    URL: a ``scope`` query parameter is ignored); empty = the whole country.
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
        if layer == "change" and (period.start is None or period.end is None):
            raise BriefingError("layer=change compares a period with the one before: give a period "
                                "(e.g. period=2024-H1)")
        if layer in ("gi", "scan", "agree") and ((period.start is None) != (period.end is None)):
            raise BriefingError(f"layer={layer} needs a whole period (e.g. period=2024-H1) or none")
        if layer in ("scan", "agree") and page_raw not in HOTSPOT_PAGES:
            raise BriefingError(f"layer={layer} is shown on the hotspot page: use page=diem-nong")
    try:
        corridor_km = int(_one(params, "km", default="10"))
    except ValueError:
        raise BriefingError("km must be a whole number of kilometres (5 to 30)") from None
    if not 5 <= corridor_km <= 30:
        raise BriefingError("km must be between 5 and 30")
    route = _one(params, "route")
    trend_grain, compare = "month", ()
    if page == "district":
        trend_grain = _one(params, "grain", default="month")
        if trend_grain not in ("month", "quarter"):
            trend_grain = "month"
        wanted = []
        for code in _many(params, "cmp"):
            try:
                if code != district and code not in wanted:
                    _district_row(code)
                    wanted.append(code)
            except BriefingError:
                continue  # a stale district in a shared link is skipped
        compare = tuple(wanted[:3])
    return ViewSpec(trend_grain=trend_grain, compare=compare, corridor_km=corridor_km, route=route, page=page, era=era, province=prov, border=border, period=period, metric=base_metric,
                           rate=rate, layer=layer, district=district, highlight=highlight,
                           lang=lang, demo=demo, forms=tuple(forms), agencies=tuple(agencies),
                           suppress=True if suppress is None else suppress, threshold=threshold, method=method,
                           k=k, breaks=breaks, page_path=page_raw if page_raw in APP_PAGES else "",
                           access="exact" if (allow_exact and suppress is False) else "viewer",
                           scope=_scope(scope))


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


def _analysis_metric(req: BriefingRequest) -> str:
    """The count the analysis layers use for this request (as :func:`geo.views.filters.analysis_metric`)."""
    from geo.views.filters import analysis_metric
    from geo.views.filters import Filters

    if req.metric in ("victims_children", "victims_women"):
        f = Filters(metric="victims", group=req.metric.split("_")[1])
    else:
        f = Filters(metric=req.metric)
    return analysis_metric(f)


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


def _display_label(req: BriefingRequest) -> str:
    """The metric as the pages name it (:func:`geo.views.filters.metric_label`), per 100,000 people for rates."""
    from geo.views.filters import METRICS as PAGE_METRICS

    if req.metric in PAGE_METRICS:
        return metric_label(req.metric + (RATE_SUFFIX if req.rate else ""), req.lang)
    label = _metric_label(req.metric, req.lang)
    if req.rate:
        label += " per 100,000 people" if req.lang == "en" else " trên 100.000 dân"
    return label


def _display_metric(metric: str, lang: str) -> str:
    """The analysed count as the pages name it (geo.views.filters), else the briefing's own label."""
    from geo.views.filters import METRICS as PAGE_METRICS

    if metric in PAGE_METRICS:
        return metric_label(metric, lang)
    return _metric_label(metric, lang)


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
    parts.append(_protection_words(req))
    return " · ".join(parts)


def _protection_words(req: BriefingRequest) -> str:
    """How the view's counts are protected, in words (filters line of exports)."""
    if req.protected:
        return _tx("ckm", req.lang, t=req.threshold)
    return _tx("suppressed", req.lang, t=req.threshold) if req.suppress else _tx("not_suppressed", req.lang)


#: the one parser of views (URL query, command line, a page's widgets)
parse_view = parse_params


def spec_from_filters(page_path: str, filters, lang: str = "vi", *, scope=(), **extra) -> ViewSpec:
    """The view of an app page for its widgets' :class:`geo.views.filters.Filters` (plus e.g. ``layer``),
    read by the same parser as a URL: a page and its export are the same view. ``scope``: the signed-in
    user's provinces (see :func:`parse_params`)."""
    params = dict(filters.to_query())
    params.update(page=page_path, lang=lang)
    params.update({k: v for k, v in extra.items() if v is not None})
    return parse_params(params, scope=scope)
