"""Schematic flow lines for reported trafficking routes, shared by the interactive map and the exports.

A reported route (``geo.data.facts.routes``) is a sequence of places named in a case report, not a road
alignment. Drawn as straight segments between them it reads as a road; drawn as one smooth curve that
bends away from the straight line, it reads as what it is — a flow from an origin to a destination.
:func:`flow_line` makes that curve (lon/lat degrees in, lon/lat out); :func:`clip_flow` cuts it to the
view's box and says where it leaves the view, so the renderer can end it with an arrow and the
destination's name at the frame's edge instead of drawing off the map (or across the legend).

Transport corridors (roads, gates) are drawn along their waypoints and only clipped.
This module never imports Streamlit.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, MultiLineString, Point, box

#: bend of a flow curve: the control point's offset from the chord, as a share of the chord's length
BEND = 0.22
SAMPLES = 48


def flow_line(coords: list[tuple[float, float]], bend: float = BEND, samples: int = SAMPLES) -> list[tuple[float, float]]:
    """One smooth arc from the first to the last of ``coords`` (lon, lat): a quadratic Bézier whose control
    point is the chord's middle pushed sideways by ``bend`` × the chord's length (always to the left of
    travel, so a route and its way back do not overlap). The places between are named in the popup, not
    drawn as corners. Fewer than two points: returned as they are."""
    pts = [(float(x), float(y)) for x, y in coords]
    if len(pts) < 2:
        return pts
    (x0, y0), (x1, y1) = pts[0], pts[-1]
    dx, dy = x1 - x0, y1 - y0
    length = math.hypot(dx, dy)
    if length == 0:
        return pts
    nx, ny = -dy / length, dx / length  # left of travel
    # a gentle arc over the chord: schematic, so it is not read as a road between the waypoints
    cx, cy = (x0 + x1) / 2 + nx * bend * length, (y0 + y1) / 2 + ny * bend * length
    t = np.linspace(0.0, 1.0, samples)
    xs = (1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1
    ys = (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1
    return list(zip(xs.tolist(), ys.tolist()))


@dataclass(frozen=True)
class ClippedFlow:
    coords: list[tuple[float, float]]  # the part drawn (lon, lat)
    leaves: bool  # the route goes on beyond the view: end it with an arrow and the destination's name
    end: tuple[float, float] | None  # where the drawn part ends (lon, lat)
    bearing: float  # screen angle of travel at the end, degrees (0 = east, clockwise, as CSS rotate)


def _bearing(a: tuple[float, float], b: tuple[float, float]) -> float:
    dy, dx = b[1] - a[1], (b[0] - a[0]) * math.cos(math.radians((a[1] + b[1]) / 2))
    return -math.degrees(math.atan2(dy, dx))


def clip_flow(coords: list[tuple[float, float]], bounds: tuple[float, float, float, float]) -> ClippedFlow | None:
    """``coords`` (lon, lat) cut to ``bounds`` (minx, miny, maxx, maxy): the first stretch inside the box
    from the origin (the longest stretch when the origin is outside). None when nothing is inside."""
    if len(coords) < 2:
        return None
    frame = box(*bounds)
    line = LineString(coords)
    part = line.intersection(frame)
    if part.is_empty:
        return None
    pieces = list(part.geoms) if isinstance(part, MultiLineString) else [part]
    pieces = [p for p in pieces if p.geom_type == "LineString" and len(p.coords) >= 2]
    if not pieces:
        return None
    origin_inside = frame.contains(Point(coords[0]))
    piece = (min(pieces, key=lambda p: line.project(p.interpolate(0))) if origin_inside
             else max(pieces, key=lambda p: p.length))
    drawn = [(float(x), float(y)) for x, y in piece.coords]
    leaves = line.project(Point(drawn[-1])) < line.length - 1e-6  # the drawn part stops before the end
    return ClippedFlow(drawn, bool(leaves), drawn[-1], _bearing(drawn[-2], drawn[-1]))
