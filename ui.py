"""Shared Streamlit glue: language, sidebar filters, the map widget, credits, error states.

Pages stay thin: they read filters from here, call ``geo``, and draw.
"""
from __future__ import annotations

import functools
from pathlib import Path

import streamlit as st

from geo.admin import attribution
from geo.admin.boundaries import BoundaryDataMissing
from geo.i18n import LANGS, t
from geo.i18n.escape import md

LANG_LABELS = {"vi": "Tiếng Việt", "en": "English"}


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


# --- who is looking ---------------------------------------------------------------------------------
USER_RECHECK_SECONDS = 3.0  # how long one session lookup is trusted (the calls of one script run)
TEST_USER_KEY = "__tdn_test_user__"  # set only by the test suite (AppTest); no widget or URL can set it


def current_user():
    """The signed-in :class:`geo.auth.User` of this browser session (from the HttpOnly session cookie,
    checked against the store on every rerun), or None."""
    if TEST_USER_KEY in st.session_state:
        return st.session_state[TEST_USER_KEY]
    from geo.auth import sessions

    import time

    cookie = st.context.cookies.get(sessions.COOKIE_NAME)
    if not cookie:
        return None
    # one store lookup serves the calls of one script run (a few seconds at most): sign-out, expiry or a
    # disabled account still end an open page at its next run
    seen = st.session_state.get("_tdn_user_seen")
    if seen and seen[0] == cookie and time.monotonic() - seen[1] < USER_RECHECK_SECONDS:
        return seen[2]
    try:
        found = sessions.lookup(cookie)
    except Exception:  # the store is unreachable: nobody is signed in
        return None
    if found is None:
        st.session_state.pop("_tdn_user_seen", None)
        return None
    st.session_state["_tdn_session_address"] = found[1]
    st.session_state["_tdn_user_seen"] = (cookie, time.monotonic(), found[0])
    return found[0]


def client_address() -> str:
    """The browser's address for the audit trail (behind a trusted proxy: X-Forwarded-For), else the
    address the session signed in from."""
    import os

    if os.environ.get("TDN_TRUST_PROXY", "").strip().lower() in ("1", "true", "yes", "on"):
        forwarded = (st.context.headers.get("X-Forwarded-For") or "").split(",")[0].strip()
        if forwarded:
            return forwarded[:100]
    ip = getattr(st.context, "ip_address", None)
    if not isinstance(ip, str):  # e.g. no browser behind the run (AppTest)
        ip = None
    return (ip or st.session_state.get("_tdn_session_address") or "")[:100]


def user():
    """The signed-in user; stops the page with a way to the sign-in page when there is none (the server's
    gate already refuses anonymous visitors; this also covers a session that ended while the page was open)."""
    from geo.i18n.auth import ta

    found = current_user()
    if found is None:
        lg = lang()
        st.warning(ta("not_signed_in", lg))
        st.markdown(f'<a href="/signin?lang={lg}" target="_self">{ta("go_signin", lg)}</a>', unsafe_allow_html=True)
        st.stop()
    return found


def role_label(role: str, lg: str) -> str:
    from geo.i18n.auth import ta

    return ta(f"role_{role}", lg)


def scope_names(provinces: tuple[str, ...]) -> str:
    """The provinces of an account's scope, named in the UI language ("Tỉnh Nghệ An" / "Nghệ An province")."""
    from geo.admin.cache import load_layer
    from geo.admin.text import english_province

    names = load_layer("provinces_pre2025", "national").set_index("code")["prov_name_vi"]
    name = english_province if lang() == "en" else str
    return ", ".join(name(str(names.get(c, c))) for c in provinces)


def account_panel(u) -> None:
    """Sidebar: who is signed in (name, role, scope), password change and sign-out."""
    from geo.i18n.auth import ta

    lg = lang()
    sb = st.sidebar
    sb.markdown(ta("signed_in_as", lg, name=md(u.name), role=role_label(u.role, lg)))
    sb.caption(ta("scope_all", lg) if u.national else ta("scope_some", lg, names=md(scope_names(u.provinces))))
    if u.screen_access() != "exact":
        sb.caption(ta("protected_view", lg))
    if u.auth == "local":
        with sb.expander(ta("change_password", lg)):
            password_form(u, key="sidebar")
    sb.markdown(f'<a href="/signout?lang={lg}" target="_self">{ta("sign_out", lg)}</a>', unsafe_allow_html=True)


