"""Route corridors: cases and victims in the districts along each key route.

A district is in a route's corridor when any part of it lies within ``km`` kilometres of the route line
(distances in :data:`geo.admin.boundaries.METRIC_CRS`). Its position along the route is where the line runs
through it (``from_km``–``to_km``, ``position_km`` = the middle), or, for a district the line only passes
near, the point of the line closest to it; positions run from the first waypoint (the origin) to the last
(usually the border gate or beyond).

Route lines come from :func:`geo.data.facts.routes`: they join waypoints that are mostly commune or district
centroids, so a line is a schematic, not the road itself; the corridor of a few kilometres absorbs
part of that. Every output carries the route's ``nature`` (trafficking, smuggling, transport, mixed),
``source`` and caveats: a road or freight corridor is not a trafficking route, and smuggling is not
trafficking.

Counts stay raw in their own columns (``cases``, ``victims``, ``cases_in``...) for the exporter's
small-count protection; rates are per 100,000 people of the 2009 census. Nothing here prints. Never
imports Streamlit.
"""
from __future__ import annotations

import threading
from typing import Iterable

import numpy as np
import pandas as pd
import shapely

from geo.stats.hotspots import PER, coverage_mask, district_sums

KM = 10.0
_CACHE: dict[str, object] = {}
_LOCK = threading.Lock()
NATURES = ("trafficking", "smuggling", "transport", "mixed")
NATURE_LABELS = {
    "trafficking": ("Tuyến mua bán người (theo vụ việc được báo cáo)", "Trafficking route (from reported cases)"),
    "smuggling": ("Đưa người di cư trái phép (không phải tất cả là mua bán người)",
                  "People smuggling (not all of it is trafficking)"),
    "transport": ("Tuyến giao thông (đường, cửa khẩu) – không phải tuyến mua bán người",
                  "Transport corridor (road, gate) – not a trafficking route as such"),
    "mixed": ("Hỗn hợp", "Mixed"),
}


def _metric_districts(districts=None):
    """The district layer in the metric CRS (cached per layer) with its spatial index built."""
    from geo.admin.boundaries import METRIC_CRS
    from geo.stats.hotspots import _default_districts, _layer_key

    districts = _default_districts() if districts is None else districts
    key = _layer_key(districts)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is None:
        cached = districts.reset_index(drop=True).to_crs(METRIC_CRS)
        cached.sindex  # noqa: B018 - build the spatial index once
        with _LOCK:
            _CACHE[key] = cached
    return cached


def _metric_geometry(geom, crs="EPSG:4326"):
    import geopandas as gpd

    from geo.admin.boundaries import METRIC_CRS

    if geom is None or (hasattr(geom, "is_empty") and geom.is_empty):
        return None
    return gpd.GeoSeries([geom], crs=crs).to_crs(METRIC_CRS).iloc[0]


def _route_row(route, routes=None) -> pd.Series:
    if isinstance(route, pd.Series):
        if "route_id" not in route.index:  # a row of a frame indexed by route_id
            route = pd.concat([route, pd.Series({"route_id": route.name})])
        return route
    from geo.data import facts
    routes = facts.routes() if routes is None else routes
    match = routes[routes["route_id"].astype(str) == str(route)]
    if match.empty:
        raise KeyError(f"no route {route!r}")
    return match.iloc[0]


