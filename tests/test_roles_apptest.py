"""Roles and province scope on the real app (Streamlit's AppTest, demo data in a temporary store).

- a viewer sees no count from 1 to 4 anywhere (key figures, tables, texts) on any page;
- the District page: case rows for analysts, never for viewers;
- the Data page's uploader only for data managers and administrators;
- a province-scoped viewer's national totals are the totals of their province only;
- the administration page: only in an administrator's navigation, a clear stop for anyone else;
- nobody signed in: the "not signed in" message and no figure.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import streamlit
from streamlit.testing.v1 import AppTest

import ui
from geo.i18n.auth import ta
from tests.apptest_support import APP, demo_store_at, make_user, run_page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SMALL = re.compile(r"^\s*[1-4]\s*$")
#: columns holding counts of cases, victims or suspects (not published figures, km, communes or ids)
COUNT_COLUMN = re.compile(r"Nạn nhân|Vụ việc|Số vụ|Trẻ em|^Nữ$|Giải cứu|Đối tượng bị bắt|được giải cứu|Victims|Cases")
COUNT_METRIC = re.compile(r"nạn nhân|vụ việc|Đối tượng bị bắt|trẻ em", re.IGNORECASE)
CASE_ROW_COLUMN = "Mã vụ việc"

#: every page of the app, with a national view and a province/district view where it has one
PAGES = [
    ("pages/tong_quan.py", {}),
    ("pages/tong_quan.py", {"prov": "40", "period": "2024"}),
    ("pages/tong_quan.py", {"prov": "10", "layer": "gi"}),
    ("pages/bien_gioi.py", {}),
    ("pages/bien_gioi.py", {"border": "laos", "prov": "40"}),
    ("pages/diem_nong.py", {}),
    ("pages/diem_nong.py", {"section": "corridors"}),
    ("pages/diem_nong.py", {"section": "named"}),
    ("pages/phong_ngua.py", {"prov": "40"}),
    ("pages/huyen.py", {"dist": "40417"}),
    ("pages/huyen.py", {"dist": "10082", "period": "2024"}),
    ("pages/ban_do.py", {}),
    ("pages/du_lieu.py", {}),
]


@pytest.fixture(scope="module", autouse=True)
def demo_store(tmp_path_factory):
    with demo_store_at(tmp_path_factory.mktemp("roles")) as engine:
        yield engine


def page_id(value):
    return value.split("/")[-1] if isinstance(value, str) else "&".join(f"{k}={v}" for k, v in value.items()) or "-"


def small_counts_shown(at: AppTest) -> list[str]:
    """Every count from 1 to 4 the page shows: key figures, count columns of its grids, bare numbers in text."""
    found = []
    for m in at.metric:
        if COUNT_METRIC.search(m.label) and SMALL.match(str(m.value)):
            found.append(f"metric {m.label!r} = {m.value!r}")
    for grid in at.dataframe:
        frame = grid.value
        for column in frame.columns:
            if not COUNT_COLUMN.search(str(column)):
                continue
            for value in frame[column].astype(str):
                if SMALL.match(value):
                    found.append(f"table column {column!r} = {value!r}")
    for table in at.table:
        frame = table.value
        for column in frame.columns:
            if COUNT_COLUMN.search(str(column)):
                found += [f"st.table {column!r} = {v!r}" for v in frame[column].astype(str) if SMALL.match(v)]
    for element in [*at.markdown, *at.caption, *at.text]:
        if SMALL.match(str(element.value)):
            found.append(f"text {element.value!r}")
    return found


@pytest.mark.parametrize("page,query", PAGES, ids=page_id)
def test_a_viewer_sees_no_count_from_1_to_4_on_any_page(page, query):
    at = run_page(page, query, timeout=180, user=make_user("viewer"))
    assert at.dataframe or at.metric, "the page showed nothing to check"
    assert not small_counts_shown(at)
    assert all(CASE_ROW_COLUMN not in grid.value.columns for grid in at.dataframe), "a viewer got case rows"


def test_the_check_would_see_small_counts():
    """The same check on an analyst's District page (exact counts) finds small counts: it is not blind."""
    at = run_page("pages/huyen.py", {"dist": "40417"}, user=make_user("analyst"))
    assert small_counts_shown(at)