def password_form(u, key: str) -> bool:
    """The user's own password change; True when it was changed."""
    from geo.auth import accounts
    from geo.i18n.auth import ta

    lg = lang()
    with st.form(f"pw_{key}", clear_on_submit=True):
        old = st.text_input(ta("old_password", lg), type="password", key=f"pw_old_{key}")
        new = st.text_input(ta("new_password", lg), type="password", key=f"pw_new_{key}")
        again = st.text_input(ta("new_password2", lg), type="password", key=f"pw_again_{key}")
        if not st.form_submit_button(ta("save", lg)):
            return False
    if new != again:
        st.error(ta("passwords_differ", lg))
        return False
    try:
        accounts.change_password(u.username, old, new, address=client_address())
    except accounts.AuthError as exc:
        st.error(ta(exc.code, lg, **exc.info))
        return False
    st.success(ta("password_changed", lg))
    return True


def require_password_change(u) -> None:
    """A temporary password (first administrator, reset) must be replaced before anything else."""
    from geo.i18n.auth import ta

    if not u.must_change_password:
        return
    lg = lang()
    st.title(ta("change_password", lg))
    st.info(ta("must_change", lg))
    if password_form(u, key="required"):
        if TEST_USER_KEY not in st.session_state:
            st.rerun()
    st.stop()


def require_right(right: str) -> None:
    """Stop the page with a clear message when the signed-in user lacks ``right``."""
    from geo.i18n.auth import ta

    u = user()
    if not u.can(right):
        st.error(ta("no_right", lang(), role=role_label(u.role, lang())))
        st.stop()


def require_boundaries() -> None:
    """Build the boundary cache if needed; stop the page with one clear message if files are missing."""
    from geo.admin.cache import ensure_cache

    try:
        ensure_cache()
    except BoundaryDataMissing as exc:
        st.error(f"**{t('boundaries_missing', lang())}.** {md(exc)}")
        st.stop()


def reference_filter() -> tuple[str, ...]:
    """Sidebar toggles for the reference layers (gates, routes, named hotspots), kept in ?ref=gates,routes."""
    from geo.render.reference_layers import KINDS, tr

    lg = lang()
    if "reference" not in st.session_state:
        wanted = (st.query_params.get("ref") or "").split(",")
        st.session_state["reference"] = [k for k in KINDS if k in wanted]
    chosen = st.sidebar.multiselect(t("reference_layers", lg), KINDS, key="reference", placeholder=t("choose", lg),
                                    format_func=lambda k: tr(k, lg))
    _set_query("ref", ",".join(chosen) or None)
    return tuple(k for k in KINDS if k in chosen)


#: key-figure labels wrap; phones and tablets: a smaller page title and top margin on phones (the map comes sooner), larger touch
#: targets in the filter panel. (The map fits the window and its panels collapse to buttons inside its frame:
#: geo/render/webmap.py.)
RESPONSIVE_CSS = """<style>
/* a key figure's label wraps instead of ending in "…" when six cards share a narrow row; in such a row
   every label takes two lines, so the figures stay on one line */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; }
.st-key-kpi_cards_6 [data-testid="stMetricLabel"] { min-height: 2.7em; display: flex; align-items: flex-end; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
  [data-testid="stMainBlockContainer"] h1 { font-size: 1.75rem; }
}
@media (pointer: coarse) {
  [data-testid="stSidebarCollapseButton"] { visibility: visible; }  /* shown on hover only, and a finger does not hover */
  [data-testid="stSidebar"] [data-baseweb="select"] > div { min-height: 44px; }
  [data-testid="stSidebar"] label:has(input[type="radio"]),
  [data-testid="stSidebar"] label:has(input[type="checkbox"]) { min-height: 40px; align-items: center; }
  [data-testid="stSidebar"] button, [data-testid="stSidebar"] a { min-height: 44px; }
  [data-testid="stSidebarNav"] a { min-height: 44px; align-items: center; }
}
</style>"""


#: Streamlit's file uploader writes its own English ("Upload", "200MB per file"): in Vietnamese the same
#: places say it in Vietnamese (the text is replaced by CSS; the control is Streamlit's)
UPLOADER_VI_CSS = """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p { font-size: 0 !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "Tải tệp lên"; font-size: 0.875rem; }
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0 !important; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "Tối đa 200 MB mỗi tệp • CSV, XLSX, TXT"; font-size: 0.875rem; }
[data-testid="stFileUploaderFile"] small { font-size: 0.8rem; }
</style>"""


