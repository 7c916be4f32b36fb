"""Reference layers and published figures from the sourced facts folder (:func:`geo.config.facts_dir`).

Nothing here invents a value: every row keeps its ``source``; coordinates keep their quality
(``coord_type``: exact, commune/district/province centroid, none) and an ``approximate`` flag, and every
layer gets a ``caveat_vi``/``caveat_en`` text taken from the facts README (gate points are not real gate
locations; smuggling is not trafficking; missing persons are not confirmed victims; one mis-geocoded
centroid replaced by its QA alternative).

Functions return GeoDataFrames (EPSG:4326) for the map layers and DataFrames for figures. User-added
gates, hotspots and routes (imported into the store) can be merged by passing ``user_points=geo.data.store.user_points_frame``; those rows
have ``origin`` = ``user`` and their own ``source``/``is_demo``.

:data:`COORD_STYLE` tells a map how to draw a point by coordinate quality, so a point placed at a
centroid never looks like an exact point.
"""
from __future__ import annotations

import functools
import re
from typing import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, MultiPoint, Point

from geo import config
CRS = "EPSG:4326"

#: How to draw points by coordinate quality (folium/matplotlib-neutral keys). Exact points are filled,
#: centroid points hollow with a dashed outline, and the legend text says what the point is.
COORD_STYLE: dict[str, dict] = {
    "exact": {"fill": True, "fill_opacity": 0.9, "dash": None, "radius": 7, "weight": 2,
              "legend_vi": "Vị trí chính xác (có nguồn)", "legend_en": "Exact location (sourced)"},
    "commune centroid": {"fill": False, "fill_opacity": 0.15, "dash": "4 3", "radius": 7, "weight": 2,
                         "legend_vi": "Đặt tại tâm xã (ước lượng)", "legend_en": "Placed at commune centroid (approximate)"},
    "district centroid": {"fill": False, "fill_opacity": 0.1, "dash": "2 4", "radius": 9, "weight": 2,
                          "legend_vi": "Đặt tại tâm huyện (ước lượng)", "legend_en": "Placed at district centroid (approximate)"},
    "province centroid": {"fill": False, "fill_opacity": 0.05, "dash": "1 5", "radius": 11, "weight": 2,
                          "legend_vi": "Đặt tại tâm tỉnh (ước lượng thô)", "legend_en": "Placed at province centroid (rough)"},
    "none": {"fill": False, "fill_opacity": 0.0, "dash": None, "radius": 0, "weight": 0,
             "legend_vi": "Không có tọa độ (không vẽ)", "legend_en": "No coordinate (not drawn)"},
}


def coord_style(coord_type: str | None) -> dict:
    """Style for a coordinate type (unknown types are treated as the vaguest centroid)."""
    return COORD_STYLE.get(str(coord_type or "none").strip().lower(), COORD_STYLE["province centroid"])


CAVEATS = {
    "gate_location": (
        "Điểm cửa khẩu đặt tại tâm xã/huyện, không phải vị trí thật của cửa khẩu (thực tế nằm trên đường biên, "
        "có thể cách 5–25 km).",
        "Gate point placed at a commune/district centroid, not the real gate location (real gates sit on the "
        "border line, often 5–25 km away).",
    ),
    "qa_alt": (
        "Tâm xã cũ bị mã hóa địa lý sai (lệch 33,5 km); dùng tâm xã mới sau sáp nhập (alt_lat/alt_lon).",
        "The legacy commune centroid is mis-geocoded (33.5 km off); the post-2025 commune centroid (alt_lat/alt_lon) is used.",
    ),
    "commune_inferred": (
        "Xã của cửa khẩu được suy ra (ví dụ từ tên), nguồn không nêu rõ.",
        "The gate's commune is inferred (e.g. from its name), not stated in a source.",
    ),
    "smuggling": (
        "Theo nguồn đây là đưa người di cư trái phép/xuất cảnh trái phép; không phải tất cả là mua bán người.",
        "Reported as people smuggling or irregular migration; not all of it is trafficking.",
    ),
    "missing": (
        "Số người mất tích, chưa được xác nhận là nạn nhân mua bán người.",
        "Missing persons, not confirmed trafficking victims.",
    ),
    "village_centroid": (
        "Thôn/bản được đặt tại tâm xã.",
        "Village placed at its commune centroid.",
    ),
    "not_ordered": (
        "Các điểm là nút mạng lưới, không phải một hành trình theo thứ tự.",
        "The points are network nodes, not an ordered journey.",
    ),
    "alt_exits": (
        "Một số điểm là các cửa thoát thay thế (ALT exit), không phải các điểm dừng liên tiếp.",
        "Some points are alternative exit points (ALT exit), not consecutive stops.",
    ),
    "figures": (
        "Số liệu công bố không so sánh được giữa các dòng: cơ quan, đơn vị tính và kỳ khác nhau.",
        "Published figures are not comparable across rows: agencies, units and periods differ.",
    ),
}


