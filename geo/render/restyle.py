"""Changing a map's colours in place, instead of sending and drawing a new map.

A filter change that keeps the map's geometry (another period, form or victim group of the same metric,
place and layers) changes only the units' classes, their tooltip figures, the title and the legend. The
web map (``ui.show_prepared_map``) keeps its frame for such a change and hands it a :class:`Restyle`:
the map's frame (``frontend/map_frame``, as streamlit-folium's did) evaluates its ``feature_group``
argument whenever it changes, so the argument is a call of ``window.tdnRestyle`` with the new styles, texts
and panels (built here from escaped text). The first drawing of a map applies the same call to the same values; a map whose geometry
differs (province, era, metric, language, reference layers, the chosen district) is a new frame, as before.

:attr:`Restyle.identity` (built in ``geo.render.maps.admin_map``) must name every part of the map that the
call does not rewrite: a part added to ``admin_map`` that depends on the filters goes into the identity, or a
filter change would keep a frame that shows the old part.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from branca.element import MacroElement
from jinja2 import Template

#: defined once per frame, with the units layer it restyles (``tdnUnits``); see the module doc
RESTYLE_JS = (
    "window.tdnRestyle=function(d){var g=window.tdnUnits;if(!g){return;}"
    "var units=d.units,styles=d.styles,code=function(f){return f.properties.code;};"
    "g.options.style=function(f){var u=units[code(f)];return styles[u?u[0]:d.fallback]||styles[d.fallback];};"
    "g.eachLayer(function(l){var u=units[code(l.feature)];"
    "if(u){l.feature.properties.style_key=u[0];l.feature.properties.value_text=u[1];}g.resetStyle(l);});"
    "var t=document.querySelector('.tdn-title');if(t&&d.title!==null){t.innerHTML=d.title;}"
    "var b=document.querySelector('.tdn-legend-main');if(b&&d.legend!==null){b.innerHTML=d.legend;}};"
)


class RegisterUnits(MacroElement):
    """Names the units layer for :data:`RESTYLE_JS` and defines ``window.tdnRestyle`` in the map's frame."""

    _template = Template(
        "{% macro script(this, kwargs) %}window.tdnUnits={{ this.layer_name }};" + RESTYLE_JS + "{% endmacro %}"
    )

    def __init__(self, layer_name: str):
        super().__init__()
        self._name = "RegisterUnits"
        self.layer_name = layer_name


@dataclass(frozen=True)
class Restyle:
    """What a filter change alters on a map whose geometry stays: per unit code its style key and tooltip
    figure, the Leaflet styles of those keys, the title panel and the choropleth legend (escaped HTML)."""

    identity: str  # the map's geometry and fixed parts: equal identities may be restyled into each other
    units: dict  # code -> [style key, value text (escaped)]
    styles: dict  # style key -> Leaflet style
    fallback: str  # style key of a unit not listed
    title_html: str
    legend_html: str

    def script(self) -> str:
        """The call the map's frame evaluates (``</`` escaped for the HTML around it)."""
        data = {"units": self.units, "styles": self.styles, "fallback": self.fallback,
                "title": self.title_html, "legend": self.legend_html}
        return "window.tdnRestyle(" + json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") + ");"
