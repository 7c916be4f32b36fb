"""Map layers the browser fetches once, instead of receiving them inside every map.

The context under a map's units (neighbouring countries, the other provinces around a province) is the
same for every period, metric and filter of a view, and it is most of the map's bytes: about 0.8 MB of
the 1.1 MB a province view sent over Streamlit's websocket (geometry in EPSG:4326 degrees). Such a layer
is written once as a GeoJSON file named by its content (``<cache>/web/<sha1>.json``, in the git-ignored
cache folder, ``data/cache/`` by default, where the service may write), served by ``server.py`` at
``/map-layers/<name>`` behind the sign-in gate, and the map's script fetches it from there: the browser
keeps it (private, immutable: the name changes with the content), every later view and filter change
sends only the units.

These layers are drawn in a pane of their own under Leaflet's overlay pane (``tdn-context``, z-index
350), so they stay under the units whenever the file arrives. When the folder cannot be written, the
layer is sent inside the map as before (:func:`fetched_layer` returns the inline layer).

The map's own script (the Leaflet code folium writes: the units with their colours and tooltips, the
lines, the markers; about 1 MB for the national map) goes the same way (:func:`published_script`,
``<sha1>.js``): the web map's component is handed its address instead of its text, so Streamlit's
websocket carries a few kilobytes per view instead of the whole map, and a browser that has drawn the
map once takes it from its cache. Nothing in these files is a figure that the page does not already
show to the same signed-in user; the files are served to signed-in users only.

A map's script changes with its filters and with every import, so scripts pile up: a script that no map
has used for :data:`KEEP_DAYS` days is deleted (:func:`prune`, at most once an hour per process, when a file is
written). A map in use keeps its file: the glue calls :func:`keep` on every view, which touches the file at
most once an hour and writes it again if it is gone.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from pathlib import Path

from branca.element import MacroElement
from jinja2 import Template

from geo.render.layers import PolygonLayer

PANE = "tdnContext"
PANE_Z_INDEX = 350  # Leaflet: tiles 200, overlays 400
URL_PATH = "/map-layers/"  # served by server.py (behind the sign-in gate)
CACHE_CONTROL = "private, max-age=31536000, immutable"  # content-named: kept by the browser, never by a proxy
KEEP_DAYS = 7  # a file no map used for this long is deleted (prune)
_NAME = re.compile(r"^[0-9a-f]{24}\.(json|js)$")
MEDIA_TYPES = {"json": "application/json", "js": "text/javascript; charset=utf-8"}


def folder() -> Path:
    """Where the files are written: ``<cache>/web`` (``TDN_CACHE_DIR``, default ``data/cache``)."""
    from geo import config

    return config.cache_dir() / "web"


def layer_file(name: str) -> Path | None:
    """The file of a layer named ``name`` (as in its URL), or None for any other name or a missing file."""
    if not _NAME.match(name or ""):
        return None
    path = folder() / name
    return path if path.is_file() else None


class FetchedLayer(MacroElement):
    """A non-interactive polygon layer whose GeoJSON the browser fetches from ``url``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(map){"
        "if(!map.getPane({{ this.pane_json }})){var p=map.createPane({{ this.pane_json }});"
        "p.style.zIndex={{ this.z_index }};p.style.pointerEvents='none';}"
        "var styles={{ this.styles_json }},column={{ this.column_json }},fallback={{ this.default_json }};"
        "var layer=L.geoJSON(null,{pane:{{ this.pane_json }},interactive:false,smoothFactor:0.5,"
        "style:function(f){var k=column?f.properties[column]:null;return styles[k]||styles[fallback];}}).addTo(map);"
        "fetch({{ this.url_json }},{credentials:'same-origin'})"
        ".then(function(r){if(!r.ok){throw new Error('HTTP '+r.status);}return r.json();})"
        ".then(function(d){layer.addData(d);})"
        ".catch(function(e){console.error('map layer {{ this.layer_name }} not loaded: '+e);});"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, layer: PolygonLayer, url: str):
        super().__init__()
        self._name = "FetchedLayer"
        self.layer_name = "".join(c for c in layer.name if c.isalnum() or c == "_")
        self.pane_json = json.dumps(PANE)
        self.z_index = PANE_Z_INDEX
        self.styles_json = json.dumps({k: v.leaflet() for k, v in layer.styles.items()})
        self.column_json = json.dumps(layer.style_column)
        self.default_json = json.dumps(next(iter(layer.styles)))
        self.url_json = json.dumps(url)
        self.feature_count = len(layer.feature_collection()["features"])


