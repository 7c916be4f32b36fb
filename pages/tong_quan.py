"""Overview: choropleth of the chosen metric by district (or 2025 province), KPI cards, published figures.

Everything shown comes from the page's view model (``ui.view_model``): the map, the key figures, the
table and its downloads, and the briefing export are renderers of the same protected figures.
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t
from geo.i18n.escape import md
from geo.render.maps import MapView
from geo.views.filters import RATE_SUFFIX

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "province", "district", "period", "form", "group", "metric", "method"))
layer_choice = ui.map_layer_choice() if f.era == "pre2025" else "metric"
extra = {"layer": layer_choice} if layer_choice != "metric" else {}
ui.briefing_panel("tong-quan", extra)
st.title(t("page_overview", lg))
ui.demo_notice()

model = ui.view_model("tong-quan", **extra)
if isinstance(model, str):
    st.info(f"{t('no_data_for_filters', lg)} ({md(model)})")
else:
    ui.kpi_cards(model)
    if layer_choice == "gi":
        st.caption(t("gi_note", lg))

    @st.fragment
    def draw(model) -> None:
        view = MapView(era=f.era, province=f.province or None, lang=lg, highlight=f.district or None)
        ui.draw_model_map(model, view, key="overview")

    draw(model)
    if f.metric.endswith(RATE_SUFFIX):
        st.caption(t("population_note", lg))
    for number, table in enumerate(model.all_tables()):
        ui.show_table(model, table, key=f"overview_{number}")

ui.credits(f.era)