def corridor_districts(route_geometry, districts=None, km: float = KM, crs="EPSG:4326") -> pd.DataFrame:
    """The districts within ``km`` of a route, ordered from the route's origin to its end.

    ``route_geometry``: a LineString (ordered route) or MultiPoint/Point (network nodes without order) in
    ``crs`` (default EPSG:4326, as :func:`geo.data.facts.routes` gives). Returns ``code``, ``name_vi``,
    ``prov_code``, ``prov_name_vi``, ``distance_km`` (0 when the line enters the district), ``crosses``,
    ``from_km``/``to_km``/``position_km`` (along the line; NaN for unordered points) and ``order``
    (1 = nearest the origin). An empty frame when the route has no geometry.
    """
    cols = ["order", "code", "name_vi", "prov_code", "prov_name_vi", "distance_km", "crosses", "from_km",
            "to_km", "position_km"]
    metric = _metric_districts(districts)
    line = _metric_geometry(route_geometry, crs)
    if line is None:
        return pd.DataFrame(columns=cols)
    buffer_m = float(km) * 1000.0
    candidates = metric.sindex.query(line, predicate="dwithin", distance=buffer_m)
    sub = metric.iloc[np.sort(candidates)]
    dist = shapely.distance(sub.geometry.to_numpy(), line)
    inside = dist <= buffer_m + 1e-6
    sub = sub[inside]
    dist = dist[inside]
    ordered = line.geom_type in ("LineString", "MultiLineString")
    rows = []
    for geom, d in zip(sub.geometry, dist):
        crosses = bool(d == 0)
        if not ordered:
            rows.append((crosses, np.nan, np.nan))
            continue
        if crosses:
            part = line.intersection(geom)
            pts = shapely.get_coordinates(part)
            if len(pts):
                pos = [line.project(shapely.Point(x, y)) for x, y in pts]
                rows.append((True, min(pos) / 1000.0, max(pos) / 1000.0))
                continue
        nearest = shapely.shortest_line(geom, line)
        p = line.project(shapely.Point(shapely.get_coordinates(nearest)[-1])) / 1000.0
        rows.append((crosses, p, p))
    out = pd.DataFrame({
        "code": sub["code"].astype(str).to_numpy(),
        "name_vi": sub["name_vi"].to_numpy() if "name_vi" in sub else None,
        "prov_code": sub["prov_code"].astype(str).to_numpy() if "prov_code" in sub else None,
        "prov_name_vi": sub["prov_name_vi"].to_numpy() if "prov_name_vi" in sub else None,
        "distance_km": np.round(dist / 1000.0, 3),
        "crosses": [r[0] for r in rows],
        "from_km": [r[1] for r in rows],
        "to_km": [r[2] for r in rows],
    })
    out["position_km"] = (out["from_km"] + out["to_km"]) / 2
    out = out.sort_values(["position_km", "distance_km", "code"], kind="stable", na_position="last")
    out.insert(0, "order", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)[cols]


def _district_frame(aggregates, districts, covered) -> tuple[pd.DataFrame, dict]:
    """Per district: code, population_2009, covered, and the raw count columns (NaN where not covered)."""
    from geo.stats.hotspots import _default_districts

    districts = _default_districts() if districts is None else districts
    sums, info = district_sums(aggregates)
    codes = districts["code"].astype(str)
    has = pd.Series(True, index=sums.index).reindex(codes.to_numpy()).fillna(False).astype(bool)
    cov = coverage_mask(districts, has, covered, info["provinces"])
    frame = pd.DataFrame({"code": codes.to_numpy(),
                          "population_2009": pd.to_numeric(districts["pop_2009_odm"], errors="coerce").to_numpy(),
                          "covered": cov.to_numpy()})
    aligned = sums.reindex(frame["code"]).reset_index(drop=True)
    for col in ("cases", "victims"):
        vals = aligned[col].to_numpy(dtype=float) if col in aligned else np.full(len(frame), np.nan)
        if col in aligned:  # a covered district without any row is 0; rows without a figure stay unknown
            vals = np.where(frame["covered"] & ~has.to_numpy(), 0.0, vals)
        frame[col] = np.where(frame["covered"], vals, np.nan)
    return frame.set_index("code"), info


def _rate(count: float, pop: float) -> float:
    return float(count) / float(pop) * PER if pop and pop > 0 and not np.isnan(count) else np.nan


def _totals(frame: pd.DataFrame, mask: np.ndarray) -> dict:
    sub = frame[mask & frame["covered"].to_numpy()]
    pop = float(sub["population_2009"].where(sub["population_2009"] > 0).sum())
    cases = float(sub["cases"].sum()) if len(sub) else np.nan
    victims = float(sub["victims"].sum(min_count=1)) if len(sub) else np.nan
    return {"n": int(mask.sum()), "n_covered": int(len(sub)), "population": pop, "cases": cases,
            "victims": victims, "rate": _rate(cases, pop),
            "victim_rate": _rate(victims, pop) if not np.isnan(victims) else np.nan}


