"""The scene of a static map and its drawing into a matplotlib axes: Web Mercator helpers (metres, EPSG:3857, as on screen), the layers of a view (units, neighbours, borders, labels) from a :class:`geo.views.mapspec.MapSpec`, colours, hatching of protected units, and label placement. The page layout (slide, A4, legend, key figures, table) is in :mod:`geo.render.static_maps`."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Sequence

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.collections import PathCollection
from matplotlib.path import Path as MplPath
from matplotlib.patches import PathPatch
from shapely.geometry import box

from geo.admin.borders import BORDERS
from geo.admin.cache import load_layer
from geo.stats.classify import OUTLINE_COLOUR, Classification, classify
from geo.i18n import t
from geo.render.maps import (
    BORDER_LINE,
    BORDER_UNIT,
    CONTEXT_UNIT,
    NATIONAL_BOUNDS,
    NEIGHBOUR,
    PROVINCE_EDGE,
    PROVINCE_UNIT,
    SEA_LABELS,
    UNIT,
    WIDE_PROVINCE_DEGREES,
)
from geo.stats.suppression import label_count, threshold_from_env
from geo.render.layers import label_point
from geo.render.webmap import SEA_COLOUR
from geo.views.mapspec import (  # noqa: F401  (the view's description; re-exported for the renderers)
    MapSpec,
    _unit_layer_name,
    _province_layer_name,
    short_province,
    province_name,
    unit_short_name,
    view_units,
)
from geo.i18n.render import STATIC_MAPS as _TEXT  # noqa: E402  (strings live in geo/i18n)


FONT_FAMILY = ["Noto Sans", "DejaVu Sans"]


def register_shipped_fonts() -> list[str]:
    """Make the fonts shipped beside the app (:func:`geo.config.fonts_dir`, the offline bundle's Noto Sans)
    known to matplotlib, for machines without Debian's fonts-noto-core; returns the files added."""
    from matplotlib import font_manager

    from geo import config

    folder = config.fonts_dir()
    files = sorted(str(p) for p in folder.glob("*.ttf")) if folder.is_dir() else []
    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    for path in files:
        if path not in known:
            font_manager.fontManager.addfont(path)
    return files


register_shipped_fonts()
RC = {"font.family": FONT_FAMILY, "pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none",
      "axes.unicode_minus": False, "path.simplify": True, "agg.path.chunksize": 20000}
SLIDE_SIZE = (1920, 1080)
A4_INCHES = (8.27, 11.69)
DEMO_COLOUR = "#c62828"
CHOROPLETH_OPACITY = 0.9  # fill opacity of choropleth units in geo.render.maps
PROTECTED_FACE = "#eeeeee"
PROTECTED_HATCH = "////"
VIEW_BOX_COLOUR = "#d32f2f"
HIGHLIGHT_COLOUR = "#111111"
#: units of the two archipelagos (pre-2025 district codes and 2025 commune codes)
ARCHIPELAGO_CODES = {"48498": "hoang_sa", "56576": "truong_sa", "20333": "hoang_sa", "22736": "truong_sa"}
#: label colours and weights of geo/webmap.py's CSS (.tdn-label.*)
LABEL_STYLES = {
    "sea": {"color": "#3f6f96", "style": "italic", "weight": "normal", "size": 1.25},
    "islands": {"color": "#0d47a1", "style": "normal", "weight": "bold", "size": 0.9},
    "unit": {"color": "#1a1a1a", "style": "normal", "weight": "normal", "size": 0.9},
    "province": {"color": "#444444", "style": "normal", "weight": "bold", "size": 1.0},
    "country": {"color": "#777777", "style": "normal", "weight": "bold", "size": 1.1},
    "value": {"color": "#111111", "style": "normal", "weight": "bold", "size": 0.95},
    "reference": {"color": "#0d2c6b", "style": "normal", "weight": "bold", "size": 0.8},  # gate / hotspot names
    "flow": {"color": "#b71c1c", "style": "normal", "weight": "bold", "size": 0.85},  # a route's destination
}
EARTH_RADIUS = 6378137.0



#: the Gulf of Tonkin (Vịnh Bắc Bộ): water north of this latitude and west of this longitude (Hainan's east coast)
GULF_SOUTH_LAT = 17.0
GULF_EAST_LON = 108.7

def _tx(key: str, lang: str, **kw) -> str:
    vi, en = _TEXT[key]
    return (en if lang == "en" else vi).format(**kw)


def format_date(d: date, lang: str = "vi") -> str:
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


# --------------------------------------------------------------------------------------------------
# What to draw
# --------------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------------
# Projection and geometry helpers (Web Mercator, as on screen)
# --------------------------------------------------------------------------------------------------
def _merc_xy(xy: np.ndarray) -> np.ndarray:
    lon = np.radians(xy[:, 0])
    lat = np.radians(np.clip(xy[:, 1], -85.0, 85.0))
    return np.column_stack([EARTH_RADIUS * lon, EARTH_RADIUS * np.log(np.tan(np.pi / 4 + lat / 2))])


def to_mercator(lon: float, lat: float) -> tuple[float, float]:
    x, y = _merc_xy(np.array([[lon, lat]], dtype=float))[0]
    return float(x), float(y)


def _lat_of(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS)) - math.pi / 2)


