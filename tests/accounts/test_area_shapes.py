"""Placing a record in an area reads boundaries only where it must (issue 26, sixth step):
a typed place reads none; a point reads those of the areas whose box holds it, once per
process, and again after the boundary changes. The maps keep their simplified shapes in
the same store (accounts/shapes.py)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import areas, maps
from accounts.areas import resolve
from accounts.models import Area
from accounts.shapes import ShapeStore
from tests.accounts.areas_helpers import make_area, square

pytestmark = pytest.mark.django_db


@pytest.fixture
def beats(db):
    return {
        "north": make_area("B1", "North Beat", boundary=square(south=41.70)),
        "south": make_area("B2", "South Beat", boundary=square(south=41.60)),
        "far": make_area("B9", "Far Beat", boundary=square(west=-87.50, south=41.60)),
    }


def boundary_reads(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if 'FROM "accounts_area"' in q["sql"] and '"accounts_area"."boundary"' in q["sql"]
    ]


def test_a_typed_place_reads_no_boundary(beats):
    with CaptureQueriesContext(connection) as queries:
        found = resolve("corner of 5th, South Beat")
    assert found == beats["south"]
    assert boundary_reads(queries) == []


def test_a_point_reads_the_boundaries_around_it_once(beats):
    areas._SHAPES.clear()
    with CaptureQueriesContext(connection) as queries:
        found = resolve("", latitude=41.605, longitude=-88.095)
    assert found == beats["south"]
    (read,) = boundary_reads(queries)
    # Only the area whose box holds the point.
    assert f"IN ({beats['south'].pk})" in read
    with CaptureQueriesContext(connection) as queries:
        assert resolve("", latitude=41.606, longitude=-88.094) == beats["south"]
        assert resolve("", latitude=41.0, longitude=-80.0) is None
    assert boundary_reads(queries) == []


def test_a_changed_boundary_is_read_again(beats):
    assert resolve("", latitude=41.605, longitude=-88.095) == beats["south"]
    beats["south"].boundary = square(south=41.50)  # moved south, off the point
    beats["south"].save()
    with CaptureQueriesContext(connection) as queries:
        assert resolve("", latitude=41.605, longitude=-88.095) is None
        assert resolve("", latitude=41.505, longitude=-88.095) == beats["south"]
    assert len(boundary_reads(queries)) == 1


def test_an_area_removed_after_it_was_listed_places_nothing(beats):
    areas._SHAPES.clear()
    resolver = areas.Resolver.load()
    beats["south"].delete()
    assert resolver.at(41.605, -88.095) is None


# The maps keep their simplified shapes in the same kind of store (accounts/shapes.py).


def test_a_map_redraws_a_boundary_moved_in_the_same_instant(beats):
    maps._SHAPES.clear()
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        beats["south"].save()
        before = maps.boundaries()
        beats["south"].boundary = square(south=41.50)
        beats["south"].save()  # the same last change: only the box tells them apart
        after = maps.boundaries()
    south = {s["code"]: s["polygons"] for s in before["shapes"]}["B2"]
    moved = {s["code"]: s["polygons"] for s in after["shapes"]}["B2"]
    assert min(y for _x, y in south[0][0]) == pytest.approx(41.60)
    assert min(y for _x, y in moved[0][0]) == pytest.approx(41.50)


def test_a_store_past_its_size_starts_again(beats):
    store = ShapeStore(lambda boundary: boundary["type"], limit=2)
    listed = list(Area.objects.order_by("code").defer("boundary"))
    assert store.of(listed[:2]) == {a.pk: "Polygon" for a in listed[:2]}
    assert len(store.kept) == 2
    with CaptureQueriesContext(connection) as queries:
        assert store.of(listed[:2]) == {a.pk: "Polygon" for a in listed[:2]}
    assert boundary_reads(queries) == []
    store.of(listed[2:])  # one more than it keeps: it starts again with the new one
    assert len(store.kept) == 1


def test_an_area_without_a_boundary_has_no_shape(beats):
    bare = make_area("N1", "Old Town")
    assert ShapeStore(str, limit=10).of([bare]) == {bare.pk: None}
    assert maps._shapes([bare]) == {bare.pk: []}
