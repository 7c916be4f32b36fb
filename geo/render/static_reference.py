"""Reference layers on the static exports: border gates, key routes and named hotspots, as the page shows
them (:mod:`geo.render.reference_layers`), with names and a legend.

Same sources (:mod:`geo.data.facts`), colours, point styles (exact points filled, centroid-placed points
hollow and dashed) and route drawing (:mod:`geo.render.flows`: reported routes as schematic arcs cut at
the frame with their destination's name, transport corridors along their waypoints) as the interactive
map. Names are labels of the export's label pass, so they give way to each other and to the map's
furniture instead of overlapping (gates before hotspots). Every text in the view's language
(:mod:`geo.i18n.facts`). Coordinates: lon/lat in, Web Mercator metres drawn.
"""
from __future__ import annotations

import numpy as np

from geo.data import facts
from geo.i18n import facts as fx
from geo.render.flows import clip_flow, flow_line
from geo.render.reference_layers import (GATE_COLOURS, HOTSPOT_COLOURS, OTHER_ENTRY_COLOUR, ROUTE_COLOURS,
                                         _coord_text, _gate_colour, tr)
from geo.render.static_scene import _Label, _LegendItem, _merc_xy, to_mercator

#: label priorities (lower is kept first): unit names use 2+, so gates win over them, hotspots after
GATE_PRIORITY = 1
HOTSPOT_PRIORITY = 3
FLOW_PRIORITY = 1


def _within(frame, ext_ll):
    frame = frame[~frame.geometry.is_empty & frame.geometry.notna()]
    if frame.empty:
        return frame
    minx, miny, maxx, maxy = ext_ll
    return frame.cx[minx:maxx, miny:maxy]


def _safe(loader):
    from geo.data import store

    try:
        return loader(user_points=store.user_points_frame)
    except Exception:  # no store: the sourced facts alone
        return loader()


def draw_reference(ax, kinds, ext_ll, lang: str, lw: float, fs: float) -> tuple[list[_Label], list[_LegendItem]]:
    """Draw ``kinds`` (gates, routes, hotspots) within ``ext_ll`` (minx, miny, maxx, maxy degrees) into
    ``ax`` (Web Mercator); returns their name labels and legend items."""
    labels: list[_Label] = []
    legend: list[_LegendItem] = []
    if not kinds:
        return labels, legend
    if "routes" in kinds:
        routes = _safe(facts.routes)
        used = set()
        for _, row in routes.iterrows():
            if row.geometry is None or row.geometry.is_empty:
                continue
            nature = row.get("nature") if row.get("nature") in ROUTE_COLOURS else "transport"
            points = [(x, y) for x, y in row.geometry.coords]
            line = flow_line(points) if nature != "transport" else points
            cut = clip_flow(line, ext_ll)
            if cut is None:
                continue
            used.add(nature)
            colour = ROUTE_COLOURS[nature]
            xy = _merc_xy(np.array(cut.coords, dtype=float))
            ax.plot(xy[:, 0], xy[:, 1], color=colour, linewidth=2.2 * lw, alpha=0.85, zorder=6.6,
                    linestyle="-" if nature == "trafficking" else (0, (5, 3)), solid_capstyle="round")
            if len(xy) >= 2:
                ax.annotate("", xy=tuple(xy[-1]), xytext=tuple(xy[-2]), zorder=6.7,
                            arrowprops=dict(arrowstyle="-|>", color=colour, lw=1.6 * lw, mutation_scale=fs * 1.4))
            if cut.leaves and len(xy) >= 2:
                where = fx.text("routes.destination_countries", row.get("destination_countries"), lang) or \
                    str(row.get("route_name") or "").split("–")[-1].strip()
                if where:
                    # the name just inside the frame, back along the line from where it leaves
                    back = xy[-2] - xy[-1]
                    back = back / (np.hypot(*back) or 1.0)
                    step = 0.06 * (ax.get_xlim()[1] - ax.get_xlim()[0])
                    x, y = xy[-1] + back * step
                    labels.append(_Label(float(x), float(y), where, "flow", FLOW_PRIORITY))
        for nature in [n for n in ("trafficking", "smuggling", "transport") if n in used]:
            legend.append(_LegendItem(tr(f"route_{nature}", lang), "line", edge=ROUTE_COLOURS[nature], width=2.2))

    def points(frame, colour_of, name_of, priority):
        kept = []
        for _, row in frame.iterrows():
            style = facts.coord_style(row.get("coord_type"))
            colour = colour_of(row)
            x, y = to_mercator(row.geometry.x, row.geometry.y)
            ax.scatter([x], [y], s=(fs * 1.0) ** 2,
                       c=[colour if style["fill"] else "#ffffff"], edgecolors=[colour],
                       linewidths=1.4 * lw, linestyle="-" if not style["dash"] else (0, (2, 2)), zorder=6.8)
            name = short_name(name_of(row) or "")
            if name:
                labels.append(_Label(x, y, name, "reference", priority))
            kept.append(style)
        return kept

    styles = []
    if "gates" in kinds:
        gates = _within(_safe(facts.gates), ext_ll)
        used = set()

        def gate_colour(row):
            colour, key = _gate_colour(row)
            used.add(key)
            return colour

        styles += points(gates, gate_colour,
                         lambda r: (r.get("gate_name_vi") if lang == "vi" else (r.get("gate_name_en") or r.get("gate_name_vi"))),
                         GATE_PRIORITY)
        keys = {"gate_international": GATE_COLOURS["international"], "gate_main": GATE_COLOURS["main (national)"],
                "gate_secondary": GATE_COLOURS["secondary"], "gate_planned": GATE_COLOURS["planned"],
                "gate_other": OTHER_ENTRY_COLOUR}
        for key, colour in keys.items():
            if key in used:
                legend.append(_LegendItem(tr(key, lang), "point", face=colour, edge=colour, width=1.4))
    if "hotspots" in kinds:
        hotspots = _within(_safe(facts.hotspots), ext_ll)
        natures = set()

        def hotspot_colour(row):
            nature = row.get("nature") if row.get("nature") in HOTSPOT_COLOURS else "trafficking"
            natures.add(nature)
            return HOTSPOT_COLOURS[nature]

        # a hotspot named after a whole district or province is already named by the map's unit labels
        styles += points(hotspots, hotspot_colour,
                         lambda r: "" if str(r.get("level") or "") in ("district", "province")
                         else fx.text("hotspots.name", r.get("name"), lang), HOTSPOT_PRIORITY)
        for nature in [n for n in ("trafficking", "smuggling") if n in natures]:
            colour = HOTSPOT_COLOURS[nature]
            legend.append(_LegendItem(tr(f"hotspot_{nature}", lang), "point", face=colour, edge=colour, width=1.4))
    if styles:
        for coord_type in ("exact", "commune centroid", "district centroid"):
            style = facts.coord_style(coord_type)
            legend.append(_LegendItem(_coord_text(coord_type, lang), "point",
                                      face="#444444" if style["fill"] else "#ffffff", edge="#444444", width=1.4))
    return labels, legend


def short_name(text: str, limit: int = 28) -> str:
    """A label no longer than ``limit`` characters (the popup of the page keeps the whole name)."""
    text = str(text or "").strip()
    if len(text) <= limit:
        return text
    head = text.split(",")[0].strip()
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"