def _join(*parts: str) -> str:
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------
def facts_path(name: str) -> Path:
    return config.facts_dir() / name


@functools.lru_cache(maxsize=32)
def _read_cached(path: str, mtime: float) -> pd.DataFrame:
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return df.replace({"": None})


def read_facts_csv(name: str) -> pd.DataFrame:
    """A facts CSV as strings (empty cells are None). Raises FileNotFoundError when missing."""
    path = facts_path(name)
    return _read_cached(str(path), path.stat().st_mtime).copy()


def _num(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _norm_coord_type(value) -> str:
    text = str(value or "none").strip().lower()
    if text.startswith("commune centroid"):
        return "commune centroid"
    if text.startswith("district centroid"):
        return "district centroid"
    if text.startswith("province centroid"):
        return "province centroid"
    if text.startswith("exact"):
        return "exact"
    return "none"


def _apply_coords(df: pd.DataFrame) -> pd.DataFrame:
    """Numeric lat/lon; where the QA flag gave an alternative centroid, use it and say so."""
    df = df.copy()
    df["lat"], df["lon"] = _num(df.get("lat")), _num(df.get("lon"))
    df["coord_type"] = df.get("coord_type", pd.Series(index=df.index, dtype=object)).map(_norm_coord_type)
    df["qa_alt_used"] = False
    if "alt_lat" in df.columns:
        alt_lat, alt_lon = _num(df["alt_lat"]), _num(df["alt_lon"])
        use = alt_lat.notna() & alt_lon.notna()
        df.loc[use, "orig_lat"], df.loc[use, "orig_lon"] = df.loc[use, "lat"], df.loc[use, "lon"]
        df.loc[use, "lat"], df.loc[use, "lon"] = alt_lat[use], alt_lon[use]
        df.loc[use, "coord_type"] = df.loc[use, "alt_coord_type"].map(_norm_coord_type)
        df.loc[use, "qa_alt_used"] = True
    df["has_coords"] = df["lat"].notna() & df["lon"].notna() & (df["coord_type"] != "none")
    df.loc[~df["has_coords"], "coord_type"] = "none"
    df["approximate"] = df["coord_type"] != "exact"
    return df


def _to_gdf(df: pd.DataFrame) -> gpd.GeoDataFrame:
    geom = [Point(lon, lat) if ok else None for lon, lat, ok in zip(df["lon"], df["lat"], df["has_coords"])]
    return gpd.GeoDataFrame(df, geometry=geom, crs=CRS)


def _nature(*texts) -> str:
    text = " ".join(str(t or "") for t in texts).lower()
    if "smuggling" in text or "irregular migration" in text:
        return "smuggling"
    if "traffick" in text or "missing" in text or "sold" in text or "hotspot" in text:
        return "trafficking"
    if "transport" in text or "freight" in text or "corridor" in text or "road" in text or "railway" in text:
        return "transport"
    return "mixed"


# --------------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------------
def gates(user_points: Callable[[str], pd.DataFrame] | None = None) -> gpd.GeoDataFrame:
    """Border gates and entry points, one row each, with coordinate quality and caveats."""
    df = _apply_coords(read_facts_csv("gates.csv"))
    cav_vi, cav_en = [], []
    for _, r in df.iterrows():
        vi, en = [], []
        if r["coord_type"] != "exact" and r["has_coords"]:
            vi.append(CAVEATS["gate_location"][0]); en.append(CAVEATS["gate_location"][1])
        if r["qa_alt_used"]:
            vi.append(CAVEATS["qa_alt"][0]); en.append(CAVEATS["qa_alt"][1])
        basis = str(r.get("commune_assignment_basis") or "").lower()
        if basis.startswith("inferred"):
            vi.append(CAVEATS["commune_inferred"][0]); en.append(CAVEATS["commune_inferred"][1])
        cav_vi.append(_join(*vi)); cav_en.append(_join(*en))
    df["caveat_vi"], df["caveat_en"] = cav_vi, cav_en
    df["name"] = df["gate_name_vi"]
    df["origin"] = "reference"
    df["is_demo"] = False
    gdf = _to_gdf(df)
    if user_points is not None:
        gdf = _merge_user(gdf, "gates", user_points)
    return gdf


def hotspots(user_points: Callable[[str], pd.DataFrame] | None = None) -> gpd.GeoDataFrame:
    """Named hotspots (villages, communes, districts, gates, ports) with coordinate quality and caveats."""
    df = _apply_coords(read_facts_csv("hotspots.csv"))
    df["nature"] = [_nature(c, d) for c, d in zip(df["category"], df["description"])]
    cav_vi, cav_en = [], []
    for _, r in df.iterrows():
        vi, en = [], []
        if r["nature"] == "smuggling":
            vi.append(CAVEATS["smuggling"][0]); en.append(CAVEATS["smuggling"][1])
        if "missing" in str(r["category"]).lower():
            vi.append(CAVEATS["missing"][0]); en.append(CAVEATS["missing"][1])
        if r["level"] == "village" and r["coord_type"] == "commune centroid":
            vi.append(CAVEATS["village_centroid"][0]); en.append(CAVEATS["village_centroid"][1])
        if r["qa_alt_used"]:
            vi.append(CAVEATS["qa_alt"][0]); en.append(CAVEATS["qa_alt"][1])
        cav_vi.append(_join(*vi)); cav_en.append(_join(*en))
    df["caveat_vi"], df["caveat_en"] = cav_vi, cav_en
    df["origin"] = "reference"
    df["is_demo"] = False
    gdf = _to_gdf(df)
    if user_points is not None:
        gdf = _merge_user(gdf, "hotspots", user_points)
    return gdf


def route_waypoints(user_points: Callable[[str], pd.DataFrame] | None = None) -> gpd.GeoDataFrame:
    """Waypoints of every route in order (``seq``), as points; ``alt_exit`` marks alternative exits."""
    df = _apply_coords(read_facts_csv("route_waypoints.csv"))
    df["seq"] = _num(df["seq"]).astype("Int64")
    df["alt_exit"] = df["waypoint_name"].str.contains(r"^ALT exit", case=False, regex=True, na=False)
    df["origin"] = "reference"
    df["is_demo"] = False
    df["source"] = df.get("waypoint_source")
    gdf = _to_gdf(df)
    if user_points is not None:
        user = _user_frame("routes", user_points)
        if len(user):
            user = user.assign(alt_exit=False)
            gdf = pd.concat([gdf, _to_gdf(user)], ignore_index=True)
            gdf = gpd.GeoDataFrame(gdf, geometry="geometry", crs=CRS)
    return gdf.sort_values(["route_id", "seq"], kind="stable").reset_index(drop=True)


def routes(user_points: Callable[[str], pd.DataFrame] | None = None) -> gpd.GeoDataFrame:
    """Routes as lines through their ordered waypoints that have coordinates.

    ``waypoints_ordered`` = no gives a MultiPoint (network nodes, not a journey); alternative exits are
    left out of the line (and listed in ``alt_exits``). ``n_drawn`` says how many points the geometry
    uses; routes with fewer than two drawable points have an empty geometry but stay in the table.
    ``nature``: trafficking, smuggling, transport or mixed, with the smuggling caveat where it applies.
    """
    meta = read_facts_csv("routes.csv")
    meta["origin"] = "reference"
    meta["is_demo"] = False
    wps = route_waypoints(user_points)
    if user_points is not None:
        user = _user_frame("routes", user_points)
        if len(user):
            umeta = (user.sort_values("seq").groupby("route_id", as_index=False)
                     .agg(route_name=("route_name", "first"), purpose=("purpose", "first"),
                          source=("source", "first"), caveat=("caveat", "first"), is_demo=("is_demo", "any")))
            umeta["origin"] = "user"
            umeta["waypoints_ordered"] = "yes"
            umeta["category"] = umeta["purpose"]
            meta = pd.concat([meta, umeta], ignore_index=True)
    rows = []
    for _, r in meta.iterrows():
        pts = wps[(wps["route_id"] == r["route_id"]) & (wps["origin"] == r["origin"])]
        ordered = str(r.get("waypoints_ordered") or "yes").strip().lower() != "no"
        main = pts[pts["has_coords"] & ~pts["alt_exit"]] if ordered else pts[pts["has_coords"]]
        coords = [(float(x), float(y)) for x, y in zip(main["lon"], main["lat"])]
        if not ordered:
            geom = MultiPoint(coords) if coords else None
        else:
            geom = LineString(coords) if len(coords) >= 2 else None
        if r["origin"] == "user":
            nature = str(r.get("purpose") or "mixed")
        else:
            nature = _nature(r.get("category"), r.get("purpose"))
        vi, en = [], []
        if nature == "smuggling":
            vi.append(CAVEATS["smuggling"][0]); en.append(CAVEATS["smuggling"][1])
        if not ordered:
            vi.append(CAVEATS["not_ordered"][0]); en.append(CAVEATS["not_ordered"][1])
        if bool(pts["alt_exit"].any()):
            vi.append(CAVEATS["alt_exits"][0]); en.append(CAVEATS["alt_exits"][1])
        approx = bool((main["coord_type"] != "exact").any()) if len(main) else True
        if approx and len(main):
            vi.append("Các điểm của tuyến phần lớn là tâm xã/huyện, nên đường vẽ chỉ là sơ đồ.")
            en.append("Most route points are commune/district centroids, so the line is schematic.")
        user_caveat = r.get("caveat") if r["origin"] == "user" else None
        rows.append({
            **{k: r.get(k) for k in meta.columns},
            "nature": nature,
            "ordered": ordered,
            "n_points": int(len(pts)),
            "n_drawn": int(len(coords)),
            "alt_exits": "; ".join(pts.loc[pts["alt_exit"], "waypoint_name"].astype(str)),
            "approximate": approx,
            "caveat_vi": _join(*vi, str(user_caveat or "")),
            "caveat_en": _join(*en, str(user_caveat or "")),
            "geometry": geom,
        })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)