def responsive_css() -> None:
    st.html(RESPONSIVE_CSS)  # style only: no space taken on the page
    if lang() == "vi":
        st.html(UPLOADER_VI_CSS)


#: the map's frame: a Streamlit component without a bundle (frontend/map_frame/index.html), which draws the
#: folium maps prepared here with the arguments streamlit-folium's frontend takes
MAP_FRAME_DIR = Path(__file__).resolve().parent / "frontend" / "map_frame"
MAP_COMPONENT = "map"  # its frame's title is "ui.map" (module.name)


def _map_frame(**args):
    """Call the map component (declared in the script run that draws, which registers it with the server)."""
    import streamlit.components.v1 as components

    return components.declare_component(MAP_COMPONENT, path=str(MAP_FRAME_DIR))(**args)


def _folium_args(fmap) -> dict:
    """What the map frame needs of a folium map: its script (the map variable named ``map_div``), header,
    panels' HTML and the Leaflet files (streamlit-folium's own rendering of a map, which is pinned)."""
    import streamlit_folium as sf

    fmap.get_root().render()  # the figure renders the map in it (a second fmap.render() repeated every marker's icon)
    css, js = [], []
    for elem in _walk(fmap):
        css += [href for _, href in getattr(elem, "default_css", [])]
        js += [src for _, src in getattr(elem, "default_js", [])]
    return {"script": sf._get_map_string(fmap), "header": sf._get_header(fmap), "html": sf._get_html(fmap),
            "css_links": list(dict.fromkeys(css)), "js_links": list(dict.fromkeys(js))}


def _draw_frame(args: dict, key: str, height: int, script: str, restyle: str | None = None) -> dict:
    return _map_frame(script=script, header=args["header"], html=args["html"], key=key, height=height,
                      returned_objects=["last_active_drawing"], default={"last_active_drawing": None},
                      feature_group=restyle, layer_control="" if restyle else None,
                      css_links=args["css_links"], js_links=args["js_links"], lang=lang()) or {}


def show_map(fmap, key: str, height: int = 700) -> dict:
    """Draw a folium map built on this run in the map frame; returns only what pages use (clicks). The
    frame is named by the map's script, so a changed map is a new frame."""
    import streamlit_folium as sf

    args = _folium_args(fmap)
    return _draw_frame(args, sf.generate_js_hash(args["script"], key, False), height, args["script"])


@st.cache_data(show_spinner=False, max_entries=16)
def _has_demo(url: str, version: str) -> bool:
    """Whether the store at ``url`` holds demo rows, at data ``version`` (counted once per version, not on
    every rerun: a demo load or removal is an import or an undo, which changes the version)."""
    from geo.data import store

    return store.has_demo()


def demo_notice() -> None:
    """A plain banner whenever the store holds demonstration data."""
    from geo import config
    from geo.data import schema
    try:
        if _has_demo(config.database_url(), data_version()):
            st.warning(schema.DEMO_NOTICE[lang()], icon="⚠️")
    except Exception as exc:  # the store is optional for the map pages
        st.caption(md(exc))


def credits(era: str) -> None:
    """Sources and licences of the boundary layers under a map."""
    lg = lang()
    with st.expander(t("sources", lg)):
        for credit in attribution.credits_for(era):
            st.markdown(f"- {credit.text(lg)}" + (f" — *{credit.caveat(lg)}*" if credit.caveat(lg) else ""))


# --- the shared filter panel ---------------------------------------------------------------------
FILTER_WIDGETS = ("era", "province", "district", "period", "form", "group", "metric", "border", "method")


def _period_options() -> list[str]:
    from datetime import date

    options = [""]
    for year in range(date.today().year, 2020, -1):
        options.append(str(year))
        options += [f"{year}-H2", f"{year}-H1"]
        options += [f"{year}-Q{q}" for q in (4, 3, 2, 1)]
        options += [f"{year}-{m:02d}" for m in range(12, 0, -1)]
    return options


def current_filters():
    """The shared filters of this session (first read from the URL)."""
    from geo.views.filters import Filters

    if "filters" not in st.session_state:
        st.session_state["filters"] = Filters.from_query(st.query_params.to_dict())
    return st.session_state["filters"]


def set_filters(**changes) -> None:
    """Change shared filters (e.g. after a click on the map); the URL follows on the next run."""
    f = current_filters().with_(**changes)
    if f.era == "2025":
        f = f.with_(district="")
    st.session_state["filters"] = f


