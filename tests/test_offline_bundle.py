"""The offline bundle (``scripts/bundle.sh``, ``scripts/offline/install.sh``): built once per module from the
set-up wheelhouse, installed into a fresh folder inside a network namespace with no network (``unshare --net``:
only loopback), started there and seen drawing the national map in Debian's chromium; then a newer bundle
installed over a store holding imported data and accounts: nothing lost, the store backed up, the previous
version kept for rollback."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .browser_support import ARTIFACTS, ROOT, free_port

pytestmark = [pytest.mark.browser, pytest.mark.bundle]

TARGET_NAME = "debian12-x86_64-py311"
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()
#: the target machine's environment: Debian's python3 first, nothing from the developer's shell
CLEAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
#: a small valid import (data/SCHEMA.md): three cases in Nghệ An and Hải Phòng
CASES_CSV = ("Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường,Hình thức bóc lột,Số nạn nhân\n"
             "BUNDLE-001,14/05/2023,Nghệ An,Kỳ Sơn,Hữu Kiệm,lao động,2\n"
             "BUNDLE-002,2023-06-01,Nghệ An,Kỳ Sơn,,tình dục,3\n"
             "BUNDLE-003,02/03/2024,Hải Phòng,Thủy Nguyên,,lao động,1\n")


def _netns_works() -> bool:
    try:
        return subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


NETNS = _netns_works()


def _target_python() -> str:
    """The target's python3: Debian's own (3.11 with venv), else the Python 3.11 this venv was made from."""
    debian = "/usr/bin/python3"
    probe = "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))"
    if os.path.exists(debian) and subprocess.run([debian, "-c", probe], capture_output=True).returncode == 0:
        return debian
    return getattr(sys, "_base_executable", sys.executable)


PYTHON = _target_python()


def offline(cmd: list[str], home: Path, timeout: float = 600, **env) -> subprocess.CompletedProcess:
    """Run ``cmd`` with no network: in a new network namespace where only loopback is up (where that is
    impossible: every proxy pointing at a closed port, so nothing reaches a registry either)."""
    clean = {"PATH": CLEAN_PATH, "HOME": str(home), "LANG": "C.UTF-8", "PYTHON": PYTHON, **env}
    if NETNS:
        cmd = ["unshare", "--net", "bash", "-c", 'ip link set lo up && exec "$@"', "offline", *cmd]
    else:
        closed = "http://127.0.0.1:9"
        clean.update(http_proxy=closed, https_proxy=closed, HTTP_PROXY=closed, HTTPS_PROXY=closed, no_proxy="")
    return subprocess.run(cmd, env=clean, capture_output=True, text=True, timeout=timeout)


def tdn(target: Path, *args: str, home: Path, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([str(target / "tdn"), *args], capture_output=True, text=True, timeout=300,
                            env={"PATH": CLEAN_PATH, "HOME": str(home), "LANG": "C.UTF-8"})
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def sums_of(folder: Path) -> None:
    """SHA256SUMS as scripts/bundle.sh writes it (every file but itself, sorted by path)."""
    subprocess.run("find . -type f ! -name SHA256SUMS -printf '%P\\0' | LC_ALL=C sort -z | xargs -0 sha256sum "
                   "> SHA256SUMS", shell=True, cwd=folder, check=True)


def discard(path: Path) -> None:
    """Remove a large tree in the background (a Python environment is tens of thousands of files)."""
    subprocess.Popen(["rm", "-rf", str(path)], start_new_session=True, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)


def rewrite(path: Path, text: str) -> None:
    """Replace a file of a hard-linked copy without touching the original."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


