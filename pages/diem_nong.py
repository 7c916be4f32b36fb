"""Hotspot analytics: statistical hotspots (Gi*), changes against the previous period, route
corridors, and named hotspots compared with computed ones — each explained in plain words."""
from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from geo.stats import change, corridors, hotspots, named_vs_computed
from geo.data import store
from geo.views.analysis_layers import analysis_metric, change_layer, gi_layer
from geo.views.filters import metric_label, period_words
from geo.i18n import t, translator
from geo.render.maps import MapView, admin_map
from geo.stats.metrics import case_filter

TEXT = {
    "title": ("Phân tích điểm nóng", "Hotspot analytics"),
    "view": ("Bản đồ", "Map"),
    "view_gi": ("Điểm nóng thống kê (Gi*)", "Statistical hotspots (Gi*)"),
    "view_change": ("Thay đổi so với kỳ trước", "Change vs previous period"),
    "need_period": ("Chọn một kỳ ở thanh bên để so sánh với kỳ trước.",
                    "Choose a period in the sidebar to compare with the previous one."),
    "what": ("Điểm nóng thống kê nghĩa là gì — và không nghĩa là gì", "What statistical hotspots mean — and do not"),
    "ranked_hot": ("Các huyện là điểm nóng thống kê", "Districts that are statistical hotspots"),
    "ranked_change": ("Xếp hạng thay đổi", "Ranked changes"),
    "corridors": ("Hành lang tuyến trọng điểm", "Key route corridors"),
    "corridor_km": ("Khoảng cách tới tuyến (km)", "Distance from the route (km)"),
    "route": ("Tuyến", "Route"),
    "along": ("Số vụ dọc tuyến, từ điểm đầu tới cửa khẩu (km từ điểm đầu)",
              "Cases along the route, from its origin to the gate (km from the origin)"),
    "named": ("Điểm nóng được nêu tên so với điểm nóng thống kê", "Named hotspots vs computed hotspots"),
    "no_hot": ("Không có huyện nào là điểm nóng thống kê với bộ lọc này.",
               "No district is a statistical hotspot for these filters."),
}




lg = ui.lang()
tr = translator(TEXT, lg)
ui.require_boundaries()
f = ui.filter_panel(("province", "period", "form", "group", "metric"))
if f.era != "pre2025":
    ui.set_filters(era="pre2025", province="", district="")
    st.rerun()
view_choice = st.sidebar.radio(tr("view"), ["gi", "change"], key="hotspot_view",
                               format_func=lambda v: tr(f"view_{v}"))
ui.briefing_panel("diem-nong", {"layer": view_choice})
st.title(tr("title"))
ui.demo_notice()
metric = analysis_metric(f)
st.caption(f"{metric_label(metric, lg)} · {period_words(f.period, lg)} · {t('population_note', lg)}")

view = MapView(era="pre2025", province=f.province or None, lang=lg, highlight=f.district or None)

try:
    layer = gi_layer(f, lg) if view_choice == "gi" else change_layer(f, lg)
except Exception as exc:  # analysis failure must leave the rest of the page usable
    st.error(f"{t('layer_error', lg)}: {exc}")
    layer = None

if view_choice == "change" and layer is None and f.dates() is None:
    st.info(tr("need_period"))
elif layer is not None:
    @st.fragment
    def draw(layer, view, f) -> None:
        result = admin_map(view, choropleth=layer.choropleth, title=f"{layer.choropleth.label} — {ui.place_words(f)}",
                           subtitle=f"{metric_label(metric, lg)} · {period_words(f.period, lg)}")
        ui.select_clicked_unit(ui.show_map(result.fmap, key=f"hotspots_{view_choice}_{hash(f)}"))

    draw(layer, view, f)
    table = layer.table
    if f.province:
        table = table[table["prov_code"] == f.province] if "prov_code" in table else table
    if view_choice == "gi":
        with st.expander(tr("what"), expanded=False):
            st.markdown(hotspots.explanation(lg))
        st.subheader(tr("ranked_hot"))
        hot = hotspots.rank_hotspots(table)
        if hot.empty:
            st.info(tr("no_hot"))
        else:
            label_col = "label_en" if lg == "en" else "label_vi"
            cols = [c for c in ("full_name_vi", "prov_name_vi", label_col, "count", "eb_rate", "p_fdr") if c in hot]
            st.dataframe(hot[cols], hide_index=True, width="stretch")
    else:
        with st.expander(tr("what"), expanded=False):
            st.markdown(change.explanation(lg))
        st.subheader(tr("ranked_change"))
        ranked = change.rank_changes(table)
        label_col = "label_en" if lg == "en" else "label_vi"
        rule_col = "rule_en" if lg == "en" else "rule_vi"
        cols = [c for c in ("full_name_vi", "prov_name_vi", "previous", "current", "pct_change", label_col, rule_col)
                if c in ranked]
        st.dataframe(ranked[ranked["class"] != "too_few"][cols].head(50), hide_index=True, width="stretch")

st.subheader(tr("corridors"))
km = st.slider(tr("corridor_km"), 5, 30, 10, 5, key="corridor_km")
aggregate = store.aggregate_cases(by="district", grain="all", filters=case_filter(f.with_(province=""), f.dates()))
try:
    summary = corridors.corridor_summary(aggregate, km=km, covered="all")
except Exception as exc:
    st.error(f"{t('layer_error', lg)}: {exc}")
    summary = pd.DataFrame()
if not summary.empty:
    nature_col = "nature_en" if lg == "en" else "nature_vi"
    cols = [c for c in ("route_name", nature_col, "n_districts_in", "cases_in", "rate_in", "cases_away", "rate_away",
                        "rate_ratio") if c in summary]
    st.dataframe(summary[cols], hide_index=True, width="stretch")
    with st.expander(t("sources", lg)):
        st.markdown(corridors.explanation(lg))
    routes = summary[summary.get("has_line", True).astype(bool)] if "has_line" in summary else summary
    route_id = st.selectbox(tr("route"), routes["route_id"].tolist(), key="corridor_route",
                            format_func=lambda r: routes.set_index("route_id").loc[r, "route_name"])
    profile = corridors.along_route_profile(route_id, aggregate, km=km, covered="all")
    if profile.empty:
        st.info(t("no_data_for_filters", lg))
    else:
        st.caption(tr("along"))
        # zero-padded km so the bars stay in order along the route
        chart = profile.assign(label=[f"{p:04.0f} km · {n}" for p, n in zip(profile["position_km"], profile["name_vi"])])
        st.bar_chart(chart.set_index("label")["cases"], height=260)

st.subheader(tr("named"))
with st.expander(tr("what")):
    st.markdown(named_vs_computed.explanation(lg))
try:
    gi_table = layer.table if (layer is not None and view_choice == "gi") else gi_layer(f, lg).table
    named = named_vs_computed.named_vs_computed(gi_table)
    status_col = "status_en" if lg == "en" else "status_vi"
    cols = [c for c in ("name", "district_name", "named_period", status_col, "source") if c in named]
    st.dataframe(named[cols], hide_index=True, width="stretch")
except Exception as exc:
    st.error(f"{t('layer_error', lg)}: {exc}")
ui.credits("pre2025")
