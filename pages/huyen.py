"""District: one pre-2025 district in detail, picked from a list or by a click on any map.

Trend by month or quarter, breakdown by form of exploitation and by destination, the case rows
(sortable, CSV download with formula-safe cells) and a side-by-side comparison with up to three other
districts. The district is the shared filter (``?dist=40417``); the grain and the compared districts are
kept in the URL too (``?grain=quarter&cmp=40415,40418``).
"""
from __future__ import annotations

import unicodedata
from datetime import date

import pandas as pd
import streamlit as st

import ui
from geo.data import schema, store
from geo.stats import suppression
from geo.views.filters import RATE_SUFFIX, metric_label, period_words
from geo.i18n import t, translator
from geo.render.maps import MapView
from geo.views.metrics import case_filter, kpis, unit_values, value_column

lg = ui.lang()

from geo.i18n.pages import DISTRICT_PAGE as TEXT  # noqa: E402  (strings live in geo/i18n)
tr = translator(TEXT, lg)
#: destination countries as stored (Vietnamese) -> English
DESTINATIONS_EN = {"Trung Quốc": "China", "Lào": "Laos", "Campuchia": "Cambodia", "Myanmar": "Myanmar",
                   "Thái Lan": "Thailand", "Malaysia": "Malaysia", "Hàn Quốc": "South Korea", "Nhật Bản": "Japan",
                   "Đài Loan": "Taiwan", "Việt Nam (trong nước)": "Viet Nam (domestic)", "Việt Nam": "Viet Nam"}
GRAINS = ("month", "quarter")
SUMS = ("cases", "victims", "victims_children", "victims_women", "victims_rescued", "suspects_arrested")




def number(value) -> str:
    if value is None or pd.isna(value):
        return "—"
    if float(value) != int(value):
        text = f"{float(value):,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lg == "vi" else text
    text = f"{int(value):,}"
    return text.replace(",", ".") if lg == "vi" else text


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
    """Pre-2025 districts: code, name, province, 2009 population (from the boundary layer)."""
    from geo.admin.cache import load_layer

    frame = load_layer("districts_pre2025", "national")
    out = pd.DataFrame({"code": frame["code"], "name": frame["full_name_vi"], "prov_code": frame["prov_code"],
                        "prov_name": frame["prov_name_vi"], "population": frame["pop_2009_odm"].astype(float)})
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


def _measure(frame: pd.DataFrame, column: str, population: float | None) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce").astype(float)
    if f.metric.endswith(RATE_SUFFIX):
        return values / population * 100_000 if population and population > 0 else values * float("nan")
    return values


def _bucket_range(start: date, end: date, grain: str) -> list[str]:
    months = pd.period_range(start, end, freq="M")
    if grain == "month":
        return [f"{p.year}-{p.month:02d}" for p in months]
    seen = []
    for p in months:
        label = str(p.year) if grain == "year" else f"{p.year}-Q{(p.month - 1) // 3 + 1}"
        if label not in seen:
            seen.append(label)
    return seen


def _series(cf: store.CaseFilter, grain: str, column: str, population: float | None,
            span: tuple[date, date] | None) -> tuple[pd.DataFrame, int]:
    """Metric per bucket (every bucket of the span, zero when nothing was recorded); rows not in one bucket."""
    agg = store.aggregate_cases(by="district", grain=grain, filters=cf)
    longer = int(agg.loc[~agg["exact_grain"], "n_rows"].sum()) if len(agg) else 0
    exact = agg[agg["exact_grain"]] if len(agg) else agg
    if exact.empty:
        return pd.DataFrame(columns=["period", "value"]), longer
    exact = exact.assign(value=_measure(exact, column, population))
    values = exact.groupby("period")["value"].sum()
    if span is None:
        span = (exact["period_start"].min().date(), exact["period_end"].max().date())
    buckets = _bucket_range(span[0], span[1], grain)
    return pd.DataFrame({"period": buckets, "value": [float(values.get(b, 0.0)) for b in buckets]}), longer


