"""Sign-in, roles and scope in the real app (``streamlit run server.py``) driven by headless Debian chromium.

One server and one browser for the module, a temporary demo store with the test accounts of
``browser_support.TEST_USERS``. Screenshots go to ``artifacts/auth-*.png``.
"""
from __future__ import annotations

import csv
import io
import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from .browser_support import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    PASSWORD,
    add_test_users,
    demo_store,
    new_signed_in_page,
    running_app,
    signed_in_state,
    wait_for_features,
)

pytestmark = pytest.mark.browser

SMALL = re.compile(r"^\s*[1-4]\s*$")
COUNT_COLUMN = re.compile(r"Nạn nhân|Vụ việc|Số vụ|Trẻ em|^Nữ$|Giải cứu|Đối tượng bị bắt")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COOKIE = "tdn_session"
BAD_CREDENTIALS_VI = "Tên đăng nhập hoặc mật khẩu không đúng."
#: every URL of the app, and Streamlit's internal ones
APP_PATHS = ["/", "/tong-quan", "/bien-gioi?prov=40", "/diem-nong", "/phong-ngua", "/huyen?dist=40417", "/ban-do",
             "/du-lieu", "/quan-tri"]
INTERNAL_PATHS = ["/_stcore/stream", "/_stcore/host-config", "/media/0123456789abcdef.png",
                  "/component/ui.map/index.html", "/_stcore/upload_file/x/y"]
#: words that only a page with figures would hold
FIGURE_WORDS = ("Nạn nhân", "Nghệ An", "Kỳ Sơn", "Số vụ", "stMetric", "DỮ LIỆU MINH HỌA")


@pytest.fixture(scope="module")
def store_url(tmp_path_factory):
    url = demo_store(tmp_path_factory.mktemp("authstore"), "auth-browser.sqlite")  # as `python -m geo demo` loads it
    add_test_users(url)
    return url


@pytest.fixture(scope="module")
def app_url(store_url):
    ARTIFACTS.mkdir(exist_ok=True)
    with running_app({"TDN_DATABASE_URL": store_url, "TDN_EXACT_EXPORTS": ""}) as url:
        yield url


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        # the first script run of a fresh server learns the st.navigation pages (streamlit/streamlit#9624)
        warm = new_signed_in_page(instance, app_url, "viewer-test")
        warm.goto(app_url + "/")
        expect(warm.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=90_000)
        warm.context.close()
        yield instance
        instance.close()


def audit_trail(store_url: str):
    from geo.auth import audit
    from geo.data import store

    return audit.entries(limit=2000, engine=store.get_engine(store_url))


def case_count(store_url: str) -> int:
    from geo.data import store

    return len(store.cases_frame(engine=store.get_engine(store_url)))


def session_cookie(state_or_context) -> str | None:
    cookies = state_or_context["cookies"] if isinstance(state_or_context, dict) else state_or_context.cookies()
    return next((c["value"] for c in cookies if c["name"] == COOKIE), None)


def websocket_refused(app_url: str, cookie: str | None = None) -> bool:
    """Whether a raw websocket upgrade to Streamlit's stream is refused (no message ever received)."""
    from websockets.exceptions import ConnectionClosed, InvalidHandshake
    from websockets.sync.client import connect

    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
    try:
        with connect(app_url.replace("http", "ws", 1) + "/_stcore/stream", additional_headers=headers,
                     open_timeout=10, proxy=None) as ws:
            try:
                ws.recv(timeout=3)
            except TimeoutError:
                return False  # open and waiting: accepted
            return False
    except (InvalidHandshake, ConnectionClosed, OSError):
        return True


def grid_cells(page) -> list[tuple[str, str]]:
    """(column header, cell text) of every cell the page's grids have drawn (their accessible tables)."""
    out = []
    for grid in page.locator("[data-testid='stDataFrame']").all():
        headers = [h.inner_text().strip() for h in grid.locator("thead th, [role=columnheader]").all()]
        for row in grid.locator("tbody tr").all():
            for i, cell in enumerate(row.locator("td").all()):
                out.append((headers[i] if i < len(headers) else "", cell.inner_text().strip()))
    return out


def shown_small_counts(page) -> list[str]:
    found = [f"metric {v!r}" for v in page.locator("[data-testid='stMetricValue']").all_inner_texts() if SMALL.match(v)]
    found += [f"{h}: {v!r}" for h, v in grid_cells(page) if COUNT_COLUMN.search(h) and SMALL.match(v)]
    return found


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


