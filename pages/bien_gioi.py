"""Borders & routes: the commander's view of a land border or a border province.

The border line drawn boldly, border districts outlined and shaded by the metric, border gates by
type, key routes with their direction, named hotspots, each with its source; a table of the border
districts with their figures and border length. Map, key figures, table, downloads and the briefing
export all read the page's view model (``ui.view_model``).
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t
from geo.i18n.escape import md
from geo.render.maps import MapView
from geo.render.reference_layers import KINDS

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "border", "province", "period", "form", "group", "metric", "method"))
layer_choice = ui.map_layer_choice() if f.era == "pre2025" else "metric"
extra = {"layer": layer_choice} if layer_choice != "metric" else {}
ui.briefing_panel("bien-gioi", extra)
st.title(t("page_borders", lg))
ui.demo_notice()

model = ui.view_model("bien-gioi", **extra)
if isinstance(model, str):
    st.info(f"{t('no_border', lg)} ({md(model)})")
else:
    ui.kpi_cards(model)
    if layer_choice == "gi":
        st.caption(t("gi_note", lg))
    border = None if f.province else f.border
    view = MapView(era=f.era, province=f.province or None, lang=lg, reference=KINDS, border=border,
                   highlight=f.district or None)

    @st.fragment
    def draw(model, view) -> None:
        ui.draw_model_map(model, view, key="borders", height=760)

    draw(model, view)
    for number, table in enumerate(model.all_tables()):
        ui.show_table(model, table, key=f"borders_{number}")
ui.credits(f.era)
