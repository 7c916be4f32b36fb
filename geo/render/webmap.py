"""Offline folium maps: local Leaflet assets, no tiles by default, credits on the map.

folium points every map at CDNs (Leaflet, jQuery, Bootstrap, awesome-markers, Font Awesome). The
set-up script installs the files we need from the npm registry into the git-ignored ``static/``
folder, which Streamlit serves under ``/app/static/`` (``[server] enableStaticServing``). Every
map built here has its asset links replaced per element (never by editing folium's shared class
lists), and an element that needs an asset we do not ship raises :class:`OfflineAssetMissing`
instead of silently blanking the map.
"""
from __future__ import annotations

import html
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from geo import config  #: static/ relative paths of the assets installed at set-up (see scripts/setup.sh)
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "jquery": "vendor/jquery/jquery.min.js",  # folium's Popup builds its content with $()
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "awesome_markers": "vendor/awesome-markers/leaflet.awesome-markers.min.js",
    "awesome_markers_css": "vendor/awesome-markers/leaflet.awesome-markers.css",
    "awesome_markers_font_css": "vendor/fontawesome/css/all.min.css",
}
#: folium defaults we deliberately drop: nothing on our maps uses them
DROPPED_ASSETS = {"bootstrap", "bootstrap_css", "glyphicons_css", "awesome_rotate_css"}

STATIC_DIR = config.PROJECT_ROOT / "static"
DEFAULT_STATIC_URL = "/app/static"

SEA_COLOUR = "#dcE8f2"


class OfflineAssetMissing(RuntimeError):
    """A map element needs a script or style that is not installed locally."""


def static_files_missing(static_dir: Path = STATIC_DIR) -> list[str]:
    """Asset files that the set-up script should have installed but are absent."""
    return [rel for rel in LOCAL_ASSETS.values() if not (static_dir / rel).is_file()]


def _walk(element):
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize_assets(fmap: folium.Map, static_url: str = DEFAULT_STATIC_URL) -> folium.Map:
    """Point every script/style link of the map's elements at the local copies.

    Idempotent and per map: it sets instance attributes, never folium's class-level lists.
    """
    base = static_url.rstrip("/")
    for element in _walk(fmap):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            local = []
            for name, url in links:
                if name in DROPPED_ASSETS:
                    continue
                if url.startswith(base + "/"):
                    local.append((name, url))
                elif name in LOCAL_ASSETS:
                    local.append((name, f"{base}/{LOCAL_ASSETS[name]}"))
                else:
                    raise OfflineAssetMissing(f"{type(element).__name__} needs '{name}' ({url}), "
                                              "which is not installed in static/")
            setattr(element, attr, local)
    return fmap


class _Attribution(MacroElement):
    """Adds credits to Leaflet's attribution control (text must already be HTML-escaped)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.attributionControl.setPrefix(false);"
        "{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text_json }});"
        "{% endmacro %}"
    )

    def __init__(self, escaped_html: str):
        super().__init__()
        import json

        self._name = "Attribution"
        self.text_json = json.dumps(escaped_html)


class _IconPath(MacroElement):
    """Tell Leaflet where its marker images are (its own guess from the CSS URL is wrong here)."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path_json }};{% endmacro %}"
    )

    def __init__(self, static_url: str):
        super().__init__()
        import json

        self._name = "IconPath"
        self.path_json = json.dumps(static_url.rstrip("/") + "/vendor/leaflet/images/")


class _FitWindow(MacroElement):
    """Phones and small windows: a map taller than the browser window less a strip (to scroll the page past
    it, since a finger on the map moves the map) is shortened to fit, before it is fitted to its bounds, and
    again when the window turns. Only inside the dashboard's frame; a map saved as a file is left alone."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function (map) {"
        " var frame = null; try { frame = window.frameElement; } catch (e) {}"
        " if (!frame || !window.parent) return;"
        " var box = map.getContainer(), full = box.offsetHeight;"
        " function fit() {"
        "  var h = Math.min(full, Math.max(300, window.parent.innerHeight - 96));"
        "  if (box.offsetHeight !== h) { box.style.height = h + 'px'; frame.style.maxHeight = h + 'px';"
        "   map.invalidateSize(); }"
        " }"
        " fit(); window.addEventListener('resize', fit);"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "FitWindow"


class _MetricScale(MacroElement):
    """Scale bar in kilometres only."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false, position: 'bottomleft'}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "MetricScale"