def _user_frame(kind: str, user_points: Callable[[str], pd.DataFrame]) -> pd.DataFrame:
    """The user's own points of ``kind`` (read by the caller's ``user_points``, e.g.
    :func:`geo.data.store.user_points_frame`: this module reads files only and never imports the store)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        df = user_points(kind)
    except (SQLAlchemyError, OSError):  # store unreachable (e.g. read-only deployment): reference layers still work
        return pd.DataFrame()
    if df.empty:
        return df
    df = df.copy()
    df["lat"], df["lon"] = _num(df["lat"]), _num(df["lon"])
    df["has_coords"] = df["lat"].notna() & df["lon"].notna() & (df["coord_type"] != "none")
    df["approximate"] = df["coord_type"] != "exact"
    df["caveat_vi"] = df["caveat"].fillna("")
    df["caveat_en"] = df["caveat"].fillna("")
    df["qa_alt_used"] = False
    return df


def _merge_user(gdf: gpd.GeoDataFrame, kind: str, user_points) -> gpd.GeoDataFrame:
    user = _user_frame(kind, user_points)
    if user.empty:
        return gdf
    if kind == "gates":
        user = user.rename(columns={"name_vi": "gate_name_vi", "name_en": "gate_name_en"})
        user["name"] = user["gate_name_vi"]
    if kind == "hotspots":
        user["nature"] = user["purpose"].fillna("mixed")
    out = pd.concat([gdf, _to_gdf(user)], ignore_index=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs=CRS)


def reference_ids(kind: str) -> set[str]:
    """IDs used by the reference layers (user imports may not reuse them)."""
    column = {"gates": ("gates.csv", "gate_id"), "hotspots": ("hotspots.csv", "hotspot_id"),
              "routes": ("routes.csv", "route_id")}.get(kind)
    if column is None:
        return set()
    try:
        return set(read_facts_csv(column[0])[column[1]].dropna().astype(str))
    except FileNotFoundError:
        return set()


# --------------------------------------------------------------------------------------------------
# Published figures
# --------------------------------------------------------------------------------------------------
def figures() -> pd.DataFrame:
    """All published figures as published (value text kept), with ``source``, ``reliability`` and the
    general caveat that rows are not comparable. ``is_published`` is true, ``is_demo`` false."""
    df = read_facts_csv("figures.csv")
    df["is_published"] = True
    df["is_demo"] = False
    df["caveat_vi"], df["caveat_en"] = CAVEATS["figures"]
    return df


def sources() -> pd.DataFrame:
    return read_facts_csv("sources.csv")


def destinations() -> pd.DataFrame:
    return read_facts_csv("destinations.csv")


def _parts(value: str) -> list[str]:
    return [p.strip() for p in re.split(r"\s*[/;]\s*", str(value or "")) if p.strip()]


def _number(text: str) -> tuple[float | None, str | None]:
    """'>90' -> (90.0, 'over'); '100' -> (100.0, None); '1,240' -> 1240."""
    t = str(text).strip().replace(",", "").replace("%", "")
    comparator = None
    if t.startswith(">="):
        comparator, t = "at_least", t[2:]
    elif t.startswith(">"):
        comparator, t = "over", t[1:]
    elif t.startswith("~"):
        t = t[1:]
    try:
        return float(t), comparator
    except ValueError:
        return None, None


@functools.lru_cache(maxsize=1)
def _province_codes() -> dict[str, tuple[str, str]]:
    """Folded province name -> (pre-2025 code, 2025 code), from the boundary crosswalk."""
    from geo.data.schema import fold

    out: dict[str, tuple[str, str]] = {}
    path = config.boundaries_dir() / "crosswalk_odm_districts_to_gso.csv"
    if path.exists():
        cw = pd.read_csv(path, dtype=str, keep_default_na=False)
        for _, r in cw.drop_duplicates("prov_code").iterrows():
            name = re.sub(r"^(tinh|thanh pho)_", "", fold(r["prov_name_vi"]))
            out[name] = (r["prov_code"], r["prov_code_2025new"])
    return out


def province_code_of(name: str) -> tuple[str | None, str | None]:
    """(pre-2025 code, 2025 code) of a province named in the facts ("Nghệ An", "Yên Bái (now ...)")."""
    from geo.data.schema import fold

    key = re.sub(r"^(tinh|thanh pho)_", "", fold(re.sub(r"\(.*?\)", "", str(name))))
    return _province_codes().get(key, (None, None))


#: Published plan targets: figure_id -> [(indicator, comparator or None, part index)].
TARGET_FIGURES: dict[str, list[tuple[str, str | None, int]]] = {
    "SEED-T01": [("key_area_model_coverage", "at_least", 0)],
    "SEED-T02": [("awareness_reach", None, 0)],
    "SEED-T03": [("key_routes_measures", None, 0)],
    "SEED-T04": [("reports_received", None, 0)],
    "SEED-T05": [("cases_prosecuted_tried", None, 0)],
    "SEED-T06": [("victims_identified_supported", None, 0)],
    "SEED-T07": [("victims_protected", None, 0)],
    "NA-F08": [("reports_received", None, 0)],
    "NA-F09": [("reports_resolved", "over", 0)],
    "NA-F10": [("cases_investigated", "over", 0)],
    "NA-F11": [("cases_prosecuted", None, 0)],
    "NA-F12": [("cases_tried", None, 0)],
    "NA-F13": [("reports_received", None, 0), ("reports_resolved", "over", 1), ("cases_investigated", "over", 2),
               ("cases_prosecuted", None, 3), ("cases_tried", None, 4)],
}

TARGET_COLUMNS = ["target_id", "figure_id", "year", "place_era", "province_code", "province_name", "prov_code_2025",
                  "indicator", "metric", "comparator", "value", "unit", "source", "reporting_body", "reliability",
                  "is_published", "is_demo"]


def published_targets() -> pd.DataFrame:
    """Province plan targets published in ``figures.csv`` (SEED-T01..T07 for Nghệ An 2021, and the
    Nghệ An 2022 and 2023 plan targets NA-F08..F13), one row per indicator, each with its source."""
    try:
        fig = read_facts_csv("figures.csv").set_index("figure_id")
    except FileNotFoundError:
        return pd.DataFrame(columns=TARGET_COLUMNS)
    rows = []
    for fid, specs in TARGET_FIGURES.items():
        if fid not in fig.index:
            continue
        r = fig.loc[fid]
        parts = _parts(r["value"])
        pre, new = province_code_of(r["geography"])
        for indicator, comparator, idx in specs:
            if idx >= len(parts):
                continue
            value, cmp_from_text = _number(parts[idx])
            if value is None:
                continue
            rows.append({
                "target_id": fid if len(specs) == 1 else f"{fid}.{idx + 1}",
                "figure_id": fid,
                "year": int(str(r["period_start"])[:4]),
                "place_era": "pre2025",
                "province_code": pre,
                "province_name": r["geography"],
                "prov_code_2025": new,
                "indicator": indicator,
                "metric": r["metric"],
                "comparator": comparator or cmp_from_text,
                "value": value,
                "unit": "%" if str(r["unit"]).startswith("percent") else r["unit"],
                "source": r["source"],
                "reporting_body": r["reporting_body"],
                "reliability": r["reliability"],
                "is_published": True,
                "is_demo": False,
            })
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


#: Published totals usable as exact sums for 2021–2025 (see data/SCHEMA.md "Published totals").
#: (group, figure_id, part index, scope, pre-2025 province code or None, metric)
#: ``child_cases`` means the number of case rows with at least one child victim.
PUBLISHED_TOTALS: list[tuple[str, str, int, str, str | None, str]] = [
    ("NA-2023-H1", "NA-F01", 0, "province", "40", "n_cases"),
    ("NA-2023-H1", "NA-F02", 0, "province", "40", "suspects_arrested"),
    ("NA-2023-H1", "NA-F03", 0, "province", "40", "victims_rescued"),
    ("YB-2024-H1", "LC-F11", 0, "province", "15", "victims_supported"),
    ("VN-2024-H1", "SEED-F01", 0, "national", None, "n_cases"),
    ("VN-2024-H1", "SEED-F02", 0, "national", None, "victims"),
    ("VN-2024-H1", "SEED-F03", 0, "national", None, "child_cases"),
    ("VN-2024-H1", "SEED-F04", 0, "national", None, "victims_children"),
    ("VN-2024-H1", "VN-F01", 1, "national", None, "suspects_arrested"),
    ("VN-2024-H1", "VN-F01", 2, "national", None, "victims_rescued"),
    ("VN-2023-H1", "VN-F03", 1, "national", None, "victims"),
    ("VN-2023-H1", "VN-F03", 2, "national", None, "victims_supported"),
]


def published_totals() -> pd.DataFrame:
    """The published province or national period totals that demo data must add up to exactly.

    Columns: group, figure_id, scope, province_code (pre-2025, empty for national), geography,
    period_label, period_start, period_end, metric, value (int), metric_as_published, source,
    reporting_body, reliability.
    """
    fig = read_facts_csv("figures.csv").set_index("figure_id")
    rows = []
    for group, fid, idx, scope, prov, metric in PUBLISHED_TOTALS:
        r = fig.loc[fid]
        value, _ = _number(_parts(r["value"])[idx])
        rows.append({
            "group": group, "figure_id": fid, "scope": scope, "province_code": prov,
            "geography": r["geography"], "period_label": r["period_label"],
            "period_start": pd.Timestamp(r["period_start"]), "period_end": pd.Timestamp(r["period_end"]),
            "metric": metric, "value": int(value), "metric_as_published": r["metric"],
            "source": r["source"], "reporting_body": r["reporting_body"], "reliability": r["reliability"],
        })
    return pd.DataFrame(rows)