def store_rows(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {name: sorted(conn.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in tables}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The bundle built by the real command (wheels from .wheels/, not downloaded), checked with sha256sum -c
    and unpacked; returns the unpacked folder."""
    out = tmp_path_factory.mktemp("dist")
    t0 = time.time()
    build = subprocess.run(["bash", "scripts/bundle.sh", "build", "--out", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=900)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    name = f"tuyen-diem-nong-{VERSION}-{TARGET_NAME}"
    archive = out / f"{name}.tar.gz"
    assert sorted(p.name for p in out.iterdir()) == [archive.name, archive.name + ".sha256"]
    check = subprocess.run(["sha256sum", "-c", archive.name + ".sha256"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout.strip() == f"{archive.name}: OK"
    unpacked = tmp_path_factory.mktemp("usb")
    subprocess.run(["tar", "xzf", str(archive), "-C", str(unpacked)], check=True)
    archive.unlink()  # 350 MB: the unpacked copy is what the tests use
    print(f"bundle built and unpacked in {time.time() - t0:.0f} s:", *[line for line in build.stdout.splitlines()
                                                                      if line.startswith("== [")], sep="\n  ")
    yield unpacked / name
    discard(unpacked)  # 450 MB


@pytest.fixture(scope="module")
def installed(bundle, tmp_path_factory):
    """Version 1 installed with no network into a fresh folder by the bundle's own install.sh."""
    home = tmp_path_factory.mktemp("home")
    target = tmp_path_factory.mktemp("opt") / "tuyen-diem-nong"
    port = free_port()
    t0 = time.time()
    result = offline(["bash", str(bundle / "install.sh"), str(target), "--port", str(port)], home)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"installed offline in {time.time() - t0:.0f} s:", *[line for line in result.stdout.splitlines()
                                                              if line.startswith("== [")], sep="\n  ")
    yield {"target": target, "home": home, "port": port, "output": result.stdout}
    discard(target.parent)  # 1.2 GB with its Python environment


def test_bundle_installs_and_draws_the_national_map_with_no_network(bundle, installed):
    # the bundle: every pinned requirement as a wheel, map assets, fonts, boundaries and facts with their
    # sources and licences, caches, demo data, manifest and sums
    manifest = (bundle / "MANIFEST").read_text(encoding="utf-8")
    assert f"version: {VERSION}\n" in manifest and f"target: {TARGET_NAME} " in manifest
    wheels = sorted(p.name.lower() for p in (bundle / "wheels").iterdir())
    assert all(w.endswith(".whl") for w in wheels)
    pins = [line.split("==")[0].lower().replace("-", "_") for line in (ROOT / "requirements.txt").read_text().split()
            if "==" in line]
    assert all(any(w.startswith(pin + "-") for w in wheels) for pin in pins), "a pinned requirement has no wheel"
    app = bundle / "app"
    for rel in ("static/vendor/leaflet/leaflet.js", "static/vendor/LICENSES/leaflet.txt", "fonts/NotoSans-Regular.ttf",
                "fonts/LICENSE-fonts-noto-core.txt", "data/boundaries/SOURCES.md", "data/boundaries/vn_admin_pre2025_odm.gpkg",
                "data/facts/README.md", "data/facts/sources.csv", "data/cache/manifest.json", "data/demo/demo_cases.csv",
                "server.py", "requirements.txt"):
        assert (app / rel).is_file(), rel
    listed = {line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    on_disk = {str(p.relative_to(bundle)) for p in bundle.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk

    # the installation: no network was there, every file checked, the store created with the demo data
    target, out = installed["target"], installed["output"]
    assert f"all {len(listed)} files match" in out
    assert (target / "current").resolve() == target / "releases" / VERSION
    assert "schema version 0 -> " in out and "DEMO DATA: loaded rows" in out
    assert (target / "data" / "FIRST_SIGNIN.txt").stat().st_mode & 0o077 == 0
    assert (target / "data" / "tdn.sqlite").is_file()

    # started there, in the same kind of namespace, and seen in the browser
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "offline-bundle-national-map.png"
    args = {"target": str(target), "home": str(installed["home"]), "expected": 702, "shot": str(shot),
            "log": str(ARTIFACTS / "offline-bundle-streamlit.log")}
    run = offline([sys.executable, str(ROOT / "tests" / "bundle_netns_view.py"), json.dumps(args)],
                  installed["home"], timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    print(f"installed app: started in {seen['started_s']} s, {seen['paths']} paths drawn in {seen['browser_s']} s")
    assert seen["internet"] is False or not NETNS
    assert seen["paths"] >= 702, seen  # the 702 districts, and the provinces, borders and neighbours over them
    assert "vendor/leaflet/leaflet.js" in seen["static"]  # the map's scripts came from the installed app
    assert seen["elsewhere"] == [] and seen["failed"] == [] and seen["errors"] == [], seen


def test_newer_bundle_keeps_the_data_backs_the_store_up_and_can_roll_back(bundle, installed, tmp_path):
    target, home = installed["target"], installed["home"]
    # a store with data and accounts, and a setting of this installation
    cases = tmp_path / "cases.csv"
    cases.write_text(CASES_CSV, encoding="utf-8")
    imported = tdn(target, "geo", "import", str(cases), home=home)
    assert "3" in imported.stdout, imported.stdout
    added = tdn(target, "geo", "users", "add", "canbo-na", "--role", "data_manager", "--provinces", "40", home=home)
    assert "temporary password" in added.stdout
    with open(target / "tdn.env", "a", encoding="utf-8") as env_file:
        env_file.write("TDN_SESSION_HOURS=8\n")
    settings = (target / "tdn.env").read_text(encoding="utf-8")
    store = target / "data" / "tdn.sqlite"
    before = store_rows(store)
    assert sum("BUNDLE-00" in repr(row) for row in before["cases"]) == 3
    assert any(row[1] == "canbo-na" for row in before["users"])

    # the newer bundle: the same content with a higher version (its own MANIFEST, VERSION and SHA256SUMS)
    newer_version = re.sub(r"(\d+)$", lambda m: str(int(m.group(1)) + 1), VERSION)
    newer = tmp_path / f"tuyen-diem-nong-{newer_version}-{TARGET_NAME}"
    subprocess.run(["cp", "-al", str(bundle), str(newer)], check=True)
    rewrite(newer / "MANIFEST", (bundle / "MANIFEST").read_text(encoding="utf-8").replace(
        f"version: {VERSION}\n", f"version: {newer_version}\n"))
    rewrite(newer / "app" / "VERSION", newer_version + "\n")
    (newer / "SHA256SUMS").unlink()
    sums_of(newer)

    t0 = time.time()
    result = offline(["bash", str(newer / "install.sh"), str(target)], home)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"update installed offline in {time.time() - t0:.0f} s:", *[line for line in result.stdout.splitlines()
                                                                     if line.startswith("== [")], sep="\n  ")
    out = result.stdout
    assert "Python packages: the same as an installed version's" in out  # nothing to install again
    assert (target / "current").resolve() == target / "releases" / newer_version
    assert (target / "previous").resolve() == target / "releases" / VERSION
    assert (target / "releases" / VERSION / ".venv" / "bin" / "python").exists()

    # nothing lost: every row of every table is still there (the audit trail only grows), settings kept
    after = store_rows(store)
    for table, rows in before.items():
        if table in ("audit_log", "user_sessions"):
            assert set(rows) <= set(after[table]), table
        else:
            assert after[table] == rows, table
    assert (target / "tdn.env").read_text(encoding="utf-8") == settings

    # the backup taken before the update holds the store as it was
    backups = sorted((target / "data" / "backups").glob(f"tdn-*-before-{newer_version}.sqlite"))
    assert len(backups) == 1 and f"backup: {backups[0]}" in out
    assert backups[0].stat().st_mode & 0o077 == 0
    assert store_rows(backups[0]) == before

    # and the previous version is one command away
    back = tdn(target, "rollback", home=home)
    assert f"now using {VERSION}" in back.stdout
    assert (target / "current").resolve() == target / "releases" / VERSION
    version = tdn(target, "version", home=home).stdout
    assert f"current:  {VERSION}" in version and f"previous: {newer_version}" in version
    discard(newer)


def test_install_refuses_a_changed_bundle_and_a_missing_python(bundle, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    target = tmp_path / "opt"
    missing = offline(["bash", str(bundle / "install.sh"), str(target)], home, PYTHON="/nonexistent/python3")
    assert missing.returncode != 0
    assert "INSTALL REFUSED: python3 is missing" in missing.stderr
    assert "install the Debian package python3 (Python 3.11)" in " ".join(missing.stderr.split())
    assert "python3-venv" in missing.stderr

    changed = tmp_path / "changed"
    subprocess.run(["cp", "-al", str(bundle), str(changed)], check=True)
    (changed / "wheels" / "extra-0.1-py3-none-any.whl").write_bytes(b"not in the manifest")
    extra = offline(["bash", str(changed / "install.sh"), str(target)], home)
    assert extra.returncode != 0 and "wheels/extra-0.1-py3-none-any.whl" in extra.stderr, extra.stderr
    (changed / "wheels" / "extra-0.1-py3-none-any.whl").unlink()
    config = changed / "app" / "geo" / "config.py"
    rewrite(config, config.read_text(encoding="utf-8") + "\n# changed on the way\n")
    refused = offline(["bash", str(changed / "install.sh"), str(target)], home)
    assert refused.returncode != 0
    assert "app/geo/config.py: FAILED" in refused.stderr, refused.stderr
    assert not (target / "current").exists() and not (target / "releases").exists()
    discard(changed)