def case_rows(at: AppTest) -> list:
    return [grid.value for grid in at.dataframe if CASE_ROW_COLUMN in grid.value.columns]


def test_a_viewers_district_page_has_no_case_rows():
    at = run_page("pages/huyen.py", {"dist": "40417"}, user=make_user("viewer"))
    assert at.dataframe and not case_rows(at)


def test_an_analysts_district_page_shows_the_case_rows():
    at = run_page("pages/huyen.py", {"dist": "40417"}, user=make_user("analyst"))
    rows = case_rows(at)
    assert rows and len(rows[0]) > 0


def test_a_viewer_gets_no_case_rows_even_on_a_server_with_exact_exports(monkeypatch):
    monkeypatch.setenv("TDN_EXACT_EXPORTS", "1")
    at = run_page("pages/huyen.py", {"dist": "40417"}, user=make_user("viewer"))
    assert not case_rows(at)
    assert not small_counts_shown(at)


@pytest.mark.parametrize("role,provinces,uploader", [
    ("viewer", (), False), ("analyst", (), False), ("data_manager", ("40",), True), ("admin", (), True)])
def test_only_data_managers_and_admins_get_the_uploader(role, provinces, uploader):
    at = run_page("pages/du_lieu.py", {}, user=make_user(role, provinces))
    assert bool(at.get("file_uploader")) == uploader
    refusal = ta("no_right", "vi", role=ui.role_label(role, "vi"))
    assert (refusal in [i.value for i in at.info]) != uploader
    if provinces:
        assert any("Nghệ An" in c.value for c in at.caption), "the manager's scope is not shown"


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_a_province_scoped_viewer_s_national_totals_are_the_province_s_own():
    scoped = kpis(run_page("pages/tong_quan.py", {}, user=make_user("viewer", ("40",))))
    national = kpis(run_page("pages/tong_quan.py", {}, user=make_user("viewer")))
    # Nghệ An is unchanged by the 2025 merger: the 2025 province holds every Nghệ An row of both eras
    nghe_an = kpis(run_page("pages/tong_quan.py", {"era": "2025", "prov": "40"}, user=make_user("viewer")))
    assert scoped and scoped.keys() == national.keys()
    assert scoped == nghe_an
    assert all(scoped[k] != national[k] for k in scoped), (scoped, national)


def test_a_province_scoped_analyst_s_national_totals_are_the_province_s_exact_sums(demo_store):
    from geo.data import store

    rows = store.table_frame("cases", engine=demo_store)
    nghe_an = rows[(rows["prov_code_pre2025"] == "40") | (rows["prov_code_pre2025"].isna() & (rows["prov_code_2025"] == "40"))]
    shown = kpis(run_page("pages/tong_quan.py", {}, user=make_user("analyst", ("40",))))
    assert shown["Số nạn nhân"] == f"{int(nghe_an['victims'].sum()):,}".replace(",", ".")
    assert shown["Số vụ việc"] == f"{int(nghe_an['n_cases'].sum()):,}".replace(",", ".")
    assert int(nghe_an["victims"].sum()) < int(rows["victims"].sum())


def test_a_scoped_viewer_gets_no_counts_of_another_province():
    at = run_page("pages/tong_quan.py", {"prov": "10"}, user=make_user("viewer", ("40",)))
    for m in at.metric:
        if COUNT_METRIC.search(m.label):
            assert not re.search(r"[1-9]", str(m.value)), (m.label, m.value)
    for grid in at.dataframe:
        for column in grid.value.columns:
            if COUNT_COLUMN.search(str(column)):
                assert not grid.value[column].astype(str).str.contains(r"[1-9]").any(), (column, grid.value[column])


