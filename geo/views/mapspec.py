"""What one map of a view shows, described for its renderers: :class:`MapSpec` (units, values, classes,
protected labels, legend texts, title, key figures, table, notes, sources), and the names of the view's
units and place. Built by the view models (:mod:`geo.views.model`); drawn by :mod:`geo.render.static_maps`
(PNG/PDF) and, through ``ui.model_choropleth``, by the folium page. Coordinates are longitude/latitude
(EPSG:4326) as cached by :mod:`geo.admin.cache`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date
from typing import Collection, Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo.admin.borders import BORDERS
from geo.admin.cache import load_layer
from geo.admin.text import english_province
from geo.i18n import t
from geo.stats.classify import Classification

KINDS = ("admin", "choropleth", "border")


BORDER_KEYS = tuple(BORDERS) + ("all",)



@dataclass
class MapSpec:
    """A view to draw. Only ``kind`` is needed; everything else has a sensible default.

    - ``kind``: ``admin`` (the administrative & border map), ``choropleth`` (``values`` per unit
      coloured by class) or ``border`` (units on one land border, or ``all``, highlighted).
    - ``era``: ``pre2025`` (districts) or ``2025`` (provinces nationally, communes in a province).
    - ``province``: province code of that era, None for the whole country (or the whole border).
    - ``values``: unit code → number (None: no data); ``value_labels``: unit code → the text to print
      on the map (already suppressed, see :mod:`geo.render.briefing`); ``classification``: the classes the
      interactive map used (default: natural breaks, 5 classes, protected below the threshold).
    - ``kpis``: (label, display text) pairs; ``table``: a frame of display strings for the PDF (first
      column the unit); ``notes``: footnotes (suppression marks).
    """

    kind: str = "admin"
    era: str = "pre2025"
    province: str | None = None
    border: str | None = None
    lang: str = "vi"
    metric: str | None = None
    metric_label: str | None = None
    values: Mapping[str, float | None] | None = None
    value_labels: Mapping[str, str] | None = None
    classification: Classification | None = None
    title: str | None = None
    period_label: str = ""
    filters_text: str = ""
    demo: bool = False
    kpis: Sequence[tuple[str, str]] = ()
    table: pd.DataFrame | None = None
    table_title: str | None = None
    table_total_rows: int = 1  # trailing rows of ``table`` drawn in bold (the total)
    protected: Collection[str] = ()  # unit codes hatched instead of coloured (rate maps, small counts)
    highlight: Collection[str] = ()  # unit codes outlined boldly (the district a page is about)
    highlight_label: str | None = None  # legend text of the bold outline
    no_data_label: str | None = None  # legend text of the "no data" class (e.g. "no key-area commune")
    label_low_first: bool = False  # when labels collide, keep the lowest values (coverage) instead of the highest
    points: Sequence[tuple[float, float, str, str]] = ()  # (lon, lat, fill, outline) drawn as small circles
    point_legend: Sequence[tuple[str, str, str]] = ()  # (label, fill, outline) of the points, with a header first
    notes: Sequence[str] = ()
    mark_notes: Mapping[str, str] | None = None  # e.g. {"<5": "...", "x": "..."}: shown when the mark is
    data_source: str = ""
    made_on: date | None = None
    suppress: bool = True
    threshold: int | None = None
    reference: tuple[str, ...] = ()  # reference layers drawn with their names: gates, routes, hotspots

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        if self.era not in ("pre2025", "2025"):
            raise ValueError(f"era must be pre2025 or 2025, not {self.era!r}")
        if self.border is not None and self.border not in BORDER_KEYS:
            raise ValueError(f"border must be one of {BORDER_KEYS}, not {self.border!r}")
        if self.kind == "border" and self.border is None:
            self.border = "all"
        if self.lang not in ("vi", "en"):
            raise ValueError("lang must be vi or en")



def _unit_layer_name(era: str, province: str | None, kind: str, border: str | None) -> str:
    if era == "pre2025":
        return "districts_pre2025"
    if province is None and kind != "border":
        return "provinces_2025"
    return "communes_2025"



def _province_layer_name(era: str) -> str:
    return "provinces_pre2025" if era == "pre2025" else "provinces_2025"


def short_province(name: str) -> str:
    """The name without its unit word: "Tỉnh Lào Cai", "Lào Cai province" -> "Lào Cai"."""
    name = name.replace("Thành phố ", "").replace("Tỉnh ", "")
    for suffix in (" province", " city"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def province_name(era: str, code: str | None, lang: str = "vi") -> str:
    if code is None:
        return t("whole_country", lang)
    name = _province_names(era).get(code)
    if name is None:
        raise KeyError(f"no province {code!r} in era {era}")
    return english_province(name) if lang == "en" else name


@lru_cache(maxsize=4)
def _province_names(era: str) -> dict[str, str]:
    """Province code -> full Vietnamese name of an era (the layer does not change while a process runs)."""
    frame = load_layer(_province_layer_name(era), "national")
    return dict(zip(frame["code"].astype(str), frame["prov_name_vi"].astype(str)))



def unit_short_name(row: pd.Series, layer: str) -> str:
    if layer == "provinces_2025":
        return short_province(str(row["prov_name_vi"]))
    return str(row["name_vi"])



def unit_full_name(row: pd.Series, layer: str) -> str:
    if layer == "districts_pre2025":
        return str(row["full_name_vi"])
    if layer == "communes_2025":
        return str(row["name_vi_full"])
    return str(row["prov_name_vi"])



def _touch_column(border: str | None) -> str:
    return "touches_any" if border in (None, "all") else f"touches_{border}"



def province_borders(era: str, province: str) -> list[str]:
    """The land borders (keys of :data:`geo.admin.borders.BORDERS`) that a province's units touch, in
    the order of ``BORDERS``; empty for an inland or coastal province."""
    name = _unit_layer_name(era, province, "border", None)
    frame = load_layer(name, "province" if name == "communes_2025" else "national")
    frame = frame[frame["prov_code"] == province] if "prov_code" in frame else frame[frame["code"] == province]
    return [key for key in BORDERS if _touch_column(key) in frame and frame[_touch_column(key)].astype(bool).any()]


def view_units(spec: MapSpec) -> gpd.GeoDataFrame:
    """The units a view is about (lon/lat, as cached): the province's units, the border units, or
    every unit of the country; the rows that the values, labels and tables refer to."""
    name = _unit_layer_name(spec.era, spec.province, spec.kind, spec.border)
    level = "province" if name == "communes_2025" else "national"
    frame = load_layer(name, level)
    if spec.province is not None:
        frame = frame[frame["prov_code"] == spec.province] if "prov_code" in frame else frame[frame["code"] == spec.province]
    if spec.kind == "border":
        frame = frame[frame[_touch_column(spec.border)].astype(bool)]
    return frame



def place_text(spec: MapSpec) -> str:
    """The place of a view in words, as the pages write it: the province ("Tỉnh Nghệ An"), the border,
    or the whole country."""
    border = None
    if spec.kind == "border":
        border = t("all_borders", spec.lang) if spec.border in (None, "all") else BORDERS[spec.border].label(spec.lang)
    if spec.province:
        name = province_name(spec.era, spec.province, spec.lang)
        return f"{border}, {name}" if border else name
    return border or t("whole_country", spec.lang)