class _BoxScript(MacroElement):
    """A map script about a box (minx, miny, maxx, maxy) in degrees, kept as ``w``, ``s``, ``e``, ``n``
    (rounded to 4 decimals, ~10 m) for its template."""

    def __init__(self, name: str, box: tuple[float, float, float, float]):
        super().__init__()
        self._name = name
        self.w, self.s, self.e, self.n = (round(float(v), 4) for v in box)


class _LockToBounds(_BoxScript):
    """Keep the view inside ``clip`` (the box the neighbouring countries are drawn in): no panning out of
    it, and no zooming out so far that the window shows more than it (beyond it, land would read as sea).
    The lowest zoom is recomputed when the map is resized (a phone turned, a wider window)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(){var m={{ this._parent.get_name() }};"
        "var b=L.latLngBounds([[{{ this.s }},{{ this.w }}],[{{ this.n }},{{ this.e }}]]);"
        "m.setMaxBounds(b);m.options.maxBoundsViscosity=1.0;"
        # the lowest zoom is set without Leaflet's immediate clamp: a zoom may still be animating (getZoom()
        # then returns the zoom it started from); it clamps only a view that is really wider than the box
        "function lock(){if(m._animatingZoom){m.once('zoomend',lock);return;}"
        "var z=Math.max(m.getBoundsZoom(b,true),{{ this.floor }});m.options.minZoom=z;m.fire('zoomlevelschange');"
        "if(m.getZoom()<z){m.setZoom(z);}}"
        "m.whenReady(function(){setTimeout(lock,700);});m.on('resize',lock);})();"
        "{% endmacro %}"
    )

    def __init__(self, clip: tuple[float, float, float, float], floor: float):
        super().__init__("LockToBounds", clip)
        self.floor = float(floor)


class _FocusFirst(MacroElement):
    """Focus the map as the pointer goes down, before the browser does it itself: the browser's own focus
    on the first press inside the map's frame swallowed the first click (no popup opened on the first click
    on a gate after the page loaded; checked in chromium)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(){var m={{ this._parent.get_name() }};"
        "document.addEventListener('pointerdown',function(){var c=m.getContainer();"
        "if(document.activeElement!==c){c.focus({preventScroll:true});}},true);})();"
        "{% endmacro %}"
    )

    def __init__(self):
        super().__init__()
        self._name = "FocusFirst"


