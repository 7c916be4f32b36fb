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
layer_choice = ui.map_layer_choice()
extra = {"layer": layer_choice} if layer_choice != "metric" else {}
ui.briefing_panel("bien-gioi", extra)
st.title(t("page_borders", lg))
ui.demo_notice()

if f.province:  # a province and a border that do not match: say so, and offer the province's own border(s)
    from geo.admin.borders import BORDERS
    from geo.views.mapspec import province_borders, province_name

    own = province_borders(f.era, f.province)
    place = province_name(f.era, f.province, lg)
    if not own:
        st.info(t("province_no_border_short", lg).format(place=place))
        st.stop()
    elif f.border not in (None, "", "all") and f.border not in own:
        st.warning(t("border_mismatch", lg).format(
            place=place, border=BORDERS[f.border].label(lg), own=", ".join(BORDERS[b].label(lg) for b in own)))
        columns = st.columns(len(own) + 1)
        for column, key in zip(columns, own):
            if column.button(t("show_border", lg).format(border=BORDERS[key].label(lg)), key=f"own_border_{key}"):
                ui.set_filters(border=key)
                st.rerun()
        if columns[-1].button(t("show_province_borders", lg).format(place=place), key="own_border_all"):
            ui.set_filters(border="all")
            st.rerun()
        st.stop()

model = ui.view_model("bien-gioi", **extra)
if isinstance(model, str):
    st.info(md(model))
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