# --------------------------------------------------------------------------------------------------
# (a) nobody signed in
# --------------------------------------------------------------------------------------------------
def test_anonymous_requests_get_the_sign_in_page_or_a_refusal(app_url):
    with httpx.Client(base_url=app_url, follow_redirects=False, timeout=30) as client:
        for path in APP_PATHS:
            response = client.get(path, headers={"Accept": "text/html"})
            assert response.status_code == 303, (path, response.status_code)
            assert response.headers["location"].startswith("/signin?next="), path
            signin = client.get(response.headers["location"])
            assert signin.status_code == 200 and 'id="u"' in signin.text and 'id="p"' in signin.text
            assert not any(word in signin.text for word in FIGURE_WORDS), path
            assert signin.headers["cache-control"] == "no-store"
        for path in INTERNAL_PATHS + ["/tong-quan"]:  # a script's fetch (no text/html) is refused too
            response = client.get(path, headers={"Accept": "*/*"})
            assert response.status_code == 401, (path, response.status_code)
            assert response.text == "sign-in required"
        # open: only the health check and the sign-in page itself
        assert client.get("/_stcore/health").status_code == 200
    assert websocket_refused(app_url)
    assert websocket_refused(app_url, cookie="forged.0123456789abcdef0123456789abcdef01234567")


def test_fetched_map_layers_are_behind_the_sign_in_and_kept_privately(browser, app_url):
    """The context layers a map fetches (geo.render.fetched): refused without a session; with one, served with
    a header that lets that browser keep them (content-named files) and no shared cache store them."""
    import json

    from geo.render.fetched import FetchedLayer
    from geo.render.maps import MapView, admin_map

    fmap = admin_map(MapView(province="40")).fmap
    url = json.loads(next(c for c in fmap._children.values() if isinstance(c, FetchedLayer)).url_json)
    assert url.startswith("/map-layers/") and url.endswith(".json")
    with httpx.Client(base_url=app_url, timeout=30) as client:
        refused = client.get(url, headers={"Accept": "*/*"})
        assert refused.status_code == 401 and refused.headers["cache-control"] == "no-store"
    page = new_signed_in_page(browser, app_url, "viewer-test")
    response = page.request.get(app_url + url)
    assert response.status == 200
    assert response.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert response.json()["type"] == "FeatureCollection"
    # layer files only: a path out of the folder is refused (by Streamlit's path check), another name is unknown
    assert page.request.get(app_url + "/map-layers/..%2Fmanifest.json").status in (400, 404)
    assert page.request.get(app_url + "/map-layers/" + "0" * 24 + ".json").status == 404
    # the map's script (geo.render.fetched.published_script) is served the same way, as a script
    import streamlit_folium as sf

    from geo.render.fetched import published_script

    fmap.get_root().render()
    script_url = published_script(sf._get_map_string(fmap))
    with httpx.Client(base_url=app_url, timeout=30) as client:
        assert client.get(script_url, headers={"Accept": "*/*"}).status_code == 401
    script = page.request.get(app_url + script_url)
    assert script.status == 200 and script.headers["content-type"].startswith("text/javascript")
    assert script.headers["cache-control"] == "private, max-age=31536000, immutable"
    # the map component's page (frontend/map_frame: one file, no bundle) is asked for again (no-cache: a
    # new version is seen at once) and is behind the gate
    page.goto(app_url + "/ban-do")  # a map page declares the component in this server
    page.wait_for_selector("iframe[title='ui.map']", timeout=60_000)
    frame_page = page.request.get(app_url + "/component/ui.map/index.html")
    assert frame_page.status == 200 and frame_page.headers["cache-control"] == "no-cache"
    assert "streamlit:componentReady" in frame_page.text()
    with httpx.Client(base_url=app_url, timeout=30) as client:
        assert client.get("/component/ui.map/index.html", headers={"Accept": "*/*"}).status_code == 401
    page.context.close()


def test_the_check_of_the_websocket_is_not_blind(browser, app_url):
    """A signed-in session's cookie opens the same websocket."""
    assert not websocket_refused(app_url, session_cookie(signed_in_state(browser, app_url, "viewer-test")))