class _FlowLabelsAtTheEdge(_BoxScript):
    """A flow leaving the view ends at the edge of the view's frame with its destination ("Trung Quốc",
    "Lào"). Zoomed out well beyond that frame, the edge lies inside the map, where the destination's name
    would sit on Vietnamese land: the labels are hidden then (the class ``tdn-wide`` on the map's container),
    and shown again when the view comes back to about the frame. "Well beyond": wider and taller than the
    frame by ``slack`` (the fitted view matches the frame in one direction and may be wider in the other)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(){var m={{ this._parent.get_name() }};"
        "var f=L.latLngBounds([[{{ this.s }},{{ this.w }}],[{{ this.n }},{{ this.e }}]]);"
        "function check(){var v=m.getBounds();"
        "var wide=(v.getEast()-v.getWest())>{{ this.slack }}*(f.getEast()-f.getWest())"
        "&&(v.getNorth()-v.getSouth())>{{ this.slack }}*(f.getNorth()-f.getSouth());"
        "m.getContainer().classList.toggle('tdn-wide',wide);}"
        "m.whenReady(check);m.on('zoomend moveend resize',check);})();"
        "{% endmacro %}"
    )

    def __init__(self, frame: tuple[float, float, float, float], slack: float):
        super().__init__("FlowLabelsAtTheEdge", frame)
        self.slack = float(slack)


def flow_labels_at_the_edge(fmap: folium.Map, frame: tuple[float, float, float, float], slack: float = 1.5) -> None:
    """See :class:`_FlowLabelsAtTheEdge`; ``frame`` is (minx, miny, maxx, maxy) in degrees, the box the flows
    were cut to; the labels hide once the view is ``slack`` times wider and taller than it."""
    fmap.add_child(_FlowLabelsAtTheEdge(frame, slack))


def lock_to_bounds(fmap: folium.Map, clip: tuple[float, float, float, float], floor: float = 4) -> None:
    """See :class:`_LockToBounds`; ``clip`` is (minx, miny, maxx, maxy) in degrees."""
    fmap.add_child(_LockToBounds(clip, floor))


def panel_html(inner_html: str, position: str | None = None, toggle: str | None = None, small: bool = False) -> str:
    """A map panel's HTML (``inner_html`` already escaped). With a ``toggle`` label the panel collapses to a
    button of that label on narrow screens (phones, tablets in portrait, short maps: see ``BASE_CSS``); the
    title panel (``topleft``) shrinks there to one line that opens on a tap. Wide screens show every panel open.
    No script file: the toggles are inline attributes, so the map stays offline and self-contained."""
    classes = ["tdn-panel"] + ([f"tdn-{position}"] if position else []) + (["tdn-small"] if small else [])
    if toggle is None:
        if position == "topleft":
            return (f'<div class="{" ".join(classes)} tdn-title" role="button" tabindex="0" '
                    f'onclick="this.classList.toggle(\'tdn-open\')">{inner_html}</div>')
        return f'<div class="{" ".join(classes)}">{inner_html}</div>'
    return (f'<div class="{" ".join(classes)} tdn-collapsible"><button type="button" class="tdn-toggle" '
            f'aria-expanded="false" onclick="var o=this.parentNode.classList.toggle(\'tdn-open\');'
            f'this.setAttribute(\'aria-expanded\',o)">{html.escape(toggle)}</button>'
            f'<div class="tdn-body">{inner_html}</div></div>')


class MapPanel(MacroElement):
    """A fixed HTML box on the map (title, legend). ``inner_html`` must be built from escaped text; see
    :func:`panel_html` for ``toggle``. Legends go in the dock (:func:`add_to_dock`), so they never overlap."""

    _template = Template("{% macro html(this, kwargs) %}{{ this.markup }}{% endmacro %}")

    def __init__(self, inner_html: str, position: str = "bottomleft", toggle: str | None = None):
        super().__init__()
        self._name = "MapPanel"
        self.inner_html = inner_html
        self.position = position
        self.markup = panel_html(inner_html, position, toggle)


class MapDock(MacroElement):
    """The column of panels at the map's top right (legends, reference layers), one under the other; on narrow
    screens a column of buttons under the title, each opening its panel."""

    _template = Template('{% macro html(this, kwargs) %}<div class="tdn-dock">{{ this.panels|join("") }}</div>'
                         "{% endmacro %}")

    def __init__(self):
        super().__init__()
        self._name = "MapDock"
        self.panels: list[str] = []


def add_to_dock(fmap: folium.Map, inner_html: str, toggle: str, small: bool = False) -> None:
    """Add a collapsible panel (legend) to the map's dock, created on first use."""
    dock = next((child for child in fmap._children.values() if isinstance(child, MapDock)), None)
    if dock is None:
        dock = MapDock()
        fmap.add_child(dock)
    dock.panels.append(panel_html(inner_html, None, toggle, small))


