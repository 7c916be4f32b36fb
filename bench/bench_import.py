"""Benchmark of imports at office scale (issue 17): typo suggestions, a big import's time and peak memory.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--misspelt 2000] [--big 0] [--skip-memory]

Prints, with the issue's targets:

1. validating a 2,000-row case file whose every commune name is misspelt (each row gets an "unknown place"
   error with "did you mean" suggestions), and the same file spelt correctly;
2. how often the first suggestion of the registry (``geo.admin.registry``) equals the first suggestion of
   the old ``difflib`` look-up, and the time per look-up of both;
3. importing 100,000 case rows (full importer, one transaction, into a temporary SQLite store): time, and
   in a separate process the peak memory (Python allocations traced by ``tracemalloc``, and the growth of
   the process's resident memory); ``--big N`` repeats the memory run with N rows to show that memory grows
   with the batch, not with the file.

Never touches the real store. Only timings, counts and memory are printed (no victim counts).
"""
from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(os.environ.get("TDN_BENCH_ROOT") or Path(__file__).resolve().parent.parent)  # another checkout: before/after
sys.path.insert(0, str(ROOT))

HEAD = ["Mã vụ việc", "Ngày", "Tỉnh/Thành phố", "Quận/Huyện", "Xã/Phường", "Hình thức bóc lột", "Số nạn nhân",
        "Trong đó trẻ em", "Trong đó nữ", "Nạn nhân được giải cứu, tiếp nhận", "Nạn nhân được hỗ trợ",
        "Đối tượng bị bắt", "Cơ quan báo cáo", "Ghi chú"]
FORMS = ["bóc lột tình dục", "cưỡng bức lao động", "cưỡng ép kết hôn", "bào thai", "khác"]
AGENCIES = ["công an", "biên phòng", "LĐTBXH"]


def _communes(reg):
    districts = {u.code for u in reg.units("district", "pre2025") if not u.historical}
    return [u for u in reg.units("commune", "pre2025") if u.district_code in districts and not u.historical]


def _typo(name: str, rng: random.Random) -> str:
    """One keyboard slip in the name part (a letter dropped, doubled, swapped or replaced)."""
    words = name.split(" ")
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = list(words[i])
    j = rng.randrange(len(w))
    op = rng.randrange(4)
    if op == 0 and len(w) > 2:
        del w[j]
    elif op == 1:
        w.insert(j, w[j])
    elif op == 2 and j + 1 < len(w):
        w[j], w[j + 1] = w[j + 1], w[j]
    else:
        w[j] = rng.choice("aeiouyhnmtrk")
    words[i] = "".join(w)
    return " ".join(words)


