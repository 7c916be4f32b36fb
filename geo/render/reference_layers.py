"""Reference layers on the interactive map: border gates, key routes and named hotspots.

They come from the sourced facts (:mod:`geo.data.facts`) and keep their source and caveats in the
popup. A point's look says how good its coordinate is (:data:`geo.data.facts.COORD_STYLE`): exact
points are filled, points placed at a commune/district centroid are hollow with a dashed outline.
Every text is escaped (:func:`geo.i18n.escape.html_text`: HTML, and the JavaScript template literal folium puts
popups and tooltips in) before it reaches a popup or tooltip.
"""
from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import pandas as pd

from geo.data import facts
from geo.i18n import facts as fx
from geo.i18n.escape import html_text
from geo.render.layers import LegendItem, Style

KINDS = ("gates", "routes", "hotspots")

GATE_COLOURS = {"international": "#0d2c6b", "main (national)": "#1565c0", "secondary": "#00838f",
                "planned": "#78909c"}
OTHER_ENTRY_COLOUR = "#6a1b9a"  # airports and seaports
HOTSPOT_COLOURS = {"trafficking": "#c62828", "smuggling": "#ef6c00"}
ROUTE_COLOURS = {"trafficking": "#c62828", "smuggling": "#ef6c00", "transport": "#5d4037"}

from geo.i18n.render import REFERENCE_LAYERS as TEXT  # noqa: E402  (strings live in geo/i18n)


def tr(key: str, lang: str) -> str:
    vi, en = TEXT[key]
    return en if lang == "en" else vi


