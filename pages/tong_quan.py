"""Overview: choropleth of the chosen metric by district (or 2025 province), KPI cards, published figures.

Everything shown comes from the page's view model (``ui.view_model``): the map, the key figures, the
table and its downloads, and the briefing export are renderers of the same protected figures.
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.data import facts
from geo.i18n import t
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
    st.info(f"{t('no_data_for_filters', lg)} ({model})")
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

st.subheader(t("published_figures", lg))
figures = facts.figures()
if f.province:
    from geo.render.maps import province_options

    names = dict(zip(province_options(f.era)["code"], province_options(f.era)["prov_name_vi"]))
    short = names.get(f.province, "").replace("Tỉnh ", "").replace("Thành phố ", "")
    figures = figures[figures["geography"].fillna("").str.contains(short, regex=False) |
                      (figures["scope"] == "national")]
shown = figures[["geography", "period_label", "metric", "value", "unit", "reporting_body", "source"]]
st.dataframe(shown, hide_index=True, width="stretch")
st.caption(facts.CAVEATS["figures"][1 if lg == "en" else 0])
ui.credits(f.era)
