"""Page-view figures of the real app in Debian's chromium (prints them; no pass/fail, exit 0).

Starts one ``streamlit run server.py`` server (the app, ``app.py``, behind its sign-in gate), signs in
once, drives it with Playwright in /usr/bin/chromium (no browser download) and prints, for each view,
the time until the map is drawn in the map's frame (the ``ui.map`` component), the bytes the browser received over
Streamlit's websocket, and the server process's CPU seconds. Views:

    national        /tong-quan                    (default filters)
    province        /tong-quan?prov=40            (Nghệ An)
    laos-border     /bien-gioi?border=laos
    hotspots        /diem-nong
    filter-change   on /tong-quan (loaded, drawn), choose another period ("Kỳ") in the sidebar:
                    a rerun of the same session, not a new one

Each view is first visited once in a throw-away browser context (those "cold" figures are printed
too), then measured ``--repeat`` times, each time in a fresh browser context; the medians are printed.

    .venv/bin/python bench/bench_views.py [--root DIR] [--repeat N] [--period 2024] [--cached-browser]
                                          [--role viewer|admin | --store-url URL --user NAME --password PW]

``--root`` is the checkout whose ``server.py`` is served (default: the repo holding this script); the
server runs with this script's Python (``--python`` to change) and inherits the environment, so
TDN_CACHE_DIR, TDN_BOUNDARIES_DIR, TDN_FACTS_DIR... pass through. The checkout needs its static/
folder and boundary caches (``bash scripts/setup.sh setup`` or ``python -m geo build-cache``). If
/usr/bin/chromium is missing: ``apt-get install -y --no-install-recommends chromium chromium-driver
fonts-noto-core``.

The store and the account:
  * by default a throw-away store: a temporary SQLite file with the demo data (``python -m geo demo``
    of the served checkout) and one test account of ``--role`` (``admin``, the default, sees exact
    figures; ``viewer`` sees figures protected by the cell-key method), made like the tests' accounts
    (``tests/browser_support.py``: ``add_test_users``, its ``PASSWORD``); the server's
    TDN_DATABASE_URL points at it, and it is deleted at the end.
  * ``--store-url URL --user NAME --password PW``: an existing store and account instead (the role
    printed is that account's).
  The sign-in goes through the real sign-in form once per run (``signed_in_state``), in a context of
  its own, before anything is measured, and the server is left to go idle after it; every browser
  context (the cold throw-away ones and the measured ones) starts with that session cookie, so each
  navigation is a signed-in fresh context and no figure includes the sign-in.

How things are measured:
  * map drawn: the page (or, for the filter change, the rerun) is polled every ~20 ms; the count of
    Leaflet features (SVG paths, canvases, markers) in every ``iframe[title='ui.map']``
    and a fingerprint of their fills plus the iframe's text (``textContent``: reading it lays nothing out)
    are read. The view is done when features are drawn, the map has not changed for ``--settle`` s and
    no websocket frame arrived for ``--settle`` s; "map drawn" is the first moment of that final state (a
    later redraw counts). That moment is the browser's own: a recorder in every frame (an init script: a
    MutationObserver on the frame's document that computes the same fingerprint) notes the wall-clock
    time of the first animation frame after the fingerprint last changed; "poller saw" is when the poll
    first read that state (how the
    bench measured before: later by up to one poll plus a round trip, and the old poll read
    ``innerText``, which laid the frame out 50 times a second while it was being built).
    For the filter change the final state must differ from the map before the change.
  * frontend loaded: the moment the page opened Streamlit's websocket (its JS has booted).
  * websocket bytes: payload lengths of frames received (``framereceived``) between navigation (or
    the option click) and the end of the view; KB = 1000 bytes.
  * filter change: measured from the press on the option as the page received it (a pointerdown listener
    in the page, ``PRESS_JS``); Playwright's ``click()`` reaches the page 30-45 ms after it is called
    (it scrolls, waits for the option to be stable, moves the mouse), which "poller saw" still includes.
  * server CPU: utime+stime (+ waited-for children) of the streamlit process and any descendants,
    from /proc, before navigation (or the click) and at the end of the view. For navigations it
    includes serving the frontend's files to a fresh browser context ("CPU to ws-open" shows that part)
    and the gate's session check of every request.
  * ``server.py`` redirects the default page's own URL (/tong-quan) to / (query kept), where
    ``st.navigation`` serves it; the redirect is part of the national views' figures. Should Streamlit
    still show a "Page not found" dialog, the table says so in a note, and the filter change closes
    the dialog (it makes the sidebar inert) before using the sidebar.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # tests.browser_support: the test accounts and the sign-in, as the tests do them

from tests.browser_support import PASSWORD, TEST_USERS, add_test_users, signed_in_state  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
MAP_FRAME = "iframe[title='ui.map']"  # the map component's frame (ui.MAP_COMPONENT)
CLK_TCK = os.sysconf("SC_CLK_TCK")

VIEWS = [  # (name, path) -- the filter change is added separately
    ("national", "/tong-quan"),
    ("province (Nghệ An)", "/tong-quan?prov=40"),
    ("laos-border", "/bien-gioi?border=laos"),
    ("hotspots", "/diem-nong"),
]
FILTER_CHANGE = "filter-change (national)"

# Count of drawn features and a fingerprint of every map frame on the page. The component
# iframes are served by the same origin, so the top page can read their documents.
STATE_JS = """
([sel, mark]) => {
  let n = 0, h = 2166136261, marked = 0, frames = 0, painted = 0;
  const add = (s) => { for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } };
  for (const f of document.querySelectorAll(sel)) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { d = null; }
    if (!d || !d.body) continue;
    frames += 1;
    if (mark && f.contentWindow && f.contentWindow.__benchMark === mark) marked += 1;
    const rec = f.contentWindow && f.contentWindow.__benchMap;
    if (rec) painted = Math.max(painted, rec.painted);
    const pane = d.querySelectorAll('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas, .leaflet-marker-pane > *');
    n += pane.length;
    for (const p of d.querySelectorAll('.leaflet-overlay-pane path')) {
      add((p.getAttribute('fill') || '') + (p.getAttribute('fill-opacity') || '') + '|');
    }
    const text = d.body.textContent || '';  // (not innerText: that would lay the frame out on every poll)
    add('#' + text.length + text.slice(0, 4000));
  }
  return [n, (h >>> 0).toString(16), marked, frames, painted];
}
"""
# Recorder in every frame of the measured pages (Playwright init script): after every change of the frame's
# document it computes the same fingerprint as STATE_JS (features, fills, text) and, when that changed,
# notes the wall-clock time (ms) of the next animation frame. "Map drawn" is read from it, so the moment
# is the browser's own, not when the 20 ms poller happened to look.
FRAME_RECORDER_JS = """
(() => {
  if (window === window.top) return;
  const rec = window.__benchMap = window.__benchMap || {changes: 0, painted: 0, doc: null, key: ''};
  const key = () => {
    let h = 2166136261;
    const add = (s) => { for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); } };
    const d = document;
    if (!d.body) return '';
    const n = d.querySelectorAll('.leaflet-overlay-pane path, .leaflet-overlay-pane canvas, .leaflet-marker-pane > *').length;
    for (const p of d.querySelectorAll('.leaflet-overlay-pane path')) {
      add((p.getAttribute('fill') || '') + (p.getAttribute('fill-opacity') || '') + '|');
    }
    const text = d.body.textContent || '';
    add('#' + text.length + text.slice(0, 4000));
    return n + ':' + (h >>> 0).toString(16);
  };
  const changed = () => {
    const k = key();
    if (k === rec.key) return;
    rec.key = k;
    const c = ++rec.changes;
    requestAnimationFrame(() => { if (rec.changes === c) rec.painted = Date.now(); });
  };
  // a frame's first document (about:blank) is replaced by the component's page in the same window:
  // observe whichever document the window holds
  const attach = () => {
    if (rec.doc === document) return;
    rec.doc = document;
    new MutationObserver(changed).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
    changed();
  };
  attach();
  setInterval(attach, 10);
})();
"""
# The moment the page receives the next press (the filter change's option click): a capture listener on
# the top document, the browser's own clock, as the frame recorder's.
PRESS_JS = """
() => {
  window.__benchPress = 0;
  document.addEventListener('pointerdown', () => { if (!window.__benchPress) window.__benchPress = Date.now(); },
                            {capture: true, once: true});
}
"""
MARK_JS = """
([sel, mark]) => {
  for (const f of document.querySelectorAll(sel)) {
    try { if (f.contentWindow) f.contentWindow.__benchMark = mark; } catch (e) {}
  }
}
"""


# --- server ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from 3 (state) on


def process_tree(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def cpu_seconds(pid: int) -> float:
    """utime+stime of ``pid`` (all threads) and of its live descendants, plus exited children."""
    ticks = 0
    for p in process_tree(pid):
        fields = _stat_fields(p)
        if fields:  # utime stime cutime cstime = fields 14..17 (indices 11..14 here)
            ticks += sum(int(x) for x in fields[11:15])
    return ticks / CLK_TCK


class Server:
    """``streamlit run server.py`` of ``root`` on loopback, its TDN_DATABASE_URL set to ``store_url``."""

    def __init__(self, root: Path, python: str, port: int, store_url: str, timeout: float = 120.0):
        self.root, self.python, self.store_url, self.timeout = root, python, store_url, timeout
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile("w", prefix=f"bench-views-streamlit-{self.port}-", suffix=".log",
                                               delete=False, encoding="utf-8")
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.python, "-m", "streamlit", "run", "server.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=self.root, stdout=self.log, stderr=subprocess.STDOUT,
            env={**os.environ, "TDN_DATABASE_URL": self.store_url},
        )
        deadline = time.time() + self.timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"streamlit did not start; see {self.log.name}")
            time.sleep(0.3)

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def wait_idle(self, quiet: float = 0.5, busy: float = 0.05, timeout: float = 60.0) -> float:
        """Wait until the server used less than ``busy`` CPU seconds in ``quiet`` s (at most ``timeout``
        s, e.g. after the sign-in, whose page may have started a script run); returns the seconds waited."""
        t0 = time.time()
        while time.time() - t0 < timeout:
            cpu0 = self.cpu()
            time.sleep(quiet)
            if self.cpu() - cpu0 < busy:
                break
        return time.time() - t0

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.log.close()


# --- store and account ---------------------------------------------------------------------------------
def make_store(folder: Path, root: Path, python: str, role: str) -> tuple[str, str]:
    """A throw-away SQLite store in ``folder``: the demo data (``python -m geo demo`` of ``root``) and the
    test account of ``role`` (``browser_support.TEST_USERS``, password ``PASSWORD``). Returns
    (store URL, username)."""
    url = f"sqlite:///{folder / 'bench-views.sqlite'}"
    demo = subprocess.run([python, "-m", "geo", "demo"], capture_output=True, text=True, cwd=root,
                          env={**os.environ, "TDN_DATABASE_URL": url})
    if demo.returncode:
        raise RuntimeError(f"python -m geo demo failed ({demo.returncode}): {(demo.stderr or demo.stdout)[-2000:]}")
    username = f"{role}-test"
    add_test_users(url, {username: TEST_USERS[username]})
    return url, username


def account_role(store_url: str, username: str) -> str:
    """The role of ``username`` in the store (read only: the store is not migrated here), or an error
    naming what is missing."""
    from geo.auth import accounts
    from geo.data import store

    try:
        user = accounts.get_user(username, engine=store.get_engine(store_url, migrate_now=False))
    finally:
        store.dispose_engines()
    if user is None:
        raise SystemExit(f"bench_views: no enabled account {username!r} in {store_url}")
    return user.role


def role_label(role: str) -> str:
    """``admin (exact figures)`` / ``viewer (figures protected by the cell-key method)``."""
    from geo.auth import role_rank

    exact = role_rank(role) >= role_rank("analyst")  # geo.auth.User.screen_access
    return f"{role} ({'exact figures' if exact else 'figures protected by the cell-key method'})"


# --- browser side ------------------------------------------------------------------------------------
@dataclass
class Result:
    view: str
    drawn_s: float | None = None  # navigation / click -> map drawn (the frame's recorded paint)
    seen_s: float | None = None  # navigation / click -> the poller first saw the drawn map
    loaded_to_drawn_s: float | None = None  # websocket opened -> map drawn (navigations only)
    ws_bytes: int = 0
    ws_wire: int = 0  # the same frames as permessage-deflate sends them (estimate, see WsMeter)
    ws_frames: int = 0
    cpu_s: float = 0.0
    features: int = 0
    cpu_to_ws_s: float | None = None  # server CPU from navigation until the websocket opened
    fetched: int = 0  # bytes of map layers fetched over HTTP (/map-layers/, see geo.render.fetched)
    note: str = ""


@dataclass
class WsMeter:
    """Websocket frames received by one page: (arrival time, payload length)."""
    frames: list[tuple[float, int]] = field(default_factory=list)
    opened: list[float] = field(default_factory=list)
    cpu_at_open: list[float] = field(default_factory=list)
    cpu: object = None  # callable giving the server's CPU seconds, read when the websocket opens

    fetched: list[tuple[float, str]] = field(default_factory=list)  # (arrival, URL) of /map-layers/ files

    def attach(self, page) -> None:
        page.on("websocket", self._on_ws)
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        # the context layers a map fetches once (geo.render.fetched, /map-layers/): HTTP, not the websocket
        if "/map-layers/" in response.url and response.status == 200 and not response.request.redirected_from:
            self.fetched.append((time.time(), response.url))

    def fetched_since(self, page, t0: float, t1: float) -> int:
        """Uncompressed bytes of the layer files the page fetched in [t0, t1] (read again once the view is
        measured: the response may be compressed on the way, and a kept file may be reported too)."""
        return sum(len(page.request.get(url).body()) for t, url in self.fetched if t0 <= t <= t1)

    def _on_ws(self, ws) -> None:
        self.opened.append(time.time())
        if self.cpu is not None:
            self.cpu_at_open.append(self.cpu())
        # Playwright reports frames after decompression; when the server has websocket compression on
        # (server.enableWebsocketCompression), what crosses the network is the permessage-deflate stream:
        # estimated with one raw-deflate context per connection (context takeover), flushed per message.
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15) if _server_compresses() else None
        ws.on("framereceived", lambda payload: self._on_frame(payload, deflate))

    def _on_frame(self, payload, deflate=None) -> None:
        data = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
        wire = len(deflate.compress(data) + deflate.flush(zlib.Z_SYNC_FLUSH)) - 4 if deflate else len(data)
        self.frames.append((time.time(), len(data), wire))

    def since(self, t0: float, t1: float) -> tuple[int, int]:
        chosen = [size for t, size, _ in self.frames if t0 <= t <= t1]
        return sum(chosen), len(chosen)

    def wire_since(self, t0: float, t1: float) -> int:
        return sum(wire for t, _, wire in self.frames if t0 <= t <= t1)

    def last_frame(self) -> float:
        return self.frames[-1][0] if self.frames else 0.0


def _server_compresses() -> bool:
    """Whether the measured checkout turns on Streamlit's websocket compression (its config.toml)."""
    config = ROOT_FOR_CONFIG[0] / ".streamlit" / "config.toml" if ROOT_FOR_CONFIG else None
    return bool(config and config.is_file() and re.search(r"^\s*enableWebsocketCompression\s*=\s*true",
                                                         config.read_text(encoding="utf-8"), re.M))


