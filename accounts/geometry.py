"""An area's boundary: GeoJSON geometry checked with shapely, and its bounding box.

Pure functions, no models: the Area model and the GeoJSON import both call them, and a
later step tests a point against a boundary with `contains`. The embedded database has
no PostGIS, so the geometry is kept as GeoJSON in a JSON column and shapely does the work.
"""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from shapely.geometry import Point, mapping, shape

# What a boundary may be: an area is a surface, never a line or a point.
BOUNDARY_TYPES = ("Polygon", "MultiPolygon")
# Coordinates are longitude, latitude in WGS 84 (RFC 7946), the order GIS exports use.
MAX_VERTICES = 50_000

NOT_A_GEOMETRY = _("The boundary is not a GeoJSON geometry (an object with a type).")
WRONG_TYPE = _("A boundary must be a Polygon or a MultiPolygon, not %(kind)s.")
UNREADABLE = _("The boundary's coordinates cannot be read: %(reason)s")
EMPTY = _("The boundary is empty.")
NOT_NUMBERS = _("The boundary's coordinates must be numbers (longitude, latitude).")
INVALID = _(
    "The boundary is not a valid shape (%(reason)s). Fix it in the GIS tool and export again."
)
OUT_OF_RANGE = _(
    "The boundary's coordinates are not longitude and latitude in degrees "
    "(WGS 84, longitude first). Export it in EPSG:4326."
)
TOO_DETAILED = _("The boundary has more than %(limit)s points. Simplify it before importing.")


def checked_shape(geometry):
    """The shapely shape of a GeoJSON Polygon or MultiPolygon, or a ValidationError saying
    in plain words what is wrong with it."""
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise ValidationError(NOT_A_GEOMETRY, code="not_geometry")
    kind = geometry["type"]
    if kind not in BOUNDARY_TYPES:
        raise ValidationError(WRONG_TYPE, code="wrong_type", params={"kind": kind[:40]})
    if not _finite_numbers(geometry.get("coordinates")):
        raise ValidationError(NOT_NUMBERS, code="unreadable")
    try:
        boundary = shape(geometry)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
        raise ValidationError(
            UNREADABLE, code="unreadable", params={"reason": str(error)[:120]}
        ) from error
    except Exception as error:  # noqa: BLE001 - GEOS raises its own errors on broken rings
        raise ValidationError(
            UNREADABLE, code="unreadable", params={"reason": type(error).__name__}
        ) from error
    if boundary.is_empty:
        raise ValidationError(EMPTY, code="empty")
    points = _vertex_count(boundary)
    if points > MAX_VERTICES:
        raise ValidationError(TOO_DETAILED, code="too_detailed", params={"limit": MAX_VERTICES})
    min_lon, min_lat, max_lon, max_lat = boundary.bounds
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")
    if not boundary.is_valid:
        from shapely.validation import explain_validity  # noqa: PLC0415 - only on failure

        raise ValidationError(
            INVALID, code="invalid", params={"reason": explain_validity(boundary)[:120]}
        )
    return boundary


def normalised(geometry) -> dict:
    """The boundary as stored: its type and coordinates only (any other member a file
    carried is dropped), longitude and latitude to 7 decimals (about a centimetre)."""
    return _rounded(mapping(checked_shape(geometry)))


def _rounded(value):
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(item) for item in value]
    return round(value, 7) if isinstance(value, float) else value


def bounding_box(geometry) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of a valid boundary."""
    return checked_shape(geometry).bounds


def contains(geometry, *, latitude: float, longitude: float) -> bool:
    """Whether the point lies inside the boundary or on its edge."""
    return checked_shape(geometry).covers(Point(longitude, latitude))


def _finite_numbers(coordinates) -> bool:
    """Nested lists ending in finite numbers (no text, no NaN, no Infinity)."""
    stack = [coordinates]
    while stack:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, bool) or not isinstance(item, int | float) or not math.isfinite(item):
            return False
    return True


def _vertex_count(boundary) -> int:
    polygons = getattr(boundary, "geoms", [boundary])
    return sum(
        len(polygon.exterior.coords) + sum(len(ring.coords) for ring in polygon.interiors)
        for polygon in polygons
    )
