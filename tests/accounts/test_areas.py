"""Areas as records (issue 22): the model's rules, the boundary's checks, and the one rule
that places a typed location in an area."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.areas import Resolver, resolve
from accounts.geometry import checked_shape, contains
from accounts.models import Area
from tests.accounts.areas_helpers import make_area, square

pytestmark = pytest.mark.django_db


def test_area_boundary_sets_its_box_and_is_stored_plain():
    boundary = {**square(-88.10, 41.60, 0.02), "crs": {"name": "junk\u0000"}, "extra": 1}
    area = make_area("B1", boundary=boundary)
    area.refresh_from_db()
    # Only type and coordinates are kept: nothing a file carried beside them reaches jsonb.
    assert set(area.boundary) == {"type", "coordinates"}
    assert (area.min_longitude, area.min_latitude) == (-88.10, 41.60)
    assert area.max_longitude == pytest.approx(-88.08)
    assert area.max_latitude == pytest.approx(41.62)
    area.boundary = None
    area.save()
    area.refresh_from_db()
    assert area.min_longitude is None and area.max_latitude is None


@pytest.mark.parametrize(
    ("boundary", "code"),
    [
        ({"type": "Point", "coordinates": [-88.1, 41.6]}, "wrong_type"),
        ({"type": "LineString", "coordinates": [[-88.1, 41.6], [-88.0, 41.7]]}, "wrong_type"),
        ("not a geometry", "not_geometry"),
        ({"coordinates": []}, "not_geometry"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}, "unreadable"),
        ({"type": "Polygon", "coordinates": "abc"}, "unreadable"),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        # A bow tie: the ring crosses itself.
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "invalid"),
        # Projected metres, not degrees.
        (square(350000, 4600000, 100), "out_of_range"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [float("nan"), 0], [1, 1], [0, 0]]]},
            "unreadable",
        ),
    ],
)
def test_area_refuses_bad_boundaries_with_a_clear_message(boundary, code):
    area = Area(code="X1", name="X", kind="beat", boundary=boundary)
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    if code:
        assert code in [e.code for e in error.value.error_dict["boundary"]]
    assert Area.objects.count() == 0


def test_boundary_point_test_for_later_steps():
    shape = square(-88.10, 41.60, 0.02)
    assert contains(shape, latitude=41.61, longitude=-88.09)
    assert not contains(shape, latitude=41.65, longitude=-88.09)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(-88.1, 41.6)["coordinates"], square(-88.0, 41.6)["coordinates"]],
    }
    assert checked_shape(multi).geom_type == "MultiPolygon"


def test_area_nesting_is_one_level_and_never_a_cycle():
    sector = make_area("S1", "Sector 1", kind="sector")
    beat = make_area("B1", "Beat 1", parent=sector)
    # Deeper than one level.
    deeper = Area(code="B1A", name="Beat 1A", kind="beat", parent=beat)
    with pytest.raises(ValidationError) as error:
        deeper.full_clean()
    assert "parent" in error.value.message_dict
    # A cycle: the sector inside its own beat.
    sector.parent = beat
    with pytest.raises(ValidationError) as error:
        sector.full_clean()
    assert "parent" in error.value.message_dict
    # Inside itself: refused by the form's check and by the database.
    beat.parent = beat
    with pytest.raises(ValidationError):
        beat.full_clean()
    with pytest.raises(IntegrityError):
        Area.objects.filter(pk=beat.pk).update(parent=beat)


def test_area_code_is_unique_whatever_the_case():
    make_area("B3", "Beat 3")
    with pytest.raises(ValidationError) as error:
        Area(code="b3", name="Other", kind="beat").full_clean()
    assert "Another area already has this code." in str(error.value)


def test_resolve_finds_the_area_named_in_the_text():
    beat = make_area("B3", "Beat 3")
    maple = make_area("MH", "Maple Heights", kind="neighbourhood")
    downtown = make_area("DT", "Downtown", kind="neighbourhood")
    assert resolve("Beat 3 (downtown)") == beat  # the beat wins over the neighbourhood
    assert resolve("beat 3") == beat
    assert resolve("BEAT-3, by the river") == beat
    assert resolve("near mh, by the school") == maple  # the code, as a word
    assert resolve("Downtown") == downtown
    assert resolve("Beat 33") is None  # a word, not a prefix
    assert resolve("400 block of Elm St") is None
    assert resolve("") is None


def test_resolve_gives_none_on_a_tie_and_ignores_inactive_and_tiny_codes():
    make_area("B1", "Beat 1")
    make_area("B2", "Beat 2")
    assert resolve("Beat 1 or Beat 2") is None
    make_area("N", "North Sector", kind="sector", is_active=False)
    assert resolve("North Sector") is None  # inactive
    make_area("E", "East Sector", kind="sector")
    assert resolve("e street") is None  # a one-letter code is too likely by chance
    assert resolve("East Sector") is not None


def test_suggest_offers_a_close_name_but_resolve_does_not():
    maple = make_area("MH", "Maple Heights", kind="neighbourhood")
    resolver = Resolver.load()
    assert resolver("Mapel Heights") is None
    assert resolver.suggest("Mapel Heights") == maple
    assert resolver.suggest("Westgate mall") is None