#: narrow: phones, tablets in portrait (the map's frame is what the media queries see), and short maps
NARROW = "(max-width: 640px), (max-height: 420px)"
BASE_FONT = "'Noto Sans','DejaVu Sans',Arial,sans-serif"
BASE_CSS = f"""
.leaflet-container {{ background: {SEA_COLOUR}; font-family: {BASE_FONT}; }}
.tdn-panel {{ position: absolute; z-index: 640; background: rgba(255,255,255,0.92); padding: 6px 9px;
  border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.3); font: 12px/1.35 {BASE_FONT};
  color: #222; max-width: 46%; box-sizing: border-box; }}
.tdn-topleft {{ top: 10px; left: 54px; }}
.tdn-panel.tdn-topleft {{ max-width: calc(50% - 64px); }}
.tdn-topright {{ top: 10px; right: 10px; }}
.tdn-bottomleft {{ bottom: 34px; left: 10px; }}
.tdn-panel.tdn-topright, .tdn-panel.tdn-small {{ font-size: 11px; }}
.tdn-panel h4 {{ margin: 0 0 2px 0; font-size: 15px; }}
.tdn-panel .sub {{ color: #555; }}
.tdn-dock {{ position: absolute; z-index: 640; top: 10px; right: 10px; max-width: calc(50% - 16px);
  max-height: calc(100% - 46px); overflow-y: auto; display: flex; flex-direction: column; align-items: flex-end;
  gap: 6px; }}
.tdn-dock > .tdn-panel {{ position: static; max-width: none; }}
.tdn-toggle {{ display: none; }}
.tdn-legend-row {{ display: flex; align-items: center; gap: 6px; margin: 2px 0; }}
.tdn-swatch {{ width: 18px; height: 12px; border: 1px solid #999; flex: none; }}
.tdn-line {{ width: 22px; height: 0; border-top-style: solid; flex: none; }}
.tdn-label {{ font: 600 12px/1.2 {BASE_FONT}; color: #333; text-align: center;
  white-space: pre; pointer-events: none;
  /* a solid white halo: readable on every class colour, the darkest reds included */
  text-shadow: -1px -1px 0 #fff, 1px -1px 0 #fff, -1px 1px 0 #fff, 1px 1px 0 #fff, 0 -1px 0 #fff, 0 1px 0 #fff,
    -1px 0 0 #fff, 1px 0 0 #fff, 0 0 4px #fff; }}
.tdn-label.sea {{ color: #3f6f96; font-style: italic; font-size: 15px; letter-spacing: 2px; }}
.tdn-label.islands {{ color: #0d47a1; font-size: 11px; }}
.tdn-label.unit {{ color: #1a1a1a; font-weight: 600; font-size: 11px; }}
.tdn-label.province {{ color: #444; font-size: 12px; }}
.tdn-label.country {{ color: #777; font-size: 13px; letter-spacing: 1px; text-transform: uppercase; }}
.tdn-label.flow {{ font-size: 12px; font-weight: 700; }}
.tdn-wide .tdn-label.flow {{ visibility: hidden; }}
.leaflet-container .leaflet-control-attribution {{ font-size: 10px; line-height: 1.3; max-width: 60%;
  background: rgba(255,255,255,0.85); }}
.leaflet-tooltip {{ font: 12px/1.35 {BASE_FONT}; }}
@media {NARROW} {{
  .tdn-panel.tdn-title {{ max-width: calc(100% - 64px); padding: 4px 8px; cursor: pointer; }}
  .tdn-panel.tdn-title h4 {{ font-size: 13px; margin: 0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }}
  .tdn-panel.tdn-title .sub {{ display: none; }}
  .tdn-panel.tdn-title.tdn-open h4 {{ white-space: normal; }}
  .tdn-panel.tdn-title.tdn-open .sub {{ display: block; }}
  .tdn-dock {{ top: 46px; max-width: calc(100% - 64px); max-height: calc(100% - 84px); }}
  .tdn-dock > .tdn-collapsible {{ padding: 0; background: none; box-shadow: none; }}
  .tdn-toggle {{ display: block; margin-left: auto; min-height: 36px; padding: 6px 12px; border: 1px solid #b0b0b0;
    border-radius: 18px; background: #fff; color: #0d47a1; font: 600 13px/1.2 {BASE_FONT};
    box-shadow: 0 1px 4px rgba(0,0,0,0.3); cursor: pointer; touch-action: manipulation; }}
  .tdn-toggle::before {{ content: "\\25B8  "; }}
  .tdn-open > .tdn-toggle::before {{ content: "\\25BE  "; }}
  .tdn-collapsible > .tdn-body {{ display: none; }}
  .tdn-collapsible.tdn-open > .tdn-body {{ display: block; margin-top: 4px; padding: 6px 9px; border-radius: 4px;
    background: rgba(255,255,255,0.95); box-shadow: 0 1px 4px rgba(0,0,0,0.3); }}
  .leaflet-tooltip {{ white-space: normal; max-width: min(300px, calc(100vw - 24px)); }}
  .leaflet-popup-content {{ max-width: calc(100vw - 72px); overflow-wrap: anywhere; }}
  .leaflet-container .leaflet-control-attribution {{ font-size: 9px; max-width: 78%; }}
}}
"""


