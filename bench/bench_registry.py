"""Build time of the administrative registry (every unit of both eras, codes and loose names), printed.

Target: ≤ 2 s per process on this machine kind (it is built once per process, then cached). Run:
``.venv/bin/python bench/bench_registry.py [--repeat 3]``.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.admin.registry import AdminRegistry  # noqa: E402

TARGET_S = 2.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        AdminRegistry()
        times.append(time.perf_counter() - start)
    best, worst = min(times), max(times)
    print(f"registry build: best {best:.2f} s, worst {worst:.2f} s over {args.repeat} builds; "
          f"target ≤ {TARGET_S:g} s: {'OK' if best <= TARGET_S else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
