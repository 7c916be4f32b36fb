"""Shared Streamlit glue: language, sidebar filters, the map widget, credits, error states.

Pages stay thin: they read filters from here, call ``geo``, and draw.
"""
from __future__ import annotations

import streamlit as st

from geo import attribution
from geo.boundaries import BoundaryDataMissing
from geo.i18n import LANGS, t

LANG_LABELS = {"vi": "Tiếng Việt", "en": "English"}
ALL = ""  # selector value meaning "no filter" (whole country, all districts)


def _query_default(name: str, allowed: tuple | list | None = None, default=None):
    value = st.query_params.get(name)
    if value is None or (allowed is not None and value not in allowed):
        return default
    return value


def lang() -> str:
    """Current UI language ('vi' default), shared by all pages and kept in the URL (?lang=en)."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = _query_default("lang", LANGS, "vi")
    return st.session_state["lang"]


def language_switch() -> str:
    """Sidebar language switch; returns the language."""
    current = lang()
    choice = st.sidebar.radio(t("language", current), LANGS, index=LANGS.index(current),
                              format_func=LANG_LABELS.get, horizontal=True, key="_lang_radio")
    if choice != current:
        st.session_state["lang"] = choice
        st.rerun()
    _set_query("lang", choice, default="vi")
    return choice


def _set_query(name: str, value: str | None, default: str | None = None) -> None:
    if value is None or value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value


def require_boundaries() -> None:
    """Build the boundary cache if needed; stop the page with one clear message if files are missing."""
    from geo.cache import ensure_cache

    try:
        ensure_cache()
    except BoundaryDataMissing as exc:
        st.error(f"**{t('boundaries_missing', lang())}.** {exc}")
        st.stop()


def era_filter() -> str:
    """Sidebar era selector (pre-2025 units or 2025 units), kept in the URL as ?era=2025."""
    lg = lang()
    options = ("pre2025", "2025")
    if "era" not in st.session_state:
        st.session_state["era"] = _query_default("era", options, "pre2025")
    era = st.sidebar.radio(t("era", lg), options, key="era",
                           format_func=lambda e: t("era_pre2025" if e == "pre2025" else "era_2025", lg))
    _set_query("era", era, default="pre2025")
    return era


def province_filter(era: str) -> str | None:
    """Sidebar province selector for the era; None means the whole country. Kept in ?prov=40."""
    from geo.maps import province_options

    lg = lang()
    frame = province_options(era)
    codes = [ALL] + frame["code"].tolist()
    names = dict(zip(frame["code"], frame["prov_name_vi"]))
    key = f"province_{era}"
    if key not in st.session_state:
        st.session_state[key] = _query_default("prov", names, ALL)
    code = st.sidebar.selectbox(t("province", lg), codes, key=key,
                                format_func=lambda c: t("whole_country", lg) if c == ALL else names[c])
    _set_query("prov", code, default=ALL)
    return None if code == ALL else code


def reference_filter() -> tuple[str, ...]:
    """Sidebar toggles for the reference layers (gates, routes, named hotspots), kept in ?ref=gates,routes."""
    from geo.reference_layers import KINDS, tr

    lg = lang()
    if "reference" not in st.session_state:
        wanted = (st.query_params.get("ref") or "").split(",")
        st.session_state["reference"] = [k for k in KINDS if k in wanted]
    chosen = st.sidebar.multiselect(t("reference_layers", lg), KINDS, key="reference",
                                    format_func=lambda k: tr(k, lg))
    _set_query("ref", ",".join(chosen) or None)
    return tuple(k for k in KINDS if k in chosen)


def show_map(fmap, key: str, height: int = 700) -> dict:
    """Draw a prepared folium map with streamlit-folium; returns only what pages use."""
    from streamlit_folium import st_folium

    return st_folium(fmap, key=key, height=height, use_container_width=True,
                     returned_objects=["last_active_drawing"], render=False) or {}


def demo_notice() -> None:
    """A plain banner whenever the store holds demonstration data."""
    from geo import schema, store

    try:
        if store.has_demo():
            st.warning(schema.DEMO_NOTICE[lang()], icon="⚠️")
    except Exception as exc:  # the store is optional for the map pages
        st.caption(f"{exc}")


def credits(era: str) -> None:
    """Sources and licences of the boundary layers under a map."""
    lg = lang()
    with st.expander(t("sources", lg)):
        for credit in attribution.credits_for(era):
            st.markdown(f"- {credit.text(lg)}" + (f" — *{credit.caveat(lg)}*" if credit.caveat(lg) else ""))
