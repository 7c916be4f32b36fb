"""Load benchmark: N users at once against the whole stack (nginx → 1 or 2 Streamlit processes → PostgreSQL).

    .venv/bin/python bench/bench_load.py                     # starts deploy/local_stack.sh, runs, stops it
    .venv/bin/python bench/bench_load.py --users 1,5 --procs 2 --browser-users 0
    TDN_STACK_DIR=/tmp/s bash deploy/local_stack.sh start && \\
        TDN_STACK_DIR=/tmp/s .venv/bin/python bench/bench_load.py --reuse   # an already running stack

Prints figures; it is not a timed test. For each number of app processes (1: nginx's listener pinned to the
first process; 2: the sticky upstream of both) and each N (default 1, 5, 10, 20), N users arrive evenly
spread over ``--within`` seconds (default 10). Each user, at the protocol level (no browser):

1. signs in: ``POST /signin`` (form fields username, password, next, lang; Origin = the site) → the
   ``tdn_session`` cookie (each user is its own account, so each gets its own session and, through the
   cookie hash, its own process);
2. opens the Overview: ``GET /`` (the page through the sign-in gate), then the websocket
   ``/_stcore/stream`` with the cookie, sends a ``BackMsg`` ``rerun_script`` (``ClientState`` with the
   page's query string and page name, as Streamlit's frontend does) and reads ``ForwardMsg``\\ s until
   ``script_finished``. The map's data (the folium component's HTML and GeoJSON) is one delta inside
   that run, so **"map drawn" at the protocol level = the Overview run's script_finished** (checked: the
   run carried the ``streamlit_folium`` component and finished successfully, with no exception shown).

Each N is played twice (``--signed-in both``): users signing in as they arrive (the morning peak: the
sign-in's argon2id check, about 0.3 s of CPU, competes with the pages) and users signed in beforehand
(only the page views compete).

Columns: time from opening the page (GET /) to the map's data (p50 / p95 / max), sign-in time (argon2id
password check, p50 / p95), the server CPU seconds over the run (sum over the app processes, from /proc:
utime+stime of each process and its threads), the same per user, and how the users were spread over the
processes (the ``X-TDN-Upstream`` header the local stack's nginx adds). Caches are warm: before measuring,
every process draws the Overview once for each role used.

A small real-browser run follows (``--browser-users``, default 3, through nginx with both processes):
Debian chromium via Playwright, each user its own context signed in with
``tests.browser_support.new_signed_in_page``; time from navigation to the map's features drawn in the
iframe (and unchanged for ``--settle`` s).

The machine's cores are shared (the load client runs on the same cores as the servers and the
database): figures are noisy; compare runs made in the same conditions.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STACK = ROOT / "deploy" / "local_stack.sh"
CLK_TCK = os.sysconf("SC_CLK_TCK")
ROLES = ("viewer", "analyst")  # provincial office users: briefings and analysis, alternating
TARGET_P95_S = 2.0
TARGET = "p95 ≤ 2 s for 20 users arriving within 10 s, 2 processes, warm caches"


# --- the stack --------------------------------------------------------------------------------------
def stack(command: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(STACK), command], cwd=ROOT, env=env, capture_output=True, text=True)


def stack_env(env: dict) -> dict[str, str]:
    out = stack("env", env)
    if out.returncode != 0:
        raise SystemExit(f"the stack is not running ({out.stderr.strip()})")
    values: dict[str, str] = {}
    for line in out.stdout.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            values[key] = " ".join(shlex.split(value)) if value else ""
    return values


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _tree(pid: int) -> list[int]:
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


def cpu_seconds(pids: list[int]) -> float:
    """utime+stime (all threads) of the processes, their live descendants and their reaped children."""
    ticks = 0
    for pid in pids:
        for p in _tree(pid):
            fields = _stat_fields(p)
            if fields:  # utime stime cutime cstime
                ticks += sum(int(x) for x in fields[11:15])
    return ticks / CLK_TCK


def postmaster_pid(pgdata: str) -> int | None:
    try:
        return int(Path(pgdata, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def add_bench_users(db_url: str, n: int, password: str) -> list[tuple[str, str]]:
    """Accounts bench-01 … bench-N (roles alternating), created once; returns [(name, role)]."""
    users = [(f"bench-{i:02d}", ROLES[i % len(ROLES)]) for i in range(1, n + 1)]
    code = ("from geo.auth import accounts\nimport sys\n"
            f"for name, role in {users!r}:\n"
            "    try:\n"
            f"        accounts.add_user(name, role, '', password={password!r}, by='bench_load')\n"
            "    except accounts.AuthError:\n"
            "        pass\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "TDN_DATABASE_URL": db_url})
    return users


# --- the protocol-level user ---------------------------------------------------------------------------
@dataclass
class Visit:
    user: str
    signin_s: float | None = None
    map_s: float | None = None  # GET / → script_finished of the Overview run
    total_s: float | None = None  # arrival → map
    bytes: int = 0
    upstream: str = ""
    error: str = ""
    kpis: dict = field(default_factory=dict)


async def sign_in(client, base: str, username: str, password: str) -> str:
    response = await client.post(base + "/signin", data={"username": username, "password": password, "next": "/",
                                                         "lang": "vi"}, headers={"Origin": base})
    cookie = response.cookies.get("tdn_session")
    if response.status_code != 303 or not cookie:
        raise RuntimeError(f"sign-in refused: HTTP {response.status_code}")
    return cookie


async def overview_run(base: str, cookie: str, query: str = "", page_name: str = "", timeout: float = 120.0,
                       visit: Visit | None = None) -> Visit:
    """One Overview page at the protocol level; returns the visit with its byte count and KPIs."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    visit = visit or Visit("")
    netloc = urlparse(base).netloc
    back = BackMsg()
    state = back.rerun_script
    state.query_string = query
    state.page_name = page_name
    state.context_info.timezone = "Asia/Ho_Chi_Minh"
    state.context_info.timezone_offset = -420
    state.context_info.locale = "vi-VN"
    state.context_info.url = f"{base}/{page_name}" + (f"?{query}" if query else "")
    has_map = False
    async with websockets.connect(f"ws://{netloc}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                                  additional_headers={"Cookie": f"tdn_session={cookie}", "Origin": base},
                                  open_timeout=timeout) as ws:
        visit.upstream = ws.response.headers.get("X-TDN-Upstream", "")
        await ws.send(back.SerializeToString())
        deadline = time.monotonic() + timeout
        while True:
            data = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.monotonic()))
            visit.bytes += len(data)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            kind = msg.WhichOneof("type")
            if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "component_instance" and "folium" in element.component_instance.component_name:
                    has_map = True
                elif what == "metric":
                    visit.kpis[element.metric.label] = element.metric.body
                elif what == "exception":
                    raise RuntimeError(f"the page raised {element.exception.type}: {element.exception.message[:80]}")
            elif kind == "page_not_found":
                raise RuntimeError("page not found")
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # the script reran (e.g. a widget default): wait for the final run
                if status != "FINISHED_SUCCESSFULLY":
                    raise RuntimeError(f"script finished: {status}")
                if not has_map:
                    raise RuntimeError("the run finished without the map")
                return visit