def corridor_summary(aggregates, routes=None, km: float = KM, districts=None, covered=None,
                     natures: Iterable[str] | None = None) -> pd.DataFrame:
    """Per route: cases and victims in its corridor districts against the districts outside it.

    ``aggregates``: ``store.aggregate_cases(by="district", ...)`` for one period (rows are summed).
    ``routes``: :func:`geo.data.facts.routes` by default (pass ``facts.routes(user_points=store.user_points_frame)`` for user
    routes). ``natures``: keep only routes of these natures (e.g. ``["trafficking", "smuggling"]``).
    ``covered``: as in :func:`geo.stats.hotspots.coverage_mask`; only covered districts enter the sums and rates
    (inside and outside), so a corridor through districts without data is not read as a quiet corridor.

    Columns: the route's ``route_id``, ``route_name``, ``category``, ``nature``, ``nature_vi``/``nature_en``,
    ``destination_countries``, ``source``, ``caveat_vi``/``caveat_en``, ``approximate``, ``ordered``,
    ``has_line``, ``length_km``, ``km``; ``n_districts_in`` (``n_covered_in`` with data), ``corridor_codes``;
    ``population_in``, ``cases_in``, ``victims_in``, ``rate_in``, ``victim_rate_in``; the same ``_out`` for
    covered districts outside this corridor and ``_away`` for covered districts outside every corridor
    of the routes listed; ``rate_ratio`` (= rate_in / rate_out) and ``share_of_cases`` (cases_in / all
    covered cases). ``df.attrs``: ``count_columns``, ``is_demo``, ``km``, ``unplaced_rows``.
    """
    from geo.data import facts
    routes = facts.routes() if routes is None else routes
    if natures is not None:
        routes = routes[routes["nature"].isin(list(natures))]
    frame, info = _district_frame(aggregates, districts, covered)
    codes = frame.index.to_numpy()
    members: dict[str, list[str]] = {}
    rows = []
    for _, r in routes.iterrows():
        corr = corridor_districts(r.geometry, districts, km)
        members[str(r["route_id"])] = list(corr["code"])
    in_any = np.isin(codes, sorted({c for v in members.values() for c in v}))
    away = _totals(frame, ~in_any)
    everything = _totals(frame, np.ones(len(codes), dtype=bool))
    for _, r in routes.iterrows():
        rid = str(r["route_id"])
        mask = np.isin(codes, members[rid])
        inside = _totals(frame, mask)
        outside = _totals(frame, ~mask)
        line = _metric_geometry(r.geometry)
        nature = str(r.get("nature") or "mixed")
        vi, en = NATURE_LABELS.get(nature, NATURE_LABELS["mixed"])
        rows.append({
            "route_id": rid, "route_name": r.get("route_name"), "category": r.get("category"),
            "nature": nature, "nature_vi": vi, "nature_en": en,
            "destination_countries": r.get("destination_countries"), "source": r.get("source"),
            "caveat_vi": r.get("caveat_vi"), "caveat_en": r.get("caveat_en"),
            "approximate": bool(r.get("approximate")) if pd.notna(r.get("approximate")) else True,
            "ordered": bool(r.get("ordered", True)), "has_line": line is not None,
            "length_km": round(line.length / 1000.0, 1) if line is not None else np.nan,
            "km": float(km),
            "n_districts_in": inside["n"], "n_covered_in": inside["n_covered"],
            "corridor_codes": ";".join(members[rid]),
            "population_in": inside["population"], "cases_in": inside["cases"], "victims_in": inside["victims"],
            "rate_in": inside["rate"], "victim_rate_in": inside["victim_rate"],
            "population_out": outside["population"], "cases_out": outside["cases"],
            "victims_out": outside["victims"], "rate_out": outside["rate"], "victim_rate_out": outside["victim_rate"],
            "population_away": away["population"], "cases_away": away["cases"], "victims_away": away["victims"],
            "rate_away": away["rate"], "victim_rate_away": away["victim_rate"],
        })
    out = pd.DataFrame(rows)
    if len(out):
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rate_ratio"] = np.where(out["rate_out"] > 0, out["rate_in"] / out["rate_out"], np.nan)
            total = everything["cases"]
            out["share_of_cases"] = out["cases_in"] / total if total and total > 0 else np.nan
    out.attrs.update({
        "km": float(km), "is_demo": bool(info["is_demo"]), "unplaced_rows": info["unplaced_rows"],
        "unplaced_cases": info["unplaced_cases"], "periods": info["periods"],
        "count_columns": [c for c in out.columns if c.startswith(("cases_", "victims_"))],
        "rate_columns": [c for c in out.columns if "rate" in c and c != "rate_ratio"] + ["rate_ratio", "share_of_cases"],
        "population_source": "dân số 2009 (Tổng điều tra 2009) / 2009 census population",
    })
    return out