ROOT_FOR_CONFIG: list[Path] = []


def map_state(page, mark: str = "") -> tuple[int, str, int, int, float]:
    """(features drawn, fingerprint, frames marked ``mark``, map frames, wall-clock s of the first
    animation frame after the map's fingerprint last changed (0 if unknown))."""
    try:
        n, sig, marked, frames, painted = page.evaluate(STATE_JS, [MAP_FRAME, mark])
        return int(n), str(sig), int(marked), int(frames), float(painted) / 1000
    except Exception:  # navigation or iframe swap in progress
        return 0, "", 0, 0, 0.0


def wait_view_done(page, meter: WsMeter, t0: float, timeout: float, settle: float,
                   before: tuple[int, str] | None = None, mark: str = "") -> tuple[float | None, int, str, float | None]:
    """Poll until the map is drawn (and, with ``before``, differs from that state), the map has not
    changed for ``settle`` s and the websocket has been quiet for ``settle`` s. Returns (moment the final
    state was drawn: the first animation frame after the map's fingerprint last changed, as the frame
    recorded it, or None on timeout; features; note; moment the poller first saw that state)."""
    deadline = t0 + timeout
    state, since = None, t0
    while True:
        n, sig, marked, _, painted = map_state(page, mark)
        now = time.time()
        key = (n, sig, marked)
        if key != state:
            state, since = key, now
        changed = before is None or marked == 0 or (n, sig) != before
        if n > 0 and changed and now - since >= settle and now - max(meter.last_frame(), t0) >= settle:
            # the browser's own moment of the final state: the first frame painted after the map's fingerprint
            # last changed (FRAME_RECORDER_JS); the poller's first sight if the frame recorded nothing usable
            return (painted if t0 <= painted <= now else since), n, "", since
        if now > deadline:
            note = "timeout: " + ("no features drawn" if n == 0 else "map unchanged" if not changed else "not settled")
            return None, n, note, None
        page.wait_for_timeout(20)  # lets Playwright dispatch websocket events meanwhile


