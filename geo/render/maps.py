"""The administrative and border map: national and province views, in both eras.

Builds a folium map from the cached layers (see :mod:`geo.admin.cache`) with Vietnamese map
conventions: Hoàng Sa and Trường Sa shown and labelled as Vietnamese, the sea labelled Biển Đông,
neighbours as a light grey context with no fill over Vietnamese territory, and the land border
drawn boldly on top by neighbour.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import lru_cache

import folium
import geopandas as gpd
import pandas as pd

from geo.admin import attribution
from geo.admin.borders import BORDERS
from geo.admin.text import english_province
from geo.admin.cache import load_layer
from geo.i18n import t
from geo.stats.classify import CategoryClasses  # noqa: F401  (re-exported)
from geo.render.layers import (
    Label,
    LabelLayer,
    LegendItem,
    LineLayer,
    PolygonLayer,
    Style,
    bounds_of,
    clip_to_bounds,
    escape_text,
    label_point,
    legend_html,
)
from geo.render.fetched import fetched_layer
from geo.render.restyle import RegisterUnits, Restyle
from geo.render.webmap import DEFAULT_STATIC_URL, MapPanel, add_to_dock, finish_map, lock_to_bounds, new_map

ERAS = ("pre2025", "2025")

# --- styles ---------------------------------------------------------------------------------
NEIGHBOUR = Style(colour="#bdbdbd", weight=0.8, fill="#e3e3df", fill_opacity=1.0)
UNIT = Style(colour="#8c8c8c", weight=0.6, fill="#fffefa", fill_opacity=1.0)
CONTEXT_UNIT = Style(colour="#9e9e9e", weight=0.8, fill="#f7f6f1", fill_opacity=1.0)
PROVINCE_EDGE = Style(colour="#4a4a4a", weight=1.3)
PROVINCE_UNIT = Style(colour="#4a4a4a", weight=1.0, fill="#fdfcf7", fill_opacity=1.0)
HIGHLIGHT = Style(colour="#0d47a1", weight=2.5, fill="#bbdefb", fill_opacity=0.5)
#: the chosen unit (e.g. the district of the District page): a black outline over everything but borders
SELECTED_UNIT = Style(colour="#111111", weight=4.0)
BORDER_LINE = {k: Style(colour=b.colour, weight=4.5) for k, b in BORDERS.items()}
BORDER_UNIT = {k: Style(colour=b.colour, weight=1.6, fill=b.colour, fill_opacity=0.16) for k, b in BORDERS.items()}

#: view frame of the national map: mainland plus Hoàng Sa and Trường Sa, degrees [[S, W], [N, E]]
NATIONAL_BOUNDS = [[6.6, 101.9], [23.6, 117.4]]
#: neighbours and labels are clipped to this box (minx, miny, maxx, maxy) in the national view
NATIONAL_CLIP = (78.0, -8.0, 138.0, 42.0)
#: a province view wider than this (degrees) draws its context at national detail
WIDE_PROVINCE_DEGREES = 4.0
SEA_LABELS = (("sea", 13.2, 111.0, "sea"), ("gulf", 20.0, 107.3, "sea"))


@dataclass(frozen=True)
class MapView:
    """What the user asked to see."""

    era: str = "pre2025"
    province: str | None = None  # province code of that era, None for the whole country
    lang: str = "vi"
    reference: tuple[str, ...] = ()  # reference layers to draw: "gates", "routes", "hotspots"
    border: str | None = None  # without a province: frame the units on this border ("all" for every border)
    highlight: str | None = None  # unit code outlined boldly (the district chosen in the filters)


@dataclass(frozen=True)
class Choropleth:
    """Values per unit code shown as classes (see :mod:`geo.stats.classify`)."""

    values: dict  # unit code -> value (NaN/None: no data)
    classification: object  # geo.stats.classify.Classification
    label: str  # metric name for the tooltip and legend title
    texts: dict | None = None  # unit code -> display text (e.g. "<5" when suppressed); default class label
    key: str = ""  # identifies the values for caching the prepared GeoJSON
    no_data_label: str | None = None  # legend text of the "no data" class (e.g. "no key-area commune")






@dataclass
class MapResult:
    fmap: folium.Map
    feature_count: int  # interactive unit polygons sent to the browser
    title: str
    units: pd.DataFrame  # the units shown (no geometry), with border metrics when known
    restyle: Restyle | None = None  # with a choropleth: how a map of the same geometry takes these colours


# --- data for a view ---------------------------------------------------------------------------


def _unit_layer_name(era: str) -> str:
    return "districts_pre2025" if era == "pre2025" else "communes_2025"


def _province_layer_name(era: str) -> str:
    return "provinces_pre2025" if era == "pre2025" else "provinces_2025"


@lru_cache(maxsize=4)
def province_options(era: str = "pre2025") -> pd.DataFrame:
    """Province code and Vietnamese name for a selector, sorted by name."""
    frame = load_layer(_province_layer_name(era), "national")
    return frame[["code", "prov_name_vi"]].sort_values("prov_name_vi", key=_sort_key).reset_index(drop=True)


def _sort_key(series: pd.Series) -> pd.Series:
    import unicodedata

    def key(name: str) -> str:
        short = name.replace("Thành phố ", "").replace("Tỉnh ", "")
        return unicodedata.normalize("NFD", short).encode("ascii", "ignore").decode().lower()

    return series.map(key)


def _border_text(row: pd.Series, lang: str) -> str:
    touching = [(k, row.get(f"shared_km_{k}", 0.0)) for k in BORDERS if bool(row.get(f"touches_{k}", False))]
    if touching:
        return "; ".join(f"{BORDERS[k].name_vi if lang == 'vi' else BORDERS[k].name_en}: {km:,.1f} km"
                         for k, km in touching)
    nearest = row.get("nearest_border")
    if not isinstance(nearest, str) or nearest not in BORDERS:
        return t("no_border", lang)
    border = BORDERS[nearest]
    name = border.name_vi if lang == "vi" else border.name_en
    if lang == "en":
        return f"{t('no_border', lang)} ({row['dist_km_nearest']:,.1f} km to {name})"
    return f"{t('no_border', lang)} (cách biên giới {name} {row['dist_km_nearest']:,.1f} km)"


def _display_units(frame: gpd.GeoDataFrame, era: str, lang: str) -> gpd.GeoDataFrame:
    """Adds the columns tooltips show: unit name, province, border text, style key."""
    out = frame.copy()
    if era == "pre2025":
        full = out["full_name_vi"]
        hist = out["historical"].astype(bool)
        out["unit_name"] = full.where(~hist, full + " " + t("historical", lang))
        out["prov_name"] = out["prov_name_vi"]
    else:
        out["unit_name"] = out["name_vi_full"]
        out["prov_name"] = out["prov_name_vi"]
    if "touches_any" in out:
        out["border_text"] = out.apply(_border_text, axis=1, lang=lang)
        out["style_key"] = "unit"
        for key in BORDERS:
            out.loc[out[f"touches_{key}"].astype(bool), "style_key"] = key
    else:
        out["border_text"] = ""
        out["style_key"] = "unit"
    return out


@lru_cache(maxsize=16)
def _national_units(era: str, lang: str) -> gpd.GeoDataFrame:
    if era == "pre2025":
        return _display_units(load_layer("districts_pre2025", "national"), era, lang)
    return _display_units(load_layer("provinces_2025", "national").assign(
        name_vi_full=lambda f: f["prov_name_vi"]), era, lang)


@lru_cache(maxsize=32)
def _border_units(era: str, border: str | None, lang: str, level: str = "province") -> gpd.GeoDataFrame:
    """Units (pre-2025 districts or 2025 communes) on one land border, or on any when ``border``
    is None or "all"."""
    frame = load_layer(_unit_layer_name(era), level if not (era == "2025" and level == "national") else "province")
    column = "touches_any" if border in (None, "all") else f"touches_{border}"
    return _display_units(frame[frame[column].astype(bool)], era, lang)


@lru_cache(maxsize=64)
def _province_units(era: str, province: str, lang: str, level: str = "province") -> gpd.GeoDataFrame:
    if era == "2025" and level == "national":
        level = "province"  # communes are not cached at national detail
    frame = load_layer(_unit_layer_name(era), level)
    column = "prov_code"
    return _display_units(frame[frame[column] == province], era, lang)


_COLLECTIONS: dict[tuple, dict] = {}


def _layer(cache_key: tuple, layer: PolygonLayer) -> PolygonLayer:
    """Reuse the escaped GeoJSON of a layer built before for the same view (pure function of key)."""
    data = _COLLECTIONS.get(cache_key)
    if data is None:
        # the whole country (key: name, era, province, lang, border): 3 decimals (~100 m) are finer than
        # a pixel at that zoom and send about a fifth fewer bytes
        if len(cache_key) >= 5 and cache_key[2] is None and cache_key[4] is None:
            layer.decimals = 3
        if len(_COLLECTIONS) > 256:
            _COLLECTIONS.clear()
        data = _COLLECTIONS[cache_key] = layer.feature_collection()
    layer.data = data
    return layer


def _context_layer(cache_key: tuple, layer: PolygonLayer):
    """A layer under the units that is the same for every filter of the view (neighbouring countries, other
    provinces): fetched by the browser once (:mod:`geo.render.fetched`), 3 decimals (~100 m, under a pixel
    of a province view)."""
    return fetched_layer(cache_key, _layer(cache_key, layer))


# --- composition ------------------------------------------------------------------------------


def _labels(lang: str, clip: tuple[float, float, float, float], neighbours: gpd.GeoDataFrame | None = None,
            units: gpd.GeoDataFrame | None = None, context: gpd.GeoDataFrame | None = None) -> LabelLayer:
    """Country, sea and archipelago labels; in a province view also unit and nearby province names.

    ``neighbours`` (clipped to the view) gives label points inside the visible part of each
    neighbour; without it the national label points from the cache are used.
    """
    minx, miny, maxx, maxy = clip
    labels: list[Label] = []
    if neighbours is None:
        for row in load_layer("neighbour_labels").itertuples():
            if minx <= row.geometry.x <= maxx and miny <= row.geometry.y <= maxy:
                labels.append(Label(row.geometry.y, row.geometry.x, row.name_vi if lang == "vi" else row.name_en,
                                    "country"))
    else:
        for row in neighbours.itertuples():
            point = label_point(row.geometry, (maxx - minx) / 200)
            if point is not None:
                labels.append(Label(point.y, point.x, row.name_vi if lang == "vi" else row.name_en, "country"))
    for frame, column, css in ((context, "prov_name_vi", "province"), (units, "name_vi", "unit")):
        if frame is None:
            continue
        for geom, name in zip(frame.geometry, frame[column]):
            point = label_point(geom, (maxx - minx) / 300)
            if point is not None:
                short = name.replace("Thành phố ", "TP ").replace("Tỉnh ", "")
                labels.append(Label(point.y, point.x, short, css))
    for key, lat, lon, css in SEA_LABELS:
        if minx <= lon <= maxx and miny <= lat <= maxy:
            labels.append(Label(lat, lon, t(key, lang), css))
    districts = load_layer("districts_pre2025", "national")
    for name, key, dy in (("Hoàng Sa", "hoang_sa", 0.9), ("Trường Sa", "truong_sa", 1.6)):
        geom = districts.loc[districts["name_vi"] == name, "geometry"]
        if len(geom):
            c = geom.iloc[0].centroid
            if minx <= c.x <= maxx and miny <= c.y <= maxy:
                labels.append(Label(c.y + dy, c.x, t(key, lang), "islands"))
    return LabelLayer(labels)


def _legend(era: str, lang: str, units_shown: gpd.GeoDataFrame, province_view: bool,
            compact: bool = False, chosen: str | None = None) -> str:
    """Legend of the base map; ``compact`` (under a choropleth legend) keeps only lines and neighbours;
    ``chosen``: the name of the unit outlined in black."""
    unit_label = t("legend_district" if era == "pre2025" else
                   ("legend_commune" if province_view else "legend_province"), lang)
    items = [] if compact else [LegendItem(unit_label, UNIT)]
    if chosen:
        items.append(LegendItem(chosen, SELECTED_UNIT))
    if era == "pre2025" or not province_view:
        items.append(LegendItem(t("legend_province", lang), PROVINCE_EDGE, "line"))
    for key, border in BORDERS.items():
        column = f"touches_{key}"
        if column in units_shown and units_shown[column].any():
            items.append(LegendItem(border.label(lang), BORDER_LINE[key], "line"))
            if not compact:
                items.append(LegendItem(f"{t('legend_border_unit', lang)} "
                                        f"({border.name_vi if lang == 'vi' else border.name_en})", BORDER_UNIT[key]))
    items.append(LegendItem(t("legend_neighbour", lang), NEIGHBOUR))
    return legend_html(t("legend", lang), items)


def _title_html(title: str, subtitle: str) -> str:
    return f"<h4>{html.escape(title)}</h4><div class='sub'>{html.escape(subtitle)}</div>"


def _apply_choropleth(units: gpd.GeoDataFrame, choro: Choropleth, lang: str) -> tuple[gpd.GeoDataFrame, dict]:
    """Style key and value text per unit; border units keep their border-coloured outline."""
    from geo.stats.classify import format_number

    out = units.copy()
    cls = choro.classification
    values = out["code"].map(choro.values)
    colours = [cls.colour_of(v) for v in values]
    border = out["style_key"].where(out["style_key"] != "unit", "")
    out["style_key"] = [f"{c}|{b}" for c, b in zip(colours, border)]
    if choro.texts is not None:
        out["value_text"] = out["code"].map(choro.texts).fillna(cls.label_of(None, lang))
    elif isinstance(cls, CategoryClasses):
        out["value_text"] = [cls.label_of(v, lang) for v in values]
    else:
        out["value_text"] = [cls.label_of(v, lang) if pd.isna(v) or v <= 0
                             else format_number(v, lang, cls.integer) for v in values]
    styles = {}
    for key in set(out["style_key"]):
        colour, border_key = key.split("|")
        if border_key:
            styles[key] = Style(colour=BORDERS[border_key].colour, weight=1.8, fill=colour, fill_opacity=0.9)
        else:
            styles[key] = Style(colour=UNIT.colour, weight=0.6, fill=colour, fill_opacity=0.9)
    return out, styles


def admin_map(view: MapView, static_url: str = DEFAULT_STATIC_URL, choropleth: Choropleth | None = None,
              title: str | None = None, subtitle: str | None = None) -> MapResult:
    """The administrative map with land borders for ``view`` (national or one province).

    With ``choropleth`` the units are coloured by class of their value (same classes as the static
    exports); the title and subtitle of the map panel can be given (period and filters in words).
    """
    era, lang = view.era, view.lang
    if era not in ERAS:
        raise ValueError(f"unknown era {era!r}")
    focused = view.province is not None or view.border is not None
    level = "province" if focused else "national"
    unit_tooltip = [("unit_name", t("district" if era == "pre2025" else "commune", lang)),
                    ("prov_name", t("province_col", lang)),
                    ("border_text", t("borders", lang))]

    wide = False
    if not focused:
        units = _national_units(era, lang)
        bounds = NATIONAL_BOUNDS
        clip = NATIONAL_CLIP
        province_frame = load_layer(_province_layer_name(era), "national")
        province_name = t("whole_country", lang)
        if era == "2025":
            unit_tooltip = [("unit_name", t("province_col", lang)), ("border_text", t("borders", lang))]
    else:
        if view.province is not None:
            units = _province_units(era, view.province, lang)
        else:
            units = _border_units(era, view.border, lang)
        if units.empty:
            raise KeyError(f"no units for province {view.province!r} / border {view.border!r} in era {era}")
        bounds = bounds_of(units, pad=0.08)
        (s, w), (n, e) = bounds
        # the context (neighbours, other provinces) reaches well beyond the units in every direction, so a
        # wide or tall window never shows an edge of it (a square around the view, 2.5 times its size
        # on each side); the map cannot be panned or zoomed out beyond it (lock_to_bounds)
        side = max(e - w, n - s)
        ref_clip = (w - (e - w) * 0.3, s - (n - s) * 0.3, e + (e - w) * 0.3, n + (n - s) * 0.3)
        clip = (w - side * 2.5, s - side * 2.5, e + side * 2.5, n + side * 2.5)
        wide = side > WIDE_PROVINCE_DEGREES
        if wide:  # e.g. Khánh Hòa with Trường Sa, or the whole Laos border: coarser detail, wider frame
            level = "national"
            ref_clip = (w - (e - w) * 1.0, s - (n - s) * 0.3, e + (e - w) * 1.0, n + (n - s) * 0.3)
            units = (_province_units(era, view.province, lang, level) if view.province is not None
                     else _border_units(era, view.border, lang, level))
        province_frame = clip_to_bounds(load_layer(_province_layer_name(era), level), clip)
        if view.province is not None:
            province_name = units["prov_name"].iloc[0]
            province_name = english_province(province_name) if lang == "en" else province_name
        else:
            province_name = (t("all_borders", lang) if view.border in (None, "all")
                             else BORDERS[view.border].label(lang))

    attr = attribution.attribution_html(era, lang)
    fmap = new_map(bounds, attr, static_url)

    key = (era, view.province, lang, view.border)
    neighbours = clip_to_bounds(load_layer("neighbours", level), clip)
    lock_to_bounds(fmap, clip)
    _context_layer(("neighbours",) + key, PolygonLayer("neighbours", neighbours, {"n": NEIGHBOUR}, interactive=False,
                                                       id_column=None, decimals=3)).add_to(fmap)

    if focused:
        context = province_frame[province_frame["code"] != view.province]
        _context_layer(("context",) + key, PolygonLayer("context", context, {"c": CONTEXT_UNIT}, interactive=False,
                                                        id_column=None, decimals=3)).add_to(fmap)

    styles = {"unit": UNIT if (focused or era == "pre2025") else PROVINCE_UNIT, **BORDER_UNIT}
    units_key = ("units",) + key
    if choropleth is not None:
        units, styles = _apply_choropleth(units, choropleth, lang)
        unit_tooltip = unit_tooltip[:2] + [("value_text", choropleth.label)] + unit_tooltip[2:]
        units_key += ("choropleth", choropleth.key or str(hash(tuple(sorted(map(str, choropleth.values.items()))))))
    units_layer = _layer(units_key, PolygonLayer("units", units, styles, style_column="style_key", tooltip=unit_tooltip,
                                                 id_column="code", highlight=HIGHLIGHT)).add_to(fmap)
    if choropleth is not None:
        fmap.add_child(RegisterUnits(units_layer.get_name()))
    if era == "pre2025":
        edges = province_frame if view.province is None else province_frame[province_frame["code"] == view.province]
        _layer(("edges",) + key, PolygonLayer("province_edges", edges, {"p": PROVINCE_EDGE}, interactive=False,
                                              id_column=None)).add_to(fmap)

    chosen = units[units["code"] == view.highlight] if view.highlight else units.iloc[0:0]
    if len(chosen):
        _layer(("selected", view.highlight) + key, PolygonLayer("selected", chosen[["code", "geometry"]],
                                                               {"s": SELECTED_UNIT}, interactive=False,
                                                               id_column=None)).add_to(fmap)

    segments = clip_to_bounds(load_layer("border_segments", level), clip)
    if not segments.empty:
        segments = segments.assign(
            border_name=[BORDERS[k].label(lang) for k in segments["border"]],
            length_text=[f"{v:,.1f} km" for v in segments["length_km"]],
        )
        _layer(("borders",) + key, LineLayer("borders", segments, BORDER_LINE, "border",
                                             tooltip=[("border_name", t("borders", lang)),
                                                      ("length_text", "km")]).as_polygon_layer()).add_to(fmap)

    extra_legend = []
    if view.reference:
        from geo.render.reference_layers import add_reference_layers

        ref_bounds = ref_clip if focused else None  # gates, routes, hotspots of the view, not of its wide context
        (s_, w_), (n_, e_) = bounds  # the fitted view: flows leaving it end with an arrow and their destination
        extra_legend = add_reference_layers(fmap, view.reference, lang, ref_bounds,
                                            flow_bounds=(w_, s_, e_, n_) if focused else None).legend

    if not focused:
        _labels(lang, clip).add_to(fmap)
    else:
        # names of units and nearby provinces, unless the frame is too wide for them to be read
        context_names = None if wide else province_frame[province_frame["code"] != view.province]
        label_units = units if era == "pre2025" and len(units) <= 40 and not wide else None
        _labels(lang, clip, neighbours=neighbours, units=label_units, context=context_names).add_to(fmap)
    title = title or f"{t('page_map', lang)} — {province_name}"
    era_text = subtitle or t("era_pre2025" if era == "pre2025" else "era_2025", lang)
    title_html = _title_html(title, era_text)
    fmap.add_child(MapPanel(title_html, "topleft"))
    legend = _legend(era, lang, units, focused, compact=choropleth is not None,
                     chosen=str(chosen["unit_name"].iloc[0]) if len(chosen) and "unit_name" in chosen else None)
    if choropleth is not None:
        cls = choropleth.classification
        entries = (cls.legend(lang, set(choropleth.values.values())) if isinstance(cls, CategoryClasses)
                   else cls.legend(lang))
        rows = [LegendItem(choropleth.no_data_label if (getattr(entry, "kind", "") == "no_data" and
                                                        choropleth.no_data_label) else entry.label,
                           Style(colour="#8c8c8c", weight=1, fill=entry.colour, fill_opacity=1.0))
                for entry in entries]
        main_legend = legend_html(choropleth.label, rows)
        legend = f"<div class='tdn-legend-main'>{main_legend}</div><hr style='margin:4px 0'>" + legend
    # top right, one under the other, so the legend shows as soon as the map's top does; on phones and
    # narrow frames each is a button (geo/render/webmap.py)
    add_to_dock(fmap, legend, t("legend", lang))
    if extra_legend:
        reference = t("reference_layers", lang)
        add_to_dock(fmap, legend_html(reference, extra_legend), reference.split(" (")[0], small=True)
    finish_map(fmap, static_url)
    table = pd.DataFrame(units.drop(columns="geometry"))
    restyle = None
    if choropleth is not None:
        fallback = str(units["style_key"].iloc[0]) if len(units) else ""
        restyle = Restyle(
            identity=repr((view, choropleth.label, tuple(unit_tooltip))),
            units={str(c): [str(k), escape_text(str(v))] for c, k, v in
                   zip(units["code"], units["style_key"], units["value_text"])},
            styles={k: v.leaflet() for k, v in styles.items()}, fallback=fallback,
            title_html=title_html, legend_html=main_legend)
    return MapResult(fmap=fmap, feature_count=len(units), title=title, units=table, restyle=restyle)


def border_units_table(view: MapView, border: str | None = None) -> pd.DataFrame:
    """Units of the view that touch a land border (``border`` key or any), with km figures.

    Columns: code, unit_name, prov_name, border keys with shared length and distance (km).
    """
    if view.era != "pre2025":
        frame = _province_units("2025", view.province, view.lang) if view.province else _national_units("2025", view.lang)
    else:
        frame = _province_units("pre2025", view.province, view.lang) if view.province else _national_units("pre2025", view.lang)
    if "touches_any" not in frame:
        return pd.DataFrame()
    column = "touches_any" if border in (None, "all") else f"touches_{border}"
    rows = frame[frame[column].astype(bool)]
    cols = ["code", "unit_name", "prov_name"] + [c for k in BORDERS for c in (f"shared_km_{k}", f"dist_km_{k}")]
    return pd.DataFrame(rows[cols]).sort_values(["prov_name", "unit_name"]).reset_index(drop=True)
