"""Hotspot analytics: statistical hotspots (Gi*), the Kulldorff spatial scan, where the two agree,
changes against the previous period (ACLED's classes), route corridors and named hotspots compared with
computed ones — each explained in plain words, with the parameters used. Both eras: the 702 districts
before 2025, the 3,321 communes since 1 July 2025.

The map, the ranked units or clusters, the further tables, their downloads and the briefing export all
read the page's view model (``ui.view_model``), cached on the view and the data version: the statistics
are computed once per view and data version, not on every rerun.
"""
from __future__ import annotations

import streamlit as st

import ui
from geo.i18n import t, translator
from geo.i18n.escape import md
from geo.i18n.pages import HOTSPOT_PAGE
from geo.render.maps import MapView
from geo.stats import change, clusters, corridors, named_vs_computed
from geo.views.filters import analysis_metric
from geo.views.filters import metric_label, period_words

lg = ui.lang()
tr = translator(HOTSPOT_PAGE, lg)
#: the page's tabs below the map (?section=), and the tables each one shows
SECTIONS = ("ranked", "corridors", "named")
SECTION_OF = {"corridors": "corridors", "route_profile": "corridors", "named": "named"}


def _keep_route() -> None:
    """The chosen route outlives its tab (a widget's state is dropped on a run that does not draw it)."""
    st.session_state["corridor_route"] = st.session_state.get("_w_corridor_route")


def section_tabs(present: list[str]) -> dict:
    """The tabs of the sections ``present`` (in :data:`SECTIONS` order), the one of the URL's ``?section=``
    (or the user's last choice, in either language) open; the URL follows the open tab."""
    names = [s for s in SECTIONS if s in present]
    labels = {s: tr(f"section_{s}") for s in names}
    known = {translator(HOTSPOT_PAGE, other)(f"section_{s}"): s for s in names for other in ("vi", "en")}
    current = known.get(st.session_state.get("hotspot_section"))
    if current is None:  # first run (a shared link opens the same tab) or a tab this view does not have
        wanted = str(st.query_params.get("section", "ranked")).lower()
        current = wanted if wanted in labels else "ranked"
    st.session_state["hotspot_section"] = labels[current]
    tabs = st.tabs([labels[s] for s in names], key="hotspot_section", on_change="rerun")
    opened = next((s for s, tab in zip(names, tabs) if tab.open), "ranked")
    if opened == "ranked":
        st.query_params.pop("section", None)
    else:
        st.query_params["section"] = opened
    return dict(zip(names, tabs))



ui.require_boundaries()
f = ui.filter_panel(("era", "province", "period", "form", "group", "metric"))
VIEWS = ["gi", "scan", "agree", "change"]
if "hotspot_view" not in st.session_state:  # a shared link opens the same analysis (?layer=scan)
    from geo.views.spec import LAYER_ALIASES

    wanted = str(st.query_params.get("layer", "gi")).lower()
    st.session_state["hotspot_view"] = LAYER_ALIASES.get(wanted, wanted) if LAYER_ALIASES.get(wanted, wanted) in VIEWS else "gi"
view_choice = st.sidebar.radio(tr("view"), VIEWS, key="hotspot_view", format_func=lambda v: tr(f"view_{v}"))
st.query_params["layer"] = view_choice
extra = {"layer": view_choice}
if f.era == "pre2025":
    km = st.sidebar.slider(tr("corridor_km"), 5, 30, 10, 5, key="corridor_km")
    extra |= {"km": str(km), "route": st.session_state.get("corridor_route")}  # (_keep_route)
ui.briefing_panel("diem-nong", extra)
st.title(tr("title"))
ui.demo_notice()
st.caption(f"{md(metric_label(analysis_metric(f), lg))} · {md(period_words(f.period, lg))} · "
           f"{tr('units_pre2025' if f.era == 'pre2025' else 'units_2025')}")

model = ui.view_model("diem-nong", **extra)
if isinstance(model, str):
    st.info(tr("need_period") if view_choice == "change" and not f.period else md(model))
else:
    ui.kpi_cards(model)
    view = MapView(era=f.era, province=f.province or None, lang=lg, highlight=f.district or None)

    @st.fragment
    def draw(model, view) -> None:
        ui.draw_model_map(model, view, key=f"hotspots_{view_choice}_{f.era}")

    draw(model, view)
    with st.expander(tr("method_used"), expanded=False):  # the parameters, as on the export
        for note in model.map.notes:
            st.markdown(f"- {md(note)}")
    with st.expander(tr("what"), expanded=False):
        settings = model.options.get("analysis", {})
        st.markdown(change.explanation(lg) if view_choice == "change" else
                    clusters.explanation(view_choice, settings, lg))
    tables = model.all_tables()
    main = tables[0]
    # the ranked units, the route corridors and the named hotspots in tabs: only the open one is drawn (a tab
    # opened reruns the page, from the cached model), so the map is not kept waiting by tables below it
    sections = {"ranked": [main]}
    for table in tables[1:]:
        sections.setdefault(SECTION_OF.get(table.key, "ranked"), []).append(table)
    chosen = section_tabs(list(sections))
    for name, tab in chosen.items():
        if not tab.open:
            continue
        with tab:
            if name == "ranked":
                st.subheader(tr(f"ranked_{view_choice}"))
                if main.frame.empty:
                    st.info(tr("no_hot"))
                else:
                    ui.show_table(model, main, key="hotspots_main", title=False)
            for table in sections[name][1 if name == "ranked" else 0:]:
                ui.show_table(model, table, key=f"hotspots_{table.key}")
                if table.key == "corridors":
                    with st.expander(t("sources", lg)):
                        st.markdown(corridors.explanation(lg))
                    routes = model.options.get("routes", {})
                    if routes:  # the route profiled below (part of the view: ?route=)
                        st.session_state["_w_corridor_route"] = model.options.get("route")
                        st.selectbox(tr("route"), list(routes), key="_w_corridor_route", format_func=routes.get,
                                     on_change=_keep_route)
                if table.key == "named":
                    with st.expander(tr("what")):
                        st.markdown(named_vs_computed.explanation(lg))
ui.credits(f.era)