def guarded(name: str, fn, *a) -> Result:
    """Run one measurement; an error becomes a note in the table instead of ending the run."""
    try:
        return fn(*a)
    except Exception as exc:  # noqa: BLE001 -- report and go on
        return Result(name, note=f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}")


def page_notes(page) -> str:
    """What the page shows besides the map that a reader of the figures should know."""
    try:
        if page.get_by_text("Page not found", exact=False).count():
            return "'Page not found' dialog (Streamlit ran the main page)"
    except Exception:  # noqa: BLE001
        pass
    return ""


def dismiss_dialogs(page, timeout_ms: float) -> None:
    """Close a modal (e.g. Streamlit's 'Page not found' for the default page's own URL): it makes
    the rest of the page inert, so the sidebar could not be used."""
    dialog = page.get_by_role("dialog")
    for _ in range(3):
        if dialog.count() == 0:
            return
        page.keyboard.press("Escape")
        try:
            dialog.first.wait_for(state="detached", timeout=2000)
        except Exception:  # noqa: BLE001 -- try the close button
            close = dialog.first.get_by_role("button")
            if close.count():
                close.first.click(timeout=timeout_ms)
    dialog.first.wait_for(state="detached", timeout=timeout_ms)


_SHARED_CONTEXT: list = []


class _PageOnly:
    """A returning user's browser (``--cached-browser``): one signed-in context kept, so its HTTP cache
    holds the frontend files; closing it closes only the page."""

    def __init__(self, browser, state: dict):
        if not _SHARED_CONTEXT:
            context = browser.new_context(storage_state=state, viewport={"width": 1500, "height": 1100}, locale="vi-VN")
            context.add_init_script(FRAME_RECORDER_JS)
            _SHARED_CONTEXT.append(context)
        self.context = _SHARED_CONTEXT[0]
        self.pages = []

    def new_page(self):
        page = self.context.new_page()
        self.pages.append(page)
        return page

    def close(self):
        for page in self.pages:
            page.close()


