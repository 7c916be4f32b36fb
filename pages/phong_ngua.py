"""Prevention coverage: share of key-area communes with a specialised prevention model, against the target.

For the year of the period filter (or the latest year with a key-area list): a map shaded by coverage
(districts before 2025; 2025 communes or provinces in the 2025 view), the key-area communes as points
coloured by whether they have a model, a progress bar per district (per province in the national view)
against the province's target with its source, and which era's communes are counted (the 2025 reform
changed the denominator).

The commune-level rule is the one of :func:`geo.data.store.coverage_frame` (a model counts when it started on
or before 31 December of the year and had not ended by then), so the district figures add up to the
province figure (:mod:`geo.stats.prevention`, shared with the briefing export).
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

import ui
from geo.periods import format_date
from geo.stats import prevention
from geo.data import store
from geo.i18n import t, translator
from geo.i18n.escape import html_text, md, md_join
from geo.render.maps import Choropleth, MapView

lg = ui.lang()

from geo.i18n.pages import PREVENTION_PAGE as TEXT  # noqa: E402  (strings live in geo/i18n)
tr = translator({**prevention.TEXT, **TEXT}, lg)




def pct(value) -> str:
    return prevention.pct_text(value, lg)


def target_words(value, comparator) -> str:
    return prevention.target_text(value, comparator, lg, none=tr("no_target"))


# --- page --------------------------------------------------------------------------------------------
ui.require_boundaries()
f = ui.filter_panel(("era", "province", "district", "period"))
ui.briefing_panel("phong-ngua")
st.title(t("page_prevention", lg))
ui.demo_notice()
place = ui.place_words(f.with_(district=""))
place_md = md(place)  # the place in Markdown (captions, labels)

try:
    all_lists = store.key_areas_frame()
except Exception as exc:  # the store may be unreachable: say so, keep the page
    st.error(f"{tr('store_error')}: {md(exc)}")
    st.stop()

scope_column = "prov_code_pre2025" if f.era == "pre2025" else "prov_code_2025"
years = prevention.list_years(f.era, f.province)
dates = f.dates()
year = dates[1].year if dates else (years[-1] if years else date.today().year)

key = prevention.key_commune_status(year, f.era, f.province, lg) if year in years else pd.DataFrame()
if key.empty:
    missing = tr("no_list", place=place_md, year=year) if years else tr("no_list_any", place=place_md)
    st.info(f"**{t('no_data_for_filters', lg)}.** {missing}")
    if years:
        st.caption(f"{tr('years_available')}: {', '.join(map(str, years))}")
    if len(all_lists):
        from geo.admin.text import english_province
        from geo.render.maps import province_options

        names = dict(zip(province_options(f.era)["code"], province_options(f.era)["prov_name_vi"]))
        listed = sorted({names.get(c, c) for c in all_lists[scope_column].dropna()})
        listed = [english_province(n) for n in listed] if lg == "en" else listed
        st.caption(f"{tr('provinces_available')}: {md_join(listed)}")
    ui.credits(f.era)
    st.stop()

st.caption((tr("year_words_now", year=year, day=format_date(date.today(), lg)) if year == date.today().year
            else tr("year_words", year=year)) + ("" if dates else " " + tr("year_latest")))

# --- targets and the headline ------------------------------------------------------------------------
coverage = store.coverage_frame(year)
if f.province:
    column = "province_code" if f.era == "pre2025" else "prov_code_2025"
    coverage = coverage[coverage[column] == f.province]
    if f.era == "pre2025":
        coverage = coverage[coverage["province_code"].isin(key["province_code"])]
lists = coverage.reset_index(drop=True)
single = len(lists) == 1
target_value = float(lists["target_value"].iloc[0]) if single and pd.notna(lists["target_value"].iloc[0]) else None
target_cmp = lists["target_comparator"].iloc[0] if single else None

n_key, n_cov = len(key), int(key["covered"].sum())
total_pct = round(100.0 * n_cov / n_key, 1) if n_key else None
cards = st.columns(4)
delta = None
if target_value is not None and total_pct is not None:
    delta = f"{total_pct - target_value:+.1f} {tr('points_vs_target')}".replace(".", "," if lg == "vi" else ".")
cards[0].metric(f"{tr('province_coverage')} — {place_md}", pct(total_pct), delta)


def _targets_range(frame: pd.DataFrame) -> str:
    """'≥ 30%' for one target, '≥ 30–35%' when the lists have different ones."""
    known = frame.dropna(subset=["target_value"])
    if known.empty:
        return tr("no_target")
    low, high = known["target_value"].min(), known["target_value"].max()
    sign = prevention.COMPARATOR_SIGN.get(known["target_comparator"].iloc[0] or "at_least", "≥")
    if low == high or known["target_comparator"].nunique() > 1:
        return target_words(low, known["target_comparator"].iloc[0]) if low == high else tr("targets_differ")
    fmt = lambda v: f"{float(v):g}".replace(".", "," if lg == "vi" else ".")  # noqa: E731
    return f"{sign} {fmt(low)}–{fmt(high)}%"


cards[1].metric(tr("target"), target_words(target_value, target_cmp) if single else _targets_range(lists),
                help=None if single else tr("targets_differ"))
cards[2].metric(tr("covered_of"), f"{n_cov}/{n_key}")

sourced = lists[lists["target_source"].notna()]
source_lines = []
for _, r in sourced.iterrows():
    kind = tr("target_published") if r["target_is_published"] else (
        tr("target_demo") if r["target_is_demo"] else tr("target_imported"))
    who = "" if single else f"{md(r['province_name'])}, "
    source_lines.append(f"**{tr('target_source')}** ({who}{kind}, {int(r['year'])}): {md(r['target_source'])}")
if 0 < len(source_lines) <= 3:
    st.caption("  \n".join(source_lines))
elif source_lines:
    with st.expander(f"{tr('target_source')} ({len(source_lines)})"):
        st.markdown("\n".join(f"- {line}" for line in source_lines))

# --- which era's communes are counted -------------------------------------------------------------------
n_pre = int((key["place_era"] == "pre2025").sum())
n_new = n_key - n_pre
parts = []
if n_pre:
    parts.append(tr("era_pre", n=n_pre, year=year))
    successors = key.loc[key["place_era"] == "pre2025", "commune_code_2025"].dropna().nunique()
    parts.append(tr("era_change", n=n_pre, m=successors))
if n_new:
    parts.append(tr("era_new", n=n_new, year=year))
st.info(" ".join(parts), icon=":material/info:")
st.caption(tr("model_rule"))

# --- map ---------------------------------------------------------------------------------------------------
if f.era == "pre2025":
    unit_column = "district_code5"
elif f.province:
    unit_column = "commune_code_2025"
else:
    unit_column = "prov_code_2025"
placed = key[key[unit_column].notna() & (key[unit_column] != "")]
units = prevention.coverage_summary(placed, unit_column)
values = {c: prevention.class_value(v) for c, v in zip(units[unit_column], units["coverage_pct"])}
texts = {}
try:  # units of the map without key-area communes say so in their tooltip (instead of "no data")
    from geo.admin.cache import load_layer

    if f.era == "pre2025":
        shown_units = load_layer("districts_pre2025", "national")
        shown_units = shown_units[shown_units["prov_code"] == f.province] if f.province else shown_units
    elif f.province:
        shown_units = load_layer("communes_2025", "province")
        shown_units = shown_units[shown_units["prov_code"] == f.province]
    else:
        shown_units = load_layer("provinces_2025", "national")
    texts = {c: tr("not_key_area") for c in shown_units["code"]}
except Exception:  # the map reports a layer that fails to load
    pass
texts.update({c: f"{pct(v)} ({int(k)}/{int(n)})" for c, v, k, n in
              zip(units[unit_column], units["coverage_pct"], units["covered_communes"], units["key_communes"])})


def _points_layer(fmap, frame: pd.DataFrame) -> int:
    """Key-area communes as points in their 2025 commune (green: model, white: none)."""
    import folium

    from geo.render.layers import LegendItem, Style, legend_html
    from geo.render.webmap import add_to_dock, finish_map

    group = folium.FeatureGroup(name="key_communes", control=False)
    drawn = 0
    for _, r in prevention.key_commune_points(frame).iterrows():
        status = tr("has_model") if r["covered"] else tr("no_model")
        where = html_text(r["district_name"] or "")
        tip = f"<b>{html_text(r['commune_name'])}</b> ({where})<br>{html_text(status)}"
        if r["covered"]:
            tip += f"<br>{html_text(r['models'])}"
        fill, outline = prevention.POINT_STYLES[bool(r["covered"])]
        folium.CircleMarker([r["lat"], r["lon"]], radius=6, weight=1.5, color=outline, fill=True, fill_color=fill,
                            fill_opacity=0.95, tooltip=folium.Tooltip(tip)).add_to(group)
        drawn += 1
    group.add_to(fmap)
    legend = legend_html(tr("key_communes"), [
        LegendItem(tr(key), Style(colour=prevention.POINT_STYLES[covered][1], weight=1.5,
                                  fill=prevention.POINT_STYLES[covered][0], fill_opacity=0.95))
        for key, covered in (("has_model", True), ("no_model", False))])
    add_to_dock(fmap, legend, tr("key_communes"), small=True)
    finish_map(fmap)
    return drawn


@st.fragment
def draw_map(values: dict, texts: dict, points: pd.DataFrame) -> None:
    from geo.render import maps
    classification = prevention.coverage_classes(values, target_value)
    label = tr("coverage") + " (%)"
    if single:
        target_text = f"{tr('target').lower()} {target_words(target_value, target_cmp)}"
    else:
        target_text = tr("targets_differ")
    title = f"{label} — {place}, {year} ({target_text})"
    subtitle = f"{tr('list_era_col')}: {prevention.list_era_words(points, lg)} · 31/12/{year}"
    show_points = False
    if f.era == "pre2025" and f.province:
        show_points = st.toggle(tr("show_points"), value=True, key="_prevention_points")
    try:
        result = maps.admin_map(MapView(era=f.era, province=f.province or None, lang=lg,
                                        highlight=(f.district or None) if f.era == "pre2025" else None),
                                choropleth=Choropleth(values, classification, label, texts=texts,
                                                      no_data_label=tr("not_key_area"),
                                                      key=f"prevention|{f.era}|{f.province}|{year}|"
                                                          f"{sorted(texts.items())}|{classification.bins}|"
                                                          f"{classification.colours}"),
                                title=title, subtitle=subtitle)
    except Exception as exc:  # a layer that fails must not take the page down
        st.error(f"{t('layer_error', lg)}: {md(exc)}")
        return
    if show_points:
        try:
            _points_layer(result.fmap, points)
        except Exception as exc:
            st.warning(f"{tr('points_error')}: {md(exc)}")
        else:
            st.caption(tr("points_note"))
    state = ui.show_map(result.fmap, key=f"prevention_{f.era}_{f.province}_{year}_{lg}_{show_points}")
    ui.select_clicked_unit(state)


draw_map(values, texts, key)
notes = [tr("map_grey_note")]
if f.era == "2025" and f.province:
    notes.append(tr("map_2025_note"))
unplaced = n_key - len(placed)
if unplaced:
    notes.append(tr("map_unplaced_districts" if unit_column == "district_code5" else "map_unplaced", n=unplaced))
st.caption(" ".join(notes))

# --- progress bars -----------------------------------------------------------------------------------------
def _district_table() -> pd.DataFrame:
    table = prevention.coverage_summary(key, "district_code5")
    names = key.drop_duplicates("district_code5").set_index("district_code5")["district_name"]
    table["name"] = table["district_code5"].map(names).fillna(tr("unknown_district"))
    # each district is measured against the target of the list (province) it belongs to
    list_of = key.drop_duplicates("district_code5").set_index("district_code5")["province_code"]
    by_list = lists.set_index("province_code")
    codes = table["district_code5"].map(list_of)
    table["target"] = codes.map(by_list["target_value"]) if len(by_list) else None
    table["comparator"] = codes.map(by_list["target_comparator"]) if len(by_list) else None
    return table


def _list_table(frame: pd.DataFrame, historical: bool) -> pd.DataFrame:
    table = frame.rename(columns={"province_name": "name", "target_value": "target", "target_comparator": "comparator"})
    if historical:
        table["name"] = table["name"] + " " + t("historical", lg)
    return table


if f.province and f.era == "pre2025":
    progress = [(tr("by_district"), _district_table(), t("district", lg))]
elif f.province:
    progress = [(tr("by_list"), _list_table(lists, True), t("province_col", lg))]
    if key["district_code5"].notna().any():
        progress.append((tr("by_district"), _district_table(), tr("former_district")))
else:
    progress = [(tr("by_province"), _list_table(store.coverage_frame(year), f.era == "2025"), t("province_col", lg))]

for index, (heading, table, name_column) in enumerate(progress):
    st.subheader(heading)
    table["meets"] = [prevention.meets_target(v, c, tv)
                      for v, c, tv in zip(table["coverage_pct"], table["comparator"], table["target"])]
    table = table.sort_values(["coverage_pct", "name"], na_position="first").reset_index(drop=True)
    shown = pd.DataFrame({
        name_column: table["name"].astype(str),
        tr("key_communes"): table["key_communes"].astype(int),
        tr("covered"): table["covered_communes"].astype(int),
        tr("coverage_short"): [prevention.pct_text(v, lg) for v in table["coverage_pct"]],  # "43,3%" / "43.3%"
        tr("target"): [target_words(v, c) for v, c in zip(table["target"], table["comparator"])],
        tr("meets"): [tr("meets_unknown") if m is None else (tr("meets_yes") if m else tr("meets_no"))
                      for m in table["meets"]],
    })
    st.dataframe(shown, hide_index=True, width="stretch")
    if index == 0:
        known = [m for m in table["meets"] if m is not None]
        meeting = tr("districts_meeting") if f.province and f.era == "pre2025" else tr("provinces_meeting")
        cards[3].metric(meeting, f"{sum(known)}/{len(known)}" if known else "—")
        export = shown.assign(**{tr("coverage_short"): table["coverage_pct"].astype(float).to_numpy()},
                              is_demo=table["is_demo"].astype(bool).to_numpy())  # the file keeps the number
        st.download_button(tr("download"),
                           store.export_csv_bytes(export, lg, title=f"{tr('coverage')} — {place}, {year}"),
                           file_name=f"phong-ngua_{f.province or 'toan-quoc'}_{year}_{date.today():%Y%m%d}.csv",
                           mime="text/csv", key="prevention_download")

# --- the key-area communes ---------------------------------------------------------------------------------
communes = key
title = tr("all_communes")
if f.district and f.era == "pre2025":
    communes = key[key["district_code5"] == f.district]
    title = tr("communes_of", place=md(ui.place_words(f)))
communes = communes.sort_values(["district_name", "commune_name"], na_position="last")
commune_table = pd.DataFrame({
    t("district", lg): communes["district_name"].fillna(""),
    tr("commune_col"): communes["commune_name"],
    tr("status_col"): [tr("has_model") if c else tr("no_model") for c in communes["covered"]],
    tr("models_col"): communes["models"].fillna(""),
    tr("list_era_col"): [tr("era_pre_short") if e == "pre2025" else tr("era_new_short") for e in communes["place_era"]],
})
if f.district and f.era == "pre2025":
    st.subheader(title)
    if commune_table.empty:
        st.info(f"{t('no_data_for_filters', lg)}: {md(ui.place_words(f))} — {tr('key_communes').lower()} 0.")
    else:
        st.dataframe(commune_table, hide_index=True, width="stretch")
else:
    with st.expander(f"{title} ({len(commune_table)})"):
        st.dataframe(commune_table, hide_index=True, width="stretch")

# --- coverage by year (one list) --------------------------------------------------------------------------------
history = store.coverage_frame()
if f.province:
    history = history[history["province_code" if f.era == "pre2025" else "prov_code_2025"] == f.province]
    if history["province_code"].nunique() == 1 and history["year"].nunique() > 1:
        st.subheader(tr("by_year"))
        chart = pd.DataFrame({tr("year_col"): history["year"].astype(str),
                              tr("coverage_col"): history["coverage_pct"].astype(float),
                              tr("target_col"): history["target_value"].astype(float)})
        st.line_chart(chart, x=tr("year_col"), y=[tr("coverage_col"), tr("target_col")], height=260,
                      color=["#2171b5", "#d7301f"], y_label="%")
if not f.province:
    st.caption(tr("pick_province"))
ui.credits(f.era)
