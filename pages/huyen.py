"""District: one pre-2025 district in detail, picked from a list or by a click on any map.

Every figure of the page comes from its view model (``ui.view_model("huyen", grain=..., cmp=...)``):
key figures, the map, the breakdown by form, the trend by month or quarter, the breakdown by destination
and the side-by-side comparison with up to three other districts, all protected for viewers (cell-key
method: perturbed, then "<5"), as in the export and the downloads. The case rows are shown only to
users allowed to see exact figures (a model with ``access="exact"``: the signed-in user's access, or
every user of a server with ``TDN_EXACT_EXPORTS=1``); a viewer never gets case rows. The district is the shared filter
(``?dist=40417``); the grain and the compared districts are kept in the URL too
(``?grain=quarter&cmp=40415,40418``).
"""
from __future__ import annotations

import unicodedata
from datetime import date

import pandas as pd
import streamlit as st

import ui
from geo.data import store
from geo.stats import suppression
from geo.i18n import t, translator
from geo.i18n.escape import md
from geo.render.maps import MapView
from geo.views.filters import period_words
from geo.views.spec import _display_label

lg = ui.lang()

from geo.i18n.pages import DISTRICT_PAGE as TEXT  # noqa: E402  (strings live in geo/i18n)
tr = translator(TEXT, lg)
GRAINS = ("month", "quarter")
SUMS = ("cases", "victims", "victims_children", "victims_women", "victims_rescued", "suspects_arrested")


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    plain = plain.encode("ascii", "ignore").decode().lower()
    return "-".join("".join(c if c.isalnum() else " " for c in plain).split())


# --- page-local state kept in the session and the URL (like the shared filters) -----------------------------
def _url_state(name: str, param: str, default, parse):
    if name not in st.session_state:
        raw = st.query_params.get(param)
        st.session_state[name] = parse(raw) if raw else default
    return st.session_state[name]


def _write_url(param: str, value: str | None) -> None:
    if not value:
        if param in st.query_params:
            del st.query_params[param]
    elif st.query_params.get(param) != value:
        st.query_params[param] = value


@st.cache_data(show_spinner=False)
def _districts() -> pd.DataFrame:
    """Pre-2025 districts: code, name, province (from the boundary layer)."""
    from geo.admin.cache import load_layer

    frame = load_layer("districts_pre2025", "national")
    out = pd.DataFrame({"code": frame["code"], "name": frame["full_name_vi"], "prov_code": frame["prov_code"],
                        "prov_name": frame["prov_name_vi"]})
    out["label"] = out["name"] + " (" + out["prov_name"].str.replace("Tỉnh ", "").str.replace("Thành phố ", "TP ") + ")"
    return out.sort_values(["prov_name", "name"]).reset_index(drop=True)


def _pick_district() -> None:
    code = st.session_state.get("_huyen_pick") or ""
    if code:
        row = DISTRICTS[DISTRICTS["code"] == code]
        ui.set_filters(district=code, province=str(row["prov_code"].iloc[0]))
    else:
        ui.set_filters(district="")


def _keep(widget: str, name: str) -> None:
    """Copy a page widget's value into session state that outlives the page (and the URL)."""
    st.session_state[name] = st.session_state.get(widget)


def _switch_era() -> None:
    ui.set_filters(era="pre2025", province="", district="")


def _table(model, key: str):
    if isinstance(model, str):
        return None
    return next((tab for tab in model.tables if tab.key == key), None)


# --- page ---------------------------------------------------------------------------------------------------------
ui.require_boundaries()
f = ui.filter_panel(("era", "province", "district", "period", "form", "group", "metric"))
ui.briefing_panel("huyen")
st.title(t("page_district", lg))
ui.demo_notice()

if f.era != "pre2025":
    st.info(tr("era_2025"))
    st.button(tr("era_switch"), on_click=_switch_era, key="huyen_era_switch")
    st.stop()