def _breakdown(cf: store.CaseFilter, by: str, column: str, population: float | None) -> pd.DataFrame:
    agg = store.aggregate_cases(by="district", grain="all", filters=cf, extra_by=(by,))
    if agg.empty:
        return pd.DataFrame(columns=["label", "value", "cases"])
    if by == "form":
        labels = agg["form"].map(lambda v: schema.FORMS.label(v, lg) if isinstance(v, str) and v else tr("not_stated"))
    else:
        labels = agg[by].map(lambda v: (DESTINATIONS_EN.get(v, v) if lg == "en" else v)
                             if isinstance(v, str) and v.strip() else tr("not_stated"))
    out = pd.DataFrame({"label": labels, "value": _measure(agg, column, population).fillna(0.0).round(2),
                        "cases": pd.to_numeric(agg["cases"], errors="coerce").fillna(0)})
    return out.groupby("label", as_index=False).sum().sort_values("value", ascending=False)


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
                                                             subtitle=tr("layer_map_hint")).fmap,
                key="huyen_pick_map", height=560)
        except Exception as exc:  # a layer that fails must not take the page down
            st.error(f"{t('layer_error', lg)}: {exc}")
            return
        ui.select_clicked_unit(state)

    pick_on_map()
    ui.credits(f.era)
    st.stop()

# --- the selected district -------------------------------------------------------------------------------------
row = DISTRICTS[DISTRICTS["code"] == f.district]
name = row["name"].iloc[0] if len(row) else f.district
province_name = row["prov_name"].iloc[0] if len(row) else ""
population = float(row["population"].iloc[0]) if len(row) else None
label = metric_label(f.metric, lg)
column = value_column(f.metric, f.group)
if column != value_column(f.metric):  # victims narrowed to children or women
    label = f"{label} ({t(f'group_{f.group}', lg).lower()})"
context = " · ".join(x for x in (period_words(f.period, lg), ui.filter_words(f)) if x)
st.header(f"{name} — {province_name}" if province_name else name)
st.caption(context)

cf = case_filter(f, district=True)
try:
    rows = store.cases_frame(cf)
except Exception as exc:
    st.error(f"{tr('store_error')}: {exc}")
    st.stop()

model = ui.view_model("huyen")  # the district's key figures, map and figures by form (as its export)
if not isinstance(model, str):
    ui.kpi_cards(model)


@st.fragment
def district_map() -> None:
    """The province's districts shaded by the metric, this district outlined (as in the briefing export)."""
    if isinstance(model, str):
        st.info(model)
        return
    province = str(row["prov_code"].iloc[0]) if len(row) else f.province
    ui.draw_model_map(model, MapView(era="pre2025", province=province, lang=lg, highlight=f.district),
                      key="huyen_district_map", height=460)


with st.expander(tr("map_of_province", province=province_name), expanded=True):
    district_map()

# by form: the view model's table (tied to the district's own figures by the suppression audit), as exported
if not isinstance(model, str) and model.has_data:
    st.subheader(tr("by_form"))
    ui.show_table(model, model.all_tables()[0], key="huyen_forms", title=False)
if rows.empty:
    st.info(f"**{t('no_data_for_filters', lg)}** — {name}, {context}.")
