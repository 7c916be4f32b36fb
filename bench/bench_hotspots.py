"""Gi* speed over the 702 pre-2025 districts (prints times only; no case or victim counts).

Target (issue 7): Gi* with 999 permutations over 702 districts in at most 2 s. Also shown: the spatial
weights build (once per process, then cached), 9,999 permutations, esda's conditional randomisation for
comparison, and the whole ``hotspot_table`` chain on constructed counts.

    .venv/bin/python bench/bench_hotspots.py
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from geo.stats import hotspots as H  # noqa: E402
from geo.admin.cache import ensure_cache, load_layer  # noqa: E402

TARGET_S = 2.0
REPEATS = 5


def timed(fn, repeats: int = REPEATS) -> tuple[float, float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> int:
    ensure_cache()
    started = time.perf_counter()
    import esda  # noqa: F401
    import libpysal  # noqa: F401
    import_s = time.perf_counter() - started
    started = time.perf_counter()
    districts = load_layer("districts_pre2025")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    w = H.spatial_weights(districts)
    weights_s = time.perf_counter() - started
    started = time.perf_counter()
    H.spatial_weights(districts)
    cached_s = time.perf_counter() - started

    rng = np.random.default_rng(1)
    values = pd.Series(rng.gamma(1.2, 2.0, len(districts)), index=list(w.id_order))
    counts = pd.Series(rng.poisson(3, len(districts)), index=list(w.id_order), name="cases")

    print(f"districts: {w.n}, links: {int(w.s0 // 1)}, non-border links added for islands: {len(w.attached)}")
    print(f"import esda + libpysal:             {import_s * 1000:8.0f} ms (once per process)")
    print(f"load full-resolution layer:         {load_s * 1000:8.0f} ms")
    print(f"spatial weights (queen + islands):  {weights_s * 1000:8.0f} ms (once per process)")
    print(f"spatial weights, cached:            {cached_s * 1000:8.2f} ms")
    rows = [
        ("Gi* 999 permutations (total)", lambda: H.getis_ord(values, w, permutations=999)),
        ("Gi* 9,999 permutations (total)", lambda: H.getis_ord(values, w, permutations=9999)),
        ("Gi* 999 permutations (esda conditional)", lambda: H.getis_ord(values, w, method="conditional")),
        ("hotspot_table (default: constant-risk Gi*)", lambda: H.hotspot_table(counts, districts, weights=w,
                                                                              covered="all")),
        ("hotspot_table, earlier EB rates + 999 perm.", lambda: H.hotspot_table(counts, districts, weights=w,
                                                                               covered="all", method="total")),
    ]
    ok = True
    for label, fn in rows:
        median, worst = timed(fn)
        flag = ""
        if label.startswith("Gi* 999 permutations (total)"):
            ok = worst <= TARGET_S
            flag = f"  target ≤ {TARGET_S:g} s: {'OK' if ok else 'MISSED'}"
        print(f"{label:<44s} median {median * 1000:7.0f} ms, worst {worst * 1000:7.0f} ms{flag}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