def _lon_of(x: float) -> float:
    return math.degrees(x / EARTH_RADIUS)


def _paths_of(geoms: Sequence) -> list[MplPath]:
    """One compound path per geometry (polygons with holes, or lines)."""
    paths = []
    for geom in geoms:
        verts, codes = [], []
        if geom is not None and not geom.is_empty:
            for part in getattr(geom, "geoms", [geom]):
                if part.geom_type == "Polygon":
                    rings = [part.exterior, *part.interiors]
                    for ring in rings:
                        c = np.asarray(ring.coords)[:, :2]
                        if len(c) < 3:
                            continue
                        code = np.full(len(c), MplPath.LINETO, dtype=np.uint8)
                        code[0], code[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                        verts.append(c)
                        codes.append(code)
                elif part.geom_type == "LineString":
                    c = np.asarray(part.coords)[:, :2]
                    if len(c) < 2:
                        continue
                    code = np.full(len(c), MplPath.LINETO, dtype=np.uint8)
                    code[0] = MplPath.MOVETO
                    verts.append(c)
                    codes.append(code)
        if verts:
            paths.append(MplPath(np.concatenate(verts), np.concatenate(codes)))
        else:
            paths.append(MplPath(np.zeros((1, 2)), [MplPath.MOVETO]))
    return paths


@dataclass
class _Layer:
    frame: gpd.GeoDataFrame  # lon/lat, as cached
    merc: np.ndarray  # shapely geometries in Web Mercator
    paths: list[MplPath]
    index: dict[str, int]  # code -> row position (when the layer has codes)


@lru_cache(maxsize=32)
def _layer(name: str, level: str | None) -> _Layer:
    frame = load_layer(name, level)
    merc = shapely.transform(frame.geometry.to_numpy(), _merc_xy)
    index = {str(c): i for i, c in enumerate(frame["code"])} if "code" in frame.columns else {}
    return _Layer(frame=frame, merc=merc, paths=_paths_of(merc), index=index)


@lru_cache(maxsize=1)
def _land_lonlat():
    """Union of Viet Nam and its neighbours (coarse), to find open sea in a frame."""
    parts = list(load_layer("provinces_pre2025", "national").geometry) + list(load_layer("neighbours", "national").geometry)
    return shapely.union_all(parts).buffer(0)


_POINTS: dict[tuple, tuple[float, float] | None] = {}


def _unit_point(name: str, level: str, code: str, layer: _Layer) -> tuple[float, float] | None:
    """Label point of a unit (pole of inaccessibility of its largest part), Mercator; cached."""
    key = (name, level, code)
    if key not in _POINTS:
        geom = layer.merc[layer.index[code]]
        size = math.sqrt(max(geom.area, 1.0))
        p = label_point(geom, size / 60)
        _POINTS[key] = None if p is None else (p.x, p.y)
    return _POINTS[key]


# --------------------------------------------------------------------------------------------------
# The scene: what a view contains, independent of the page layout
# --------------------------------------------------------------------------------------------------
@dataclass
class _Label:
    x: float
    y: float
    text: str
    style: str
    priority: int  # lower is kept first
    value: str | None = None  # second line (a count), printed bold


@dataclass
class _LegendItem:
    label: str
    kind: str  # fill | line | header | point
    face: str = "none"
    edge: str = "#777777"
    width: float = 1.0
    hatch: str | None = None


@dataclass
class _Scene:
    spec: MapSpec
    extent: tuple[float, float, float, float]  # Mercator frame before fitting to the axes
    national: bool
    level: str
    unit_layer: str
    unit_rows: list[int]
    unit_faces: list[str]
    unit_edges: list[str]
    unit_widths: list[float]
    context_layer: str | None
    context_rows: list[int]
    edge_layer: str | None
    edge_rows: list[int]
    labels: list[_Label]
    legend: list[_LegendItem]
    place_name: str
    highlight_border: str | None
    inset_codes: list[str] = field(default_factory=list)  # archipelago units drawn in an inset
    classification: Classification | None = None
    reference_legend: list = field(default_factory=list)  # gates, routes, hotspots drawn (static_reference)


def _pad(bounds, fraction: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = bounds
    dx, dy = (x1 - x0) * fraction, (y1 - y0) * fraction
    return x0 - dx, y0 - dy, x1 + dx, y1 + dy


def _merc_bounds(lonlat_bounds) -> tuple[float, float, float, float]:
    x0, y0 = to_mercator(lonlat_bounds[0], lonlat_bounds[1])
    x1, y1 = to_mercator(lonlat_bounds[2], lonlat_bounds[3])
    return x0, y0, x1, y1


def _style_width(weight: float) -> float:
    """Leaflet weight (px) to points on a 1920-px slide."""
    return weight * 0.75


def build_scene(spec: MapSpec) -> _Scene:
    lang = spec.lang
    national = spec.province is None and spec.kind != "border"
    unit_name = _unit_layer_name(spec.era, spec.province, spec.kind, spec.border)
    province_layer = _province_layer_name(spec.era)

    units_ll = view_units(spec)
    if units_ll.empty:
        raise KeyError("the view has no units (unknown province, or no unit on that border)")
    # frame: national bounds, or the units without far-away archipelagos (shown in an inset)
    inset_codes = [c for c in units_ll["code"] if c in ARCHIPELAGO_CODES] if not national else []
    framed = units_ll[~units_ll["code"].isin(inset_codes)] if inset_codes else units_ll
    if national:
        (s, w), (n, e) = NATIONAL_BOUNDS
        lonlat = (w, s, e, n)
    else:
        lonlat = _pad(framed.total_bounds, 0.06)
    wide = max(lonlat[2] - lonlat[0], lonlat[3] - lonlat[1]) > WIDE_PROVINCE_DEGREES
    level = "national" if (national or wide) else "province"
    if unit_name == "communes_2025":
        unit_level = "province"
    else:
        unit_level = level
    layer = _layer(unit_name, unit_level)
    unit_rows = [layer.index[c] for c in units_ll["code"]]
    frame = layer.frame

    # unit styles
    cls = spec.classification
    values = dict(spec.values or {})
    if spec.kind == "choropleth" or (spec.kind == "border" and spec.values is not None):
        if cls is None:
            threshold = spec.threshold or threshold_from_env()
            cls = classify(values, "natural_breaks", 5, protect=threshold if spec.suppress else None)
    faces, edges, widths = [], [], []
    for row in unit_rows:
        code = str(frame["code"].iat[row])
        if cls is not None:
            # as geo.render.maps draws a choropleth: fill at 90 % over white, border units outlined in the
            # colour of their border
            faces.append(PROTECTED_FACE if code in spec.protected else
                         _blend(cls.colour_of(values.get(code)), CHOROPLETH_OPACITY, "#ffffff"))
            if "touches_any" in frame.columns and bool(frame["touches_any"].iat[row]):
                edges.append(BORDERS[_first_border(frame.iloc[row])].colour)
                widths.append(_style_width(1.8))
            else:
                edges.append(OUTLINE_COLOUR)
                widths.append(_style_width(UNIT.weight))
            continue
        style = UNIT if not (spec.era == "2025" and unit_name == "provinces_2025") else PROVINCE_UNIT
        if spec.kind == "border":
            key = spec.border if spec.border != "all" else _first_border(frame.iloc[row])
            style = BORDER_UNIT[key]
        elif "touches_any" in frame.columns and bool(frame["touches_any"].iat[row]):
            style = BORDER_UNIT[_first_border(frame.iloc[row])]
        faces.append(_blend(style.fill or "#ffffff", style.fill_opacity))
        edges.append(style.colour)
        widths.append(_style_width(style.weight))

    # context (other provinces or other units) and province edges
    ctx_layer_name = province_layer
    ctx_level = "national" if level == "national" else "province"
    ctx = _layer(ctx_layer_name, ctx_level)
    bx = box(*lonlat).buffer(max(lonlat[2] - lonlat[0], lonlat[3] - lonlat[1]) * 0.6)
    near = ctx.frame.sindex.query(bx, predicate="intersects")
    if national:
        context_rows = []
    elif spec.province is not None and spec.kind != "border":
        context_rows = [int(i) for i in near if str(ctx.frame["code"].iat[int(i)]) != spec.province]
    elif spec.province is not None:  # border units of one province: the rest of it stays visible
        context_rows = [int(i) for i in near]
    else:  # border-wide view: every province as context under the border units
        context_rows = [int(i) for i in near]
    if spec.era == "pre2025" or spec.province is not None or spec.kind == "border":
        if national:
            edge_rows = list(range(len(ctx.frame)))
        elif spec.province is not None:
            edge_rows = [ctx.index[spec.province]] if spec.province in ctx.index else []
        else:
            edge_rows = [int(i) for i in near]
    else:
        edge_rows = []

    place = short_province(province_name(spec.era, spec.province, lang)) if spec.province else t("whole_country", lang)
    scene = _Scene(spec=spec, extent=_merc_bounds(lonlat), national=national, level=level, unit_layer=unit_name,
                   unit_rows=unit_rows, unit_faces=faces, unit_edges=edges, unit_widths=widths,
                   context_layer=ctx_layer_name + "@" + ctx_level, context_rows=context_rows,
                   edge_layer=ctx_layer_name + "@" + ctx_level, edge_rows=edge_rows, labels=[], legend=[],
                   place_name=place, highlight_border=None if spec.border in (None, "all") else spec.border,
                   inset_codes=inset_codes, classification=cls)
    scene.legend = _legend_items(scene, units_ll)
    return scene


def _first_border(row: pd.Series) -> str:
    for key in BORDERS:
        if bool(row.get(f"touches_{key}", False)):
            return key
    return next(iter(BORDERS))


def _blend(colour: str, opacity: float, under: str = "#fffefa") -> str:
    """The colour a translucent Leaflet fill shows over the (white) map, as an opaque colour."""
    c = np.array(matplotlib.colors.to_rgb(colour))
    u = np.array(matplotlib.colors.to_rgb(under))
    return matplotlib.colors.to_hex(c * opacity + u * (1 - opacity))


def _legend_items(scene: _Scene, units_ll: gpd.GeoDataFrame) -> list[_LegendItem]:
    spec, lang = scene.spec, scene.spec.lang
    items: list[_LegendItem] = []
    cls = scene.classification
    if cls is not None:
        items.append(_LegendItem(spec.metric_label or spec.metric or "", "header"))
        for entry in cls.legend(lang):
            no_data = getattr(entry, "kind", "") == "no_data"  # (category classes have no kinds)
            label = spec.no_data_label if (no_data and spec.no_data_label) else entry.label
            items.append(_LegendItem(label, "fill", _blend(entry.colour, CHOROPLETH_OPACITY, "#ffffff"),
                                     OUTLINE_COLOUR, 0.6))
        if spec.protected:
            threshold = spec.threshold or threshold_from_env()
            items.append(_LegendItem(_tx("protected", lang, t=threshold), "fill", PROTECTED_FACE, "#9e9e9e", 0.6,
                                     hatch=PROTECTED_HATCH))
        touching = [k for k in BORDERS if units_ll[f"touches_{k}"].any()]
        for key in touching:
            b = BORDERS[key]
            name = b.name_vi if lang == "vi" else b.name_en
            items.append(_LegendItem(f"{t('legend_border_unit', lang)} ({name})", "fill", "#ffffff", b.colour, 1.8))
    else:
        if spec.kind == "border":
            keys = [spec.border] if spec.border != "all" else [k for k in BORDERS if units_ll[f"touches_{k}"].any()]
            for key in keys:
                b = BORDERS[key]
                name = b.name_vi if lang == "vi" else b.name_en
                items.append(_LegendItem(f"{t('legend_border_unit', lang)} ({name})", "fill",
                                         _blend(BORDER_UNIT[key].fill, BORDER_UNIT[key].fill_opacity),
                                         BORDER_UNIT[key].colour, 1.0))
        else:
            unit_label = t("legend_district" if spec.era == "pre2025" else
                           ("legend_commune" if spec.province else "legend_province"), lang)
            items.append(_LegendItem(unit_label, "fill", UNIT.fill, UNIT.colour, 0.6))
            for key in BORDERS:
                if units_ll[f"touches_{key}"].any():
                    b = BORDERS[key]
                    name = b.name_vi if lang == "vi" else b.name_en
                    items.append(_LegendItem(f"{t('legend_border_unit', lang)} ({name})", "fill",
                                             _blend(BORDER_UNIT[key].fill, BORDER_UNIT[key].fill_opacity),
                                             BORDER_UNIT[key].colour, 1.0))
    if spec.highlight:
        items.append(_LegendItem(spec.highlight_label or "", "fill", "none", HIGHLIGHT_COLOUR, 2.6))
    if spec.points and spec.point_legend:
        header, *rows = spec.point_legend
        items.append(_LegendItem(header[0], "header"))
        items += [_LegendItem(label, "point", face, edge, 1.2) for label, face, edge in rows]
    if scene.edge_rows:
        items.append(_LegendItem(t("legend_province", lang), "line", edge=PROVINCE_EDGE.colour, width=1.4))
    if scene.context_rows:
        items.append(_LegendItem(_tx("other_units", lang), "fill", CONTEXT_UNIT.fill, CONTEXT_UNIT.colour, 0.6))
    return items


# --------------------------------------------------------------------------------------------------
# Drawing the map into an axes
# --------------------------------------------------------------------------------------------------
def _fit_extent(extent, ax_w: float, ax_h: float) -> tuple[float, float, float, float]:
    """Grow ``extent`` to the axes' aspect ratio (so the map fills its box, as on screen)."""
    x0, y0, x1, y1 = extent
    w, h = x1 - x0, y1 - y0
    want = ax_w / ax_h
    if w / h < want:
        grow = (h * want - w) / 2
        x0, x1 = x0 - grow, x1 + grow
    else:
        grow = (w / want - h) / 2
        y0, y1 = y0 - grow, y1 + grow
    return x0, y0, x1, y1


def _map_axes(ax, extent, frame_colour: str, frame_width: float) -> tuple[float, float, float, float]:
    """Set up an axes as a map of ``extent`` (Web Mercator metres, grown to the axes' shape): sea
    background, no ticks, a thin frame. Returns the extent shown."""
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    extent = _fit_extent(extent, bbox.width * fig_w, bbox.height * fig_h)
    ax.set_xlim(extent[0], extent[2])
    ax.set_ylim(extent[1], extent[3])
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_facecolor(SEA_COLOUR)
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_edgecolor(frame_colour)
        side.set_linewidth(frame_width)
    return extent


def _collection(paths, faces, edges, widths, zorder, **kw) -> PathCollection:
    return PathCollection(paths, facecolors=faces, edgecolors=edges, linewidths=widths, zorder=zorder,
                          joinstyle="round", capstyle="round", **kw)


def _frame_layer(name: str, extent_ll, level: str) -> tuple[_Layer, list[int]]:
    layer = _layer(name, level)
    rows = layer.frame.sindex.query(box(*extent_ll), predicate="intersects")
    return layer, [int(r) for r in rows]


def _extent_lonlat(extent) -> tuple[float, float, float, float]:
    return _lon_of(extent[0]), _lat_of(extent[1]), _lon_of(extent[2]), _lat_of(extent[3])


def draw_map(ax, scene: _Scene, lw: float = 1.0, fs: float = 10.0, labels: bool = True) -> list:
    """Draw the scene into ``ax`` (already placed); ``lw`` scales line widths, ``fs`` is the base
    font size in points. Returns the label artists kept."""
    spec = scene.spec
    extent = _map_axes(ax, scene.extent, "#555555", 0.8 * lw)
    ext_ll = _extent_lonlat(extent)
    level = scene.level

    # neighbours: light grey, no data
    nb, rows = _frame_layer("neighbours", ext_ll, level)
    if rows:
        ax.add_collection(_collection([nb.paths[r] for r in rows], NEIGHBOUR.fill, NEIGHBOUR.colour,
                                      _style_width(NEIGHBOUR.weight) * lw, 1))
    # the neighbours' outline (Natural Earth) and the land border (ODM) differ by up to a few km: a
    # wide band in the neighbour colour along the border, under Viet Nam's units, fills the slivers
    seg = _layer("border_segments", "national" if level == "national" else "province")
    ax.add_collection(PathCollection(seg.paths, facecolors="none", edgecolors=NEIGHBOUR.fill,
                                     linewidths=9 * lw, zorder=1.5, capstyle="butt", joinstyle="round"))
    # context provinces
    if scene.context_rows:
        ctx = _layer(*scene.context_layer.split("@"))
        ax.add_collection(_collection([ctx.paths[r] for r in scene.context_rows], CONTEXT_UNIT.fill,
                                      CONTEXT_UNIT.colour, _style_width(CONTEXT_UNIT.weight) * lw, 2))
    # units
    layer = _layer(scene.unit_layer, "province" if scene.unit_layer == "communes_2025" else scene.level)
    main_rows = [(r, f, e, w) for r, f, e, w in zip(scene.unit_rows, scene.unit_faces, scene.unit_edges,
                                                     scene.unit_widths)
                 if str(layer.frame["code"].iat[r]) not in scene.inset_codes]
    if main_rows:
        ax.add_collection(_collection([layer.paths[r] for r, *_ in main_rows], [f for _, f, _, _ in main_rows],
                                      [e for *_, e, _ in main_rows], [w * lw for *_, w in main_rows], 3))
        hatched = [r for r, *_ in main_rows if str(layer.frame["code"].iat[r]) in spec.protected]
        if hatched:
            with matplotlib.rc_context({"hatch.color": "#9e9e9e", "hatch.linewidth": 0.6 * lw}):
                ax.add_collection(PathCollection([layer.paths[r] for r in hatched], facecolors="none",
                                                 edgecolors="#9e9e9e", linewidths=0.0, hatch=PROTECTED_HATCH,
                                                 zorder=3.1))
    # province edges
    if scene.edge_rows:
        edges = _layer(*scene.edge_layer.split("@"))
        ax.add_collection(_collection([edges.paths[r] for r in scene.edge_rows], "none", PROVINCE_EDGE.colour,
                                      _style_width(PROVINCE_EDGE.weight) * lw, 4))
    # the unit the view is about, outlined boldly over the province edges
    # (an inner stroke: the line is clipped to the unit, so it stays visible inside a land border line)
    for r in [r for r, *_ in main_rows if str(layer.frame["code"].iat[r]) in spec.highlight]:
        clip = PathPatch(layer.paths[r], transform=ax.transData, facecolor="none", edgecolor="none")
        stroke = PathPatch(layer.paths[r], facecolor="none", edgecolor=HIGHLIGHT_COLOUR,
                           linewidth=_style_width(12.0) * lw, zorder=5, joinstyle="round")
        ax.add_patch(stroke)
        stroke.set_clip_path(clip)
    # points (e.g. key-area communes) over the units and the province edge, under the border lines
    if spec.points:
        xy = _merc_xy(np.array([(p[0], p[1]) for p in spec.points], dtype=float))
        ax.scatter(xy[:, 0], xy[:, 1], s=(fs * 0.62) ** 2, c=[p[2] for p in spec.points],
                   edgecolors=[p[3] for p in spec.points], linewidths=1.1 * lw, zorder=5.5)
    # land borders on top, by neighbour
    for i, key in enumerate(seg.frame["border"]):
        style = BORDER_LINE[key]
        width = _style_width(style.weight) * lw * (1.35 if scene.highlight_border == key else 1.0)
        ax.add_collection(_collection([seg.paths[i]], "none", style.colour, width, 6))

    artists = []
    if labels:
        scene.labels = _scene_labels(scene, ext_ll, layer)
        artists = _draw_labels(ax, scene.labels, fs)
    return artists


def _scene_labels(scene: _Scene, ext_ll, layer: _Layer) -> list[_Label]:
    spec, lang = scene.spec, scene.spec.lang
    out: list[_Label] = []
    frame_box = box(*ext_ll)
    # countries: inside their visible part
    nb = load_layer("neighbours", "national")
    area = frame_box.area
    for row in nb.itertuples():
        part = row.geometry.intersection(frame_box)
        if part.is_empty or part.area < area * 0.015:
            continue
        p = label_point(part, max(ext_ll[2] - ext_ll[0], 0.01) / 200)
        if p is None:
            continue
        x, y = to_mercator(p.x, p.y)
        name = row.name_vi if lang == "vi" else row.name_en
        out.append(_Label(x, y, name.upper(), "country", 0))
    # the sea: Biển Đông (and the gulf) where their points are in view, else at the open sea in view
    placed_sea = False
    for key, lat, lon, css in SEA_LABELS:
        if ext_ll[0] <= lon <= ext_ll[2] and ext_ll[1] <= lat <= ext_ll[3]:
            x, y = to_mercator(lon, lat)
            out.append(_Label(x, y, t(key, lang), "sea", 0))
            placed_sea = placed_sea or key == "sea"
    if not placed_sea:
        sea = frame_box.difference(_land_lonlat())
        if not sea.is_empty and sea.area > area * 0.04:
            p = label_point(sea, max(ext_ll[2] - ext_ll[0], 0.01) / 200)
            if p is not None and not any(lb.style == "sea" and abs(lb.x - to_mercator(p.x, p.y)[0]) < 1 for lb in out):
                x, y = to_mercator(p.x, p.y)
                # the water off the coast north of Cồn Cỏ (17°N, west of Hainan) is the Gulf of Tonkin, as the
                # interactive map names it; open water elsewhere is Biển Đông
                key = "gulf" if (p.y >= GULF_SOUTH_LAT and p.x <= GULF_EAST_LON) else "sea"
                if not any(lb.style == "sea" and lb.text == t(key, lang) for lb in out):
                    out.append(_Label(x, y, t(key, lang), "sea", 0))
    # archipelagos, when in the main frame
    districts = _layer("districts_pre2025", "national")
    for code, key, dy in (("48498", "hoang_sa", 0.9), ("56576", "truong_sa", 1.6)):
        c = districts.frame.geometry.iat[districts.index[code]].centroid
        if ext_ll[0] <= c.x <= ext_ll[2] and ext_ll[1] <= c.y + dy <= ext_ll[3]:
            x, y = to_mercator(c.x, c.y + dy)
            out.append(_Label(x, y, t(key, lang), "islands", 0))
    # units of a province or border view (never the 700 districts of the whole country)
    if not scene.national:
        name = scene.unit_layer
        level = "province" if name == "communes_2025" else scene.level
        labels = spec.value_labels or {}
        values = spec.values or {}
        threshold = spec.threshold or threshold_from_env()
        ranked = []
        for r in scene.unit_rows:
            code = str(layer.frame["code"].iat[r])
            if code in scene.inset_codes:
                continue
            p = _unit_point(name, level, code, layer)
            if p is None:
                continue
            text = unit_short_name(layer.frame.iloc[r], name)
            value = None
            if code in labels:
                value = labels[code] or None
            elif spec.values is not None:
                v = values.get(code)
                value = None if v is None or (isinstance(v, float) and math.isnan(v)) or v == 0 else \
                    label_count(v, threshold, lang, spec.suppress)
            if value in ("0", ""):
                value = None
            size = layer.merc[r].area
            number = values.get(code)
            number = float(number) if isinstance(number, (int, float)) and not math.isnan(float(number)) else 0.0
            # the biggest figures are labelled first, then the largest units
            rank = number if spec.label_low_first else -number
            ranked.append((0 if value else 1, rank, -size, _Label(p[0], p[1], text, "unit", 2, value)))
        ranked.sort(key=lambda x: x[:3])
        out.extend(x[3] for x in ranked)
        # neighbouring provinces' names, lowest priority
        if scene.context_rows and spec.province is not None:
            ctx = _layer(*scene.context_layer.split("@"))
            for r in scene.context_rows:
                if str(ctx.frame["code"].iat[r]) == spec.province:
                    continue
                geom = ctx.frame.geometry.iat[r].intersection(frame_box)
                if geom.is_empty or geom.area < area * 0.01:
                    continue
                p = label_point(geom, (ext_ll[2] - ext_ll[0]) / 200)
                if p is None:
                    continue
                x, y = to_mercator(p.x, p.y)
                out.append(_Label(x, y, short_province(str(ctx.frame["prov_name_vi"].iat[r])), "province", 3))
    return out


def _draw_labels(ax, labels: list[_Label], fs: float) -> list:
    """Draw labels by priority, dropping any that would overlap one already drawn or leave the map.

    Sea and archipelago labels (priority 0) are moved a little when the scale bar, north arrow or an
    inset covers them; country names are dropped then (the neighbours stay grey)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax_box = ax.get_window_extent(renderer)
    obstacles = list(getattr(ax, "_tdn_obstacles", []))
    kept_boxes: list = []
    artists = []
    to_data = ax.transData.inverted()
    for lb in sorted(labels, key=lambda l: l.priority):
        st = LABEL_STYLES[lb.style]
        size = fs * st["size"]
        text = lb.text if not lb.value else f"{lb.text}\n{lb.value}"
        halo = [patheffects.withStroke(linewidth=size * 0.34, foreground="white")]  # readable on every fill
        artist = ax.text(lb.x, lb.y, text, ha="center", va="center", fontsize=size, color=st["color"],
                         fontstyle=st["style"], fontweight=st["weight"], zorder=8, linespacing=1.1,
                         path_effects=halo, clip_on=True)
        bb = artist.get_window_extent(renderer).expanded(1.06, 1.12)
        x, y = lb.x, lb.y
        if lb.style in ("sea", "islands"):
            # try a few nearby positions when the first one is covered
            px, py = ax.transData.transform((lb.x, lb.y))
            for dx, dy in ((0, 0), (0, -1.2), (0, 1.2), (-0.6, 0), (0.6, 0), (0, -2.4), (0, 2.4)):
                cand = bb.translated(dx * bb.width, dy * bb.height)
                fits = ax_box.contains(cand.x0, cand.y0) and ax_box.contains(cand.x1, cand.y1)
                if fits and not any(cand.overlaps(o) for o in obstacles + kept_boxes):
                    x, y = to_data.transform((px + dx * bb.width, py + dy * bb.height))
                    artist.set_position((x, y))
                    bb = cand
                    break
        inside = ax_box.contains(bb.x0, bb.y0) and ax_box.contains(bb.x1, bb.y1)
        blocked = any(bb.overlaps(o) for o in obstacles) or (lb.priority > 0 and any(bb.overlaps(o) for o in kept_boxes))
        if not inside or blocked:
            artist.remove()
            continue
        if lb.value:  # the count in bold under the name: redraw as two artists
            artist.remove()
            name_artist = ax.text(x, y, lb.text, ha="center", va="bottom", fontsize=size, color=st["color"],
                                  fontweight=st["weight"], zorder=8, path_effects=halo, clip_on=True)
            vst = LABEL_STYLES["value"]
            value_artist = ax.text(x, y, lb.value, ha="center", va="top", fontsize=fs * vst["size"],
                                   color=vst["color"], fontweight=vst["weight"], zorder=8, path_effects=halo,
                                   clip_on=True)
            artists += [name_artist, value_artist]
        else:
            artists.append(artist)
        kept_boxes.append(bb)
    ax._tdn_label_texts = [a.get_text() for a in artists]
    return artists
