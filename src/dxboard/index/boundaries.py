"""Commune boundaries for the map: one GeoJSON file per province, uploaded by the standing office.

Stored as MEDIA_ROOT/boundaries/<province code>.geojson (re-serialised from what was validated, so
nothing but JSON reaches the disk). Without it the map draws dots on the communes' centroids.
"""

import json
import math
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message

from .charts import feature_code

MAX_BYTES = 20 * 1024 * 1024
MAX_VERTICES = 5_000_000
GEOMETRIES = ("Polygon", "MultiPolygon")


class BoundaryError(ValueError):
    """A refused boundary file, with a Message."""


def _error(message: str, params: dict | None = None) -> BoundaryError:
    return BoundaryError(Message(message, params))


def path_for(province_code: str) -> Path:
    safe = "".join(ch for ch in str(province_code) if ch.isalnum() or ch in "-_") or "province"
    return Path(settings.MEDIA_ROOT) / "boundaries" / f"{safe}.geojson"


def load(province_code: str | None) -> dict | None:
    """The stored FeatureCollection of a province, or None (no file, or unreadable)."""
    if not province_code:
        return None
    path = path_for(province_code)
    try:
        with path.open(encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("type") == "FeatureCollection" else None


def _position_ok(position) -> bool:
    if not isinstance(position, list) or len(position) < 2:
        return False
    lon, lat = position[0], position[1]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in (lon, lat)):
        return False
    return -180 <= lon <= 180 and -90 <= lat <= 90


def _polygon_vertices(polygon) -> int:
    """Vertices of one polygon (list of linear rings); -1 when malformed."""
    if not isinstance(polygon, list) or not polygon:
        return -1
    count = 0
    for ring in polygon:
        if not isinstance(ring, list) or len(ring) < 4 or not all(_position_ok(p) for p in ring):
            return -1
        count += len(ring)
    return count


def check_size(size: int) -> None:
    """Refuse an upload by its declared size, before reading it."""
    if size > MAX_BYTES:
        raise _error(gettext_noop("The boundary file is larger than 20 MB."))


def validate(content: bytes) -> tuple[dict, dict]:
    """Parse and check a boundary file: a GeoJSON FeatureCollection of (Multi)Polygons, under 20 MB,
    whose features carry a unit code. Returns (the collection, a summary)."""
    check_size(len(content))

    def refuse_constant(name):
        raise ValueError(name)

    try:
        data = json.loads(content.decode("utf-8-sig"), parse_constant=refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _error(gettext_noop("The boundary file is not valid JSON (GeoJSON).")) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _error(gettext_noop("The boundary file must be a GeoJSON FeatureCollection."))
    features = data.get("features")
    if not isinstance(features, list) or not features:
        raise _error(gettext_noop("The boundary file has no features."))
    vertices, codes = 0, []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise _error(gettext_noop("Feature %(n)s is not a GeoJSON Feature."), {"n": number})
        geometry = feature.get("geometry")
        kind = geometry.get("type") if isinstance(geometry, dict) else None
        if kind not in GEOMETRIES:
            raise _error(gettext_noop("Feature %(n)s: the geometry must be a Polygon or a MultiPolygon."),
                         {"n": number})
        coordinates = geometry.get("coordinates")
        polygons = [coordinates] if kind == "Polygon" else coordinates
        if not isinstance(polygons, list) or not polygons:
            raise _error(gettext_noop("Feature %(n)s: the coordinates are malformed."), {"n": number})
        for polygon in polygons:
            count = _polygon_vertices(polygon)
            if count < 0:
                raise _error(gettext_noop("Feature %(n)s: the coordinates are malformed."), {"n": number})
            vertices += count
        if vertices > MAX_VERTICES:
            raise _error(gettext_noop("The boundary file has too many vertices; simplify it first."))
        properties = feature.get("properties")
        if properties is not None and not isinstance(properties, dict):
            raise _error(gettext_noop("Feature %(n)s: the properties must be an object."), {"n": number})
        code = feature_code(properties)
        if code:
            codes.append(code)
    if not codes:
        raise _error(gettext_noop("No feature carries a unit code (property “code”, “ma_xa” or “ma_dvhc”)."))
    summary = {"features": len(features), "with_code": len(codes), "vertices": vertices,
               "codes": sorted(set(codes))}
    return data, summary


def serialise(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def store(province_code: str, text: bytes) -> Path:
    """Write the serialised collection atomically (a temporary file, then a rename)."""
    path = path_for(province_code)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
