"""Map layers as types (in the spirit of DHIS2's maps app): polygons, lines, labels, panels.

A layer holds an already simplified GeoDataFrame (EPSG:4326) and knows how to add itself to a
folium map. Every text value that reaches a tooltip or popup is HTML-escaped here, because folium
inserts properties into HTML.
"""
from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

import folium
import folium.template
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template


def _compact_json_in_templates() -> None:
    """Make folium's ``tojson`` write compact JSON (about 10 % less to send). Idempotent."""
    environment = folium.GeoJson._template.environment
    environment.policies["json.dumps_kwargs"] = {"sort_keys": False, "separators": (",", ":")}


_compact_json_in_templates()


@dataclass(frozen=True)
class Style:
    """Leaflet path style. Colours are CSS colours; weight in pixels; opacities 0–1."""

    colour: str = "#777777"
    weight: float = 0.6
    fill: str | None = None
    fill_opacity: float = 0.0
    opacity: float = 1.0
    dash: str | None = None

    def leaflet(self) -> dict:
        out = {"color": self.colour, "weight": self.weight, "opacity": self.opacity,
               "fillColor": self.fill or self.colour, "fillOpacity": self.fill_opacity if self.fill else 0.0,
               "fill": bool(self.fill)}
        if self.dash:
            out["dashArray"] = self.dash
        return out


def escape_text(value) -> object:
    """HTML-escape strings (numbers and None pass through)."""
    if isinstance(value, str):
        return html.escape(value, quote=True)
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return None if np.isnan(value) else float(value)
    return value


_DECIMALS = re.compile(r"(\d\.\d{%d})\d+")


def to_feature_collection(frame: gpd.GeoDataFrame, properties: list[str], decimals: int | None = None) -> dict:
    """GeoJSON dict with only ``properties`` (escaped) and the geometry; no feature ids. ``decimals``:
    coordinates cut to that many decimal degrees (3 ≈ 100 m, finer than a pixel of the national map)."""
    text = frame[properties + [frame.geometry.name]].to_json(drop_id=True, na="null")
    if decimals is not None:
        text = re.sub(_DECIMALS.pattern % decimals, r"\1", text)
    geo = json.loads(text)
    for feature in geo["features"]:
        feature["properties"] = {k: escape_text(v) for k, v in feature["properties"].items()}
    return geo


@dataclass
class PolygonLayer:
    """Polygons styled per feature by the value of ``style_column`` (a key into ``styles``)."""

    name: str
    frame: gpd.GeoDataFrame
    styles: dict[str, Style]
    style_column: str | None = None
    tooltip: list[tuple[str, str]] = field(default_factory=list)  # (column, alias)
    id_column: str | None = "code"
    highlight: Style | None = None
    interactive: bool = True
    data: dict | None = None  # precomputed feature collection (see :meth:`feature_collection`)
    decimals: int | None = None  # coordinates cut to this many decimals (None: as cached)

    def properties(self) -> list[str]:
        props = [c for c, _ in self.tooltip]
        for extra in (self.id_column, self.style_column):
            if extra and extra not in props:
                props.append(extra)
        return props

    def feature_collection(self) -> dict:
        if self.data is None:
            self.data = to_feature_collection(self.frame, self.properties(), self.decimals)
        return self.data

    def add_to(self, fmap: folium.Map) -> folium.GeoJson:
        data = self.feature_collection()
        default = next(iter(self.styles.values()))
        column = self.style_column

        def style_function(feature, _styles=self.styles, _column=column, _default=default):
            key = feature["properties"].get(_column) if _column else None
            return _styles.get(key, _default).leaflet()

        kwargs = {}
        if self.tooltip:
            kwargs["tooltip"] = folium.GeoJsonTooltip(
                fields=[c for c, _ in self.tooltip],
                aliases=[html.escape(a) for _, a in self.tooltip],
                sticky=True, labels=True,
            )
        if self.highlight is not None:
            hl = self.highlight.leaflet()
            kwargs["highlight_function"] = lambda _f, _hl=hl: _hl
        layer = folium.GeoJson(data, name=self.name, style_function=style_function,
                               control=False, interactive=self.interactive, smooth_factor=0.5, **kwargs)
        layer.add_to(fmap)
        return layer