_BASE_STYLE = Element(f"<style>{BASE_CSS}</style>")


def new_map(bounds: list[list[float]], attribution_html: str, static_url: str = DEFAULT_STATIC_URL,
            min_zoom: int = 4, max_zoom: int = 13) -> folium.Map:
    """An empty offline map fitted to ``bounds`` ([[south, west], [north, east]], degrees).

    No tiles unless :func:`geo.config.tile_url` is set; the sea is the map background.
    """
    fmap = folium.Map(location=[(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2],
                      zoom_start=6, tiles=None, control_scale=False, min_zoom=min_zoom, max_zoom=max_zoom,
                      prefer_canvas=False, zoom_snap=0.25, zoom_delta=0.5)
    fmap.add_child(_IconPath(static_url))
    fmap.add_child(_FitWindow())  # before fit_bounds: the bounds are fitted to the size the map will have
    tile = config.tile_url()
    if tile:
        folium.TileLayer(tiles=tile, attr=html.escape(config.tile_attribution()), name="tiles",
                         opacity=0.6).add_to(fmap)
    fit = folium.map.FitBounds(bounds, padding_top_left=(10, 56), padding_bottom_right=(10, 10))
    # at once, not as a zoom from zoom_start: an animated first fit drew every unit twice (at zoom_start, and
    # again when the 250 ms zoom ended) and moved the scale bar after the map looked drawn
    fit.options["animate"] = False
    fmap.add_child(fit)
    fmap.add_child(_MetricScale())
    fmap.add_child(_FocusFirst())
    fmap.get_root().header.add_child(_BASE_STYLE, name="tdn_css")
    fmap.add_child(_Attribution(attribution_html))
    return fmap


#: scripts (and styles) folium's Map lists for every map, needed only by some elements: jQuery for
#: popups (folium's Popup builds its content with ``$()``), awesome-markers for ``folium.Icon`` markers
_ONLY_FOR = {"jquery": (folium.Popup,), "awesome_markers": (folium.Icon,), "awesome_markers_css": (folium.Icon,),
             "awesome_markers_font_css": (folium.Icon,)}


def drop_unused_assets(fmap: folium.Map) -> folium.Map:
    """Leave out of the map's own links the scripts and styles that no element of this map uses.

    The map frame loads its scripts one after the other before it draws, so each unneeded one costs a round
    trip on every view (a choropleth has no popup and no awesome marker). Per map, like ``localize_assets``."""
    kinds = {type(e) for e in _walk(fmap)}
    unused = {name for name, needed_by in _ONLY_FOR.items() if not any(issubclass(k, needed_by) for k in kinds)}
    if unused:
        for attr in ("default_js", "default_css"):
            links = getattr(fmap, attr, None)
            if links:
                setattr(fmap, attr, [(name, url) for name, url in links if name not in unused])
    return fmap


def finish_map(fmap: folium.Map, static_url: str = DEFAULT_STATIC_URL) -> folium.Map:
    """Last step before rendering: local assets only, and only those the map's elements use."""
    return drop_unused_assets(localize_assets(fmap, static_url))