def _context(browser, state: dict, args):
    """A fresh browser context carrying the signed-in session ``state`` (a Playwright storage state)."""
    if getattr(args, "cached_browser", False):
        return _PageOnly(browser, state)
    context = browser.new_context(storage_state=state, viewport={"width": 1500, "height": 1100}, locale="vi-VN")
    context.add_init_script(FRAME_RECORDER_JS)
    return context


def measure_navigation(browser, state: dict, server: Server, name: str, path: str, args,
                       warm_root: bool = False) -> Result:
    context = _context(browser, state, args)
    try:
        page = context.new_page()
        meter = WsMeter(cpu=server.cpu)
        meter.attach(page)
        cpu0, t0 = server.cpu(), time.time()
        page.goto(server.url + ("/" if warm_root else path), wait_until="commit", timeout=args.timeout * 1000)
        drawn_at, n, note, seen_at = wait_view_done(page, meter, t0, args.timeout, args.settle)
        t1 = time.time()
        cpu1 = server.cpu()
        ws_bytes, ws_frames = meter.since(t0, t1)
        note = "; ".join(x for x in (note, page_notes(page)) if x)
        res = Result(name, ws_bytes=ws_bytes, ws_wire=meter.wire_since(t0, t1), ws_frames=ws_frames, cpu_s=cpu1 - cpu0, features=n, note=note,
                     fetched=meter.fetched_since(page, t0, t1))
        if meter.cpu_at_open:
            res.cpu_to_ws_s = meter.cpu_at_open[0] - cpu0
        if drawn_at is not None:
            res.drawn_s = drawn_at - t0
            res.seen_s = seen_at - t0
            if meter.opened:
                res.loaded_to_drawn_s = drawn_at - meter.opened[0]
        return res
    finally:
        context.close()