def make_csv(n: int, reg, misspelt: bool = False, seed: int = 1, prefix: str = "B") -> bytes:
    rng = random.Random(seed)
    communes = _communes(reg)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEAD)
    start = date(2021, 1, 1)
    for i in range(n):
        c = communes[rng.randrange(len(communes))]
        v = 1 + (i % 4)
        commune = c.full_name_vi
        if misspelt:
            for _ in range(20):
                cand = _typo(c.name_vi, rng)
                if reg.resolve(cand, level="commune", era="pre2025", province=c.province_code).status == "unknown":
                    commune = cand
                    break
        w.writerow([f"{prefix}-{i:07d}", (start + timedelta(days=rng.randrange(1460))).strftime("%d/%m/%Y"),
                    c.province_name_vi, c.district_name_vi, commune, FORMS[i % 5], v, i % (v + 1), v, v // 2,
                    v // 3, i % 3, AGENCIES[i % 3], "" if i % 7 else "ghi chú thử"])
    return buf.getvalue().encode("utf-8")


def _difflib_top(reg, query: str, province: str) -> str | None:
    """The first suggestion of the old look-up: difflib over the province's communes (candidates rebuilt)."""
    from geo.admin.text import plain_key

    keys = {}
    for u in reg.units("commune", "pre2025", province=province):
        keys.setdefault(plain_key(u.name_vi), u)
    close = difflib.get_close_matches(plain_key(query), list(keys), n=5, cutoff=0.6)
    return keys[close[0]].code if close else None


def bench_suggestions(args, reg) -> None:
    from geo.data import importer, store

    tmp = Path(tempfile.mkdtemp(prefix="tdn-bench-"))
    engine = store.get_engine(f"sqlite:///{tmp / 'v.sqlite'}")
    bad = make_csv(args.misspelt, reg, misspelt=True, seed=3, prefix="M")
    good = make_csv(args.misspelt, reg, misspelt=False, seed=3, prefix="M")
    t0 = time.perf_counter()
    report = importer.validate_file(bad, "misspelt.csv", engine=engine, reg=reg)
    t_bad = time.perf_counter() - t0
    counts = getattr(report, "error_counts", None)  # (older importers kept no counts: the listed messages)
    n_unknown = counts["unknown_place"] if counts is not None else sum(e.code == "unknown_place" for e in report.errors)
    with_sugg = sum(1 for e in report.errors if e.code == "unknown_place" and e.suggestions)
    t0 = time.perf_counter()
    clean = importer.validate_file(good, "clean.csv", engine=engine, reg=reg)
    t_good = time.perf_counter() - t0
    print(f"validate {args.misspelt:,} rows, every commune misspelt: {t_bad:.2f} s "
          f"({n_unknown:,} unknown-place errors; of the {len(report.errors):,} listed, {with_sugg:,} with suggestions)  [target <= 2 s] "
          f"{'OK' if t_bad <= 2 else 'SLOW'}")
    print(f"validate the same {args.misspelt:,} rows spelt correctly: {t_good:.2f} s ({len(clean.errors)} errors)")
    # agreement with difflib's first suggestion and time per look-up
    rng = random.Random(7)
    communes = _communes(reg)
    queries = []
    while len(queries) < 1000:
        c = communes[rng.randrange(len(communes))]
        q = _typo(c.name_vi, rng)
        if reg.resolve(q, level="commune", era="pre2025", province=c.province_code).status == "unknown":
            queries.append((q, c.province_code))
    t0 = time.perf_counter()
    old = [_difflib_top(reg, q, p) for q, p in queries]
    t_old = (time.perf_counter() - t0) / len(queries)
    t0 = time.perf_counter()
    new = []
    for q, p in queries:
        res = reg.resolve(q, level="commune", era="pre2025", province=p)
        new.append(res.suggestions[0].code if res.suggestions else None)
    t_new = (time.perf_counter() - t0) / len(queries)
    same = sum(1 for a, b in zip(old, new) if a == b)
    print(f"first suggestion equal to difflib's in {same} of {len(queries)} misspelt names; "
          f"difflib with candidates rebuilt {t_old * 1000:.3f} ms per look-up, registry resolve with its "
          f"suggestions {t_new * 1000:.3f} ms per look-up")
    store.dispose_engines()


_CHILD = r"""
import json, os, resource, sys, time, tracemalloc
sys.path.insert(0, {root!r})
from geo.admin.registry import load_registry
from geo.data import importer, store
reg = load_registry()
engine = store.get_engine("sqlite:///" + {db!r})
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
trace = {trace}
base_rss = rss()
if trace:
    tracemalloc.start()
t0 = time.perf_counter()
c0 = time.process_time()
report = importer.import_file({path!r}, engine=engine, reg=reg, user="bench")
elapsed = time.perf_counter() - t0
cpu = time.process_time() - c0
peak = tracemalloc.get_traced_memory()[1] if trace else None
maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({{"status": report.status, "n": report.n_rows, "s": elapsed, "cpu": cpu, "peak": peak,
                   "rss_growth": max(0, maxrss - base_rss), "errors": [e.line("en") for e in report.errors[:3]]}}))
"""


def run_child(path: Path, db: Path, trace: bool) -> dict:
    code = _CHILD.format(root=str(ROOT), db=str(db), path=str(path), trace=trace)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ.copy())
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_import(args, reg) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="tdn-bench-"))
    sizes = [args.rows] + ([args.big] if args.big else [])
    for n in sizes:
        path = tmp / f"cases_{n}.csv"
        path.write_bytes(make_csv(n, reg, seed=11))
        mb = path.stat().st_size / 1e6
        timed = run_child(path, tmp / f"t{n}.sqlite", trace=False)
        if timed["status"] != "imported":
            print(f"import of {n:,} rows failed: {timed['errors']}")
            continue
        rss = timed["rss_growth"] / 1e6
        line = (f"import {n:,} case rows (CSV {mb:.1f} MB, validated, counted, one transaction): {timed['s']:.1f} s, "
                f"CPU {timed['cpu']:.1f} s; resident memory grew by {rss:.0f} MB"
                + (f"  [targets <= 5 s, <= 250 MB] time {'OK' if timed['s'] <= 5 else 'SLOW'}, memory "
                   f"{'OK' if rss <= 250 else 'HIGH'}" if n == args.rows else ""))
        print(line)
        if args.skip_memory:
            continue
        mem = run_child(path, tmp / f"m{n}.sqlite", trace=True)
        print(f"  peak of the Python allocations during that import (tracemalloc, separate run): "
              f"{mem['peak'] / 1e6:.0f} MB ({mem['peak'] / n / 1e3:.2f} kB per row)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--misspelt", type=int, default=2000)
    ap.add_argument("--big", type=int, default=0, help="also import a file of this many rows (memory growth)")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--only", choices=("suggest", "import"), default=None)
    args = ap.parse_args(argv)
    from geo.admin.registry import load_registry

    reg = load_registry()
    if args.only in (None, "suggest"):
        bench_suggestions(args, reg)
    if args.only in (None, "import"):
        bench_import(args, reg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