def _on_change(name: str) -> None:
    value = st.session_state[f"_w_{name}"]
    value = "" if value is None else value
    changes = {name: value}
    if name == "era":  # codes differ between eras
        changes.update(province="", district="")
    if name == "province":
        changes["district"] = ""
    set_filters(**changes)
    if name == "period" and st.session_state.get("_era_on_page"):
        _era_for_period()


def _era_for_period() -> None:
    """A period wholly after 1 July 2025 has no pre-2025 map (its rows are in 2025 units): on pages with the
    era choice, the 2025 units are drawn, and the page says so once."""
    f = current_filters()
    moved = f.for_period()
    if moved != f:
        st.session_state["filters"] = moved
        st.session_state["_era_moved"] = True


def _sync_url(f) -> None:
    wanted = f.to_query()
    for key in f.QUERY_KEYS.values():
        _set_query(key, wanted.get(key))


def filter_panel(show: tuple[str, ...] = ("era", "province", "district", "period", "form", "group", "metric")):
    """Sidebar filters shared by every page; returns the current :class:`geo.views.filters.Filters`.

    Values live in ``st.session_state['filters']`` (not in widget state), so they survive moving
    between pages, and in the URL, so a copied link opens the same view.
    """
    from geo.data import schema
    from geo.views.filters import BORDER_CHOICES, CLASS_METHODS, GROUPS, metric_label, metric_options, period_words
    from geo.render.maps import province_options

    lg = lang()
    f = current_filters()
    sb = st.sidebar
    sb.markdown(f"**{t('filters', lg)}**")

    def widget(name, render, options, fmt):
        key = f"_w_{name}"
        value = getattr(f, name)
        st.session_state[key] = value if value in options else options[0]
        render(t(f"filter_{name}", lg), options, key=key, format_func=fmt, on_change=_on_change, args=(name,))

    st.session_state["_era_on_page"] = "era" in show
    if "era" in show and not st.session_state.get("_era_checked"):  # a link's period after the reform, no era
        st.session_state["_era_checked"] = True
        if "era" not in st.query_params:
            _era_for_period()
            f = current_filters()
    if "era" in show:
        widget("era", sb.radio, ["pre2025", "2025"], lambda e: t("era_pre2025" if e == "pre2025" else "era_2025", lg))
        if st.session_state.pop("_era_moved", False):
            sb.caption(t("era_moved", lg))
    if "border" in show:
        from geo.admin.borders import BORDERS

        widget("border", sb.selectbox, list(BORDER_CHOICES),
               lambda b: t("all_borders", lg) if b == "all" else BORDERS[b].label(lg))
    # a code that is not a unit of the era (an edited or old link) falls back to "no filter"
    frame = province_options(f.era)
    names = dict(zip(frame["code"], frame["prov_name_vi"]))
    if f.province and f.province not in names:
        set_filters(province="", district="")
        f = current_filters()
    if f.district and f.district not in _district_names(f.province):
        set_filters(district="")
        f = current_filters()
    if "province" in show:
        widget("province", sb.selectbox, [""] + list(names), lambda c: t("whole_country", lg) if not c else names[c])
    if "district" in show and f.era == "pre2025":
        districts = _district_names(f.province)
        widget("district", sb.selectbox, [""] + list(districts),
               lambda c: t("all_districts", lg) if not c else districts[c])
    if "period" in show:
        widget("period", sb.selectbox, _period_options(), lambda p: period_words(p, lg))
    if "form" in show:
        forms = {c.code: c.label(lg) for c in schema.FORMS.choices}
        widget("form", sb.selectbox, [""] + list(forms), lambda k: t("all_forms", lg) if not k else forms[k])
    if "group" in show:
        widget("group", sb.radio, list(GROUPS), lambda g: t(f"group_{g}", lg))
    if "metric" in show:
        widget("metric", sb.selectbox, metric_options(), lambda m: metric_label(m, lg))
    if "method" in show:
        widget("method", sb.selectbox, list(CLASS_METHODS), lambda m: t(f"method_{m}", lg))
    _sync_url(f)
    return f


def map_layer_choice() -> str:
    """'metric' (choropleth of the chosen metric) or 'gi' (statistical hotspots), kept in ?layer=gi."""
    lg = lang()
    options = ["metric", "gi"]
    if "_w_layer" not in st.session_state:
        st.session_state["_w_layer"] = st.query_params.get("layer") if st.query_params.get("layer") in options else "metric"
    choice = st.sidebar.radio(t("map_layer", lg), options, key="_w_layer",
                      format_func=lambda o: t(f"map_layer_{o}", lg))
    _set_query("layer", choice, default="metric")
    return choice