def _period_label(root: Path, lang: str = "vi") -> str:
    """The sidebar label of the period selectbox (geo i18n key ``filter_period``), read from the
    checkout's source (geo/i18n.py or a geo/i18n/ package, else any module under geo/)."""
    pattern = re.compile(r"""["']filter_period["']\s*:\s*\(\s*["']([^"']+)["']\s*,\s*["']([^"']+)["']""")
    geo = root / "geo"
    candidates = [geo / "i18n.py", *sorted(geo.glob("i18n/**/*.py")), *sorted(geo.rglob("*.py"))]
    for path in candidates:
        try:
            m = pattern.search(path.read_text(encoding="utf-8"))
        except OSError:
            continue
        if m:
            return m.group(1) if lang == "vi" else m.group(2)
    return "Kỳ" if lang == "vi" else "Period"


def _period_box(page, label: str):
    """The period selectbox's input in the sidebar: the combobox named by its label, else the
    selectbox whose label is that text, else the 3rd selectbox (era is a radio; province, district,
    period are the first selectboxes of the overview page)."""
    sidebar = page.locator("[data-testid='stSidebar']")
    by_role = sidebar.get_by_role("combobox", name=label, exact=True)
    if by_role.count() >= 1:
        return by_role.first
    boxes = sidebar.locator("[data-testid='stSelectbox']")
    inner = "input, [role='combobox'], [data-baseweb='select']"
    by_label = boxes.filter(has=page.locator("[data-testid='stWidgetLabel']",
                                             has_text=re.compile(rf"^\s*{re.escape(label)}\s*$")))
    if by_label.count() >= 1:
        return by_label.first.locator(inner).first
    return boxes.nth(2).locator(inner).first