def along_route_profile(route, aggregates, districts=None, km: float = KM, covered=None,
                        routes=None) -> pd.DataFrame:
    """Districts of a route's corridor from origin to end, with their cases, for a chart.

    ``route``: a route id (``"NA-R01"``) or a row of :func:`geo.data.facts.routes`. Returns the columns of
    :func:`corridor_districts` plus ``population_2009``, ``covered``, ``cases``, ``victims`` (NaN where
    the data does not cover the district), ``rate`` (cases per 100,000, 2009 population),
    ``cumulative_cases`` and ``waypoints`` (names of the route's waypoints that fall in the district).
    ``df.attrs``: ``route_id``, ``route_name``, ``nature``, ``source``, ``caveat_vi``/``caveat_en``,
    ``approximate``, ``length_km``, ``km``, ``is_demo``, ``count_columns``.
    """
    from geo.data import facts
    row = _route_row(route, routes)
    corr = corridor_districts(row.geometry, districts, km)
    frame, info = _district_frame(aggregates, districts, covered)
    out = corr.merge(frame.reset_index(), on="code", how="left")
    out["rate"] = [_rate(c, p) for c, p in zip(out["cases"], out["population_2009"])]
    out["cumulative_cases"] = out["cases"].fillna(0).cumsum().where(out["covered"].fillna(False).astype(bool))
    # waypoint names inside each district (origin, towns, gate) for the chart's labels
    names: dict[str, list[str]] = {c: [] for c in out["code"]}
    try:
        wps = facts.route_waypoints()
        wps = wps[(wps["route_id"].astype(str) == str(row["route_id"])) & wps["has_coords"]]
    except (FileNotFoundError, KeyError):
        wps = None
    if wps is not None and len(wps) and len(out):
        metric = _metric_districts(districts)
        pts = wps.to_crs(metric.crs)
        sub = metric[metric["code"].astype(str).isin(names)]
        for (_, wp), geom in zip(pts.iterrows(), pts.geometry):
            hit = sub[sub.geometry.contains(geom)]
            if len(hit):
                names[str(hit["code"].iloc[0])].append(str(wp["waypoint_name"]))
    out["waypoints"] = out["code"].map(lambda c: "; ".join(names.get(c, [])))
    line = _metric_geometry(row.geometry)
    out.attrs.update({
        "route_id": str(row["route_id"]), "route_name": row.get("route_name"), "nature": row.get("nature"),
        "source": row.get("source"), "caveat_vi": row.get("caveat_vi"), "caveat_en": row.get("caveat_en"),
        "approximate": bool(row.get("approximate", True)),
        "length_km": round(line.length / 1000.0, 1) if line is not None else np.nan, "km": float(km),
        "is_demo": bool(info["is_demo"]), "count_columns": ["cases", "victims", "cumulative_cases"],
        "population_source": "dân số 2009 (Tổng điều tra 2009) / 2009 census population",
    })
    return out


def explanation(lang: str = "vi", km: float = KM) -> str:
    """Plain words on route corridors (Markdown)."""
    if lang == "en":
        return (
            f"**Route corridors.** A district belongs to a route's corridor when part of it lies within {km:g} km "
            "of the route line. Cases and victims in those districts are compared with the districts outside "
            "the corridor (rates per 100,000 people, 2009 census). The lines join waypoints that are mostly "
            "commune or district centres, so they are schematic, not the road itself. A road or freight "
            "corridor is not a trafficking route, and smuggling is not trafficking: each route keeps its "
            "nature, source and caveats. A higher rate along a route shows where cases are recorded, not that "
            "the route caused them.")
    return (
        f"**Hành lang tuyến.** Một huyện thuộc hành lang của tuyến khi có phần lãnh thổ cách đường tuyến không quá "
        f"{km:g} km. Số vụ và số nạn nhân ở các huyện này được so với các huyện ngoài hành lang (tỷ lệ trên 100.000 "
        "dân, dân số 2009). Đường tuyến nối các điểm phần lớn là tâm xã/huyện nên chỉ là sơ đồ, không phải con "
        "đường thật. Tuyến giao thông không phải tuyến mua bán người, và đưa người di cư trái phép không phải "
        "mua bán người: mỗi tuyến giữ nguyên tính chất, nguồn và lưu ý. Tỷ lệ cao dọc tuyến cho thấy nơi ghi "
        "nhận vụ việc, không chứng minh tuyến là nguyên nhân.")
