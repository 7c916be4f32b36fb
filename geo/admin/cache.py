"""Prepared, map-ready layers built once at set-up into the git-ignored cache folder.

``python -m geo build-cache`` (run by the set-up script) reads the boundary sources, computes the
border metrics, removes from the neighbour layer everything Viet Nam's own units cover, and writes
GeoParquet files at a few levels of detail. A manifest holds the sha256 of every source file and the
cache format version: the cache is rebuilt only when one of them changes.

Levels of detail (coverage-preserving simplification, so neighbours keep shared edges):

=============  ==================  ===========================
level          tolerance (deg)     coordinates rounded to
=============  ==================  ===========================
``national``   0.007 (~750 m)      4 decimals (~11 m)
``province``   0.0012 (~130 m)     4 decimals (~11 m)
``district``   0.0003 (~33 m)      5 decimals (~1 m)
=============  ==================  ===========================

Context layers drawn only as outlines or background at national level (provinces, neighbours) use
a coarser 0.012 degrees (:data:`TOLERANCE_OVERRIDES`). All cached layers are EPSG:4326.
"""
from __future__ import annotations

import json
import sys
import time
from functools import lru_cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import polylabel

from geo import config
from geo.admin.boundaries import (
    GEOGRAPHIC_CRS,
    METRIC_CRS,
    check_sources,
    file_checksum,
    read_layer,
    source_checksums,
)
from geo.admin.borders import BORDERS, border_metrics

CACHE_VERSION = 7
LEVELS: dict[str, tuple[float, int]] = {
    "national": (0.007, 4),
    "province": (0.0012, 4),
    "district": (0.0003, 5),
}
TOLERANCE_OVERRIDES: dict[tuple[str, str], float] = {
    ("provinces_pre2025", "national"): 0.012,
    ("provinces_2025", "national"): 0.012,
    ("neighbours", "national"): 0.012,
}
#: layers written at every level of detail
SIMPLIFIED_LAYERS = ("districts_pre2025", "provinces_pre2025", "provinces_2025", "communes_2025",
                     "neighbours", "border_segments")
#: communes at national detail are not needed (3,321 polygons would break the payload budget)
SKIP = {("communes_2025", "national")}

NEIGHBOUR_NAMES = {
    "CHN": ("Trung Quốc", "China"),
    "LAO": ("Lào", "Laos"),
    "KHM": ("Campuchia", "Cambodia"),
    "THA": ("Thái Lan", "Thailand"),
    "MMR": ("Mi-an-ma", "Myanmar"),
}
#: Countries beyond the shared Natural Earth extract that a national view can show (Natural Earth 1:110m, the
#: public-domain copy packaged with pyogrio): without them Taiwan, the Philippines, Malaysia, Brunei and
#: Indonesia would be drawn as sea at the widest national zoom.
DISTANT_NAMES = {
    "TWN": ("Đài Loan (Trung Quốc)", "Taiwan (China)"),
    "PHL": ("Phi-líp-pin", "Philippines"),
    "MYS": ("Ma-lai-xi-a", "Malaysia"),
    "BRN": ("Bru-nây", "Brunei"),
    "IDN": ("In-đô-nê-xi-a", "Indonesia"),
    "IND": ("Ấn Độ", "India"),
    "BGD": ("Băng-la-đét", "Bangladesh"),
    "BTN": ("Bu-tan", "Bhutan"),
    "NPL": ("Nê-pan", "Nepal"),
    "KOR": ("Hàn Quốc", "Republic of Korea"),
    "PRK": ("Triều Tiên", "DPR Korea"),
    "JPN": ("Nhật Bản", "Japan"),
    "MNG": ("Mông Cổ", "Mongolia"),
    "LKA": ("Xri Lan-ca", "Sri Lanka"),
    "KGZ": ("Cư-rơ-gư-xtan", "Kyrgyzstan"),
}
#: the box of every extent a national map can show (geo.render: NATIONAL_CLIP), lon/lat degrees
DISTANT_BOX = (78.0, -8.0, 138.0, 42.0)
ARCHIPELAGO_DISTRICTS = ("Hoàng Sa", "Trường Sa")
ARCHIPELAGO_MARGIN_M = 50_000


def _manifest_path() -> Path:
    return config.cache_dir() / "manifest.json"