def measure_filter_change(browser, state: dict, server: Server, args, label: str) -> Result:
    context = _context(browser, state, args)
    try:
        page = context.new_page()
        meter = WsMeter()
        meter.attach(page)
        t_nav = time.time()
        page.goto(server.url + "/tong-quan", wait_until="commit", timeout=args.timeout * 1000)
        drawn_at, n0, note, _ = wait_view_done(page, meter, t_nav, args.timeout, args.settle)
        if drawn_at is None:
            return Result(FILTER_CHANGE, note="page before the change: " + note)
        dismiss_dialogs(page, args.timeout * 1000)
        # open the selectbox and filter its options; none of this reruns the script
        box = _period_box(page, label)
        box.click(timeout=args.timeout * 1000)
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(args.period)
        options = page.locator("[role='option']")
        options.first.wait_for(state="visible", timeout=args.timeout * 1000)
        texts = options.all_inner_texts()
        hits = [(len(t), i) for i, t in enumerate(texts) if re.search(rf"(?<!\d){re.escape(args.period)}(?!\d)", t)]
        if not hits:
            return Result(FILTER_CHANGE, note=f"no option for period {args.period!r}: {texts[:5]}")
        option = options.nth(min(hits)[1])
        before_n, before_sig, _, _, _ = map_state(page)
        page.evaluate(MARK_JS, [MAP_FRAME, "before"])
        page.evaluate(PRESS_JS)
        cpu0, t0 = server.cpu(), time.time()
        option.click(timeout=args.timeout * 1000)
        drawn_at, n, note, seen_at = wait_view_done(page, meter, t0, args.timeout, args.settle,
                                                    before=(before_n, before_sig), mark="before")
        t1 = time.time()
        cpu1 = server.cpu()
        ws_bytes, ws_frames = meter.since(t0, t1)
        res = Result(FILTER_CHANGE, ws_bytes=ws_bytes, ws_wire=meter.wire_since(t0, t1), ws_frames=ws_frames, cpu_s=cpu1 - cpu0, features=n, note=note,
                     fetched=meter.fetched_since(page, t0, t1))
        if drawn_at is not None:
            # from the user's press as the page received it (Playwright's click first scrolls, waits for the
            # option to be stable and moves the mouse); the old basis, the click call, stays in "poller saw"
            pressed = (page.evaluate("() => window.__benchPress || 0") or 0) / 1000
            res.drawn_s = drawn_at - (pressed if t0 <= pressed <= drawn_at else t0)
            res.seen_s = seen_at - t0
        if f"period={args.period}" not in page.url:
            res.note = (res.note + "; " if res.note else "") + f"URL has no period={args.period}"
        return res
    finally:
        context.close()


