"""Static map images for briefings: a 16:9 PNG for slides and a one-page A4 PDF.

Drawn with matplotlib from the cached layers (no tiles, no browser), with the styles, strings and
classes of the interactive map (:mod:`geo.render.maps`, :mod:`geo.stats.classify`), in Web Mercator like the
screen, so the picture matches what was on screen. Every image carries a title, the period and
filters in words, a legend, a scale bar, a north arrow, a locator map of Viet Nam (with Hoàng Sa and
Trường Sa) showing where the view is, the data source and boundary credits, the date it was made,
and the watermark "DỮ LIỆU MINH HỌA / DEMO DATA" when it shows demo data.

Map conventions: national views include Hoàng Sa (Đà Nẵng) and Trường Sa (Khánh Hòa); a province
view whose units include one of them (Đà Nẵng, Khánh Hòa) shows it in an inset; the sea is labelled
"Biển Đông" ("East Sea"); neighbours are light grey with their Vietnamese names and no data; the land
border is drawn on top, darker and thicker, named in the legend by neighbour.

Counts are not suppressed here: :mod:`geo.render.briefing` passes display texts that went through
:mod:`geo.stats.suppression`. When a spec has ``values`` but no ``value_labels``, small counts are still
shown as "<5" (no complementary suppression: there is no total on the map itself).

Fonts: Noto Sans (Debian fonts-noto-core), else DejaVu Sans; both have every Vietnamese letter. PDF
fonts are embedded as TrueType so the text can be searched and copied.
"""
from __future__ import annotations

import io
import math
import textwrap
from datetime import date
from functools import lru_cache

import matplotlib
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.patches import FancyBboxPatch, Polygon as MplPolygon, Rectangle
from shapely.geometry import box

from geo.admin import attribution
from geo.data import schema as S
from geo.admin.borders import BORDERS
from geo.i18n import t
from geo.render.maps import (
    BORDER_LINE,
    NATIONAL_BOUNDS,
    NEIGHBOUR,
)
from geo.views.mapspec import MapSpec, view_units, place_text  # noqa: F401  (the view's description; re-exported for the renderers)
from geo.render.static_scene import (  # noqa: F401,E402  (moved; re-exported)
    RC,
    SLIDE_SIZE,
    A4_INCHES,
    DEMO_COLOUR,
    VIEW_BOX_COLOUR,
    ARCHIPELAGO_CODES,
    LABEL_STYLES,
    _tx,
    format_date,
    to_mercator,
    _lat_of,
    _layer,
    _LegendItem,
    _Scene,
    _style_width,
    build_scene,
    _map_axes,
    _collection,
    _extent_lonlat,
    draw_map,
    _scene_labels,
    _draw_labels,
)



# --------------------------------------------------------------------------------------------------
# Map furniture: scale bar, north arrow, locator, archipelago inset, legend, watermark
# --------------------------------------------------------------------------------------------------
def _nice(x: float) -> float:
    if x <= 0:
        return 1.0
    exp = math.floor(math.log10(x))
    for m in (5, 2, 1):
        if m * 10 ** exp <= x:
            return m * 10 ** exp
    return 10 ** exp