@dataclass
class LineLayer:
    """Lines (e.g. the land border) styled per feature by ``style_column``."""

    name: str
    frame: gpd.GeoDataFrame
    styles: dict[str, Style]
    style_column: str
    tooltip: list[tuple[str, str]] = field(default_factory=list)

    def as_polygon_layer(self) -> PolygonLayer:
        """Lines are drawn by the same GeoJSON machinery; only fill is off in their styles."""
        return PolygonLayer(self.name, self.frame, self.styles, self.style_column, self.tooltip,
                            id_column=None, interactive=bool(self.tooltip))

    def add_to(self, fmap: folium.Map) -> folium.GeoJson:
        return self.as_polygon_layer().add_to(fmap)


@dataclass(frozen=True)
class Label:
    lat: float
    lon: float
    text: str
    css_class: str = ""


class _LabelsElement(MacroElement):
    """All labels of a map as Leaflet DivIcon markers, from one precompiled template."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(){var labels={{ this.labels_json }};"
        "labels.forEach(function(l){L.marker([l[0],l[1]],{interactive:false,keyboard:false,"
        "icon:L.divIcon({className:'',iconSize:[0,0],iconAnchor:[0,0],"
        "html:'<div class=\"tdn-label '+l[3]+'\" style=\"transform:translate(-50%,-50%)\">'+l[2]+'</div>'})})"
        ".addTo({{ this._parent.get_name() }});});})();"
        "{% endmacro %}"
    )

    def __init__(self, labels: list[Label]):
        super().__init__()
        self._name = "Labels"
        rows = [[round(lb.lat, 5), round(lb.lon, 5), html.escape(lb.text).replace("\n", "<br>"),
                 html.escape(lb.css_class)] for lb in labels]
        self.labels_json = json.dumps(rows, ensure_ascii=False).replace("</", "<\\/")


@dataclass
class LabelLayer:
    """Text labels placed with DivIcons (plain Leaflet, nothing to download)."""

    labels: list[Label]

    def add_to(self, fmap: folium.Map) -> None:
        fmap.add_child(_LabelsElement(self.labels))


@dataclass(frozen=True)
class LegendItem:
    label: str
    style: Style
    kind: str = "fill"  # "fill", "line" or "point" (a circle, as the map draws gates and hotspots)


def legend_html(title: str, items: list[LegendItem]) -> str:
    """Legend drawn as plain HTML (no branca colormap, hence no d3 download)."""
    rows = []
    for item in items:
        if item.kind == "line":
            swatch = (f'<span class="tdn-line" style="border-top-width:{max(item.style.weight, 1):.0f}px;'
                      f'border-top-color:{item.style.colour};border-top-style:{"dashed" if item.style.dash else "solid"}">'
                      f'</span>')
        else:
            fill = item.style.fill or "transparent"
            shape = "width:12px;height:12px;border-radius:50%;margin:0 3px;" if item.kind == "point" else ""
            swatch = (f'<span class="tdn-swatch" style="{shape}background:{fill};border-style:{"dashed" if item.style.dash else "solid"};'
                      f'border-color:{item.style.colour};border-width:{max(item.style.weight, 1):.0f}px"></span>')
        rows.append(f'<div class="tdn-legend-row">{swatch}<span>{html.escape(item.label)}</span></div>')
    return f"<b>{html.escape(title)}</b>" + "".join(rows)


def label_point(geom, tolerance: float):
    """A point well inside the largest part of ``geom`` (pole of inaccessibility), or None."""
    from shapely.ops import polylabel

    if geom is None or geom.is_empty:
        return None
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    if not parts:
        return None
    return polylabel(max(parts, key=lambda g: g.area), tolerance=tolerance)


def clip_to_bounds(frame: gpd.GeoDataFrame, bounds: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Rows intersecting ``bounds`` (minx, miny, maxx, maxy), geometry clipped to that box."""
    minx, miny, maxx, maxy = bounds
    subset = frame.cx[minx:maxx, miny:maxy]
    if subset.empty:
        return subset
    clipped = subset.copy()
    clipped["geometry"] = clipped.geometry.clip_by_rect(minx, miny, maxx, maxy)
    return clipped[~clipped.geometry.is_empty]


def bounds_of(frame: gpd.GeoDataFrame | pd.DataFrame, pad: float = 0.0) -> list[list[float]]:
    """[[south, west], [north, east]] of a frame, padded by a fraction of its size."""
    minx, miny, maxx, maxy = frame.total_bounds
    dx, dy = (maxx - minx) * pad, (maxy - miny) * pad
    return [[miny - dy, minx - dx], [maxy + dy, maxx + dx]]