DISTRICTS = _districts()
choices = DISTRICTS[DISTRICTS["prov_code"] == f.province] if f.province else DISTRICTS
labels = dict(zip(DISTRICTS["code"], DISTRICTS["label"] if not f.province else DISTRICTS["name"]))
options = [""] + choices["code"].tolist()
st.session_state["_huyen_pick"] = f.district if f.district in options else ""
st.selectbox(tr("pick"), options, key="_huyen_pick", on_change=_pick_district,
             format_func=lambda c: tr("pick_placeholder") if not c else labels.get(c, c))

if not f.district:
    st.info(tr("pick_prompt"), icon=":material/touch_app:")

    @st.fragment
    def pick_on_map() -> None:
        from geo.render import maps
        view = MapView(era="pre2025", province=f.province or None, lang=lg)
        try:
            state = ui.show_prepared_map(
                f"huyen_pick|{view}", lambda: maps.admin_map(view, title=f"{tr('pick')} — {ui.place_words(f)}",
                                                             subtitle=tr("layer_map_hint")),
                key="huyen_pick_map", height=560)
        except Exception as exc:  # a layer that fails must not take the page down
            st.error(f"{t('layer_error', lg)}: {md(exc)}")
            return
        ui.select_clicked_unit(state)

    pick_on_map()
    ui.credits(f.era)
    st.stop()

# --- the selected district -------------------------------------------------------------------------------------
row = DISTRICTS[DISTRICTS["code"] == f.district]
name = row["name"].iloc[0] if len(row) else f.district
province_name = row["prov_name"].iloc[0] if len(row) else ""
context = " · ".join(x for x in (period_words(f.period, lg), ui.filter_words(f)) if x)
st.header(f"{md(name)} — {md(province_name)}" if province_name else md(name))
st.caption(md(context))

# page-local choices, read before the view model (they are part of its view: trend grain, compared districts)
grain = _url_state("huyen_grain", "grain", "month", lambda v: v if v in GRAINS else "month")
if grain not in GRAINS:  # a click on the chosen option deselects it: keep the grain
    grain = st.session_state.get("huyen_grain_last", "month")
st.session_state["huyen_grain"] = st.session_state["huyen_grain_last"] = grain
others = DISTRICTS[DISTRICTS["code"] != f.district]
same_province = others[others["prov_code"] == row["prov_code"].iloc[0]] if len(row) else others.iloc[:0]
ordered = pd.concat([same_province, others[~others["code"].isin(same_province["code"])]])
compare = _url_state("huyen_cmp", "cmp", [], lambda v: [c for c in v.split(",") if c][:3])
compare = [c for c in compare if c in set(ordered["code"])][:3]

# the district's key figures, map, forms, trend, destinations and comparison (as its export)
model = ui.view_model("huyen", grain=grain, cmp=",".join(compare) or None)
if not isinstance(model, str):
    ui.kpi_cards(model)


@st.fragment
def district_map() -> None:
    """The province's districts shaded by the metric, this district outlined (as in the briefing export)."""
    if isinstance(model, str):
        st.info(md(model))
        return
    province = str(row["prov_code"].iloc[0]) if len(row) else f.province
    ui.draw_model_map(model, MapView(era="pre2025", province=province, lang=lg, highlight=f.district),
                      key="huyen_district_map", height=460)


with st.expander(tr("map_of_province", province=md(province_name)), expanded=True):
    district_map()

# by form: the view model's table, as exported
if not isinstance(model, str) and model.has_data:
    st.subheader(tr("by_form"))
    ui.show_table(model, model.all_tables()[0], key="huyen_forms", title=False)
destinations = _table(model, "destinations")
if destinations is None:  # the district has no stored row for these filters
    st.info(f"**{t('no_data_for_filters', lg)}** — {md(name)}, {md(context)}.")
