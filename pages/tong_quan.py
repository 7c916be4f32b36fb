"""Overview: choropleth of the chosen metric by district (or 2025 province), KPI cards, published figures."""
from __future__ import annotations

import streamlit as st

import ui
from geo.data import facts
from geo.views.filters import RATE_SUFFIX, metric_label, period_words
from geo.i18n import t
from geo.render.maps import MapView
from geo.stats.metrics import kpis, unit_values

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "province", "district", "period", "form", "group", "metric", "method"))
layer_choice = ui.map_layer_choice() if f.era == "pre2025" else "metric"
ui.briefing_panel("tong-quan", {"layer": layer_choice} if layer_choice != "metric" else None)
st.title(t("page_overview", lg))
ui.demo_notice()

values = unit_values(f)
cards, any_demo = kpis(f)
columns = st.columns(len(cards))
for column, kpi in zip(columns, cards):
    delta = None if kpi.change_pct is None else f"{kpi.change_pct:+.0f}% {t('vs_previous', lg)}"
    column.metric(t(f"kpi_{kpi.key}", lg), f"{kpi.current:,.0f}".replace(",", "." if lg == "vi" else ","), delta,
                  delta_color="inverse" if kpi.key != "victims_rescued" else "normal")

label = metric_label(f.metric, lg)
place = ui.place_words(f)
subtitle = " · ".join(x for x in (period_words(f.period, lg), ui.filter_words(f)) if x)




@st.fragment
def draw(f, values) -> None:
    view = MapView(era=f.era, province=f.province or None, lang=lg, highlight=f.district or None)
    ui.draw_metric_map(view, f, values, layer_choice, place, subtitle, key="overview")


draw(f, values)
if f.metric.endswith(RATE_SUFFIX):
    st.caption(t("population_note", lg))
if not values.unplaced.empty:
    st.caption(f"{int(values.unplaced['n_rows'].sum())} {t('unplaced_rows', lg)}")

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