def _layer_path(name: str, level: str | None = None) -> Path:
    suffix = f"@{level}" if level else ""
    return config.cache_dir() / f"{name}{suffix}.parquet"


def _code_checksum() -> str:
    """The cache depends on this module, the border rules and the registry's codes."""
    import hashlib

    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in ("cache.py", "borders.py", "registry.py"):
        digest.update((here / name).read_bytes())
    return digest.hexdigest()


def _wanted_manifest() -> dict:
    return {"version": CACHE_VERSION, "code": _code_checksum(), "levels": LEVELS,
            "overrides": {f"{k[0]}@{k[1]}": v for k, v in TOLERANCE_OVERRIDES.items()},
            "sources": source_checksums(),
            "distant": file_checksum(distant_source()) if distant_source() else None}


def cache_is_current() -> bool:
    """True when the manifest matches the current sources and format version."""
    path = _manifest_path()
    if not path.is_file():
        return False
    try:
        built = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    wanted = json.loads(json.dumps(_wanted_manifest()))
    return {k: built.get(k) for k in wanted} == wanted


# --------------------------------------------------------------------------------------------
# building


def _round_coords(geoms: np.ndarray, decimals: int) -> np.ndarray:
    return shapely.transform(geoms, lambda xy: np.round(xy, decimals))


def simplify_polygons(gdf: gpd.GeoDataFrame, level: str, tolerance: float | None = None) -> gpd.GeoDataFrame:
    """Coverage-preserving simplification then coordinate rounding (see module table)."""
    default_tolerance, decimals = LEVELS[level]
    tolerance = default_tolerance if tolerance is None else tolerance
    out = gdf.copy()
    simplified = out.geometry.simplify_coverage(tolerance)
    out["geometry"] = _round_coords(simplified.to_numpy(), decimals)
    return out


def simplify_lines(gdf: gpd.GeoDataFrame, level: str) -> gpd.GeoDataFrame:
    tolerance, decimals = LEVELS[level]
    out = gdf.copy()
    out["geometry"] = _round_coords(out.geometry.simplify(tolerance / 2).to_numpy(), decimals)
    return out


