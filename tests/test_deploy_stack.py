"""The deployed shape, tested: nginx (deploy/nginx/tdn-proxy.conf) in front of two Streamlit processes sharing
one PostgreSQL store, started by ``deploy/local_stack.sh``.

- signing in through nginx works (the form's Origin check and Streamlit's websocket both see the right Host);
- a session made on process A works on process B (sessions live in the store);
- an import and its undo made on process A show on process B at its next run (caches keyed on the store's
  data version) and through nginx;
- nginx overwrites a client's X-Forwarded-For, so the audit trail records the real address.

Fails, with the reason, when nginx cannot be installed/started or PostgreSQL is missing (the test command
installs both).
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from .browser_support import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, ROOT, new_signed_in_page

pytestmark = pytest.mark.browser

STACK = ROOT / "deploy" / "local_stack.sh"
KPI = "Số vụ việc"
PERIOD = "period=2024"
CASES_2024 = (
    "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Hình thức bóc lột,Số nạn nhân,Trong đó trẻ em,Cơ quan báo cáo\n"
    "TRIEN-KHAI-1,2024-03-01,Nghe An,Ky Son,Bóc lột tình dục,2,1,Công an\n"
    "TRIEN-KHAI-2,2024-04-11,Lào Cai,TP Lào Cai,Cưỡng bức lao động,1,0,Bộ đội Biên phòng\n"
)


def _stack(command: str, env: dict, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(STACK), command], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def stack():
    """The running stack's settings (NGINX_URL, APP_URLS, DATABASE_URL, …); stopped and removed afterwards."""
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian chromium is missing (bash scripts/setup.sh test installs it)")
    folder = tempfile.mkdtemp(prefix="tdn-test-stack-")  # not under pytest's owner-only tmp: postgres must reach it
    os.rmdir(folder)
    env = {**os.environ, "TDN_STACK_DIR": folder, "TDN_STACK_APPS": "2"}
    started = _stack("start", env)
    try:
        if started.returncode == 3:
            pytest.fail("nginx could not be installed or started (deploy/local_stack.sh: "
                        f"{started.stderr.strip().splitlines()[-1] if started.stderr.strip() else 'no detail'})")
        if started.returncode == 4:
            pytest.fail(f"PostgreSQL is not available: {started.stderr.strip().splitlines()[-1]}")
        assert started.returncode == 0, f"deploy/local_stack.sh start failed:\n{started.stderr[-4000:]}"
        values = {}
        for line in _stack("env", env).stdout.splitlines():
            key, _, value = line.partition("=")
            values[key] = " ".join(shlex.split(value))
        assert started.stdout.strip().splitlines()[-1] == values["NGINX_URL"]
        yield values
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        for log in Path(folder).glob("app-*.log"):  # kept for a failed run
            (ARTIFACTS / f"stack-{log.name}").write_bytes(log.read_bytes())
        _stack("stop", env)
        assert not Path(folder).exists()


@pytest.fixture(scope="module")
def apps(stack):
    a, b = stack["APP_URLS"].split()
    return a, b


@pytest.fixture(scope="module")
def browser(stack):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def sign_in_http(url: str, username: str) -> str:
    """POST /signin (the form's fields, Origin = the site); returns the session cookie's value."""
    request = urllib.request.Request(
        url + "/signin", method="POST",
        data=urlencode({"username": username, "password": PASSWORD, "next": "/", "lang": "vi"}).encode(),
        headers={"Origin": url, "Content-Type": "application/x-www-form-urlencoded"})

    try:
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        if answer.code == 303:
            return answer.headers["Set-Cookie"].split("tdn_session=", 1)[1].split(";", 1)[0]
        raise
    raise AssertionError("the sign-in did not redirect")


def overview_run(app_url: str, cookie: str, query: str = PERIOD, timeout: float = 150) -> None:
    """One Overview run over Streamlit's websocket protocol (BackMsg rerun_script … script_finished)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    back = BackMsg()
    back.rerun_script.query_string = query
    with connect(app_url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                 additional_headers={"Origin": app_url, "Cookie": f"tdn_session={cookie}"}, open_timeout=30) as ws:
        ws.send(back.SerializeToString())
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(ws.recv(timeout=timeout))
            if msg.WhichOneof("type") == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                assert msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
                return


@pytest.fixture(scope="module", autouse=True)
def warm(stack):
    """Streamlit learns the st.navigation pages on a fresh process's first run; a deep link opened before that
    shows "Page not found" (streamlit/streamlit#9624). One Overview run on each process, at once, as the first
    users after a restart would (this also fills their caches)."""
    from concurrent.futures import ThreadPoolExecutor

    urls = stack["APP_URLS"].split()
    with ThreadPoolExecutor(len(urls)) as pool:
        list(pool.map(lambda url: overview_run(url, sign_in_http(url, "admin-test")), urls))


def kpi(page) -> int:
    """The Overview's 'Số vụ việc' card, as a number (the page's cards use '.' between thousands)."""
    value = page.locator("[data-testid='stMetric']").filter(has_text=KPI).locator("[data-testid='stMetricValue']")
    expect(value).to_be_visible(timeout=90_000)
    return int(re.sub(r"\D", "", value.inner_text()))


def expect_kpi(page, number: int) -> None:
    value = page.locator("[data-testid='stMetric']").filter(has_text=KPI).locator("[data-testid='stMetricValue']")
    expect(value).to_have_text(re.compile(rf"^\s*{number:,}\s*$".replace(",", r"\.")), timeout=90_000)


def store_case_ids(stack) -> set[str]:
    from geo.data import store

    return set(store.cases_frame(engine=store.get_engine(stack["DATABASE_URL"]))["case_id"].astype(str))


def _websocket_accepted(app_url: str, cookie: str | None) -> bool:
    """Whether the app's websocket /_stcore/stream opens (and stays open) with this session cookie."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    headers = {"Origin": app_url, **({"Cookie": f"tdn_session={cookie}"} if cookie else {})}
    try:
        with connect(app_url.replace("http://", "ws://") + "/_stcore/stream", subprotocols=["streamlit"],
                     additional_headers=headers, open_timeout=30) as ws:
            try:
                ws.recv(timeout=1.5)  # the gate closes a refused websocket at once (code 4401)
            except TimeoutError:
                return True
            except ConnectionClosed:
                return False
            return True
    except (InvalidStatus, ConnectionClosed):
        return False


