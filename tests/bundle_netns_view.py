"""Run inside the offline-bundle test's network namespace (``tests/test_offline_bundle.py``): start a dashboard
installed by the bundle's install.sh, sign in with Debian's chromium and wait for the national map.

    python tests/bundle_netns_view.py '{"target": ..., "home": ..., "expected": N, "shot": ..., "log": ...}'

Prints one JSON line: whether the internet was reachable, the paths drawn, the requests that did not go to
the installed app, failed requests and page errors."""
from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser_support import CHROMIUM, CHROMIUM_ARGS, MAP_FRAME, PASSWORD  # noqa: E402

ADD_USER = ("from geo.auth import accounts\n"
            f"accounts.add_user('admin-test', 'admin', '', password={PASSWORD!r}, by='test')\n")


def reachable(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False


def main() -> int:
    args = json.loads(sys.argv[1])
    target = Path(args["target"])
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": args["home"], "LANG": "C.UTF-8"}
    result: dict = {"internet": reachable("1.1.1.1", 443) or reachable("pypi.org", 443)}
    subprocess.run([str(target / "tdn"), "python", "-c", ADD_USER], env=env, check=True, capture_output=True)
    port = int(re.search(r"^PORT=(\d+)$", (target / "tdn.env").read_text(encoding="utf-8"), re.M).group(1))
    url = f"http://127.0.0.1:{port}"
    with open(args["log"], "w", encoding="utf-8") as log:
        proc = subprocess.Popen([str(target / "tdn"), "start", "--server.headless", "true"], env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 90
            while True:
                try:
                    with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the installed dashboard did not start; see {args['log']}")
                time.sleep(0.5)
            result["started_s"] = round(time.time() - deadline + 90, 1)
            t0 = time.time()
            result.update(drive(url, args))
            result["browser_s"] = round(time.time() - t0, 1)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(json.dumps(result))
    return 0


def drive(url: str, args: dict) -> dict:
    from playwright.sync_api import sync_playwright

    requests: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    static_ok: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1500, "height": 1000}, locale="vi-VN")
        page.on("request", lambda r: requests.append(r.url))
        # (a navigation cancels the previous page's pending requests: ERR_ABORTED is not a failure)
        page.on("requestfailed", lambda r: None if "ERR_ABORTED" in (r.failure or "") else
                failed.append(f"{r.url} {r.failure}"))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: static_ok.append(r.url) if "/app/static/" in r.url and r.ok else None)
        page.goto(url + "/signin")
        page.fill("#u", "admin-test")
        page.fill("#p", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/signin" not in u, timeout=30_000)
        page.goto(url + "/ban-do", wait_until="domcontentloaded")
        page.wait_for_selector(MAP_FRAME, timeout=60_000)
        frame = page.frame_locator(MAP_FRAME)
        count, deadline = 0, time.time() + 60
        while time.time() < deadline and count < args["expected"]:
            count = frame.locator(".leaflet-overlay-pane path").count()
            time.sleep(0.5)
        time.sleep(1.0)  # late requests (fonts, images) fail now if they are going to
        page.screenshot(path=args["shot"], full_page=True)
        browser.close()
    local = ("data:", "blob:", "about:", url)
    return {"paths": count, "elsewhere": [u for u in requests if not u.startswith(local)], "failed": failed,
            "errors": errors, "static": sorted({u.split("/app/static/", 1)[1] for u in static_ok})}


if __name__ == "__main__":
    sys.exit(main())