def _prepare_districts(segments: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Districts with the registry's codes and full names, and the border metrics.

    Codes come from :mod:`geo.admin.registry`: ``code5_gso``, or for the 25 discontinued units their
    historical code (``H`` + code where GSO later gave that code to another unit).
    """
    from geo.admin.registry import load_registry

    districts = read_layer("districts_pre2025")
    registry = load_registry().districts_dataframe()[["unit_id", "code", "full_name_vi", "unit_type", "historical"]]
    registry["unit_id"] = registry["unit_id"].astype(str)
    districts["unit_id"] = districts["unit_id"].astype(str)
    districts = districts.merge(registry, on="unit_id", how="left", validate="one_to_one")
    if districts["code"].isna().any() or not districts["code"].is_unique:
        raise RuntimeError("district codes from the registry are missing or not unique")
    districts["historical"] = districts["historical"].astype(bool)
    metrics = border_metrics(districts, segments)
    districts = districts.drop(columns=[c for c in districts.columns if c.startswith(("borders_", "border_len_km_"))])
    districts = pd.concat([districts, metrics], axis=1)
    return gpd.GeoDataFrame(districts, geometry="geometry", crs=GEOGRAPHIC_CRS)


def _prepare_provinces(segments: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    provinces = read_layer("provinces_pre2025")
    provinces["code"] = provinces["prov_code"].astype(str)
    metrics = border_metrics(provinces, segments)
    provinces = provinces.drop(columns=[c for c in provinces.columns if c.startswith(("borders_", "border_len_km_"))])
    return gpd.GeoDataFrame(pd.concat([provinces, metrics], axis=1), geometry="geometry", crs=GEOGRAPHIC_CRS)


def distant_source() -> Path | None:
    """Natural Earth 1:110m countries as packaged with pyogrio (pinned in requirements.txt), if present."""
    try:
        import pyogrio
    except ImportError:
        return None
    path = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
    return path if path.exists() else None


def _distant_countries(have: set[str]) -> gpd.GeoDataFrame:
    """The countries of :data:`DISTANT_NAMES` not in the shared extract, clipped to :data:`DISTANT_BOX`
    (an empty frame when the packaged copy is missing: the map then shows sea there, as before)."""
    path = distant_source()
    if path is None:
        return gpd.GeoDataFrame({"iso3": [], "geometry": []}, geometry="geometry", crs=GEOGRAPHIC_CRS)
    world = gpd.read_file(path, engine="pyogrio").to_crs(GEOGRAPHIC_CRS)
    world = world[world["iso_a3"].isin([c for c in DISTANT_NAMES if c not in have])]
    world = world.clip(shapely.box(*DISTANT_BOX))
    world = world[~world.geometry.is_empty]
    return gpd.GeoDataFrame({"iso3": world["iso_a3"].to_numpy(), "geometry": world.geometry.to_numpy()},
                            geometry="geometry", crs=GEOGRAPHIC_CRS)


def _prepare_neighbours(districts: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Neighbouring countries minus everything Viet Nam's units cover, plus label points.

    Natural Earth draws China's polygon over the Paracels (Hoàng Sa). Everything that Viet Nam's
    districts cover is removed (overlay difference), and so is every neighbour part within
    :data:`ARCHIPELAGO_MARGIN_M` of the convex hull of the Hoàng Sa and Trường Sa districts, so
    that no fill of a neighbour lies over or among Vietnamese islands.
    """
    neighbours = read_layer("neighbours")
    neighbours = neighbours[neighbours["iso3"] != "VNM"].copy()
    distant = _distant_countries(set(neighbours["iso3"]))
    if len(distant):
        neighbours = gpd.GeoDataFrame(pd.concat([neighbours[["iso3", "geometry"]], distant], ignore_index=True),
                                      geometry="geometry", crs=neighbours.crs)
    vn_union = shapely.union_all(districts.geometry.to_numpy())
    islands = districts[districts["name_vi"].isin(ARCHIPELAGO_DISTRICTS)].to_crs(METRIC_CRS)
    zones = [g.convex_hull.buffer(ARCHIPELAGO_MARGIN_M) for g in islands.geometry]
    zone = gpd.GeoSeries(zones, crs=METRIC_CRS).to_crs(GEOGRAPHIC_CRS).union_all()
    cut = shapely.union_all([vn_union, zone])
    neighbours["geometry"] = neighbours.geometry.difference(cut)
    neighbours["geometry"] = neighbours.geometry.make_valid()
    neighbours = neighbours[~neighbours.geometry.is_empty]
    names = {**DISTANT_NAMES, **NEIGHBOUR_NAMES}
    neighbours["name_vi"] = neighbours["iso3"].map(lambda c: names[c][0])
    neighbours["name_en"] = neighbours["iso3"].map(lambda c: names[c][1])
    neighbours = neighbours[["iso3", "name_vi", "name_en", "geometry"]].reset_index(drop=True)

    # a label point inside each neighbour: the pole of inaccessibility of its largest part within
    # 300 km of Viet Nam, so the name sits well inside the country and near the map's frame
    vn_metric = gpd.GeoSeries([vn_union], crs=GEOGRAPHIC_CRS).to_crs(METRIC_CRS).iloc[0]
    near = vn_metric.buffer(300_000)
    metric = neighbours.to_crs(METRIC_CRS)
    points = []
    for geom in metric.geometry:
        part = geom.intersection(near)
        part = part if not part.is_empty else geom
        if part.geom_type in ("MultiPolygon", "GeometryCollection"):
            part = max((g for g in part.geoms if g.geom_type == "Polygon"), key=lambda g: g.area)
        points.append(polylabel(part, tolerance=1000))
    labels = gpd.GeoDataFrame(neighbours[["iso3", "name_vi", "name_en"]].copy(),
                              geometry=gpd.GeoSeries(points, crs=METRIC_CRS).to_crs(GEOGRAPHIC_CRS).to_numpy(),
                              crs=GEOGRAPHIC_CRS)
    return neighbours, labels


def _prepare_2025(segments: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """2025 provinces and communes with registry names and border metrics (attributed point by
    point, see :func:`geo.admin.borders.border_metrics_other_survey`)."""
    from geo.admin.borders import border_metrics_other_survey
    from geo.admin.registry import load_registry

    registry = load_registry()
    province_names = {u.code: u.full_name_vi for u in registry.units("province", "2025")}
    provinces = read_layer("provinces_2025")
    provinces["code"] = provinces["prov_code"].astype(str)
    provinces["prov_name_vi"] = provinces["code"].map(province_names).fillna(provinces["prov_name_vi"])
    provinces = pd.concat([provinces, border_metrics_other_survey(provinces, segments)], axis=1)
    communes = read_layer("communes_2025", columns=["ward_code", "prov_code", "name_vi", "name_vi_full",
                                                    "name_en", "prov_name_vi"])
    communes["code"] = communes["ward_code"].astype(str)
    communes["prov_name_vi"] = communes["prov_code"].map(province_names).fillna(communes["prov_name_vi"])
    communes = pd.concat([communes, border_metrics_other_survey(communes, segments)], axis=1)
    return (gpd.GeoDataFrame(provinces, geometry="geometry", crs=GEOGRAPHIC_CRS),
            gpd.GeoDataFrame(communes, geometry="geometry", crs=GEOGRAPHIC_CRS))


def build_cache(force: bool = False, verbose: bool = True) -> bool:
    """Build every cached layer; returns True if it (re)built, False if the cache was current."""
    check_sources()
    if not force and cache_is_current():
        if verbose:
            print(f"cache is current: {config.cache_dir()}")
        return False
    started = time.perf_counter()
    segments = read_layer("border_segments")
    segments["border"] = segments["neighbour_iso3"].map({b.iso3: b.key for b in BORDERS.values()})
    districts = _prepare_districts(segments)
    provinces = _prepare_provinces(segments)
    neighbours, labels = _prepare_neighbours(districts)
    provinces_2025, communes_2025 = _prepare_2025(segments)

    full = {
        "districts_pre2025": districts,
        "provinces_pre2025": provinces,
        "provinces_2025": provinces_2025,
        "communes_2025": communes_2025,
        "neighbours": neighbours,
        "border_segments": segments,
    }
    manifest_path = _manifest_path()
    manifest_path.unlink(missing_ok=True)  # an interrupted build leaves no valid manifest
    for name, gdf in full.items():
        gdf.to_parquet(_layer_path(name))
        for level in LEVELS:
            if (name, level) in SKIP:
                continue
            if name == "border_segments":
                simple = simplify_lines(gdf, level)
            else:
                simple = simplify_polygons(gdf, level, TOLERANCE_OVERRIDES.get((name, level)))
            simple.to_parquet(_layer_path(name, level))
    labels.to_parquet(_layer_path("neighbour_labels"))
    manifest = _wanted_manifest() | {"built_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                                     "seconds": round(time.perf_counter() - started, 1)}
    manifest_path.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    load_layer.cache_clear()
    if verbose:
        print(f"built boundary cache in {manifest['seconds']} s: {config.cache_dir()}")
    return True


_VERIFIED: dict[str, tuple] = {}


def _stat_signature() -> tuple:
    """Size and modification time of every source file and of the manifest (no reading)."""
    from geo.admin.boundaries import SOURCE_LAYERS

    folder = config.boundaries_dir()
    paths = [folder / name for name in sorted({s.filename for s in SOURCE_LAYERS.values()})] + [_manifest_path()]
    out = []
    for path in paths:
        try:
            st = path.stat()
            out.append((str(path), st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((str(path), None, None))
    return tuple(out)


def ensure_cache() -> None:
    """Build the cache if it is missing or stale. The full check (sha256 of ~55 MB of sources) runs
    once per process and again only when a source file or the manifest changes size or time: pages
    call this on every rerun."""
    signature = _stat_signature()
    if _VERIFIED.get("sources") == signature:
        return
    if not cache_is_current():
        build_cache(verbose=False)
    _VERIFIED["sources"] = _stat_signature()


@lru_cache(maxsize=64)
def load_layer(name: str, level: str | None = None) -> gpd.GeoDataFrame:
    """A cached layer: full resolution when ``level`` is None, else simplified for that level.

    Builds the cache first when it does not exist yet. Returns a GeoDataFrame in EPSG:4326; treat
    it as read-only (it is shared between callers).
    """
    path = _layer_path(name, level)
    if not path.is_file() or not _manifest_path().is_file():
        build_cache(verbose=False)
    return gpd.read_parquet(path)


def main_build_cache(argv: list[str]) -> int:
    """``python -m geo build-cache [--force]``."""
    from geo.admin.boundaries import BoundaryDataMissing

    try:
        build_cache(force="--force" in argv)
    except BoundaryDataMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


main = main_build_cache
