"""Administrative & border map: national district map with the land borders, zoom to a province.

The border table and its downloads come from the page's view model (``ui.view_model``), as the export does.
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t
from geo.i18n.escape import md
from geo.render.maps import MapView, admin_map

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "province"))
era, province = f.era, f.province or None
reference = ui.reference_filter()
ui.briefing_panel("ban-do")
view = MapView(era=era, province=province, lang=lg, reference=reference)

st.title(t("page_map", lg))
st.caption(t("map_hint", lg))


@st.fragment
def draw_map(view: MapView) -> None:
    try:
        ui.show_prepared_map(f"admin|{view}", lambda: admin_map(view), key="admin_map")
    except Exception as exc:  # a layer that fails to load must not take the page down
        st.error(f"{t('layer_error', view.lang)}: {md(exc)}")


draw_map(view)

model = ui.view_model("ban-do")
if not isinstance(model, str):
    table = model.all_tables()[0]
    if len(table.frame) and province:  # the border units of the province, then their total
        unit = t("border_districts" if era == "pre2025" else "border_communes", lg)
        st.subheader(f"{unit} ({len(table.frame) - 1})")
        ui.show_table(model, table, key="admin_borders", title=False)
    elif len(table.frame):  # the whole country: one line per border, then every unit on a border
        for number, each in enumerate(model.all_tables()):
            ui.show_table(model, each, key=f"admin_{number}")
ui.credits(era)