else:
    # --- trend -------------------------------------------------------------------------------------------
    st.subheader(tr("trend"))
    grain = _url_state("huyen_grain", "grain", "month", lambda v: v if v in GRAINS else "month")
    st.session_state["_huyen_grain"] = grain
    st.segmented_control(tr("grain"), GRAINS, key="_huyen_grain", format_func=lambda g: tr(f"grain_{g}"),
                         on_change=_keep, args=("_huyen_grain", "huyen_grain"))
    if not st.session_state.get("huyen_grain"):  # a click on the chosen option deselects it: keep the grain
        st.session_state["huyen_grain"] = grain
    grain = st.session_state["huyen_grain"]
    series, longer = _series(cf, grain, column, population, f.dates())
    if series.empty or not series["value"].any():
        st.info(t("no_data_for_filters", lg))
    else:
        chart = series.rename(columns={"period": tr("period_col"), "value": label})
        st.bar_chart(chart, x=tr("period_col"), y=label, height=280)
    if longer:
        st.caption(tr("longer_rows", n=longer, grain=tr(f"grain_{grain}").lower()))
    if f.metric.endswith(RATE_SUFFIX):
        st.caption(t("population_note", lg))

    # --- breakdowns ------------------------------------------------------------------------------------------
    with st.container():  # by destination (not yet on the view model: see the roles issue)
        st.subheader(tr("by_destination"))
        table = _breakdown(cf, "destination_country", column, population)
        if table.empty:
            st.info(t("no_data_for_filters", lg))
        else:
            rate = f.metric.endswith(RATE_SUFFIX)
            shown = pd.DataFrame({tr("destination"): table["label"],
                                  label: table["value"] if rate else table["value"].round().astype(int)})
            if f.metric != "cases":
                shown[tr("cases")] = table["cases"].astype(int).to_numpy()
            top = float(shown[label].max()) or 1.0
            st.dataframe(shown, hide_index=True, width="stretch", column_config={
                label: st.column_config.ProgressColumn(label, min_value=0, max_value=top,
                                                       format="%.2f" if rate else "%d")})

    # --- the case rows -------------------------------------------------------------------------------------------
    st.subheader(f"{tr('cases_table')} ({len(rows)})")
    st.caption(tr("after_reform"))
    labelled = store.with_labels(rows, lg)
    dates = [d.date().isoformat() if pd.notna(d) else p for d, p in zip(labelled["date"], labelled["period_label"])]
    table = pd.DataFrame({
        tr("date_col"): dates,
        tr("case_id"): labelled["case_id"],
        tr("record_type"): labelled.get("record_type_label", labelled["record_type"]),
        t("commune", lg): labelled["commune_name"].fillna(""),
        tr("form"): labelled.get("form_label", labelled["form"]),
        tr("cases"): labelled["n_cases"],
        tr("victims"): labelled["victims"],
        tr("victims_children"): labelled["victims_children"],
        tr("victims_women"): labelled["victims_women"],
        tr("victims_rescued"): labelled["victims_rescued"],
        tr("suspects_arrested"): labelled["suspects_arrested"],
        tr("destination"): labelled["destination_country"].map(
            lambda v: (DESTINATIONS_EN.get(v, v) if lg == "en" else v) if isinstance(v, str) else ""),
        tr("route"): labelled["route"].fillna(""),
        tr("border_gate"): labelled["border_gate"].fillna(""),
        tr("agency"): labelled.get("agency_label", labelled["agency"]),
        tr("source"): labelled["source"].fillna(""),
        tr("demo_col"): labelled["is_demo"].map({True: t("yes", lg), False: t("no", lg)}),
    })
    st.dataframe(table, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(table)))
    stamp = f"{f.period or ('tat-ca' if lg == 'vi' else 'all')}_{date.today():%Y%m%d}"
    # the file leaves the app: small counts are written "<5" unless this deployment allows exact exports
    exact = suppression.exact_exports_allowed() and st.toggle(tr("exact_export"), value=False,
                                                              key="huyen_exact_export")
    st.download_button(tr("download"),
                       store.export_csv_bytes(table, lg, demo=bool(rows["is_demo"].any()),
                                              title=f"{name} — {province_name} · {context}",
                                              protect=() if exact else [tr(k) for k in SUMS]),
                       file_name=f"vu-viec_{f.district}-{slug(name)}_{stamp}{'_chinh-xac' if exact else ''}.csv",
                       mime="text/csv", key="huyen_download")
    if not exact:
        st.caption(tr("download_protected", t=suppression.threshold_from_env()))

