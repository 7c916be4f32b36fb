"""Map payload and speed figures (prints them; targets are checked by eye, not by tests).

Targets (issue 3): national district layer sent to the browser <= 1 MB; one province with its
districts <= 250 KB; warm server time to build either map <= 300 ms.

    .venv/bin/python bench/bench_maps.py
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import folium  # noqa: E402

from geo.admin.cache import ensure_cache  # noqa: E402
from geo.render.maps import MapView, admin_map  # noqa: E402

PROVINCES = {"40": "Nghệ An", "10": "Lào Cai", "31": "Hải Phòng", "01": "Hà Nội", "79": "TP Hồ Chí Minh",
             "56": "Khánh Hòa"}


def layer_bytes(fmap: folium.Map) -> dict[str, int]:
    """Compact JSON size of every GeoJSON layer of a map, by layer name."""
    return {child.layer_name: len(json.dumps(child.data, separators=(",", ":"), ensure_ascii=False).encode())
            for child in fmap._children.values() if isinstance(child, folium.GeoJson)}


def build_and_render(view: MapView) -> tuple[float, int, dict[str, int]]:
    started = time.perf_counter()
    result = admin_map(view)
    html = result.fmap.get_root().render()
    elapsed = time.perf_counter() - started
    return elapsed, len(html.encode()), layer_bytes(result.fmap)


def warm_ms(view: MapView, runs: int = 7) -> float:
    build_and_render(view)  # cold run fills the caches
    return statistics.median(build_and_render(view)[0] for _ in range(runs)) * 1000


def main() -> int:
    started = time.perf_counter()
    ensure_cache()
    print(f"cache check/build: {time.perf_counter() - started:.2f} s")
    print(f"{'view':38} {'units KB':>9} {'whole map KB':>13} {'warm ms':>8}")
    views = [("national, districts (pre-2025)", MapView())]
    views += [(f"{name} (pre-2025)", MapView(province=code)) for code, name in PROVINCES.items()]
    views += [("national, 34 provinces (2025)", MapView(era="2025")),
              ("Nghệ An communes (2025)", MapView(era="2025", province="40"))]
    worst = {"national": 0.0, "province": 0.0, "ms": 0.0}
    for label, view in views:
        _, total, layers = build_and_render(view)
        ms = warm_ms(view)
        units_kb = layers.get("units", 0) / 1024
        print(f"{label:38} {units_kb:9.0f} {total / 1024:13.0f} {ms:8.0f}")
        if view.era == "pre2025":
            key = "national" if view.province is None else "province"
            worst[key] = max(worst[key], (units_kb if key == "national" else total / 1024))
            worst["ms"] = max(worst["ms"], ms)
    print()
    print("changed filter -> province choropleth redrawn (server side: query, classes, map, render):")
    from geo.stats.classify import classify
    from geo.views.filters import Filters
    from geo.render.maps import Choropleth
    from geo.views.metrics import unit_values

    timings = []
    for period in ("2023", "2023-H1", "2024", "2024-Q2", "2022", "2021-H2"):
        f = Filters(province="40", period=period, metric="victims")
        started = time.perf_counter()
        values = unit_values(f)
        cls = classify(values.values(), f.method, 5, protect=5)
        result = admin_map(MapView(province="40"), choropleth=Choropleth(values.values(), cls, "x", key=str(f)))
        result.fmap.get_root().render()
        timings.append(time.perf_counter() - started)
    print(f"  Nghệ An, 6 periods: median {statistics.median(timings) * 1000:.0f} ms, "
          f"worst {max(timings) * 1000:.0f} ms (target <= 1000 ms; uses the store at TDN_DATABASE_URL)")
    print()
    print(f"national district layer: {worst['national']:.0f} KB (target <= 1024 KB)")
    print(f"largest province map (all layers): {worst['province']:.0f} KB (target <= 250 KB)")
    print(f"slowest warm build + render: {worst['ms']:.0f} ms (target <= 300 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
