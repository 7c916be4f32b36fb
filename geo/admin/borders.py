"""Land borders of Viet Nam and how each unit relates to them.

Border lines are the ``land_border_segments`` of the ODM file, which follow the district edges
exactly. A unit *touches* a border when more than :data:`MIN_SHARED_KM` of its outline lies within
:data:`SNAP_M` of the segment (the rule used in SOURCES.md). Distances are computed in
UTM 48N (EPSG:32648) and reported in kilometres.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from geo.admin.boundaries import METRIC_CRS

SNAP_M = 20.0
MIN_SHARED_KM = 1.0
#: the 2025 polygons come from another survey than the border segments (ODM); their edges lie
#: from metres to a few km from the segment, so the border is attributed point by point instead
SAMPLE_SPACING_M = 200.0
MAX_ATTRIBUTION_M = 5000.0


@dataclass(frozen=True)
class Border:
    key: str
    iso3: str
    name_vi: str
    name_en: str
    colour: str  # line colour on maps and in exports

    def label(self, lang: str = "vi") -> str:
        if lang == "en":
            return f"{self.name_en} border"
        return f"Biên giới {self.name_vi}"


BORDERS: dict[str, Border] = {
    b.key: b
    for b in [
        Border("laos", "LAO", "Việt – Lào", "Viet Nam – Laos", "#c2185b"),
        Border("china", "CHN", "Việt – Trung", "Viet Nam – China", "#b71c1c"),
        Border("cambodia", "KHM", "Việt – Campuchia", "Viet Nam – Cambodia", "#6a1b9a"),
    ]
}
ISO3_TO_KEY = {b.iso3: b.key for b in BORDERS.values()}


def border_key_of(segment_row: pd.Series) -> str:
    """Border key ('laos', 'china', 'cambodia') of one row of ``land_border_segments``."""
    return ISO3_TO_KEY[str(segment_row["neighbour_iso3"])]


def border_metrics(units: gpd.GeoDataFrame, segments: gpd.GeoDataFrame, snap_m: float = SNAP_M) -> pd.DataFrame:
    """Touch flags, shared length (km) and distance (km) of every unit to every land border.

    ``units`` and ``segments`` may be in any CRS; both are projected to UTM 48N. Returns a frame
    with the same index as ``units`` and, for each border key ``k``: ``touches_k`` (bool),
    ``shared_km_k`` and ``dist_km_k`` (0 for units that touch), plus ``touches_any`` and
    ``nearest_border`` / ``dist_km_nearest``. ``snap_m`` (metres) is how close an edge must lie
    to the segment to count as shared.
    """
    metric_units = units.geometry.to_crs(METRIC_CRS)
    outlines = metric_units.boundary
    metric_segments = segments.to_crs(METRIC_CRS)
    out = pd.DataFrame(index=units.index)
    for _, seg in metric_segments.iterrows():
        key = border_key_of(seg)
        dist_km = metric_units.distance(seg.geometry) / 1000.0
        near = dist_km * 1000.0 <= snap_m
        shared_km = pd.Series(0.0, index=units.index)
        if near.any():
            zone = seg.geometry.buffer(snap_m)
            shared_km[near.to_numpy()] = (outlines[near].intersection(zone).length / 1000.0).to_numpy()
        touches = shared_km > MIN_SHARED_KM
        out[f"touches_{key}"] = touches.to_numpy()
        out[f"shared_km_{key}"] = shared_km.round(2).to_numpy()
        out[f"dist_km_{key}"] = dist_km.where(~touches, 0.0).round(2).to_numpy()
    return _with_summary(out)


def _with_summary(out: pd.DataFrame) -> pd.DataFrame:
    """Adds ``touches_any``, ``nearest_border`` and ``dist_km_nearest`` to per-border columns."""
    keys = [k for k in BORDERS if f"dist_km_{k}" in out]
    out["touches_any"] = out[[f"touches_{k}" for k in keys]].any(axis=1)
    dists = out[[f"dist_km_{k}" for k in keys]]
    out["nearest_border"] = dists.idxmin(axis=1).str.replace("dist_km_", "", regex=False)
    out["dist_km_nearest"] = dists.min(axis=1)
    return out


def border_metrics_other_survey(units: gpd.GeoDataFrame, segments: gpd.GeoDataFrame,
                                spacing_m: float = SAMPLE_SPACING_M,
                                max_m: float = MAX_ATTRIBUTION_M) -> pd.DataFrame:
    """Border metrics for units surveyed differently from the segments (the 2025 layers).

    Each segment is sampled every ``spacing_m`` metres; every sample is attributed to the nearest
    unit within ``max_m``. A unit's shared length is its number of samples times the spacing (so
    the lengths add up to the segment's length), it touches the border above
    :data:`MIN_SHARED_KM`, and its distance is 0 when it touches, else the plain distance.
    Same columns as :func:`border_metrics`.
    """
    import numpy as np
    import shapely

    metric_units = gpd.GeoDataFrame(geometry=units.geometry.to_crs(METRIC_CRS).to_numpy(), crs=METRIC_CRS)
    metric_units["_row"] = np.arange(len(units))
    metric_segments = segments.to_crs(METRIC_CRS)
    out = pd.DataFrame(index=units.index)
    for _, seg in metric_segments.iterrows():
        key = border_key_of(seg)
        line = seg.geometry
        steps = np.arange(spacing_m / 2, line.length, spacing_m)
        samples = gpd.GeoDataFrame(geometry=shapely.line_interpolate_point(line, steps), crs=METRIC_CRS)
        joined = gpd.sjoin_nearest(samples, metric_units, how="inner", max_distance=max_m)
        joined = joined[~joined.index.duplicated()]  # a sample equidistant to two units counts once
        counts = np.bincount(joined["_row"].to_numpy(), minlength=len(units))
        shared_km = pd.Series(counts * spacing_m / 1000.0, index=units.index)
        touches = shared_km > MIN_SHARED_KM
        dist_km = pd.Series(metric_units.distance(line).to_numpy() / 1000.0, index=units.index)
        out[f"touches_{key}"] = touches.to_numpy()
        out[f"shared_km_{key}"] = shared_km.round(2).to_numpy()
        out[f"dist_km_{key}"] = dist_km.where(~touches, 0.0).round(2).to_numpy()
    return _with_summary(out)


def touching_units(frame: pd.DataFrame, border: str | None = None) -> pd.DataFrame:
    """Rows of a frame carrying :func:`border_metrics` columns that touch ``border`` (any if None)."""
    column = "touches_any" if border in (None, "all") else f"touches_{border}"
    return frame[frame[column].astype(bool)]