def test_an_anonymous_browser_only_ever_sees_the_sign_in_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sockets, bodies = [], []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("response", lambda r: bodies.append((r.url, r.status, r.text() if r.status == 200 else "")))
    for path in APP_PATHS:
        page.goto(app_url + path)
        expect(page.locator("#u")).to_be_visible(timeout=15_000)
        assert "/signin" in page.url, path
        text = page.locator("body").inner_text()
        assert "Đăng nhập" in text and not any(word in text for word in FIGURE_WORDS), path
    page.goto(app_url + "/signin")
    page.screenshot(path=str(ARTIFACTS / "auth-signin.png"), full_page=True)
    assert sockets == [], "an anonymous page opened a websocket"
    assert all("/signin" in url for url, status, _ in bodies if status == 200), bodies
    assert not any(word in body for _, _, body in bodies for word in FIGURE_WORDS)
    # a script of the site gets nothing either (the sign-in page's CSP forbids scripts any connection, so
    # from a page of the site without that policy: the 401 answer of an internal URL)
    assert page.goto(app_url + "/_stcore/host-config").status == 401
    status = page.evaluate("async url => (await fetch(url)).status", app_url + "/_stcore/stream")
    assert status == 401
    opened = page.evaluate("""url => new Promise(done => {
        const ws = new WebSocket(url);
        ws.onopen = () => done('open'); ws.onclose = e => done('closed ' + e.code);
        setTimeout(() => done('timeout'), 8000); })""", app_url.replace("http", "ws", 1) + "/_stcore/stream")
    assert opened.startswith("closed"), opened
    assert session_cookie(context) is None
    context.close()


# --------------------------------------------------------------------------------------------------
# (b) a wrong password
# --------------------------------------------------------------------------------------------------
def test_a_wrong_password_shows_the_error_and_sets_no_cookie(browser, app_url, store_url):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(app_url + "/signin")
    page.fill("#u", "viewer-test")
    page.fill("#p", "sai-mat-khau-roi")
    page.click("button[type=submit]")
    expect(page.get_by_role("alert")).to_have_text(BAD_CREDENTIALS_VI, timeout=15_000)
    assert "/signin" in page.url
    assert expect(page.locator("#u")).to_have_value("viewer-test") is None
    assert session_cookie(context) is None and not context.cookies()
    page.screenshot(path=str(ARTIFACTS / "auth-wrong-password.png"), full_page=True)
    context.close()
    failed = audit_trail(store_url)
    failed = failed[(failed["action"] == "sign_in_failed") & (failed["username"] == "viewer-test")]
    assert len(failed) == 1 and failed["address"].iloc[0] == "127.0.0.1"


# --------------------------------------------------------------------------------------------------
# (c) each role sees the right things
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, shot", [("/?period=2024", "auth-viewer-overview.png"),
                                        ("/bien-gioi?prov=40", "auth-viewer-borders.png")])
def test_a_viewer_sees_no_small_count(browser, app_url, path, shot):
    page = new_signed_in_page(browser, app_url, "viewer-test")
    page.goto(app_url + path)
    page.wait_for_selector("[data-testid='stMetricValue']", timeout=60_000)
    page.wait_for_selector("[data-testid='stDataFrame'] tbody td", state="attached", timeout=60_000)
    time.sleep(1.5)
    cells = grid_cells(page)
    assert any(COUNT_COLUMN.search(h) for h, _ in cells), "no count column read from the page"
    assert not shown_small_counts(page)
    assert "Người xem" in page.locator("[data-testid='stSidebar']").inner_text()  # who is signed in, and as what
    page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    page.context.close()


def test_a_viewer_s_table_download_holds_no_small_count_and_no_formula(browser, app_url, store_url):
    page = new_signed_in_page(browser, app_url, "viewer-test")
    page.goto(app_url + "/?period=2024")
    page.wait_for_selector("[data-testid='stDataFrame'] tbody td", state="attached", timeout=60_000)
    assert wait_for_features(page, 1) >= 1  # the map has its height: the buttons below it have stopped moving
    time.sleep(1.0)
    try:
        with page.expect_download(timeout=20_000) as info:
            page.get_by_role("button", name="Tải CSV").first.click()
        download = info.value
        rows = csv_rows(open(download.path(), "rb").read())
    finally:
        page.context.close()
    assert len(rows) > 2
    counts = [i for i, h in enumerate(rows[0]) if COUNT_COLUMN.search(h)]
    assert counts, rows[0]
    for row in rows[1:]:
        for i in counts:
            assert not SMALL.match(row[i]), (download.suggested_filename, row)
        for cell in row:
            assert not cell.startswith(FORMULA_START), cell
    downloads = audit_trail(store_url)
    downloads = downloads[(downloads["action"] == "download") & (downloads["username"] == "viewer-test")]
    assert len(downloads) and downloads["detail"].str.endswith(".csv").any()