# --- report ---------------------------------------------------------------------------------------------
def _fmt(x: float | None, digits: int = 2) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def print_table(title: str, rows: list[list[Result]]) -> None:
    head = ["view", "nav→map s", "ws-open→map s", "poller saw s", "ws KB", "wire KB", "fetched KB", "ws frames", "server CPU s",
            "CPU to ws-open", "features", "runs"]
    lines = []
    for runs in rows:
        first = runs[0]
        kb = _median([r.ws_bytes / 1000 for r in runs])
        drawn = [r.drawn_s for r in runs]
        notes = sorted({r.note for r in runs if r.note})
        lines.append([
            first.view,
            _fmt(_median(drawn)),
            _fmt(_median([r.loaded_to_drawn_s for r in runs])),
            _fmt(_median([r.seen_s for r in runs])),
            _fmt(kb, 1),
            _fmt(_median([r.ws_wire / 1000 for r in runs]), 1),
            _fmt(_median([r.fetched / 1000 for r in runs]), 1),
            _fmt(_median([r.ws_frames for r in runs]), 0),
            _fmt(_median([r.cpu_s for r in runs])),
            _fmt(_median([r.cpu_to_ws_s for r in runs])),
            _fmt(_median([r.features for r in runs]), 0),
            "map s: " + " ".join(_fmt(d) for d in drawn) + " | CPU s: " + " ".join(_fmt(r.cpu_s) for r in runs)
            + " | KB: " + " ".join(_fmt(r.ws_bytes / 1000, 1) for r in runs)
            + (" | " + "; ".join(notes) if notes else ""),
        ])
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(head)]
    print(f"\n{title}")
    print("  ".join(h.ljust(w) if i in (0, 11) else h.rjust(w) for i, (h, w) in enumerate(zip(head, widths))))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(c.ljust(w) if i in (0, 11) else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))))
    sys.stdout.flush()