def model_choropleth(model):
    """The view model's map values as a :class:`geo.render.maps.Choropleth` (no figure computed here):
    the model's classes and colours; tooltips print the model's protected labels, else the unit's class
    (a national map prints no unit's count, as its export); units the model protects (small counts on a
    rate map) are drawn as "no figure shown" with their mark instead of a colour that would tell the count."""
    from geo.render.maps import CategoryClasses, Choropleth

    mp = model.map
    cls = mp.classification
    lg = model.view.lang
    values = dict(mp.values or {})
    labels = mp.value_labels or {}
    texts = {}
    for code, value in values.items():
        text = labels.get(code) or ""
        if code in mp.protected:
            values[code] = None
            text = text or f"<{mp.threshold}"
        if not text:
            text = cls.label_of(value, lg) if isinstance(cls, CategoryClasses) else cls.label_of(value, lg)
        texts[code] = text
    return Choropleth(values, cls, mp.metric_label or "", texts=texts,
                      key=f"{model.view}|{model.data_version}", no_data_label=mp.no_data_label)


@st.cache_resource(show_spinner=False, max_entries=48)
def _prepared_map(map_key: str, _build) -> dict:
    """The map's component arguments, rendered once per (view, data version): rendering a folium map of
    700 districts to Leaflet code costs most of a page view, so a rerun that shows the same map reuses them.
    (What ``streamlit_folium.st_folium`` would do on every call, done once.)

    The script itself is written once as a file (``geo.render.fetched.published_script``) and handed to
    the component as the last of its ``js_links``, which it loads in order before running ``script``: the
    websocket carries the map's address, not its megabyte, and a browser that has drawn the map keeps it.
    (When the cache folder cannot be written, the script is sent inline as before.)"""
    result = _build()
    args = _folium_args(result.fmap)
    leaflet = args["script"]
    # the map's script as a file the browser fetches (and keeps) after Leaflet, not inside every message
    # (geo.render.fetched); the frame then runs only the hand-over line after it
    from geo.render import fetched

    url = fetched.published_script(leaflet)
    return {**args, "script": "" if url else leaflet, "script_full": leaflet,
            "js_links": args["js_links"] + ([url] if url else []),
            "restyle": result.restyle.script() if result.restyle else None,
            "identity": result.restyle.identity if result.restyle else None}


def _walk(element):
    import folium

    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def show_prepared_map(map_key: str, build, key: str, height: int = 700) -> dict:
    """Draw a folium map built by ``build()`` (a :class:`geo.render.maps.MapResult`, cached on ``map_key``);
    returns what pages use (clicks).

    The component's key names the map's frame. A choropleth's frame is named by its geometry and fixed parts
    (:class:`geo.render.restyle.Restyle`), so a filter change that keeps them keeps the frame, with the
    user's zoom and pan: the frame evaluates the changed ``feature_group`` argument in it, the call
    that recolours the units and rewrites the title and legend. Any other map is named by its script, and a
    new script is a new frame."""
    import streamlit_folium as sf

    args = _prepared_map(map_key, build)
    if args["script"] == "":  # the script is a file: kept while the map is in use (geo.render.fetched.keep)
        from geo.render import fetched

        args["kept"] = fetched.keep(args["js_links"][-1], args["script_full"], args.get("kept", 0.0))
    hashes = args.setdefault("hash_keys", {})  # hashing 1 MB of script on every rerun costs more than drawing
    named_by = args["identity"] or args["script_full"]
    hash_key = hashes.get(key) or hashes.setdefault(key, sf.generate_js_hash(named_by, key, False))
    return _draw_frame(args, hash_key, height, args["script"], args["restyle"])


def draw_model_map(model, view, key: str, height: int = 700, title: str | None = None) -> None:
    """The page's map drawn from its view model; a click on a unit selects it everywhere.

    A map that fails to build shows a message and the page goes on."""
    from geo.render.maps import admin_map

    lg = lang()
    mp = model.map
    if not model.has_data:
        st.info(t("no_data_for_filters", lg))
    subtitle = " · ".join(x for x in (mp.period_label, mp.filters_text) if x)
    from geo.views.mapspec import place_text

    # the place as the cards and the export say it (a border view is named by its border, not "whole country")
    title = title or mp.title or f"{mp.metric_label} — {place_text(mp)}"
    map_key = f"{key}|{model.view}|{model.data_version}|{view}"
    try:
        state = show_prepared_map(map_key, lambda: admin_map(view, choropleth=model_choropleth(model), title=title,
                                                             subtitle=subtitle), key=f"{key}_map", height=height)
    except Exception as exc:  # a layer that fails must not take the page down
        st.error(f"{t('layer_error', lg)}: {md(exc)}")
        return
    select_clicked_unit(state)


