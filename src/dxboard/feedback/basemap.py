"""An offline map of the province, drawn from its communes' centroids (no tiles, no other host).

There are no commune boundaries in our data, only each commune's centroid and area (from
vietnamadminunits). The map draws each commune as its Voronoi cell — the places nearer to its
centroid than to any other — cut to a disc a little larger than a circle of the commune's area, so
the province's outline is roughly right and the sea or a neighbouring province is not claimed. A tap
on the map gives a point (latitude, longitude) and the commune whose cell holds it, i.e. the nearest
centroid: the citizen sees it and can correct it.

Coordinates are kilometres on a local equirectangular projection centred on the province (x east,
y south, as SVG draws them); at a province's scale (≈100 km) the error is far below a tap's width.
"""

import dataclasses
import hashlib
import math
import statistics

from django.core.cache import cache

from dxboard.units.models import Unit, UnitKind

KM_PER_DEG_LAT = 110.574
KM_PER_DEG_LON_EQUATOR = 111.320
DISC_SIDES = 32
DISC_FACTOR = 1.35  # a commune's cell reaches at most this many "radii of its area" from its centroid
PAD_KM = 2.0
CACHE_SECONDS = 6 * 3600


@dataclasses.dataclass(frozen=True)
class Site:
    pk: int
    name: str
    label: str  # the short name ("Kinh Bắc"), written on the map when zoomed in
    latitude: float
    longitude: float
    area_km2: float | None


@dataclasses.dataclass(frozen=True)
class Projection:
    lat0: float
    lon0: float

    @property
    def kx(self) -> float:  # km per degree of longitude at the centre
        return KM_PER_DEG_LON_EQUATOR * math.cos(math.radians(self.lat0))

    @property
    def ky(self) -> float:
        return KM_PER_DEG_LAT

    def to_xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.lon0) * self.kx, (self.lat0 - lat) * self.ky

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        return self.lat0 - y / self.ky, self.lon0 + x / self.kx


def sites() -> list[Site]:
    """The communes in force that have a centroid."""
    rows = (Unit.objects.current().filter(kind=UnitKind.COMMUNE, latitude__isnull=False, longitude__isnull=False)
            .order_by("pk").values_list("pk", "name", "short_name", "latitude", "longitude", "area_km2"))
    return [Site(pk, name, short or name, lat, lon, area) for pk, name, short, lat, lon, area in rows]


def _clip(polygon: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float]):
    """The part of a convex polygon nearer to a than to b (Sutherland–Hodgman, one half-plane)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = b[0] - a[0], b[1] - a[1]

    def side(p):  # <= 0: on a's side
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        sp, sq = side(p), side(q)
        if sp <= 0:
            out.append(p)
        if (sp <= 0) != (sq <= 0):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _radii(points: list[tuple[float, float]], areas: list[float | None]) -> list[float]:
    known = [a for a in areas if a]
    typical = statistics.median(known) if known else None
    radii = []
    for i, p in enumerate(points):
        nearest = min((math.dist(p, q) for j, q in enumerate(points) if j != i), default=None)
        area = areas[i] or typical
        r = DISC_FACTOR * math.sqrt(area / math.pi) if area else None
        if nearest is not None:
            # never so small that neighbouring cells leave a gap between their centroids
            r = max(r or 0.0, 0.6 * nearest)
        radii.append(r or 5.0)
    return radii


def cells(points: list[tuple[float, float]], radii: list[float]) -> list[list[tuple[float, float]]]:
    """Voronoi cell of each point, cut to its disc. Only neighbours closer than twice the disc's radius
    can cut it, which keeps this near-linear for a province's hundred communes."""
    result = []
    for i, p in enumerate(points):
        r = radii[i]
        angles = [2 * math.pi * k / DISC_SIDES for k in range(DISC_SIDES)]
        polygon = [(p[0] + r * math.cos(a), p[1] + r * math.sin(a)) for a in angles]
        for j, q in enumerate(points):
            if j != i and math.dist(p, q) < 2 * r and polygon:
                polygon = _clip(polygon, p, q)
        result.append(polygon)
    return result


def build(communes: list[Site]) -> dict | None:
    """What the templates draw: the projection, the view box and one cell per commune."""
    if not communes:
        return None
    projection = Projection(lat0=sum(s.latitude for s in communes) / len(communes),
                            lon0=sum(s.longitude for s in communes) / len(communes))
    points = [projection.to_xy(s.latitude, s.longitude) for s in communes]
    polygons = cells(points, _radii(points, [s.area_km2 for s in communes]))
    xs = [x for poly in polygons for x, _ in poly]
    ys = [y for poly in polygons for _, y in poly]
    x0, y0 = min(xs) - PAD_KM, min(ys) - PAD_KM
    width, height = max(xs) + PAD_KM - x0, max(ys) + PAD_KM - y0
    return {
        "lat0": projection.lat0, "lon0": projection.lon0, "kx": projection.kx, "ky": projection.ky,
        "x0": round(x0, 3), "y0": round(y0, 3), "width": round(width, 3), "height": round(height, 3),
        "cells": [{"pk": s.pk, "name": s.name, "label": s.label, "x": round(p[0], 3), "y": round(p[1], 3),
                   "points": " ".join(f"{x:.3f},{y:.3f}" for x, y in poly)}
                  for s, p, poly in zip(communes, points, polygons, strict=True)],
    }


def province_map() -> dict | None:
    """The map of the communes in force, cached until a commune's name, centroid or area changes."""
    communes = sites()
    key = "feedback-basemap-" + hashlib.sha256(repr(communes).encode()).hexdigest()[:32]
    drawn = cache.get(key)
    if drawn is None:
        drawn = build(communes) or {}
        cache.set(key, drawn, CACHE_SECONDS)
    return drawn or None


def project(drawn: dict, latitude: float, longitude: float) -> tuple[float, float]:
    """A point in the map's kilometres (to draw reports on it)."""
    return Projection(drawn["lat0"], drawn["lon0"]).to_xy(latitude, longitude)


def nearest_commune(latitude: float, longitude: float) -> int | None:
    """The pk of the commune whose cell holds the point (its nearest centroid), or None when the point
    is outside every cell (another province, the sea) or no commune has a centroid."""
    drawn = province_map()
    if not drawn:
        return None
    x, y = Projection(drawn["lat0"], drawn["lon0"]).to_xy(latitude, longitude)
    best = min(drawn["cells"], key=lambda c: math.dist((x, y), (c["x"], c["y"])))
    return best["pk"] if _inside((x, y), best["points"]) else None


def _inside(point: tuple[float, float], points: str) -> bool:
    polygon = [tuple(map(float, p.split(","))) for p in points.split()]
    x, y = point
    inside = False
    for i, (ax, ay) in enumerate(polygon):
        bx, by = polygon[i - 1]
        if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
            inside = not inside
    return inside