def test_sign_in_through_nginx_and_the_session_works_on_both_processes(stack, apps, browser):
    a, b = apps
    # the real sign-in form, through nginx: the session cookie opens the app through nginx
    page = new_signed_in_page(browser, stack["NGINX_URL"], "viewer-test")
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "tdn_session")
    page.context.close()
    request = urllib.request.Request(stack["NGINX_URL"] + "/", headers={"Cookie": f"tdn_session={cookie}",
                                                                       "Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert "/signin" not in response.url and "<noscript>" in response.read().decode("utf-8")

    # a session made through A opens the websocket on B and through nginx; no session, no websocket
    from_a = sign_in_http(a, "analyst-test")
    assert _websocket_accepted(b, from_a) and _websocket_accepted(a, from_a)
    assert _websocket_accepted(stack["NGINX_URL"], cookie)
    assert not _websocket_accepted(b, None) and not _websocket_accepted(stack["NGINX_URL"], None)

    # without a session nginx passes on the gate's answer: the sign-in page
    with urllib.request.urlopen(stack["NGINX_URL"] + "/", timeout=30) as response:
        assert "/signin" in response.url and 'name="password"' in response.read().decode("utf-8")


def test_nginx_overwrites_a_forged_forwarded_address(stack):
    """TDN_TRUST_PROXY=1 takes the first X-Forwarded-For entry: nginx must replace, not append, it."""
    from geo.auth import audit
    from geo.data import store

    request = urllib.request.Request(
        stack["NGINX_URL"] + "/signin", method="POST",
        data=urlencode({"username": "lc-viewer", "password": PASSWORD, "next": "/", "lang": "vi"}).encode(),
        headers={"Origin": stack["NGINX_URL"], "X-Forwarded-For": "203.0.113.7",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as answer:  # the 303 to the app, not followed
        urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    assert answer.value.code == 303 and "tdn_session=" in answer.value.headers.get("Set-Cookie", "")
    rows = audit.entries(5, action="sign_in", username="lc-viewer", engine=store.get_engine(stack["DATABASE_URL"]))
    assert list(rows["address"])[:1] == ["127.0.0.1"]


def page_with_session(browser, url: str, cookie: str):
    """A new page whose context carries the session cookie (cookies are per host, not per port: it goes to
    A, B and nginx alike on 127.0.0.1)."""
    context = browser.new_context(viewport={"width": 1500, "height": 1100}, locale="vi-VN")
    context.add_cookies([{"name": "tdn_session", "value": cookie, "url": url}])
    return context.new_page()


def test_import_and_undo_on_process_a_show_on_process_b(stack, apps, browser, tmp_path):
    a, b = apps
    session = sign_in_http(a, "admin-test")  # made on A, used on A, B and nginx
    on_b = page_with_session(browser, b, session)
    on_b.goto(b + "/?" + PERIOD, wait_until="domcontentloaded")
    before = kpi(on_b)
    assert not {"TRIEN-KHAI-1", "TRIEN-KHAI-2"} & store_case_ids(stack)

    # the import, on A's Data page
    on_a = page_with_session(browser, a, session)
    on_a.goto(a + "/du-lieu", wait_until="domcontentloaded")
    upload = tmp_path / "trien_khai_2024.csv"
    upload.write_text(CASES_2024, encoding="utf-8")
    on_a.locator("input[type=file]").set_input_files(str(upload))
    on_a.get_by_role("button", name="Nhập vào kho dữ liệu").click()
    expect(on_a.get_by_text("đã nhập 2 dòng")).to_be_visible(timeout=60_000)
    assert {"TRIEN-KHAI-1", "TRIEN-KHAI-2"} <= store_case_ids(stack)

    # B's next run (Streamlit's rerun key "r", same session, no restart) shows it; so does a page through nginx
    on_b.locator("body").press("r")
    expect_kpi(on_b, before + 2)
    through = page_with_session(browser, stack["NGINX_URL"], session)
    through.goto(stack["NGINX_URL"] + "/?" + PERIOD, wait_until="domcontentloaded")
    expect_kpi(through, before + 2)
    through.context.close()

    # the undo, on A: gone from B at its next run
    on_a.get_by_role("tab", name="Lịch sử nhập").click()
    expect(on_a.get_by_role("combobox", name="Hoàn tác lần nhập")).to_have_value(re.compile("trien_khai_2024.csv"))
    on_a.get_by_role("button", name="Hoàn tác (xóa mọi dòng của lần nhập này)").click()
    on_a.get_by_role("button", name="Xác nhận hoàn tác").click()  # the page asks first
    expect(on_a.get_by_text("Đã hoàn tác").first).to_be_visible(timeout=60_000)
    on_b.locator("body").press("r")
    expect_kpi(on_b, before)
    on_b.screenshot(path=str(ARTIFACTS / "deploy-stack-b-after-undo.png"), full_page=True)
    on_a.context.close()
    on_b.context.close()