def place_words(f) -> str:
    """'Tỉnh Nghệ An' ('Nghệ An province' in English), 'Huyện Kỳ Sơn (Tỉnh Nghệ An)' or 'Toàn quốc'."""
    from geo.render.maps import province_options

    lg = lang()
    if f.district:
        return _district_names("").get(f.district, f.district)
    if f.province:
        from geo.admin.text import english_province

        names = dict(zip(province_options(f.era)["code"], province_options(f.era)["prov_name_vi"]))
        name = names.get(f.province, f.province)
        return english_province(name) if lg == "en" else name
    return t("whole_country", lg)


def filter_words(f) -> str:
    """The filters other than place and period, in words (for map titles and exports)."""
    from geo.data import schema
    lg = lang()
    parts = []
    if f.form:
        parts.append(schema.FORMS.label(f.form, lg))
    if f.group != "all":
        parts.append(t(f"group_{f.group}", lg))
    return ", ".join(parts)


@functools.lru_cache(maxsize=128)
def _district_names(province: str) -> dict[str, str]:
    """Pre-2025 district code -> name (with its province on the national list), read once per province
    (the layer does not change while the server runs). Callers only read it."""
    from geo.admin.cache import load_layer

    frame = load_layer("districts_pre2025", "national")
    if province:
        frame = frame[frame["prov_code"] == province]
    frame = frame.sort_values(["prov_name_vi", "full_name_vi"])
    if province:
        return dict(zip(frame["code"], frame["full_name_vi"]))
    return {c: f"{n} ({p.replace('Tỉnh ', '').replace('Thành phố ', 'TP ')})"
            for c, n, p in zip(frame["code"], frame["full_name_vi"], frame["prov_name_vi"])}


def select_clicked_unit(map_state: dict) -> None:
    """A click on a district (or 2025 province) on any map selects it everywhere."""
    clicked = (map_state or {}).get("last_active_drawing") or {}
    code = (clicked.get("properties") or {}).get("code")
    if not code:
        return
    f = current_filters()
    if f.era == "pre2025" and len(code) >= 5 and code != f.district:
        from geo.admin.cache import load_layer

        districts = load_layer("districts_pre2025", "national")
        row = districts[districts["code"] == code]
        if not row.empty:
            set_filters(district=code, province=str(row["prov_code"].iloc[0]))
            st.rerun()
    elif f.era == "2025" and len(code) == 2 and code != f.province:
        set_filters(province=code)
        st.rerun()


# --- view models, their caches and their renderers ------------------------------------------------
def data_version() -> str:
    """The store's data version (one small query per rerun): every cached view is keyed on it, so an
    import or an undo in any process shows on the next rerun, without a restart."""
    from geo.data import store

    memo = st.session_state.get("_data_version")
    run = _run_token()
    if memo is not None and run is not None and memo[0] is run:
        return memo[1]
    try:
        version = store.data_version()
    except Exception:  # the map pages still work without a store
        version = "no-store"
    st.session_state["_data_version"] = (run, version)
    return version


def data_changed() -> None:
    """After a write in this run (an import, an undo, a decision): the next figure reads the version again."""
    st.session_state.pop("_data_version", None)