# --- comparison ---------------------------------------------------------------------------------------------------
st.subheader(tr("compare"))
others = DISTRICTS[DISTRICTS["code"] != f.district]
same_province = others[others["prov_code"] == row["prov_code"].iloc[0]] if len(row) else others.iloc[:0]
ordered = pd.concat([same_province, others[~others["code"].isin(same_province["code"])]])
compare = _url_state("huyen_cmp", "cmp", [], lambda v: [c for c in v.split(",") if c][:3])
compare = [c for c in compare if c in set(ordered["code"])][:3]
st.session_state["_huyen_cmp"] = compare
label_of = dict(zip(DISTRICTS["code"], DISTRICTS["label"]))
st.multiselect(tr("compare_pick"), ordered["code"].tolist(), key="_huyen_cmp", max_selections=3,
               format_func=lambda c: label_of.get(c, c), placeholder=tr("pick_placeholder"),
               on_change=_keep, args=("_huyen_cmp", "huyen_cmp"))
st.session_state["huyen_cmp"] = compare = list(st.session_state.get("_huyen_cmp") or [])
_write_url("cmp", ",".join(compare))
kept_grain = st.session_state.get("huyen_grain", "month")
_write_url("grain", None if kept_grain == "month" else kept_grain)

if not compare:
    st.caption(tr("compare_hint"))
else:
    codes = [f.district] + compare
    names = DISTRICTS.set_index("code")
    ccf = case_filter(f.with_(province=""))
    ccf.districts = codes
    totals = store.aggregate_cases(by="district", grain="all", filters=ccf)
    sums = totals.groupby("district_code5")[list(SUMS)].sum() if len(totals) else pd.DataFrame(columns=list(SUMS))
    pops = names["population"].reindex(codes)
    table = pd.DataFrame({t("district", lg): [names["label"].get(c, c) for c in codes]})
    for key in SUMS:
        table[tr(key)] = [sums[key].get(c, 0) if key in sums else 0 for c in codes]
    base = value_column(f.metric[: -len(RATE_SUFFIX)] if f.metric.endswith(RATE_SUFFIX) else f.metric, f.group)
    counts = pd.Series([float(sums[base].get(c, 0)) if base in sums else 0.0 for c in codes], index=codes)
    base_label = metric_label(f.metric.removesuffix(RATE_SUFFIX), lg)
    if base != value_column(f.metric.removesuffix(RATE_SUFFIX)):  # victims narrowed to children or women
        base_label += f" ({t(f'group_{f.group}', lg).lower()})"
    table[f"{base_label} {tr('per100k')}"] = [
        round(counts[c] / pops[c] * 100_000, 1) if pd.notna(pops[c]) and pops[c] > 0 else None for c in codes]
    table[tr("population")] = pops.round().astype("Int64").to_numpy()
    st.dataframe(table, hide_index=True, width="stretch")
    # one bar per district and period, side by side: quarters within a year or less, else years
    span = f.dates()
    grain = "quarter" if span and (span[1] - span[0]).days <= 366 else "year"
    series = {}
    short = [names["name"].get(c, c) for c in codes]
    short_ok = len(set(short)) == len(short)  # "Huyện Kỳ Sơn" exists in Nghệ An and in Hòa Bình
    for c in codes:
        one = case_filter(f.with_(province=""))
        one.districts = [c]
        s, _ = _series(one, grain, column, float(pops[c]) if pd.notna(pops[c]) else None, f.dates())
        key = names["name" if short_ok else "label"].get(c, c)
        series[key] = s.set_index("period")["value"] if len(s) else pd.Series(dtype=float)
    wide = pd.DataFrame(series).fillna(0.0).sort_index()
    if wide.empty or not wide.to_numpy().any():
        st.info(t("no_data_for_filters", lg))
    else:
        st.bar_chart(wide, height=320, y_label=label, x_label=tr("period_col"), stack=False)
ui.credits(f.era)
