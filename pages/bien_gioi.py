"""Borders & routes: the commander's view of a land border or a border province.

The border line drawn boldly, border districts outlined and shaded by the metric, border gates by
type, key routes with their direction, named hotspots, each with its source; a table of the border
districts with their figures and distance to the border.
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.admin.borders import BORDERS
from geo.views.filters import metric_label, period_words
from geo.i18n import t
from geo.render.maps import MapView, border_units_table
from geo.stats.metrics import unit_values
from geo.render.reference_layers import KINDS

lg = ui.lang()
ui.require_boundaries()
f = ui.filter_panel(("era", "border", "province", "period", "form", "group", "metric", "method"))
layer_choice = ui.map_layer_choice() if f.era == "pre2025" else "metric"
ui.briefing_panel("bien-gioi", {"layer": layer_choice} if layer_choice != "metric" else None)
st.title(t("page_borders", lg))
ui.demo_notice()

border = None if f.province else f.border
view = MapView(era=f.era, province=f.province or None, lang=lg, reference=KINDS, border=border,
               highlight=f.district or None)
values = unit_values(f)
label = metric_label(f.metric, lg)
where = ui.place_words(f) if f.province else (t("all_borders", lg) if f.border == "all"
                                              else BORDERS[f.border].label(lg))
subtitle = " · ".join(x for x in (period_words(f.period, lg), ui.filter_words(f)) if x)




@st.fragment
def draw(view, f, values) -> None:
    ui.draw_metric_map(view, f, values, layer_choice, where, subtitle, key="borders", height=760)


draw(view, f, values)

table = border_units_table(MapView(era=f.era, province=f.province or None, lang=lg),
                           None if f.border == "all" else f.border)
if table.empty:
    st.info(t("no_border", lg))
else:
    figures = values.frame.set_index("code")[["cases", "victims", "victims_rescued", "suspects_arrested"]]
    table = table.join(figures, on="code")
    keys = [k for k in BORDERS if (f.border in ("all", k)) and table[f"shared_km_{k}"].gt(0).any()]
    columns = {"unit_name": t("district" if f.era == "pre2025" else "commune", lg), "prov_name": t("province_col", lg)}
    for k in keys:
        name = BORDERS[k].name_vi if lg == "vi" else BORDERS[k].name_en
        columns[f"shared_km_{k}"] = f"{name}: {t('shared_km', lg)}"
    for metric in ("cases", "victims", "victims_rescued", "suspects_arrested"):
        columns[metric] = t(f"kpi_{metric}", lg)
    shown = table[list(columns)].rename(columns=columns)
    st.subheader(f"{t('border_districts' if f.era == 'pre2025' else 'border_communes', lg)} ({len(shown)})")
    st.dataframe(shown, hide_index=True, width="stretch",
                 column_config={c: st.column_config.NumberColumn(format="%.1f") for c in shown.columns
                                if "km" in c})
ui.credits(f.era)