def _run_token():
    """An object that is new at every script run (fragment runs included): the store's version is read once
    per run, not once for every figure that needs it. Compared by identity and kept with the version, so a
    later run can never be mistaken for this one."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.cursors if ctx is not None else None


def _spec_hash(spec) -> str:
    """A view spec's cache key: its repr names every field (Streamlit's own hashing of the frozen dataclass
    costs about 8 ms a call, several calls a run)."""
    return repr(spec)


def _spec_hashes() -> dict:
    from geo.views.spec import ViewSpec

    return {ViewSpec: _spec_hash}


@st.cache_resource(show_spinner=False, max_entries=64, hash_funcs=_spec_hashes())
def _cached_model(spec, version: str):
    """The view model of ``spec`` at data ``version``, or the reason there is none (a string)."""
    from geo.views.model import build_view
    from geo.views.spec import ViewError

    try:
        return build_view(spec, data_version=version)
    except ViewError as exc:
        return str(exc)


def view_spec(page_path: str, export: bool = False, **extra):
    """The :class:`geo.views.spec.ViewSpec` of this page for the current filters (as its URL would give),
    for the signed-in user: their province scope, and their access level on screen or, with ``export``,
    in files (a viewer is protected everywhere; an analyst sees exact figures on screen and gets
    protected files unless the deployment allows exact exports)."""
    import dataclasses

    from geo.views.spec import spec_from_filters

    u = user()
    spec = spec_from_filters(page_path, current_filters(), lang(), scope=u.provinces, **extra)
    access = u.export_access() if export else u.screen_access()
    if access == "exact":
        spec = dataclasses.replace(spec, access="exact", suppress=False)
    return spec


def view_model(page_path: str, export: bool = False, **extra):
    """The page's view model (cached on the spec and the data version), or the reason there is none.
    ``export``: the model the user's files are written from (see :func:`view_spec`)."""
    from geo.views.spec import ViewError

    try:
        spec = view_spec(page_path, export=export, **extra)
    except ViewError as exc:
        return str(exc)
    return _cached_model(spec, data_version())


def export_model(model):
    """The model the signed-in user's downloads of ``model`` are written from: the same model when their
    files and screen share an access level, else the protected twin of the same view."""
    import dataclasses

    u = user()
    if u.export_access() == model.view.access:
        return model
    spec = dataclasses.replace(model.view, access=u.export_access(),
                               suppress=u.export_access() != "exact")
    twin = _cached_model(spec, data_version())
    return model if isinstance(twin, str) else twin


def _twin_table(model, table):
    for candidate in model.all_tables():
        if getattr(candidate, "key", None) == getattr(table, "key", None):
            return candidate
    raise LookupError(f"no protected twin of table {table.key!r}")  # never fall back to the exact table


def record_download(what: str, username: str | None = None, address: str | None = None) -> None:
    """Audit: who downloaded which file (``username``/``address`` given when called outside the script
    run, e.g. by a deferred download)."""
    from geo.auth import audit

    if username is None:
        u = current_user()
        username, address = (u.username if u else None), client_address()
    try:
        audit.record("download", username, what, address)
    except Exception:  # the audit must not break a download; the store being down shows elsewhere
        pass


def kpi_cards(model) -> None:
    """The view model's key figures as metric cards, with their change against the previous period."""
    if not model.kpis:
        return
    from geo.views.mapspec import place_text

    lg = lang()
    # what the cards cover, in words: a pasted screenshot of the cards alone still says where and when
    place = place_text(model.map)
    if model.view.district:  # the cards of a chosen district are the district's, drawn on its province's map
        place = _district_names("").get(model.view.district, model.view.district)
    where = " · ".join(x for x in (place, model.map.period_label) if x)
    compared = ""
    if model.kpi_changes and model.view.period.start is not None and model.view.period.end is not None:
        from geo.periods import comparison_window
        from geo.views.spec import parse_period

        until, start, end = comparison_window(model.view.period.start, model.view.period.end, model.made_on)
        words = parse_period(f"{start.isoformat()}/{end.isoformat()}").words(lg)
        if until < model.view.period.end:  # a running period: up to today, against the same part of the last one
            so_far = parse_period(f"{model.view.period.start.isoformat()}/{until.isoformat()}").words(lg)
            where = f"{where} ({t('kpi_so_far', lg)} {so_far[:1].lower() + so_far[1:]})"
        compared = f" · {t('kpi_change_vs', lg)} {words[:1].lower() + words[1:]}"
    st.caption(md(f"{t('kpi_cover', lg)}: {where}{compared}"))
    row = st.container(key=f"kpi_cards_{min(len(model.kpis), 6)}")
    for column, (label, text) in zip(row.columns(len(model.kpis)), model.kpis):
        change = model.kpi_changes.get(label)
        zero = change is not None and change.strip("+-%") in ("0", "")
        delta = None if change is None else ("±0%" if zero else change)
        # neutral grey, whatever the direction: more cases found can mean more work done, fewer arrests is not
        # good news; the arrow is dropped for no change; what it is compared with is said once, above the cards
        column.metric(label, text, delta, delta_color="off", delta_arrow="off" if zero else "auto")