def media_type(name: str) -> str:
    """The ``Content-Type`` of a file named by :func:`publish` or :func:`published_script`."""
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


def publish(data: dict, where: Path) -> str | None:
    """Write ``data`` as ``<where>/<sha1 of its text>.json`` (once; atomic, so several processes may race)
    and return the file's name, or None when the folder cannot be written."""
    return _publish_bytes(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), "json",
                          where)


def published_script(script: str, where: Path | None = None) -> str | None:
    """The address (``/map-layers/<sha1>.js``) of a map's script, written once into :func:`folder` (or
    ``where``), or None when the folder cannot be written (the caller then sends the script itself)."""
    name = _publish_bytes(script.encode("utf-8"), "js", folder() if where is None else where)
    return None if name is None else URL_PATH + name


def keep(url: str, script: str, last_kept: float = 0.0, where: Path | None = None) -> float:
    """Keep the script file at ``url`` (from :func:`published_script` of ``script``) for a map still in use:
    touch it (so :func:`prune` leaves it), or write it again if it was deleted, when ``last_kept`` (the time
    this returned last, seconds since the epoch) is over an hour ago; returns the time to pass next."""
    now = time.time()
    if now - last_kept < 3600:
        return last_kept
    where = folder() if where is None else where
    path = where / url.removeprefix(URL_PATH)
    try:
        os.utime(path)
    except OSError:
        _publish_bytes(script.encode("utf-8"), "js", where)
    return now


_LAST_PRUNE: dict[str, float] = {}


def prune(where: Path | None = None, keep_days: float = KEEP_DAYS, now: float | None = None) -> int:
    """Delete the map scripts in ``where`` (default :func:`folder`) that no map used for ``keep_days`` days
    (by modification time, which :func:`keep` and a new write refresh); returns how many were deleted. The
    context layers stay: there are few of them (one per view and boundary version) and cached scripts name
    them."""
    where = folder() if where is None else where
    limit = (time.time() if now is None else now) - keep_days * 86400
    gone = 0
    try:
        entries = list(os.scandir(where))
    except OSError:
        return 0
    for entry in entries:
        if not ((_NAME.match(entry.name) and entry.name.endswith(".js")) or entry.name.endswith(".part")):
            continue
        try:
            if entry.stat().st_mtime < limit:
                os.unlink(entry.path)
                gone += 1
        except OSError:  # another process pruned it first
            continue
    return gone


def _publish_bytes(text: bytes, suffix: str, where: Path) -> str | None:
    name = hashlib.sha1(text).hexdigest()[:24] + "." + suffix
    path = where / name
    if time.time() - _LAST_PRUNE.get(str(where), 0.0) > 3600:
        _LAST_PRUNE[str(where)] = time.time()
        prune(where)
    if path.is_file():
        try:
            os.utime(path)  # used again: prune keeps it
        except OSError:
            pass
        return name
    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, suffix=".part")
        with os.fdopen(fd, "wb") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError:
        return None
    return name


_PUBLISHED: dict[tuple, str | None] = {}


def fetched_layer(cache_key: tuple, layer: PolygonLayer, where: Path | None = None):
    """``layer`` as a :class:`FetchedLayer` (its file written once per ``cache_key`` and process, into
    :func:`folder` unless ``where`` is given), or the layer itself, to be sent inside the map, when its file
    cannot be written."""
    where = folder() if where is None else where
    key = cache_key + (str(where),)
    if key not in _PUBLISHED or (_PUBLISHED[key] and not (where / _PUBLISHED[key]).is_file()):
        if len(_PUBLISHED) > 512:
            _PUBLISHED.clear()
        _PUBLISHED[key] = publish(layer.feature_collection(), where)
    name = _PUBLISHED[key]
    if name is None:
        return layer
    return FetchedLayer(layer, URL_PATH + name)