async def one_user(base: str, username: str, password: str, arrive_at: float, t_start: float,
                   timeout: float, cookie: str | None = None) -> Visit:
    """One user: signs in (unless ``cookie``, a session made beforehand) and opens the Overview."""
    import httpx

    visit = Visit(username)
    await asyncio.sleep(max(0.0, t_start + arrive_at - time.monotonic()))
    t0 = time.monotonic()
    try:
        async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
            if cookie is None:
                cookie = await sign_in(client, base, username, password)
                visit.signin_s = time.monotonic() - t0
            t1 = time.monotonic()
            page = await client.get(base + "/", headers={"Accept": "text/html", "Cookie": f"tdn_session={cookie}"})
            if page.status_code != 200:
                raise RuntimeError(f"GET / answered HTTP {page.status_code}")
        await overview_run(base, cookie, timeout=timeout, visit=visit)
        t2 = time.monotonic()
        visit.map_s, visit.total_s = t2 - t1, t2 - t0
    except Exception as exc:  # noqa: BLE001 -- a failed user is a row in the table, not the end of the run
        visit.error = f"{type(exc).__name__}: {str(exc)[:100]}"
    return visit


async def presign(base: str, users: list[tuple[str, str]], password: str, timeout: float) -> list[str]:
    import httpx

    async with httpx.AsyncClient(timeout=timeout, follow_redirects=False) as client:
        return [await sign_in(client, base, name, password) for name, _ in users]