def test_an_analyst_sees_exact_counts_on_the_district_page(browser, app_url):
    page = new_signed_in_page(browser, app_url, "analyst-test")
    page.goto(app_url + "/huyen?dist=40417")
    expect(page.get_by_role("heading", name="Theo nơi đến")).to_be_visible(timeout=60_000)
    page.wait_for_selector("[data-testid='stMetricValue']", timeout=30_000)
    page.wait_for_selector("[data-testid='stDataFrame'] tbody td", state="attached", timeout=30_000)
    time.sleep(1.5)
    assert "Phân tích viên" in page.locator("[data-testid='stSidebar']").inner_text()
    assert shown_small_counts(page), "an analyst's District page shows no exact small count"
    page.context.close()


def test_an_analyst_sees_the_case_rows_on_the_district_page(browser, app_url):
    page = new_signed_in_page(browser, app_url, "analyst-test")
    page.goto(app_url + "/huyen?dist=40417")
    expect(page.get_by_role("heading", name="Theo nơi đến")).to_be_visible(timeout=60_000)
    time.sleep(1.0)
    try:
        assert page.get_by_role("heading", name=re.compile("Các vụ việc và số liệu")).count() == 1
    finally:
        page.context.close()


def test_a_viewer_gets_no_case_rows_and_no_admin_page(browser, app_url):
    page = new_signed_in_page(browser, app_url, "viewer-test")
    page.goto(app_url + "/huyen?dist=40417")
    expect(page.get_by_role("heading", name="Theo nơi đến")).to_be_visible(timeout=60_000)
    page.wait_for_selector("[data-testid='stDataFrame'] tbody td", state="attached", timeout=30_000)
    time.sleep(1.5)
    assert page.get_by_role("heading", name=re.compile("Các vụ việc")).count() == 0
    assert not shown_small_counts(page)
    nav = page.locator("[data-testid='stSidebarNav']").inner_text()
    assert "Dữ liệu" in nav and "Quản trị" not in nav
    page.goto(app_url + "/quan-tri")
    page.wait_for_selector("[data-testid='stMainBlockContainer']", timeout=60_000)
    time.sleep(2.0)
    body = page.locator("[data-testid='stMainBlockContainer']").inner_text()
    assert "Nhật ký kiểm tra" not in body and "password_hash" not in body
    page.context.close()