def draw_scale_bar(ax, lw: float, fs: float, lang: str, anchor=(0.03, 0.035)):
    """A kilometre scale bar (true at the frame's middle latitude; Mercator)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    lat = _lat_of((y0 + y1) / 2)
    metres_per_unit = math.cos(math.radians(lat))
    width_km = (x1 - x0) * metres_per_unit / 1000
    length_km = _nice(width_km * 0.2)
    length_units = length_km * 1000 / metres_per_unit
    bx = x0 + (x1 - x0) * anchor[0]
    by = y0 + (y1 - y0) * anchor[1]
    bar_h = (y1 - y0) * 0.009
    pad_x, pad_y = (x1 - x0) * 0.012, (y1 - y0) * 0.012
    back = FancyBboxPatch((bx - pad_x, by - pad_y), length_units + 2 * pad_x + (x1 - x0) * 0.05,
                          bar_h + pad_y * 2 + (y1 - y0) * 0.03, boxstyle="round,pad=0", linewidth=0,
                          facecolor="white", alpha=0.85, zorder=9)
    ax.add_patch(back)
    n = 4
    for i in range(n):
        ax.add_patch(Rectangle((bx + i * length_units / n, by), length_units / n, bar_h,
                               facecolor="#222222" if i % 2 == 0 else "white", edgecolor="#222222",
                               linewidth=0.6 * lw, zorder=10))
    label_y = by + bar_h + (y1 - y0) * 0.006
    ax.text(bx, label_y, "0", ha="center", va="bottom", fontsize=fs * 0.85, zorder=10, color="#222222")
    ax.text(bx + length_units, label_y, f"{length_km:,.0f} km".replace(",", "." if lang == "vi" else ","),
            ha="center", va="bottom", fontsize=fs * 0.85, zorder=10, color="#222222")
    return back


def draw_north_arrow(ax, fs: float, lang: str, anchor=(0.035, 0.9)):
    """A north arrow (Web Mercator: north is up)."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    w, h = x1 - x0, y1 - y0
    cx, cy = x0 + w * anchor[0], y0 + h * anchor[1]
    size = h * 0.05
    half = size * 0.38
    ax.add_patch(MplPolygon([[cx, cy + size / 2], [cx - half, cy - size / 2], [cx, cy - size / 4]], closed=True,
                            facecolor="#222222", edgecolor="#222222", linewidth=0.6, zorder=10))
    ax.add_patch(MplPolygon([[cx, cy + size / 2], [cx + half, cy - size / 2], [cx, cy - size / 4]], closed=True,
                            facecolor="white", edgecolor="#222222", linewidth=0.6, zorder=10))
    label = ax.text(cx, cy + size / 2 + h * 0.005, _tx("north", lang), ha="center", va="bottom", fontsize=fs * 1.1,
                    fontweight="bold", zorder=10, color="#222222",
                    path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
    return _ArrowExtent(ax, label, (cx - half, cy - size / 2, cx + half, cy + size / 2))


class _ArrowExtent:
    """What the north arrow covers (its letter and the arrow), for keeping labels off it."""

    def __init__(self, ax, label, data_box):
        self.ax, self.label, self.data_box = ax, label, data_box

    def get_window_extent(self, renderer=None):
        from matplotlib.transforms import Bbox

        x0, y0, x1, y1 = self.data_box
        (px0, py0), (px1, py1) = self.ax.transData.transform([(x0, y0), (x1, y1)])
        text = self.label.get_window_extent(renderer)
        return Bbox.union([Bbox([[px0, py0], [px1, py1]]), text]).expanded(1.3, 1.15)


@lru_cache(maxsize=2)
def _vietnam_outline(level: str = "national") -> tuple[list[MplPath], list[MplPath]]:
    """Viet Nam (provinces, incl. Hoàng Sa and Trường Sa) and neighbours as paths, Mercator."""
    vn = _layer("provinces_pre2025", level)
    nb = _layer("neighbours", level)
    return vn.paths, nb.paths


def draw_locator(ax, scene: _Scene, main_extent, lw: float, fs: float) -> None:
    """Viet Nam with both archipelagos and a box on the view."""
    (s, w), (n, e) = NATIONAL_BOUNDS
    x0, y0 = to_mercator(w + 0.2, s + 0.2)
    x1, y1 = to_mercator(e + 0.2, n + 0.2)
    _map_axes(ax, (x0, y0, x1, y1), "#777777", 0.6)
    vn, nb = _vietnam_outline()
    ax.add_collection(_collection(nb, NEIGHBOUR.fill, NEIGHBOUR.colour, 0.3 * lw, 1))
    ax.add_collection(_collection(vn, "#fbf3dc", "#9a8f7a", 0.2 * lw, 2))
    mx0, my0, mx1, my1 = main_extent
    ax.add_patch(Rectangle((mx0, my0), mx1 - mx0, my1 - my0, facecolor=VIEW_BOX_COLOUR, alpha=0.18,
                           edgecolor=VIEW_BOX_COLOUR, linewidth=1.4 * lw, zorder=5))
    ax.add_patch(Rectangle((mx0, my0), mx1 - mx0, my1 - my0, facecolor="none",
                           edgecolor=VIEW_BOX_COLOUR, linewidth=1.4 * lw, zorder=6))
    lang = scene.spec.lang
    names = {"hoang_sa": ("Q.Đ. Hoàng Sa", "Hoàng Sa"), "truong_sa": ("Q.Đ. Trường Sa", "Trường Sa")}
    for key, lon, lat in (("hoang_sa", 112.0, 17.75), ("truong_sa", 114.3, 10.9)):
        x, y = to_mercator(lon, lat)
        ax.text(x, y, names[key][0 if lang == "vi" else 1], ha="center", va="center", fontsize=fs * 0.62,
                color=LABEL_STYLES["islands"]["color"], zorder=7)
    x, y = to_mercator(111.2, 13.4)
    ax.text(x, y, t("sea", lang), ha="center", va="center", fontsize=fs * 0.66, fontstyle="italic",
            color=LABEL_STYLES["sea"]["color"], zorder=7)


def draw_archipelago_inset(ax, scene: _Scene, lw: float, fs: float) -> None:
    """The view's archipelago units (Đà Nẵng: Hoàng Sa; Khánh Hòa: Trường Sa) in their own frame."""
    layer = _layer(scene.unit_layer, "province" if scene.unit_layer == "communes_2025" else scene.level)
    rows = [(r, f, e, w) for r, f, e, w in zip(scene.unit_rows, scene.unit_faces, scene.unit_edges, scene.unit_widths)
            if str(layer.frame["code"].iat[r]) in scene.inset_codes]
    geoms = [layer.merc[r] for r, *_ in rows]
    x0, y0, x1, y1 = shapely.total_bounds(geoms)
    pad = max(x1 - x0, y1 - y0) * 0.12
    ext = _map_axes(ax, (x0 - pad, y0 - pad, x1 + pad, y1 + pad * 2.2), "#555555", 0.8)
    # islands are tiny: draw their outline thicker so they show
    ax.add_collection(_collection([layer.paths[r] for r, *_ in rows], [f for _, f, _, _ in rows],
                                  [e for *_, e, _ in rows], [max(w * lw, 0.8) for *_, w in rows], 3))
    lang = scene.spec.lang
    values = scene.spec.value_labels or {}
    for r, *_ in rows:
        code = str(layer.frame["code"].iat[r])
        key = ARCHIPELAGO_CODES[code]
        text = t(key, lang)
        if values.get(code) and values.get(code) != "0":
            text += f"\n{values[code]}"
        ax.text((ext[0] + ext[2]) / 2, ext[3] - (ext[3] - ext[1]) * 0.04, text, ha="center", va="top",
                fontsize=fs * 0.75, color=LABEL_STYLES["islands"]["color"], fontweight="bold", zorder=8,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")])


def draw_legend(ax, items: list[_LegendItem], fs: float, title: str, lw: float = 1.0,
                max_rows: int | None = None) -> float:
    """Legend rows top-down in an axes (axes fraction coordinates); returns the bottom y used."""
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    fig_h = ax.figure.get_size_inches()[1] * ax.get_position().height * 72  # axes height in points
    fig_w = ax.figure.get_size_inches()[0] * ax.get_position().width * 72
    row = fs * 1.75 / fig_h
    sw_w = fs * 2.4 / fig_w
    sw_h = fs * 1.05 / fig_h
    y = 1 - fs * 0.9 / fig_h
    ax.text(0, y, title, fontsize=fs * 1.1, fontweight="bold", va="center", ha="left", color="#222222")
    y -= row * 1.05
    for item in items[: max_rows or len(items)]:
        if item.kind == "header":
            ax.text(0, y, item.label, fontsize=fs, fontweight="bold", va="center", ha="left", color="#333333")
            y -= row
            continue
        if item.kind == "fill":
            with matplotlib.rc_context({"hatch.color": "#9e9e9e", "hatch.linewidth": 0.6 * lw}):
                ax.add_patch(Rectangle((0, y - sw_h / 2), sw_w, sw_h, facecolor=item.face, edgecolor=item.edge,
                                       linewidth=max(item.width, 0.5) * lw, hatch=item.hatch))
        elif item.kind == "point":
            ax.plot([sw_w / 2], [y], marker="o", markersize=fs * 0.75, markerfacecolor=item.face,
                    markeredgecolor=item.edge, markeredgewidth=item.width * lw, linestyle="none")
        else:
            ax.plot([0, sw_w], [y, y], color=item.edge, linewidth=item.width * lw, solid_capstyle="butt")
        ax.text(sw_w + 0.03, y, item.label, fontsize=fs, va="center", ha="left", color="#222222")
        y -= row
    return y


def legend_height(n_items: int, fs: float) -> float:
    """Height (points) that :func:`draw_legend` needs for ``n_items`` rows."""
    return fs * (0.9 + 1.75 * 1.05 + 1.75 * n_items + 0.4)


def border_legend_items(scene: _Scene, lang: str) -> list[_LegendItem]:
    """The land border lines seen in the frame, named by neighbour, and the neighbour fill."""
    items = []
    seg = _layer("border_segments", "national")
    for key in BORDERS:
        if key in set(seg.frame["border"]):
            w = _style_width(BORDER_LINE[key].weight) * (1.35 if scene.highlight_border == key else 1.0)
            items.append(_LegendItem(BORDERS[key].label(lang), "line", edge=BORDER_LINE[key].colour, width=w))
    items.append(_LegendItem(t("legend_neighbour", lang), "fill", NEIGHBOUR.fill, NEIGHBOUR.colour, 0.6))
    return items


def _visible_borders(ax) -> set[str]:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    seg = _layer("border_segments", "national")
    frame = box(x0, y0, x1, y1)
    return {key for key, geom in zip(seg.frame["border"], seg.merc) if geom.intersects(frame)}


def draw_watermark(fig, ax, lang: str, fs: float) -> None:
    """The demo watermark, across the map."""
    bbox = ax.get_position()
    fig.text(bbox.x0 + bbox.width / 2, bbox.y0 + bbox.height / 2, S.DEMO_LABEL, rotation=28, ha="center",
             va="center", fontsize=fs, color=DEMO_COLOUR, alpha=0.2, fontweight="bold", zorder=50)


def _wrap(text: str, width_pt: float, fs: float, em: float = 0.5, minimum: int = 20) -> list[str]:
    """Wrap ``text`` to about ``width_pt`` points at font size ``fs`` (average glyph ≈ ``em``)."""
    chars = max(minimum, int(width_pt / (fs * em)))
    out = []
    for para in str(text).split("\n"):
        out += textwrap.wrap(para, chars, break_long_words=False) or [""]
    return out


# --------------------------------------------------------------------------------------------------
# Titles and texts
# --------------------------------------------------------------------------------------------------


def default_title(spec: MapSpec) -> str:
    """``{metric} — {place}`` as on the pages (the administrative map: its page title)."""
    if spec.kind == "admin" or not spec.metric_label:
        head = t("page_map", spec.lang) if spec.kind == "admin" else t("page_borders", spec.lang)
    else:
        head = spec.metric_label
    return f"{head} — {place_text(spec)}"


def _data_source(spec: MapSpec) -> str:
    if spec.data_source:
        return spec.data_source
    return f"{_tx('data_source', spec.lang)}: {_tx('no_source', spec.lang)}"


def _boundary_credits(spec: MapSpec) -> str:
    return f"{_tx('boundaries', spec.lang)}: {attribution.attribution_text(spec.era, spec.lang)}"


# --------------------------------------------------------------------------------------------------
# Page layouts
# --------------------------------------------------------------------------------------------------
def render_map(spec: MapSpec, layout: str = "slide", size: tuple[int, int] = SLIDE_SIZE) -> Figure:
    """The finished figure: ``layout="slide"`` (16:9, ``size`` in pixels at 100 dpi) or ``"a4"``."""
    with matplotlib.rc_context(RC):
        if layout == "slide":
            return _slide(spec, size)
        if layout == "a4":
            return _a4(spec)
    raise ValueError("layout must be slide or a4")


def _figure(w_in: float, h_in: float, dpi: float) -> Figure:
    fig = Figure(figsize=(w_in, h_in), dpi=dpi, facecolor="white")
    FigureCanvasAgg(fig)
    return fig


def _kpi_tiles(fig, rect, kpis, fs: float, columns: int = 2) -> None:
    """Key figures as tiles (label small, value big) in figure-fraction ``rect`` (x, y, w, h)."""
    x, y, w, h = rect
    if not kpis:
        return
    rows = math.ceil(len(kpis) / columns)
    tile_w, tile_h = w / columns, h / max(rows, 1)
    fig_w_pt = fig.get_size_inches()[0] * 72
    for i, (label, value) in enumerate(kpis):
        cx = x + (i % columns) * tile_w
        cy = y + h - (i // columns + 1) * tile_h
        fig.patches.append(FancyBboxPatch((cx + 0.003, cy + 0.004), tile_w - 0.006, tile_h - 0.008,
                                          boxstyle="round,pad=0,rounding_size=0.004", transform=fig.transFigure,
                                          facecolor="#f4f6f8", edgecolor="#d5dbe1", linewidth=0.8, zorder=1))
        fig_h_pt = fig.get_size_inches()[1] * 72
        tile_pt = tile_h * fig_h_pt
        label_fs = fs * 0.85
        value_fs = min(fs * 1.5, tile_pt * 0.36)
        lines = _wrap(label, (tile_w - 0.02) * fig_w_pt, label_fs, em=0.54, minimum=8)
        room = tile_pt - 0.008 * fig_h_pt - fs * 0.8
        n_lines = 2 if len(lines) > 1 and room > label_fs * 2.9 + value_fs * 1.3 else 1
        label = "\n".join(lines[:n_lines]) + ("…" if len(lines) > n_lines else "")
        pad = fs * 0.4 / fig_h_pt
        fig.text(cx + 0.009, cy + tile_h - 0.004 - pad, label, fontsize=label_fs, color="#455a64", va="top", ha="left",
                 zorder=2, linespacing=1.05)
        fig.text(cx + 0.009, cy + 0.004 + pad, value, fontsize=value_fs, color="#102a43", va="bottom", ha="left",
                 fontweight="bold", zorder=2)


def _legend_all_items(scene: _Scene, ax) -> list[_LegendItem]:
    items = list(scene.legend)
    lang = scene.spec.lang
    seen = _visible_borders(ax) if ax is not None else set(BORDERS)
    items += [i for i in border_legend_items(scene, lang)
              if i.kind != "line" or any(BORDERS[k].label(lang) == i.label for k in seen)]
    if scene.reference_legend:
        items += [_LegendItem(t("reference_layers", lang), "header")] + list(scene.reference_legend)
    return items


def _reference(ax, scene: _Scene, view, lw: float, fs: float) -> list:
    """The page's reference layers (gates, routes, hotspots) on the export, with their names as labels."""
    kinds = tuple(getattr(scene.spec, "reference", ()) or ())
    if not kinds:
        return []
    from geo.render.static_reference import draw_reference

    labels, legend = draw_reference(ax, kinds, _extent_lonlat(view), scene.spec.lang, lw, fs)
    scene.reference_legend = legend
    return labels


def _place_legend(fig, rect, items, fs: float, lw: float, title: str) -> None:
    """The legend in ``rect`` (figure fraction), in two columns when one is too tall."""
    x, y, w, h = rect
    fig_h_pt = fig.get_size_inches()[1] * 72
    fig_w_pt = fig.get_size_inches()[0] * 72
    need = legend_height(len(items), fs) / fig_h_pt
    if need <= h or len(items) < 6:
        fs = _fit_legend_font(items, fs, w * fig_w_pt)
        ax = fig.add_axes((x, y + h - min(need, h), w, min(need, h)))
        draw_legend(ax, items, fs, title, lw)
        return
    half = math.ceil(len(items) / 2)
    fs = _fit_legend_font(items, fs, w * 0.5 * fig_w_pt)
    need2 = legend_height(half, fs) / fig_h_pt
    left = fig.add_axes((x, y + h - need2, w * 0.5, need2))
    draw_legend(left, items[:half], fs, title, lw)
    right = fig.add_axes((x + w * 0.5, y + h - need2, w * 0.5, need2))
    draw_legend(right, items[half:], fs, "", lw)


def _fit_legend_font(items, fs: float, column_pt: float) -> float:
    """A font size (down to 75 % of ``fs``) at which the longest legend row fits its column (the swatch,
    a gap and the label at about 0.55 em per character)."""
    longest = max((len(i.label) for i in items if i.kind != "header"), default=0)
    need = fs * (2.4 + 0.6 + 0.55 * longest) * 1.03
    return fs if need <= column_pt else max(fs * 0.75, fs * column_pt / need)


def _texts_shown(spec: MapSpec, ax, with_table: bool) -> set[str]:
    texts = set(getattr(ax, "_tdn_label_texts", []))
    texts.update(v for _, v in spec.kpis)
    if with_table and spec.table is not None:
        texts.update(str(v) for v in spec.table.to_numpy().ravel())
    return texts


def _notes(spec: MapSpec, ax, with_table: bool) -> list[str]:
    """The note of each mark (``<5``, ``x``) that appears in this layout, then the spec's notes."""
    shown = _texts_shown(spec, ax, with_table)
    marks = [note for mark, note in (spec.mark_notes or {}).items() if mark in shown]
    return marks + list(spec.notes)


def _footer_lines(spec: MapSpec, notes: list[str], width_pt: float, fs: float) -> list[str]:
    lines = []
    for text in (_data_source(spec), _boundary_credits(spec)):
        lines += _wrap(text, width_pt, fs)
    if notes:
        lines += _wrap("  ·  ".join(notes), width_pt, fs)
    return lines


def _slide(spec: MapSpec, size: tuple[int, int]) -> Figure:
    width_px, height_px = size
    w_in = 19.2
    h_in = w_in * height_px / width_px
    fig = _figure(w_in, h_in, width_px / w_in)
    fig_h_pt = h_in * 72
    lang = spec.lang
    scene = build_scene(spec)
    fs = 13.0
    lw = 1.0
    made = spec.made_on or date.today()
    # --- header band
    band = 0.105
    demo_h = 0.032 if spec.demo else 0.0
    header_h = band + demo_h
    fig.patches.append(Rectangle((0, 1 - band), 1, band, transform=fig.transFigure, facecolor="#0f2942",
                                 edgecolor="none", zorder=0))
    title = spec.title or default_title(spec)
    fig.text(0.012, 1 - band * 0.33, title, fontsize=30, fontweight="bold", color="white", va="center", ha="left")
    sub = " · ".join(x for x in (spec.period_label, spec.filters_text) if x)
    fig.text(0.012, 1 - band * 0.76, sub, fontsize=16, color="#dbe7f3", va="center", ha="left")
    fig.text(0.988, 1 - band * 0.33, t("app_title", lang), fontsize=16, color="white", fontweight="bold",
             va="center", ha="right")
    fig.text(0.988, 1 - band * 0.76, _tx("made_on", lang, d=format_date(made, lang)), fontsize=15, color="#dbe7f3",
             va="center", ha="right")
    if spec.demo:
        fig.patches.append(Rectangle((0, 1 - header_h), 1, demo_h, transform=fig.transFigure, facecolor=DEMO_COLOUR,
                                     edgecolor="none", zorder=1))
        fig.text(0.5, 1 - header_h + demo_h / 2, _tx("demo_banner", lang, label=S.DEMO_LABEL), fontsize=15,
                 color="white", fontweight="bold", va="center", ha="center", zorder=2)
    # --- footer: its height depends on the notes, which depend on the labels drawn: reserve 5 lines
    foot_fs = 10.5
    line_h = foot_fs * 1.45 / fig_h_pt
    foot_width = w_in * 72 * (0.84 if spec.demo else 0.97)
    worst = _footer_lines(spec, list((spec.mark_notes or {}).values()) + list(spec.notes), foot_width, foot_fs)
    reserve = 0.014 + line_h * len(worst)
    map_top = 1 - header_h - 0.012
    map_bottom = reserve + 0.006
    ax = fig.add_axes((0.008, map_bottom, 0.635, map_top - map_bottom))
    draw_map(ax, scene, lw, fs, labels=False)
    renderer = fig.canvas.get_renderer()
    scale = draw_scale_bar(ax, lw, fs, lang)
    arrow = draw_north_arrow(ax, fs, lang)
    ax._tdn_obstacles = [scale.get_window_extent(renderer), arrow.get_window_extent(renderer)]
    if scene.inset_codes:
        inset_ax = fig.add_axes(_inset_rect(ax, scene, 0.3, 0.32, 0.006, 0.01))
        draw_archipelago_inset(inset_ax, scene, lw, fs)
        ax._tdn_obstacles.append(inset_ax.get_window_extent(renderer).expanded(1.05, 1.05))
    view = (ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    scene.labels = _scene_labels(scene, _extent_lonlat(view), _layer(scene.unit_layer, _unit_level(scene)))
    scene.labels += _reference(ax, scene, view, lw, fs)
    _draw_labels(ax, scene.labels, fs)
    if spec.demo:
        draw_watermark(fig, ax, lang, 54)
    # --- footer text
    lines = _footer_lines(spec, _notes(spec, ax, with_table=False), foot_width, foot_fs)
    for i, line in enumerate(lines):
        fig.text(0.012, 0.008 + (len(lines) - 1 - i) * line_h, line, fontsize=foot_fs, color="#37474f",
                 va="bottom", ha="left")
    if spec.demo:
        fig.text(0.988, 0.006, S.DEMO_LABEL, fontsize=12, color=DEMO_COLOUR, fontweight="bold", ha="right",
                 va="bottom")
    # --- right panel: locator and key figures, then the legend
    px = 0.655
    pw = 1 - px - 0.012
    y = map_top
    kpis = list(spec.kpis)
    items = _legend_all_items(scene, ax)
    if not scene.national:
        loc_h = 0.33
        loc = fig.add_axes((px, y - loc_h, pw * 0.5, loc_h))
        draw_locator(loc, scene, view, lw, fs)
        fig.text(px + 0.002, y - loc_h - 0.006, _tx("locator", lang), fontsize=fs * 0.85, va="top", ha="left",
                 color="#455a64")
        if kpis:
            _kpi_tiles(fig, (px + pw * 0.52, y - loc_h, pw * 0.48, loc_h), kpis[:6], fs,
                       columns=1 if len(kpis) <= 4 else 2)
        y -= loc_h + 0.04
        _place_legend(fig, (px, map_bottom, pw, y - map_bottom), items, fs, lw, t("legend", lang))
    else:
        # the national frame already shows the archipelagos: key figures go beside the legend
        _place_legend(fig, (px, map_bottom, pw * 0.63, y - map_bottom), items, fs, lw, t("legend", lang))
        if kpis:
            n = min(len(kpis), 7)
            h = min(y - map_bottom, 0.1 * n)
            _kpi_tiles(fig, (px + pw * 0.64, y - h, pw * 0.36, h), kpis[:7], fs, columns=1)
    fig._tdn_scene = scene
    return fig


def _inset_rect(ax, scene: _Scene, wf: float, hf: float, pad_x: float, pad_y: float,
                avoid_top_right: bool = False) -> tuple[float, float, float, float]:
    """Figure rectangle for the archipelago inset in the map corner covering the least of the view's
    own units (never the top-left corner, where the north arrow is)."""
    b = ax.get_position()
    w, h = b.width * wf, b.height * hf
    corners = {"bottom-right": (b.x1 - w - pad_x, b.y0 + pad_y), "top-right": (b.x1 - w - pad_x, b.y1 - h - pad_y),
               "bottom-left": (b.x0 + pad_x, b.y0 + pad_y)}
    if avoid_top_right:
        corners.pop("top-right")
    layer = _layer(scene.unit_layer, _unit_level(scene))
    units = shapely.union_all([layer.merc[r] for r in scene.unit_rows
                               if str(layer.frame["code"].iat[r]) not in scene.inset_codes])
    to_data = ax.transData.inverted()
    fig = ax.figure

    def covered(xy):
        x0, y0 = to_data.transform(fig.transFigure.transform(xy))
        x1, y1 = to_data.transform(fig.transFigure.transform((xy[0] + w, xy[1] + h)))
        return units.intersection(box(x0, y0, x1, y1)).area

    best = min(corners.values(), key=covered)
    return best[0], best[1], w, h


def _unit_level(scene: _Scene) -> str:
    return "province" if scene.unit_layer == "communes_2025" else scene.level


def _a4(spec: MapSpec) -> Figure:
    w_in, h_in = A4_INCHES
    fig = _figure(w_in, h_in, 150)
    fig_h_pt = h_in * 72
    lang = spec.lang
    scene = build_scene(spec)
    fs = 7.0
    lw = 0.55
    made = spec.made_on or date.today()
    margin = 0.045
    width_pt = w_in * 72 * (1 - 2 * margin)
    # --- title block
    y = 1 - 0.03
    title = spec.title or default_title(spec)
    for line in _wrap(title, width_pt * 0.8, 14)[:2]:
        fig.text(margin, y, line, fontsize=14, fontweight="bold", va="top", ha="left", color="#0f2942")
        y -= 0.024
    if spec.period_label:
        fig.text(margin, y, f"{_tx('period', lang)}: {spec.period_label}", fontsize=10, va="top", ha="left",
                 color="#263238", fontweight="bold")
        y -= 0.018
    for line in _wrap(spec.filters_text, width_pt, 8.5)[:3]:
        fig.text(margin, y, line, fontsize=8.5, va="top", ha="left", color="#455a64")
        y -= 0.0145
    fig.text(1 - margin, 1 - 0.03, t("app_title", lang), fontsize=9, va="top", ha="right", color="#0f2942",
             fontweight="bold")
    fig.text(1 - margin, 1 - 0.047, _tx("made_on", lang, d=format_date(made, lang)), fontsize=8.5, va="top",
             ha="right", color="#455a64")
    if spec.demo:
        y -= 0.004
        fig.patches.append(Rectangle((margin, y - 0.02), 1 - 2 * margin, 0.02, transform=fig.transFigure,
                                     facecolor=DEMO_COLOUR, edgecolor="none"))
        fig.text(0.5, y - 0.01, _tx("demo_banner", lang, label=S.DEMO_LABEL), fontsize=8.5, color="white",
                 fontweight="bold", va="center", ha="center")
        y -= 0.026
    # --- vertical budget, bottom up: footer (reserved), table, legend and key figures, map
    foot_fs = 6.8
    line_h = foot_fs * 1.4 / fig_h_pt
    foot_width = width_pt * (0.86 if spec.demo else 1.0)
    worst = _footer_lines(spec, list((spec.mark_notes or {}).values()) + list(spec.notes), foot_width, foot_fs)
    footer_top = 0.024 + line_h * len(worst)
    table = spec.table
    row_h = 0.0142
    table_h = (row_h * (len(table) + 1.4) + 0.022) if table is not None and len(table) else 0.0
    items_max = len(scene.legend) + len(BORDERS) + 1 + (12 if getattr(spec, "reference", ()) else 0)
    leg_h = legend_height(items_max, fs) / fig_h_pt
    kpis = list(spec.kpis)
    kpi_rows = math.ceil(len(kpis) / 3) if kpis else 0
    kpi_h = 0.046 * kpi_rows
    if leg_h > 0.125:  # two columns
        leg_h = legend_height(math.ceil(items_max / 2), fs) / fig_h_pt
    block_h = max(leg_h, kpi_h)
    table_top = footer_top + table_h
    block_top = table_top + block_h + 0.01
    map_top = y - 0.006
    map_bottom = block_top + 0.008
    ax = fig.add_axes((margin, map_bottom, 1 - 2 * margin, map_top - map_bottom))
    draw_map(ax, scene, lw, fs, labels=False)
    renderer = fig.canvas.get_renderer()
    scale = draw_scale_bar(ax, lw, fs, lang)
    arrow = draw_north_arrow(ax, fs, lang)
    obstacles = [scale.get_window_extent(renderer), arrow.get_window_extent(renderer)]
    b = ax.get_position()
    view = (ax.get_xlim()[0], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    if not scene.national:
        loc_w = b.width * 0.22
        loc_h = loc_w * (w_in / h_in) * 1.05
        loc = fig.add_axes((b.x1 - loc_w - 0.004, b.y1 - loc_h - 0.003, loc_w, loc_h))
        draw_locator(loc, scene, view, lw, fs)
        obstacles.append(loc.get_window_extent(renderer).expanded(1.04, 1.04))
    if scene.inset_codes:
        in_w = b.width * 0.28
        in_h = in_w * (w_in / h_in) * 1.1
        inset = fig.add_axes(_inset_rect(ax, scene, 0.28, in_h / b.height, 0.004, 0.004,
                                         avoid_top_right=not scene.national))
        draw_archipelago_inset(inset, scene, lw, fs)
        obstacles.append(inset.get_window_extent(renderer).expanded(1.04, 1.04))
    ax._tdn_obstacles = obstacles
    scene.labels = _scene_labels(scene, _extent_lonlat(view), _layer(scene.unit_layer, _unit_level(scene)))
    scene.labels += _reference(ax, scene, view, lw, fs)
    _draw_labels(ax, scene.labels, fs)
    if spec.demo:
        draw_watermark(fig, ax, lang, 30)
    # --- legend (left) and key figures (right)
    items = _legend_all_items(scene, ax)
    _place_legend(fig, (margin, table_top + 0.004, 0.48, block_h + 0.004), items, fs, lw, t("legend", lang))
    if kpis:
        tx = margin + 0.5
        _kpi_tiles(fig, (tx, block_top - kpi_h, 1 - margin - tx, kpi_h), kpis[:9], fs * 0.95, columns=3)
    # --- table, full width
    if table_h:
        _draw_table(fig, (margin, footer_top, 1 - 2 * margin, table_h), table, spec.table_title, fs,
                    spec.table_total_rows)
    # --- footer
    lines = _footer_lines(spec, _notes(spec, ax, with_table=True), foot_width, foot_fs)
    fy = 0.022 + line_h * (len(lines) - 1)
    for line in lines:
        fig.text(margin, fy, line, fontsize=foot_fs, va="bottom", ha="left", color="#37474f")
        fy -= line_h
    if spec.demo:
        fig.text(1 - margin, 0.006, S.DEMO_LABEL, fontsize=7, color=DEMO_COLOUR, fontweight="bold", ha="right",
                 va="bottom")
    fig._tdn_scene = scene
    return fig


def _draw_table(fig, rect, table: pd.DataFrame, title: str | None, fs: float, total_rows: int = 1) -> None:
    """A plain table of display strings (first column left, the others right-aligned); the last
    ``total_rows`` rows in bold. Long headers wrap on two lines."""
    x, y, w, h = rect
    top = y + h
    if title:
        fig.text(x, top, title, fontsize=fs * 1.1, fontweight="bold", va="top", ha="left", color="#222222")
        top -= 0.02
    columns = [str(c) for c in table.columns]
    rows = [[str(v) for v in r] for r in table.itertuples(index=False)]
    fig_w_pt = fig.get_size_inches()[0] * 72
    name_len = max([len(columns[0])] + [len(r[0]) for r in rows])
    name_w = min(max(name_len * fs * 0.52 / fig_w_pt + 0.01, 0.18), 0.4)
    rest = (w - name_w) / max(len(columns) - 1, 1)
    widths = [name_w] + [rest] * (len(columns) - 1)
    row_h = min(0.0142, (top - y) / (len(rows) + 1.6))
    head_fs = fs * 0.92
    headers = ["\n".join(_wrap(c, widths[i] * fig_w_pt - 4, head_fs * 1.05, minimum=6)[:2]) for i, c in enumerate(columns)]
    head_h = row_h * (1.9 if any("\n" in h_ for h_ in headers) else 1.3)
    fig.patches.append(Rectangle((x, top - head_h), w, head_h, transform=fig.transFigure,
                                 facecolor="#0f2942", edgecolor="none"))
    cx = x
    for i, col in enumerate(headers):
        ha = "left" if i == 0 else "right"
        px = cx + 0.004 if i == 0 else cx + widths[i] - 0.004
        fig.text(px, top - head_h / 2, col, fontsize=head_fs, color="white", fontweight="bold", va="center",
                 ha=ha, linespacing=1.0, multialignment=ha)
        cx += widths[i]
    top -= head_h
    for j, row in enumerate(rows):
        bold = j >= len(rows) - total_rows
        if j % 2 == 1 or bold:
            fig.patches.append(Rectangle((x, top - row_h), w, row_h, transform=fig.transFigure,
                                         facecolor="#e3e8ee" if bold else "#f4f6f8", edgecolor="none"))
        cx = x
        for i, cell in enumerate(row):
            ha = "left" if i == 0 else "right"
            px = cx + 0.004 if i == 0 else cx + widths[i] - 0.004
            fig.text(px, top - row_h / 2, cell, fontsize=fs, color="#111111", va="center", ha=ha,
                     fontweight="bold" if bold else "normal")
            cx += widths[i]
        top -= row_h


# --------------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------------
def _metadata(spec: MapSpec, fmt: str) -> dict:
    title = spec.title or default_title(spec)
    if fmt == "pdf":
        return {"Title": title, "Subject": " · ".join(x for x in (spec.period_label, spec.filters_text) if x),
                "Creator": "Tuyến & Điểm nóng (geo.render.static_maps)", "Keywords": S.DEMO_LABEL if spec.demo else ""}
    return {"Title": title, "Software": "Tuyến & Điểm nóng (geo.render.static_maps)",
            "Description": " · ".join(x for x in (spec.period_label, spec.filters_text) if x)
            + (f" · {S.DEMO_LABEL}" if spec.demo else "")}


def render_png(spec: MapSpec, path_or_buffer, size: tuple[int, int] = SLIDE_SIZE) -> Figure:
    """Write the slide image (exactly ``size`` pixels, default 1920×1080) to a path or binary buffer;
    returns the figure (its first axes is the map; ``_tdn_label_texts`` lists the labels drawn)."""
    with matplotlib.rc_context(RC):
        fig = _slide(spec, size)
        fig.savefig(path_or_buffer, format="png", dpi=size[0] / fig.get_size_inches()[0],
                    metadata=_metadata(spec, "png"), facecolor="white")
    return fig


def render_pdf(spec: MapSpec, path_or_buffer) -> Figure:
    """Write the one-page A4 portrait PDF (map, legend, key figures, table, sources) to a path or buffer;
    returns the figure."""
    with matplotlib.rc_context(RC):
        fig = _a4(spec)
        fig.savefig(path_or_buffer, format="pdf", metadata=_metadata(spec, "pdf"), facecolor="white")
    return fig


def png_bytes(spec: MapSpec, size: tuple[int, int] = SLIDE_SIZE) -> bytes:
    buf = io.BytesIO()
    render_png(spec, buf, size)
    return buf.getvalue()


def pdf_bytes(spec: MapSpec) -> bytes:
    buf = io.BytesIO()
    render_pdf(spec, buf)
    return buf.getvalue()