def _esc(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html_text(value)


def _sources_html(text) -> str:
    parts = [p.strip() for p in str(text or "").split("|") if p.strip()]
    return "<br>".join(f"• {html_text(p)}" for p in parts[:6]) + ("<br>…" if len(parts) > 6 else "")


POPUP_CLEAR_TOP_LEFT = (10, 100)  # px: the map's title panel (geo.render.webmap.panel_html, top left)


def _popup(title: str, rows: list[tuple[str, str]], source, caveat: str) -> folium.Popup:
    """Popup from already-escaped row values; title/caveat/source escaped here."""
    body = "".join(f"<tr><th style='text-align:left;padding-right:6px;vertical-align:top'>{html_text(k)}</th>"
                   f"<td>{v}</td></tr>" for k, v in rows if v)
    content = (f"<div style='max-width:360px;font-size:12px'><b>{html_text(title)}</b>"
               f"<table style='margin-top:4px'>{body}</table>")
    if caveat:
        content += f"<div style='margin-top:4px;color:#8d4b00'>⚠ {html_text(caveat)}</div>"
    content += f"<div style='margin-top:4px;color:#555'>{_sources_html(source)}</div></div>"
    # opened near the top, Leaflet pans the map so the popup clears the title panel (top left) too
    return folium.Popup(content, max_width=380, auto_pan_padding_top_left=POPUP_CLEAR_TOP_LEFT)


def _gate_colour(row) -> tuple[str, str]:
    if row.get("record_type") != "border gate" and str(row.get("mode", "")).lower() in {"air", "sea"}:
        return OTHER_ENTRY_COLOUR, "gate_other"
    kind = str(row.get("gate_type") or "")
    key = {"international": "gate_international", "main (national)": "gate_main", "secondary": "gate_secondary",
           "planned": "gate_planned"}.get(kind, "gate_secondary")
    return GATE_COLOURS.get(kind, GATE_COLOURS["secondary"]), key


def _coord_text(coord_type: str, lang: str) -> str:
    style = facts.coord_style(coord_type)
    return style["legend_en" if lang == "en" else "legend_vi"]


def _point(fmap: folium.Map | folium.FeatureGroup, lat: float, lon: float, colour: str, coord_type: str,
           tooltip: str, popup: folium.Popup, square: bool = False) -> None:
    style = facts.coord_style(coord_type)
    folium.CircleMarker(
        [lat, lon], radius=style["radius"] + (1 if square else 0), color=colour, weight=style["weight"] + 0.5,
        fill=True, fill_color=colour if style["fill"] else "#ffffff",
        fill_opacity=style["fill_opacity"] if not style["fill"] else 0.9,
        dash_array=style["dash"], tooltip=html_text(tooltip), popup=popup,
    ).add_to(fmap)


@dataclass
class ReferenceResult:
    counts: dict[str, int]
    legend: list[LegendItem]


def add_reference_layers(fmap: folium.Map, kinds: tuple[str, ...], lang: str = "vi",
                         bounds: tuple[float, float, float, float] | None = None,
                         include_user: bool = True,
                         flow_bounds: tuple[float, float, float, float] | None = None) -> ReferenceResult:
    """Draw the requested reference layers (within ``bounds`` minx, miny, maxx, maxy if given). Routes
    are cut to ``flow_bounds`` (the view's frame; default ``bounds``), where those that go on end with an
    arrow and their destination, inside the frame."""
    counts: dict[str, int] = {}
    legend: list[LegendItem] = []

    def within(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
        if bounds is None or frame.empty:
            return frame
        minx, miny, maxx, maxy = bounds
        return frame.cx[minx:maxx, miny:maxy]

    def safe(loader):
        from geo.data import store

        try:
            return loader(user_points=store.user_points_frame) if include_user else loader()
        except Exception:  # the store may be absent: sourced facts alone still draw
            return loader()

    if "routes" in kinds:
        from geo.render.flows import clip_flow, flow_line

        routes = within(safe(facts.routes))
        placed: set[tuple] = set()  # one destination label where several routes leave the frame together
        for _, row in routes.iterrows():
            nature = row.get("nature") if row.get("nature") in ROUTE_COLOURS else "transport"
            colour = ROUTE_COLOURS[nature]
            points = [(x, y) for x, y in row.geometry.coords]
            # a reported route is a flow, not a road: one smooth curve; a transport corridor follows its waypoints
            line = flow_line(points) if nature != "transport" else points
            cut = flow_bounds or bounds
            clipped = clip_flow(line, cut) if cut is not None else None
            if cut is not None and clipped is None:
                continue
            drawn = clipped.coords if clipped is not None else line
            coords = [(y, x) for x, y in drawn]
            caveat = row.get(f"caveat_{lang}") or ""
            route_name = fx.text("routes.route_name", row.get("route_name"), lang)
            destination = fx.text("routes.destination_countries", row.get("destination_countries"), lang)
            rows = [(tr("type", lang), _esc(fx.text("routes.category", row.get("category"), lang))),
                    (tr("destination", lang), _esc(destination))]
            folium.PolyLine(coords, color=colour, weight=3.0 if nature != "transport" else 3.5, opacity=0.85,
                            dash_array=None if nature == "trafficking" else "8 6", smooth_factor=1.0,
                            tooltip=html_text(route_name),
                            popup=_popup(route_name, rows, row.get("source"), caveat)).add_to(fmap)
            # direction: an arrow head where the drawn line ends; at the frame's edge, with where it goes
            if len(coords) >= 2:
                angle = clipped.bearing if clipped is not None else _bearing(coords[-2], coords[-1])
                arrow = (f'<div style="color:{colour};font-size:18px;line-height:18px;width:18px;text-align:center;'
                         f'transform:translate(-9px,-9px) rotate({angle:.0f}deg)">➤</div>')
                folium.Marker(coords[-1], icon=folium.DivIcon(html=arrow, icon_size=(0, 0), icon_anchor=(0, 0)),
                              interactive=False).add_to(fmap)
                if clipped is not None and clipped.leaves:
                    where = destination or str(row.get("route_name") or "").split("–")[-1].strip()
                    lat, lon = coords[-1][0], coords[-1][1]
                    # one label per destination where its routes leave the frame close together: within a
                    # tenth of the frame's size (degrees), so labels of routes far apart on the edge both stay
                    span = 0.1 * max(cut[2] - cut[0], cut[3] - cut[1]) if cut is not None else 1.0
                    near = any(w == where and abs(lat - a) < span and abs(lon - b) < span for w, a, b in placed)
                    if where and not near:
                        placed.add((where, lat, lon))
                        label = (f'<div class="tdn-label flow" style="color:{colour};padding:12px;transform:'
                                 f'translate({_edge_shift(angle)})">{html_text(where)}</div>')
                        folium.Marker(coords[-1], icon=folium.DivIcon(html=label, icon_size=(0, 0), icon_anchor=(0, 0)),
                                      interactive=False).add_to(fmap)
        if placed and cut is not None:  # zoomed out far beyond the frame, its edge's labels would sit inland
            from geo.render.webmap import flow_labels_at_the_edge

            flow_labels_at_the_edge(fmap, cut)
        counts["routes"] = len(routes)
        natures = {n if n in ROUTE_COLOURS else "transport" for n in routes.get("nature", pd.Series(dtype=str))}
        for nature in [n for n in ("trafficking", "smuggling", "transport") if n in natures]:
            legend.append(LegendItem(tr(f"route_{nature}", lang),
                                     Style(colour=ROUTE_COLOURS[nature], weight=3,
                                           dash=None if nature == "trafficking" else "8 6"), "line"))

    if "gates" in kinds:
        gates = within(safe(facts.gates))
        used = set()
        for _, row in gates.iterrows():
            colour, key = _gate_colour(row)
            used.add(key)
            name = row.get("gate_name_vi") if lang == "vi" else (row.get("gate_name_en") or row.get("gate_name_vi"))
            counterpart = [fx.text("gates.counterpart_gate", row.get("counterpart_gate"), lang),
                           fx.text("gates.counterpart_country", row.get("counterpart_country"), lang)]
            rows = [(tr("type", lang), _esc(tr(key, lang))),
                    (tr("location", lang), _esc(_coord_text(row.get("coord_type"), lang))),
                    (tr("counterpart", lang), _esc(" · ".join(v for v in counterpart if v)))]
            _point(fmap, row.geometry.y, row.geometry.x, colour, row.get("coord_type"), str(name),
                   _popup(str(name), rows, row.get("source"), row.get(f"caveat_{lang}") or ""), square=True)
        counts["gates"] = len(gates)
        for key in ("gate_international", "gate_main", "gate_secondary", "gate_planned", "gate_other"):
            if key in used:
                colour = OTHER_ENTRY_COLOUR if key == "gate_other" else GATE_COLOURS[
                    {"gate_international": "international", "gate_main": "main (national)",
                     "gate_secondary": "secondary", "gate_planned": "planned"}[key]]
                legend.append(LegendItem(tr(key, lang), Style(colour=colour, weight=2, fill=colour, fill_opacity=0.9),
                                         "point"))

    if "hotspots" in kinds:
        hotspots = within(safe(facts.hotspots))
        for _, row in hotspots.iterrows():
            nature = row.get("nature") if row.get("nature") in HOTSPOT_COLOURS else "trafficking"
            name = fx.text("hotspots.name", row.get("name"), lang)
            rows = [(tr("type", lang), _esc(fx.text("hotspots.category", row.get("category"), lang))),
                    (tr("period", lang), _esc(fx.text("hotspots.period", row.get("period"), lang))),
                    (tr("location", lang), _esc(_coord_text(row.get("coord_type"), lang)))]
            _point(fmap, row.geometry.y, row.geometry.x, HOTSPOT_COLOURS[nature], row.get("coord_type"),
                   name, _popup(name, rows, row.get("source"), row.get(f"caveat_{lang}") or ""))
        counts["hotspots"] = len(hotspots)
        natures = {n if n in HOTSPOT_COLOURS else "trafficking" for n in hotspots.get("nature", pd.Series(dtype=str))}
        for nature in [n for n in ("trafficking", "smuggling") if n in natures]:
            colour = HOTSPOT_COLOURS[nature]
            legend.append(LegendItem(tr(f"hotspot_{nature}", lang), Style(colour=colour, weight=2, fill=colour,
                                                                         fill_opacity=0.9), "point"))

    if counts.get("gates") or counts.get("hotspots"):
        for coord_type in ("exact", "commune centroid", "district centroid"):
            style = facts.coord_style(coord_type)
            legend.append(LegendItem(_coord_text(coord_type, lang),
                                     Style(colour="#444", weight=2, fill="#444" if style["fill"] else "#ffffff",
                                           fill_opacity=1.0, dash=style["dash"]), "point"))
    return ReferenceResult(counts, legend)


def _edge_shift(angle: float) -> str:
    """CSS translate that puts a destination label inside the frame, on the side it came from."""
    import math

    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    x = "-100%" if dx > 0.4 else ("0%" if dx < -0.4 else "-50%")
    y = "-100%" if dy > 0.4 else ("0%" if dy < -0.4 else "-50%")
    return f"{x},{y}"


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Screen angle in degrees (0 = east, clockwise, as CSS rotate) from point a to b, both (lat, lon)."""
    import math

    dy, dx = b[0] - a[0], (b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return -math.degrees(math.atan2(dy, dx))