async def scenario(base: str, users: list[tuple[str, str]], within: float, password: str, timeout: float,
                   cookies: list[str] | None = None) -> list[Visit]:
    n = len(users)
    t_start = time.monotonic() + 0.2
    arrivals = [within * i / n for i in range(n)] if n > 1 else [0.0]
    cookies = cookies or [None] * n
    return await asyncio.gather(*(one_user(base, name, password, at, t_start, timeout, cookie)
                                  for (name, _), at, cookie in zip(users, arrivals, cookies)))


def pct(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# --- the real browser ----------------------------------------------------------------------------------
FEATURES_JS = """
(sel) => {
  let n = 0;
  for (const f of document.querySelectorAll(sel)) {
    let d = null;
    try { d = f.contentDocument; } catch (e) { d = null; }
    if (d) n += d.querySelectorAll('.leaflet-overlay-pane path').length;
  }
  return n;
}
"""


def browser_run(base: str, users: list[str], within: float, settle: float, timeout: float) -> list[tuple[str, float | None, int, str]]:
    """``users`` open the Overview in Debian chromium, arriving evenly over ``within`` s; returns
    (user, seconds from navigation to the map drawn, features, note with when the websocket opened: before
    it the browser loads and starts Streamlit's frontend, after it the server runs the page and the
    browser draws it)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, new_signed_in_page

    results = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            pages = [new_signed_in_page(browser, base, name) for name in users]  # signed in beforehand
            n = len(users)
            ws_open: list[float | None] = [None] * n
            for i, page in enumerate(pages):
                page.on("websocket", lambda ws, i=i: ws_open.__setitem__(i, ws_open[i] or time.monotonic()))
            arrivals = [within * i / n for i in range(n)] if n > 1 else [0.0]
            started: list[float | None] = [None] * n
            state = [(0, 0.0)] * n  # (features, when they last changed)
            done: list[tuple | None] = [None] * n
            t0 = time.monotonic()
            while any(d is None for d in done):
                now = time.monotonic()
                for i, page in enumerate(pages):
                    if done[i] is not None:
                        continue
                    if started[i] is None:
                        if now - t0 >= arrivals[i]:
                            started[i] = time.monotonic()
                            page.goto(base + "/", wait_until="commit", timeout=timeout * 1000)
                        continue
                    try:
                        count = int(page.evaluate(FEATURES_JS, MAP_FRAME))
                    except Exception:  # noqa: BLE001 -- navigation or iframe swap in progress
                        count = 0
                    now = time.monotonic()
                    if count != state[i][0]:
                        state[i] = (count, now)
                    opened = f"websocket open at {ws_open[i] - started[i]:.2f} s" if ws_open[i] else "no websocket"
                    if count > 0 and now - state[i][1] >= settle:
                        done[i] = (users[i], state[i][1] - started[i], count, opened)
                    elif now - started[i] > timeout:
                        done[i] = (users[i], None, count, f"timeout; {opened}")
                pages[0].wait_for_timeout(20)
            results = list(done)
            for page in pages:
                page.context.close()
        finally:
            browser.close()
    return results


# --- main --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,5,10,20", help="numbers of concurrent users (default 1,5,10,20)")
    parser.add_argument("--procs", default="1,2", help="app processes to measure: 1 and/or 2 (default 1,2)")
    parser.add_argument("--within", type=float, default=10.0, help="users arrive evenly within this many seconds")
    parser.add_argument("--browser-users", type=int, default=3, help="users of the real-browser run (0: none)")
    parser.add_argument("--settle", type=float, default=1.0, help="browser: map unchanged this long = drawn")
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--reuse", action="store_true", help="use the stack already running (TDN_STACK_DIR)")
    parser.add_argument("--signed-in", choices=("arrive", "before", "both"), default="both",
                        help="users sign in when they arrive (the morning peak: argon2id checks compete with the "
                             "pages), before the measured window (only the pages), or both rows (default)")
    args = parser.parse_args(argv)
    counts = [int(x) for x in args.users.split(",") if x.strip()]
    procs = [int(x) for x in args.procs.split(",") if x.strip()]

    from tests.browser_support import PASSWORD

    env = dict(os.environ)
    own_dir = None
    if not args.reuse:
        own_dir = tempfile.mkdtemp(prefix="tdn-bench-stack-")
        os.rmdir(own_dir)  # local_stack.sh creates it
        env["TDN_STACK_DIR"] = own_dir
        env.setdefault("TDN_STACK_APPS", "2")
        print(f"starting the stack (deploy/local_stack.sh start, TDN_STACK_DIR={own_dir}) …", flush=True)
        t = time.monotonic()
        started = stack("start", env)
        if started.returncode != 0:
            print(started.stderr[-3000:])
            stack("stop", env)
            return 1
        print(f"  up in {time.monotonic() - t:.0f} s", flush=True)
    try:
        info = stack_env(env)
        app_urls = info["APP_URLS"].split()
        app_pids = [int(p) for p in info["APP_PIDS"].split()]
        bases = {1: info["NGINX_URL_FIRST"], len(app_urls): info["NGINX_URL"]}
        pg = postmaster_pid(info.get("PGDATA", ""))
        users = add_bench_users(info["DATABASE_URL"], max(counts + [args.browser_users]), PASSWORD)

        # warm caches: every process draws the Overview once for each role
        print("warming every process (one Overview per role) …", flush=True)

        async def warm():
            import httpx

            for url in app_urls:
                for name, role in users[:len(ROLES)]:
                    async with httpx.AsyncClient(timeout=args.timeout) as client:
                        cookie = await sign_in(client, url, name, PASSWORD)
                    await overview_run(url, cookie, timeout=args.timeout)
        asyncio.run(warm())

        rows = []
        for n_procs in procs:
            base = bases.get(n_procs)
            if base is None:
                print(f"(no stack listener for {n_procs} processes: skipped)")
                continue
            for n in counts:
                modes = ("arrive", "before") if args.signed_in == "both" else (args.signed_in,)
                for mode in modes:
                    cookies = asyncio.run(presign(base, users[:n], PASSWORD, args.timeout)) if mode == "before" else None
                    time.sleep(2.0)  # let the previous scenario's sessions close
                    cpu0, pg0, t0 = cpu_seconds(app_pids), cpu_seconds([pg]) if pg else 0.0, time.monotonic()
                    visits = asyncio.run(scenario(base, users[:n], args.within, PASSWORD, args.timeout, cookies))
                    wall = time.monotonic() - t0
                    cpu = cpu_seconds(app_pids) - cpu0
                    pg_cpu = (cpu_seconds([pg]) - pg0) if pg else None
                    ok = [v for v in visits if not v.error]
                    maps = [v.map_s for v in ok]
                    signs = [v.signin_s for v in ok if v.signin_s is not None]
                    spread = {}
                    for v in ok:
                        spread[v.upstream] = spread.get(v.upstream, 0) + 1
                    row = dict(procs=n_procs, users=n, mode=mode, p50=pct(maps, 50), p95=pct(maps, 95),
                               max=max(maps) if maps else None, s50=pct(signs, 50), s95=pct(signs, 95), cpu=cpu,
                               cpu_user=cpu / n, pg_cpu=pg_cpu, wall=wall, failed=len(visits) - len(ok),
                               spread="/".join(str(spread.get(u.replace("http://", ""), 0)) for u in app_urls),
                               mb=statistics.mean(v.bytes for v in ok) / 1e6 if ok else 0.0,
                               errors=sorted({v.error for v in visits if v.error}))
                    rows.append(row)
                    print(f"  {n_procs} process(es), {n:>2} users, sign-in {mode:<6}: map p50 {fmt(row['p50'])} s, "
                          f"p95 {fmt(row['p95'])} s, app CPU {row['cpu']:.1f} s, failed {row['failed']}", flush=True)
                    for error in row["errors"]:
                        print(f"    error: {error}")

        browser_rows = []
        if args.browser_users > 0:
            print(f"real browser: {args.browser_users} users through nginx ({len(app_urls)} processes) …", flush=True)
            try:
                browser_rows = browser_run(info["NGINX_URL"], [u for u, _ in users[:args.browser_users]],
                                           min(args.within, 2.0 * args.browser_users), args.settle, args.timeout)
            except Exception as exc:  # noqa: BLE001
                browser_rows = [("(browser)", None, 0, f"{type(exc).__name__}: {str(exc)[:150]}")]
    finally:
        if own_dir:
            stack("stop", env)

    print()
    print(f"Load: users arriving evenly within {args.within:g} s; Overview (national) through nginx; warm caches.")
    print("'map' = GET / → the Overview run's script_finished (the map's data is in that run), per user.")
    print("Server CPU = sum over the app processes (utime+stime from /proc); PostgreSQL's own CPU beside it.")
    print("sign-in 'arrive': each user signs in (argon2id) when arriving, inside the measured window; 'before': all")
    print("signed in beforehand (not measured), only the pages compete.")
    print()
    head = (f"{'processes':>9} {'users':>5} {'sign-in':>7} | {'map p50 s':>9} {'map p95 s':>9} {'max s':>6} | {'sign-in p50':>11} "
            f"{'p95':>5} | {'app CPU s':>9} {'CPU s/user':>10} {'pg CPU s':>8} | {'MB/user':>7} {'per process':>11} {'failed':>6}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['procs']:>9} {r['users']:>5} {r['mode']:>7} | {fmt(r['p50']):>9} {fmt(r['p95']):>9} {fmt(r['max']):>6} | "
              f"{fmt(r['s50']):>11} {fmt(r['s95']):>5} | {r['cpu']:>9.1f} {r['cpu_user']:>10.2f} "
              f"{fmt(r['pg_cpu'], 1):>8} | {r['mb']:>7.2f} {r['spread']:>11} {r['failed']:>6}")
    print()
    for target in (r for r in rows if r["procs"] == 2 and r["users"] == 20):
        verdict = ("met" if target["p95"] is not None and target["p95"] <= TARGET_P95_S and not target["failed"]
                   else "NOT met")
        print(f"target: {TARGET} → sign-in {target['mode']}: measured p95 {fmt(target['p95'])} s: {verdict}")
    if browser_rows:
        print(f"\nReal browser (Debian chromium, through nginx, {len(app_urls)} processes, signed in beforehand, "
              f"arriving within {min(args.within, 2.0 * args.browser_users):g} s): navigation → map features drawn")
        for user, seconds, features, note in browser_rows:
            print(f"  {user:<10} {fmt(seconds):>6} s  {features:>5} features  {note}")
    print(f"\nMachine: {os.cpu_count()} cores, shared with other work (the load client runs on the same cores): "
          "figures are noisy.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