@pytest.fixture()
def navigation_spy(monkeypatch):
    """The url paths of the pages each run of app.py put in its navigation."""
    seen: list[list[str]] = []
    original = streamlit.navigation

    def spy(pages, *args, **kwargs):
        seen.append([p.url_path for p in pages])
        return original(pages, *args, **kwargs)

    monkeypatch.setattr(streamlit, "navigation", spy)
    return seen


@pytest.mark.parametrize("role", ["viewer", "analyst", "data_manager", "admin"])
def test_the_admin_page_is_only_in_an_admin_s_navigation(role, navigation_spy):
    run_page("pages/tong_quan.py", {}, user=make_user(role))
    assert navigation_spy, "app.py did not call st.navigation"
    assert ("quan-tri" in navigation_spy[-1]) == (role == "admin"), navigation_spy[-1]
    assert "bien-gioi" in navigation_spy[-1] and "du-lieu" in navigation_spy[-1]


@pytest.mark.parametrize("role", ["viewer", "analyst", "data_manager"])
def test_the_admin_page_stops_anyone_else_with_a_clear_message(role):
    # reached through the app, and run on its own (as a stale link or a changed role would)
    for at in (run_page("pages/quan_tri.py", {}, user=make_user(role)), _run_alone("pages/quan_tri.py", role)):
        assert ta("no_right", "vi", role=ui.role_label(role, "vi")) in [e.value for e in at.error]
        assert not at.dataframe and not at.title
        assert not at.get("text_input")


def test_the_admin_page_shows_accounts_and_the_audit_trail_to_an_admin():
    at = run_page("pages/quan_tri.py", {}, user=make_user("admin"))
    assert [t.value for t in at.title] == [ta("page_admin", "vi")]
    columns = [list(grid.value.columns) for grid in at.dataframe]
    assert [ta(f"col_{c}", "vi") for c in ("id", "at", "username", "action", "outcome", "detail", "address")] in columns
    assert any(ta("col_username", "vi") in c and ta("col_role", "vi") in c for c in columns)
    assert not any("password_hash" in c for c in columns)


def _run_alone(page: str, role: str | None) -> AppTest:
    at = AppTest.from_file(str(Path(APP).parent / page), default_timeout=120)
    if role is not None:
        at.session_state[ui.TEST_USER_KEY] = make_user(role)
    at.run()
    assert not at.exception, at.exception
    return at


def test_nobody_signed_in_sees_only_the_sign_in_message():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == [ta("not_signed_in", "vi")]
    assert any("/signin" in m.value for m in at.markdown)
    assert not at.metric and not at.dataframe and not at.table and not at.title
    assert not at.get("file_uploader") and not at.get("download_button")


@pytest.mark.parametrize("page", ["pages/tong_quan.py", "pages/huyen.py", "pages/du_lieu.py", "pages/quan_tri.py"])
def test_a_page_run_without_a_user_shows_no_figure(page):
    at = _run_alone(page, None)
    assert ta("not_signed_in", "vi") in [w.value for w in at.warning]
    assert not at.metric and not at.dataframe and not at.table
    assert not at.get("file_uploader") and not at.get("download_button")


def test_an_english_sidebar_names_the_scope_in_english():
    """A scoped account's sidebar says which provinces it sees in the UI language."""
    user = make_user("viewer", provinces=("40",))
    english = run_page("pages/tong_quan.py", {"lang": "en"}, user=user)
    captions = " ".join(c.value for c in english.sidebar.caption)
    assert "Nghệ An province" in captions and "Tỉnh Nghệ An" not in captions
    vietnamese = run_page("pages/tong_quan.py", {}, user=user)
    assert "Tỉnh Nghệ An" in " ".join(c.value for c in vietnamese.sidebar.caption)