HEADER = """Targets set by the issue (figures below are printed, not checked):
  server CPU per view <= 0.15 s; per filter change <= 0.15 s
  websocket payload (on the wire, "wire KB"): national view and national filter change <= 300 KB; province view <= 100 KB
  national filter change -> map drawn <= 0.3 s
  first view -> map drawn <= 1 s after the frontend has loaded (column ws-open→map)
Columns: nav→map = navigation (filter change: the press on the option, as the page received it) -> Leaflet
  features drawn in the map iframe (the first animation frame after the map's last DOM change, recorded in
  the frame itself);
  poller saw = navigation / the click call -> the moment the 20 ms poller first read that final state (the
  way this bench measured before: later by up to a poll and a round trip, and for the filter change from
  when Playwright was asked to click, 30-45 ms before the page receives the press);
  ws-open→map = frontend loaded (websocket opened) -> map drawn; ws KB = websocket payload received
  during the view (KB = 1000 B); fetched KB = map files the map fetched over HTTP during the view
  (/map-layers/: the map's script and the context under the units, fetched once per browser and then
  kept; uncompressed bytes; a browser that kept the file may report it too: an upper bound); server CPU = streamlit process utime+stime during the view (navigations
  include serving the frontend files to a fresh browser context; "CPU to ws-open" is the part spent
  before the page opened its websocket, i.e. mostly serving those files)."""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=REPO, help="checkout to serve (default: %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="measured runs per view (default 3)")
    ap.add_argument("--python", default=sys.executable, help="Python that runs streamlit (default: this one)")
    ap.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    ap.add_argument("--period", default="2024", help="period chosen in the filter change (default 2024)")
    ap.add_argument("--timeout", type=float, default=60.0, help="bound on every wait, seconds (default 60)")
    ap.add_argument("--settle", type=float, default=1.0,
                    help="map unchanged and websocket quiet this long = view done (default 1.0 s)")
    ap.add_argument("--cached-browser", action="store_true",
                    help="measure as a returning user: one browser context whose HTTP cache keeps the frontend "
                         "files (default: a fresh context per run, the frontend served every time)")
    ap.add_argument("--role", choices=("viewer", "admin"),
                    help="role of the throw-away store's test account: admin sees exact figures, viewer the "
                         "cell-key protected ones (default admin; with --store-url the account's own role)")
    ap.add_argument("--store-url", help="measure against this existing store (SQLAlchemy URL) instead of a "
                                        "throw-away demo store; needs --user and --password")
    ap.add_argument("--user", help="account to sign in with (with --store-url)")
    ap.add_argument("--password", help="its password (with --store-url)")
    args = ap.parse_args(argv)
    root = args.root.resolve()
    ROOT_FOR_CONFIG.append(root)
    if not (root / "server.py").is_file():
        ap.error(f"no server.py in {root}")
    if args.store_url and not (args.user and args.password):
        ap.error("--store-url needs --user and --password")
    if (args.user or args.password) and not args.store_url:
        ap.error("--user/--password go with --store-url (the throw-away store has its own account: --role)")
    if args.role and args.store_url:
        ap.error("--role is for the throw-away store; with --store-url the role is --user's own")
    if not Path(CHROMIUM).exists():
        ap.error(f"{CHROMIUM} missing: apt-get install -y --no-install-recommends chromium chromium-driver "
                 "fonts-noto-core")

    from playwright.sync_api import sync_playwright

    def _stop_on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _stop_on_signal)
    label = _period_label(root)
    started = time.time()
    store_dir = None if args.store_url else tempfile.TemporaryDirectory(prefix="bench-views-store-")
    server = None
    try:
        commit = ""
        try:
            commit = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True,
                                    text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
        print(f"bench_views: root {root}{' @ ' + commit if commit else ''}; python {args.python}; "
              f"repeat {args.repeat}; filter change: {label!r} -> {args.period}")
        print(HEADER)
        print("load average before: " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
        sys.stdout.flush()
        if store_dir is None:
            store_url, username, password = args.store_url, args.user, args.password
            where = f"store {store_url}"
        else:
            store_url, username = make_store(Path(store_dir.name), root, args.python, args.role or "admin")
            password = PASSWORD
            where = f"throw-away store {store_url} (demo data) made in {time.time() - started:.1f} s"
        print(f"{where}; user {username}, role {role_label(account_role(store_url, username))}")
        server = Server(root, args.python, args.port, store_url, timeout=max(args.timeout, 120.0))
        t_start = time.time()
        server.start()
        print(f"server {server.url} pid {server.proc.pid} up in {time.time() - t_start:.1f} s "
              f"(log {server.log.name})")
        sys.stdout.flush()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                t_sign = time.time()
                try:
                    state = signed_in_state(browser, server.url, username, password)
                except Exception as exc:  # noqa: BLE001 -- nothing can be measured without a session
                    raise SystemExit(f"bench_views: sign-in as {username!r} failed: {type(exc).__name__}: "
                                     f"{str(exc).splitlines()[0][:200]}") from None
                signed = time.time() - t_sign
                idle = server.wait_idle(timeout=args.timeout)
                print(f"signed in once in {signed:.1f} s, server idle {idle:.1f} s later (neither is measured)")
                sys.stdout.flush()
                # cold pass (throw-away contexts): the root first, so the very first view of the fresh
                # server is the same in every run
                first = VIEWS[0][0] + " (via /)"
                cold = [guarded(first, measure_navigation, browser, state, server, first, "/", args, True)]
                cold += [guarded(name, measure_navigation, browser, state, server, name, path, args)
                         for name, path in VIEWS]
                cold.append(guarded(FILTER_CHANGE, measure_filter_change, browser, state, server, args, label))
                print_table("COLD: first visit of each view after the server started (throw-away contexts; "
                            "the first row is the very first view)", [[r] for r in cold])
                runs: dict[str, list[Result]] = {name: [] for name, _ in VIEWS}
                runs[FILTER_CHANGE] = []
                for _ in range(max(1, args.repeat)):
                    for name, path in VIEWS:
                        runs[name].append(guarded(name, measure_navigation, browser, state, server, name, path,
                                                  args))
                    runs[FILTER_CHANGE].append(guarded(FILTER_CHANGE, measure_filter_change, browser, state, server,
                                                       args, label))
                print_table(f"WARM: median of {max(1, args.repeat)} runs, each in a fresh signed-in browser context",
                            list(runs.values()))
            finally:
                browser.close()
    finally:
        if server is not None:
            server.stop()
        if store_dir is not None:
            store_dir.cleanup()
    print(f"\ntotal {time.time() - started:.0f} s; load average now "
          + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
