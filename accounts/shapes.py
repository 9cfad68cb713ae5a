"""Shapes made from areas' boundaries, kept by each process.

A beat traced from a department's map holds thousands of points. Reading and working one
out on every request costs more than the page: placing a record checked every boundary
(260 ms at 60 such beats), and a map simplified every one it drew. Boundaries change a few
times a year, so each process keeps what it made, keyed by what changes with a boundary:
the area, its last change and its bounding box (a boundary saved twice in one instant, as a
frozen clock in a test can, still moves the box). A store past its size starts again.

`ShapeStore(make, limit)`: `make` turns a stored boundary (GeoJSON) into what the caller
keeps; `of(areas)` gives it for each area, reading the ones not yet kept in one query. The
areas passed in need their box and last change (`KEY_FIELDS`), not their boundary.
"""

from collections.abc import Callable, Iterable

from accounts.models import Area

BOX_FIELDS = ("min_longitude", "min_latitude", "max_longitude", "max_latitude")
KEY_FIELDS = ("updated_at", *BOX_FIELDS)


def key(area: Area) -> tuple:
    """What changes with an area's boundary: its last change and its box."""
    return (area.pk, area.updated_at.isoformat(), *(getattr(area, f) for f in BOX_FIELDS))


class ShapeStore:
    def __init__(self, make: Callable, limit: int):
        self.make = make
        self.limit = limit
        self.kept: dict[tuple, object] = {}

    def of(self, areas: Iterable[Area]) -> dict[int, object]:
        """What `make` made of each area's boundary, by area; None for an area without one
        (or removed since it was listed). An area changed since it was listed: as it is now."""
        found = {area.pk: self.kept.get(key(area)) for area in areas}
        missing = [pk for pk, made in found.items() if made is None]
        if missing:
            if len(self.kept) + len(missing) > self.limit:
                self.kept.clear()
            for area in Area.objects.filter(pk__in=missing).only(*KEY_FIELDS, "boundary"):
                if area.boundary is not None:
                    found[area.pk] = self.kept[key(area)] = self.make(area.boundary)
        return found

    def clear(self) -> None:
        self.kept.clear()
