"""Start the real app and drive it in Debian's chromium with Playwright (no browser download)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
MAP_FRAME = "iframe[title='ui.map']"  # the map component's frame (ui.MAP_COMPONENT, frontend/map_frame)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(env: dict | None = None, timeout: float = 90.0, port: int | None = None):
    """Run ``streamlit run server.py`` (the app behind its sign-in gate) on a free loopback port (or on
    ``port``, e.g. one chosen in advance with :func:`free_port`); yields the base URL."""
    port = port or free_port()
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "server.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + timeout
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


PASSWORD = "Kiem-thu-2026!"  # the test accounts' password (temporary stores only)
#: test accounts: name -> (role, provinces)
TEST_USERS = {"admin-test": ("admin", ""), "viewer-test": ("viewer", ""), "analyst-test": ("analyst", ""),
              "na-manager": ("data_manager", "40"), "lc-viewer": ("viewer", "10")}


def add_test_users(store_url: str, users: dict = TEST_USERS) -> None:
    """Create the test accounts (password :data:`PASSWORD`) in the store at ``store_url`` (in this process,
    on an engine of its own, closed afterwards: the app's processes open the store themselves)."""
    from geo.auth import accounts
    from geo.data import store

    engine = store._make_engine(store_url)
    try:
        store.migrate(engine)
        for name, (role, prov) in users.items():
            accounts.add_user(name, role, prov, password=PASSWORD, by="test", engine=engine)
    finally:
        engine.dispose()


def demo_store(folder: Path, name: str) -> str:
    """A new SQLite store ``folder/name`` holding the demo data, as ``python -m geo demo`` loads it into a new
    store (a copy of the demo store made once per test process: tests/db_support.py); its URL."""
    from tests.db_support import sqlite_demo_store

    return sqlite_demo_store(Path(folder) / name)


_STATES: dict = {}


def signed_in_state(browser, url: str, username: str = "admin-test", password: str = PASSWORD) -> dict:
    """Sign in through the real sign-in form once per (browser, user); returns the context's storage
    state (the HttpOnly session cookie) for :func:`new_signed_in_page`."""
    key = (id(browser), url, username)
    if key not in _STATES:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/signin")
        page.fill("#u", username)
        page.fill("#p", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/signin" not in u, timeout=30_000)
        _STATES[key] = context.storage_state()
        context.close()
    return _STATES[key]


def new_signed_in_page(browser, url: str, username: str = "admin-test", **options):
    """A new page in a new context carrying ``username``'s session."""
    options.setdefault("viewport", {"width": 1500, "height": 1100})
    options.setdefault("locale", "vi-VN")
    context = browser.new_context(storage_state=signed_in_state(browser, url, username), **options)
    return context.new_page()


def _base_path_probe(url: str) -> bool:
    """Streamlit's own base-path discovery: opened at /some-page, its frontend first asks
    /some-page/_stcore/health and /some-page/_stcore/host-config (404), then the real root.
    Those two probes are the only failures ignored; every other 404 or failure counts."""
    from urllib.parse import urlparse

    path = urlparse(url).path
    return path.endswith(("/_stcore/health", "/_stcore/host-config")) and path.count("/") > 2


class PageWatch:
    """Collects failed requests and console errors of a page (and of its iframes)."""

    def __init__(self, page):
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.map_files: list[str] = []  # /map-layers/ files the page (its map frame) fetched
        self.ws_frames: list[int] = []  # payload lengths of the websocket frames received
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} {r.failure}"))
        page.on("request", lambda r: self.map_files.append(r.url) if "/map-layers/" in r.url else None)
        page.on("websocket", lambda ws: ws.on("framereceived", lambda data: self.ws_frames.append(len(data))))
        page.on("response", self._response)
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _response(self, response) -> None:
        if response.status >= 400 and not _base_path_probe(response.url):
            self.failed.append(f"{response.url} HTTP {response.status}")

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and _base_path_probe(where):
            return
        self.errors.append(f"{message.text} @ {where}")


def _count_in_map(page, selector: str, done, timeout: float, interval: float) -> int:
    """Poll the count of ``selector`` in the map's frame until ``done(count)`` or ``timeout`` s; returns
    the last count."""
    frame = page.frame_locator(MAP_FRAME)
    deadline = time.time() + timeout
    count = 0
    while time.time() < deadline:
        try:
            count = frame.locator(selector).count()
        except Exception:
            count = 0
        if done(count):
            return count
        time.sleep(interval)
    return count


def wait_for_context_layer(page, timeout: float = 30.0) -> int:
    """Wait until the map's context layer (the land around the units, fetched by the frame from
    ``/map-layers/``: ``geo.render.fetched``) is drawn, so that leaving the page aborts no fetch; returns
    the count of its shapes."""
    return _count_in_map(page, ".leaflet-tdnContext-pane path", bool, timeout, 0.2)


def wait_for_features(page, expected: int, timeout: float = 60.0, exact: bool = False) -> int:
    """Wait until the map iframe has drawn ``expected`` vector features (exactly that many when
    ``exact``, e.g. after the map was replaced by a smaller one); returns the count drawn."""
    page.wait_for_selector(MAP_FRAME, timeout=timeout * 1000)
    return _count_in_map(page, ".leaflet-overlay-pane path",
                         lambda count: count == expected or (count > expected and not exact), timeout, 0.5)