# --------------------------------------------------------------------------------------------------
# (d) sign-out
# --------------------------------------------------------------------------------------------------
def test_sign_out_ends_the_session_for_a_copied_cookie_too(browser, app_url, store_url):
    context = browser.new_context(locale="vi-VN")  # its own sign-in: the shared ones stay valid
    page = context.new_page()
    page.goto(app_url + "/signin?next=/ban-do")
    page.fill("#u", "lc-viewer")
    page.fill("#p", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/ban-do"), timeout=30_000)
    copied = session_cookie(context)
    assert copied and not websocket_refused(app_url, copied)
    page.locator("[data-testid='stSidebar']").get_by_role("link", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/signin\?m=out"), timeout=30_000)
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất.")
    assert session_cookie(context) is None
    context.close()
    # the copied cookie no longer opens anything
    other = browser.new_context()
    other.add_cookies([{"name": COOKIE, "value": copied, "url": app_url}])
    page = other.new_page()
    page.goto(app_url + "/ban-do")
    expect(page.locator("#u")).to_be_visible(timeout=15_000)
    assert "/signin" in page.url and "m=expired" in page.url
    other.close()
    with httpx.Client(base_url=app_url, cookies={COOKIE: copied}, timeout=30) as client:
        assert client.get("/_stcore/host-config").status_code == 401
    assert websocket_refused(app_url, copied)
    trail = audit_trail(store_url)
    mine = trail[trail["username"] == "lc-viewer"]["action"].tolist()
    assert mine[:2] == ["sign_out", "sign_in"]


# --------------------------------------------------------------------------------------------------
# (e) a data manager's scope
# --------------------------------------------------------------------------------------------------
MIXED_CASES = (
    "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Hình thức bóc lột,Số nạn nhân,Trong đó trẻ em,Cơ quan báo cáo\n"
    "NA-T1,2024-03-01,Nghệ An,Kỳ Sơn,Bóc lột tình dục,2,1,Công an\n"
    "LC-T2,2024-04-11,Lào Cai,Si Ma Cai,Cưỡng bức lao động,1,0,Bộ đội Biên phòng\n"
)


def test_a_nghe_an_manager_cannot_import_a_lao_cai_row(browser, app_url, store_url, tmp_path):
    before = case_count(store_url)
    page = new_signed_in_page(browser, app_url, "na-manager")
    page.goto(app_url + "/du-lieu")
    expect(page.locator("[data-testid='stTabs']").get_by_text("Phạm vi: Tỉnh Nghệ An")).to_be_visible(timeout=60_000)
    upload = tmp_path / "na_thang_4.csv"
    upload.write_text(MIXED_CASES, encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(upload))
    table = page.locator("[data-testid='stTable']").first
    expect(table).to_be_visible(timeout=30_000)
    rows = [[c.inner_text().strip() for c in tr.locator("th, td").all()] for tr in table.locator("tbody tr").all()]
    page.screenshot(path=str(ARTIFACTS / "auth-manager-out-of-scope.png"), full_page=True)
    scoped = [row for row in rows if any("phạm vi" in cell for cell in row)]
    assert len(scoped) == 1, rows
    row = scoped[0]
    assert row[:3] == ["na_thang_4.csv", "3", "Tỉnh/Thành phố"], row  # file, row, column
    assert "Lào Cai" in row[3] and any("Nghệ An" in cell for cell in row[4:]), row
    assert page.get_by_role("button", name="Nhập vào kho dữ liệu").count() == 0
    assert case_count(store_url) == before
    page.context.close()
    rejected = audit_trail(store_url)
    rejected = rejected[(rejected["action"] == "import_rejected") & (rejected["username"] == "na-manager")]
    assert len(rejected) == 1 and "na_thang_4.csv" in rejected["detail"].iloc[0]
    assert "out_of_scope" in rejected["detail"].iloc[0] and rejected["address"].iloc[0] == "127.0.0.1"


# --------------------------------------------------------------------------------------------------
# (f) the administrator's audit trail
# --------------------------------------------------------------------------------------------------
def test_the_admin_sees_the_audit_trail_of_these_steps(browser, app_url, store_url):
    """Runs last: the steps of the tests above (run as a module) are in the trail and on the admin page."""
    trail = audit_trail(store_url)
    for action, who in [("sign_in", "viewer-test"), ("sign_in_failed", "viewer-test"),
                        ("sign_out", "lc-viewer"), ("import_rejected", "na-manager"), ("user_add", "test")]:
        assert ((trail["action"] == action) & (trail["username"] == who)).any(), (action, who)
    page = new_signed_in_page(browser, app_url, "admin-test")
    page.goto(app_url + "/quan-tri")
    expect(page.get_by_role("heading", name="Quản trị")).to_be_visible(timeout=60_000)
    assert "Quản trị" in page.locator("[data-testid='stSidebarNav']").inner_text()
    page.get_by_role("tab", name="Nhật ký kiểm tra").click()
    panel = page.get_by_role("tabpanel", name="Nhật ký kiểm tra")
    panel.get_by_label("Tên đăng nhập").fill("na-manager")
    panel.get_by_label("Tên đăng nhập").press("Enter")
    expect(panel.locator("[data-testid='stDataFrame'] tbody td").first).to_be_attached(timeout=30_000)
    time.sleep(1.5)
    cells = [v for _, v in grid_cells(page.get_by_role("tabpanel", name="Nhật ký kiểm tra"))]
    assert "Tệp bị từ chối" in cells and "Đăng nhập" in cells, cells  # actions in words, in the UI language
    assert "127.0.0.1" in cells and "Bị từ chối" in cells
    assert set(v for h, v in grid_cells(panel) if h == "Tên đăng nhập") == {"na-manager"}
    page.screenshot(path=str(ARTIFACTS / "auth-admin-audit.png"), full_page=True)
    page.context.close()
