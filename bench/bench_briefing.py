"""Briefing export speed (prints seconds; the target of issue 6 is one PNG in at most 3 s).

Exports from a temporary store holding the demo data (so the figures do not depend on what is in
``data/tdn.sqlite``): the national district map, Nghệ An, and the Laos border, as PNG 1920×1080 and
as A4 PDF. "first" includes loading the boundary layers and fonts in this process (the cost a
command-line run pays once); "warm" is the median of the next runs (a page that exports again).

    .venv/bin/python bench/bench_briefing.py [--runs 3]
"""
from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VIEWS = [
    ("national districts (choropleth)", "page=choropleth&metric=victims&period=2024"),
    ("Nghệ An (choropleth)", "page=choropleth&prov=40&metric=victims&period=2024-H1"),
    ("Laos border (border view)", "page=border&border=laos&period=2024-H1"),
    ("Nghệ An (administrative)", "page=admin&prov=40&period=2024-H1"),
    ("Nghệ An (prevention coverage)", "page=phong-ngua&prov=40&period=2024"),
    ("Laos border (prevention coverage)", "page=phong-ngua&border=laos&period=2023"),
    ("Kỳ Sơn (district page)", "page=huyen&dist=40417&period=2022"),
]
TARGET_PNG_S = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="tdn-bench-")
    os.environ["TDN_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"
    from geo.data import demo, store
    from geo.render.briefing import build_briefing
    from geo.admin.cache import ensure_cache

    ensure_cache()
    demo.load_demo(engine=store.get_engine())
    print(f"set-up (imports, cache check, demo store): {time.perf_counter() - started:.2f} s")
    print(f"{'view':34} {'build':>7} {'PNG first':>10} {'PNG warm':>9} {'PDF first':>10} {'PDF warm':>9}")
    worst = 0.0
    for label, query in VIEWS:
        t0 = time.perf_counter()
        briefing = build_briefing(query)
        build = time.perf_counter() - t0
        timings = {}
        for fmt in ("png", "pdf"):
            runs = []
            for _ in range(1 + args.runs):
                buf = io.BytesIO()
                t0 = time.perf_counter()
                (briefing.png if fmt == "png" else briefing.pdf)(buf)
                runs.append(time.perf_counter() - t0)
            timings[fmt] = (runs[0], statistics.median(runs[1:]))
        worst = max(worst, build + timings["png"][0])
        print(f"{label:34} {build:7.2f} {timings['png'][0]:10.2f} {timings['png'][1]:9.2f} "
              f"{timings['pdf'][0]:10.2f} {timings['pdf'][1]:9.2f}")
    verdict = "ok" if worst <= TARGET_PNG_S else "SLOWER THAN TARGET"
    print(f"slowest PNG including its data (first run): {worst:.2f} s (target <= {TARGET_PNG_S:.0f} s): {verdict}")
    store.dispose_engines()
    return 0


if __name__ == "__main__":
    sys.exit(main())