def show_table(model, table, key: str, title: bool = True) -> None:
    """A table of the view model (display strings, small counts already protected) with CSV/XLSX downloads
    written by :mod:`geo.render.downloads` (the grid's own export is off)."""
    from geo.render import downloads

    lg = lang()
    if title and table.title:
        st.subheader(md(table.title))
    frame = table.frame.reset_index(drop=True)
    if not frame.columns.is_unique:  # the grid needs unique headers; the files keep the model's
        frame.columns = [f"{c}{' ' * i}" for i, c in enumerate(frame.columns)]
    st.dataframe(frame, hide_index=True, width="stretch")
    if table.note:
        st.caption(md(table.note))
    left, right, _ = st.columns([1, 1, 4])
    # the files are written when asked for (a callable), not on every rerun of the page, from the
    # model of the user's file access (protected unless exact exports are allowed to them)

    # everything about who is asking is settled now, during the script run: Streamlit calls the writer
    # later, outside the run, where there is no session to read
    u = user()
    source = export_model(model)
    twin = _twin_table(source, table) if source is not model else table
    who, address = u.username, client_address()

    def write(kind: str) -> bytes:
        record_download(downloads.table_filename(source, twin, kind), who, address)
        return downloads.table_csv(source, twin) if kind == "csv" else downloads.table_xlsx(source, twin)

    left.download_button(t("download_csv", lg), lambda: write("csv"),
                         file_name=downloads.table_filename(model, table, "csv"), mime="text/csv",
                         key=f"dl_csv_{key}")
    right.download_button(t("download_xlsx", lg), lambda: write("xlsx"),
                          file_name=downloads.table_filename(model, table, "xlsx"),
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          key=f"dl_xlsx_{key}")


@st.cache_data(show_spinner=False, max_entries=16, hash_funcs=_spec_hashes())
def _briefing_files(spec, version: str) -> tuple[bytes, bytes, str, str] | str:
    """PNG and PDF bytes of the view model with their file names, or the reason no export can be made."""
    from geo.render.briefing import render_briefing

    model = _cached_model(spec, version)
    if isinstance(model, str):
        return model
    briefing = render_briefing(model)
    return briefing.png(), briefing.pdf(), briefing.filename("png"), briefing.filename("pdf")


def _leave_briefing() -> None:
    st.session_state["_w_briefing"] = False  # allowed in a callback, before the toggle is drawn again


def briefing_panel(page: str, extra: dict | None = None) -> None:
    """Sidebar: briefing mode (the export picture full width, no controls) and PNG/PDF downloads.

    The export is drawn from the page's own view model (same spec, same data version), so it shows the
    page's figures, protected the same way, and follows every import or undo.
    """
    from geo.views.spec import ViewError

    lg = lang()
    sb = st.sidebar
    sb.markdown(f"**{t('briefing', lg)}**")
    try:
        spec = view_spec(page, export=True, **(extra or {}))  # files: the user's export access
    except ViewError as exc:
        spec, problem = None, str(exc)
    version = data_version()
    if "_w_briefing" not in st.session_state:
        st.session_state["_w_briefing"] = st.query_params.get("briefing") == "1"
    on = sb.toggle(t("briefing_mode", lg), key="_w_briefing")
    _set_query("briefing", "1" if on else None)
    if sb.button(t("briefing_make", lg), key="briefing_make"):
        st.session_state["_briefing_ready"] = (spec, version)  # offered until the filters or the data change
        if spec is not None:
            record_download(f"briefing {spec.page_path or spec.page}: {spec.period.words('en')}")
    if on or st.session_state.get("_briefing_ready") == (spec, version):
        with st.spinner(t("briefing_working", lg)):
            files = _briefing_files(spec, version) if spec is not None else problem
        if isinstance(files, str):
            (st if on else sb).warning(f"{t('briefing_unavailable', lg)}: {files}")
        else:
            png, pdf, png_name, pdf_name = files
            # in briefing mode the sidebar is hidden: the buttons go under the picture
            if on:
                st.markdown("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], "
                            "header {display: none !important;}</style>", unsafe_allow_html=True)
                st.image(png, width="stretch")
            cols = st.columns(3) if on else (sb, sb, sb)
            cols[0].download_button(t("briefing_png", lg), png, file_name=png_name, mime="image/png", key="dl_png")
            cols[1].download_button(t("briefing_pdf", lg), pdf, file_name=pdf_name, mime="application/pdf",
                                    key="dl_pdf")
            if on:
                cols[2].button(t("briefing_exit", lg), key="briefing_exit", on_click=_leave_briefing)
                st.stop()