else:
    # --- trend -------------------------------------------------------------------------------------------
    st.subheader(tr("trend"))
    st.session_state["_huyen_grain"] = grain
    st.segmented_control(tr("grain"), GRAINS, key="_huyen_grain", format_func=lambda g: tr(f"grain_{g}"),
                         on_change=_keep, args=("_huyen_grain", "huyen_grain"))
    trend = _table(model, "trend")
    chart = model.charts.get("trend")
    all_small = (trend is not None and trend.status is not None and chart is not None
                 and not chart["value"].fillna(0).any() and (trend.status == suppression.SMALL).to_numpy().any())
    if all_small:  # figures exist, each period under the threshold: say so, don't claim there is no data
        st.info(tr("trend_all_small", grain=tr(f"grain_{grain}").lower()))
        with st.expander(md(trend.title), expanded=False):
            ui.show_table(model, trend, key="huyen_trend", title=False)
    elif trend is None or chart is None or not chart["value"].fillna(0).any():
        st.info(t("no_data_for_filters", lg))
    else:
        label = trend.frame.columns[1]
        st.bar_chart(chart.rename(columns={"period": tr("period_col"), "value": label}), x=tr("period_col"), y=label,
                     height=280)
        with st.expander(md(trend.title), expanded=False):
            ui.show_table(model, trend, key="huyen_trend", title=False)
    longer = model.options.get("longer_rows", 0)
    if longer:
        st.caption(tr("longer_rows", n=longer, grain=tr(f"grain_{grain}").lower()))
    if f.metric.endswith("_per100k"):
        st.caption(t("population_note", lg))

    # --- by destination ------------------------------------------------------------------------------------
    st.subheader(tr("by_destination"))
    ui.show_table(model, destinations, key="huyen_destinations", title=False)

    # --- the case rows: only for users allowed to see exact figures ----------------------------------------
    cases = _table(model, "cases")  # in the model only when the user's access is exact (analysts and above)
    if cases is not None:
        st.subheader(md(cases.title))
        st.caption(md(cases.note))
        table = cases.frame
        st.dataframe(table, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)))
        stamp = f"{f.period or ('tat-ca' if lg == 'vi' else 'all')}_{date.today():%Y%m%d}"
        # the file leaves the app: small counts are written "<5", exact figures only where the deployment
        # lets this user export them (TDN_EXACT_EXPORTS=1) and they ask for it
        may_export_exact = ui.user().export_access() == "exact"
        exact = may_export_exact and st.toggle(tr("exact_export"), value=False, key="huyen_exact_export")
        file_name = f"vu-viec_{f.district}-{slug(name)}_{stamp}{'_chinh-xac' if exact else ''}.csv"
        st.download_button(tr("download"),
                           store.export_csv_bytes(table, lg, demo=getattr(cases, "demo", False),
                                                  title=f"{name} — {province_name} · {context}",
                                                  protect=() if exact else [tr(k) for k in SUMS]),
                           file_name=file_name, mime="text/csv", key="huyen_download",
                           on_click=ui.record_download, args=(file_name, ui.user().username, ui.client_address()))
        if not exact:
            st.caption(tr("download_protected", t=suppression.threshold_from_env()))

# --- comparison ---------------------------------------------------------------------------------------------------
st.subheader(tr("compare"))
st.session_state["_huyen_cmp"] = compare
label_of = dict(zip(DISTRICTS["code"], DISTRICTS["label"]))
st.multiselect(tr("compare_pick"), ordered["code"].tolist(), key="_huyen_cmp", max_selections=3,
               format_func=lambda c: label_of.get(c, c), placeholder=tr("pick_placeholder"),
               on_change=_keep, args=("_huyen_cmp", "huyen_cmp"))
st.session_state["huyen_cmp"] = list(st.session_state.get("_huyen_cmp") or [])
_write_url("cmp", ",".join(st.session_state["huyen_cmp"]))
kept_grain = st.session_state.get("huyen_grain", "month")
_write_url("grain", None if kept_grain == "month" else kept_grain)

compared = _table(model, "compare")
if not compare or compared is None:
    st.caption(tr("compare_hint"))
else:
    ui.show_table(model, compared, key="huyen_compare", title=False)
    wide = model.charts.get("compare")
    if wide is None or wide.empty or not wide.fillna(0).to_numpy().any():
        st.info(t("no_data_for_filters", lg))
    else:
        label = _display_label(model.view)
        st.bar_chart(wide, height=320, y_label=label, x_label=tr("period_col"), stack=False)
ui.credits(f.era)
