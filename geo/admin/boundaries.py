"""The real boundary files: what they are, where they are, and reading them.

The files live outside the repository in :func:`geo.config.boundaries_dir` (see ``SOURCES.md`` in
that folder). Nothing here copies them into the project; :mod:`geo.admin.cache` derives the map-ready
layers into the git-ignored cache folder.

All layers are EPSG:4326 (WGS 84, lon/lat degrees). Metric work is done in :data:`METRIC_CRS`.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import config
GEOGRAPHIC_CRS = "EPSG:4326"
#: UTM zone 48N: metres, used for lengths, distances and areas (as in SOURCES.md).
METRIC_CRS = "EPSG:32648"


@dataclass(frozen=True)
class SourceLayer:
    """One layer of one source file."""

    key: str
    filename: str
    layer: str | None
    description: str
    licence: str  # key into geo.admin.attribution.CREDITS


SOURCE_LAYERS: dict[str, SourceLayer] = {
    s.key: s
    for s in [
        SourceLayer("districts_pre2025", "vn_admin_pre2025_odm.gpkg", "districts",
                    "702 pre-2025 district units (Open Development Mekong)", "odm"),
        SourceLayer("provinces_pre2025", "vn_admin_pre2025_odm.gpkg", "provinces",
                    "63 pre-2025 provinces (dissolved from the districts)", "odm"),
        SourceLayer("border_segments", "vn_admin_pre2025_odm.gpkg", "land_border_segments",
                    "land border segments with China, Laos and Cambodia", "odm"),
        SourceLayer("country", "vn_admin_pre2025_odm.gpkg", "country",
                    "Viet Nam outline including Hoàng Sa and Trường Sa", "odm"),
        SourceLayer("provinces_2025", "vn_admin_2025_bando.gpkg", "provinces_2025",
                    "34 provinces since 1 July 2025", "bando"),
        SourceLayer("communes_2025", "vn_admin_2025_bando.gpkg", "communes_2025",
                    "3,321 communes and wards since 1 July 2025", "bando"),
        SourceLayer("neighbours", "neighbours_naturalearth.gpkg", "countries_10m",
                    "neighbouring countries (Natural Earth 1:10m)", "naturalearth"),
        SourceLayer("province_63_to_34", "province_63_to_34.csv", None,
                    "old province code to 2025 province code", "vietnamadminunits"),
    ]
}


class BoundaryDataMissing(RuntimeError):
    """Raised with one message that names every missing file or layer and where to put it."""


def source_path(key: str) -> Path:
    return config.boundaries_dir() / SOURCE_LAYERS[key].filename


def check_sources(keys: list[str] | None = None) -> None:
    """Raise :class:`BoundaryDataMissing` unless every needed file and layer is present."""
    import pyogrio

    folder = config.boundaries_dir()
    keys = list(SOURCE_LAYERS) if keys is None else keys
    problems: list[str] = []
    if not folder.is_dir():
        problems.append(f"the folder {folder} does not exist")
    else:
        layers_by_file: dict[str, set[str]] = {}
        for key in keys:
            src = SOURCE_LAYERS[key]
            path = folder / src.filename
            if not path.is_file():
                problems.append(f"{src.filename} ({src.description})")
                continue
            if src.layer is None:
                continue
            if src.filename not in layers_by_file:
                try:
                    layers_by_file[src.filename] = {name for name, _ in pyogrio.list_layers(path)}
                except Exception as exc:  # unreadable file
                    problems.append(f"{src.filename} cannot be read ({exc})")
                    layers_by_file[src.filename] = set()
                    continue
            if src.layer not in layers_by_file[src.filename]:
                problems.append(f"layer '{src.layer}' in {src.filename} ({src.description})")
    if problems:
        raise BoundaryDataMissing(
            "Boundary data missing / Thiếu dữ liệu ranh giới: "
            + "; ".join(problems)
            + f". Looked in {folder}. Put the files described in SOURCES.md there, or set "
            "TDN_BOUNDARIES_DIR to the folder that holds them (default: ../shared/boundaries "
            "beside the project, else data/boundaries/)."
        )


def read_layer(key: str, columns: list[str] | None = None) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read one source layer at full resolution (EPSG:4326), after checking it exists."""
    check_sources([key])
    src = SOURCE_LAYERS[key]
    path = config.boundaries_dir() / src.filename
    if src.layer is None:
        return pd.read_csv(path, dtype=str, encoding="utf-8")
    gdf = gpd.read_file(path, layer=src.layer, columns=columns, engine="pyogrio")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        gdf = gdf.set_crs(GEOGRAPHIC_CRS, allow_override=True) if gdf.crs is None else gdf.to_crs(GEOGRAPHIC_CRS)
    return gdf


def file_checksum(path: Path) -> str:
    """sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def source_checksums() -> dict[str, str]:
    """Checksums of every source file used, keyed by file name."""
    folder = config.boundaries_dir()
    names = sorted({s.filename for s in SOURCE_LAYERS.values()})
    return {name: file_checksum(folder / name) for name in names}
