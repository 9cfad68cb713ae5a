"""An officer logs a concern and sets its point with a click on the intake map; the point
places the concern in the beat it lies in, and the concern page shows both (issue 22)."""

import pytest
from playwright.sync_api import expect

from accounts import demo_areas
from concerns.models import Concern
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_clicks_the_map_to_place_a_concern(page_as, screenshot):
    AgencyFactory()
    demo_areas.seed()
    officer = UserFactory(username="m-officer", first_name="Dana", roles=[Role.OFFICER])
    page = page_as(officer)
    page.goto("/concerns/new/")
    page.get_by_label("Category").select_option(label="Traffic")
    page.get_by_label("Where").fill("By the library on Elm")
    page.get_by_label("Summary").fill("Cars run the stop sign by the library")
    page.get_by_label("What is the concern?").fill("Drivers roll through the stop every morning.")
    page.get_by_label("Who raised it").select_option(label="Citizen")

    page.get_by_text("More details").click()  # the map is with the optional fields
    latitude = page.get_by_label("Latitude")
    expect(latitude).to_have_value("")
    picker = page.locator(".map-pick-frame")
    expect(picker).to_be_visible()
    # Near the middle of the map (the demo town), beside the label of its centre beat.
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] / 2 + 25, "y": box["height"] / 2 + 25})
    expect(latitude).not_to_have_value("")
    lat, lon = float(latitude.input_value()), float(page.get_by_label("Longitude").input_value())
    assert 41.56 < lat < 41.64 and -88.16 < lon < -88.04
    assert serious_axe_violations(page) == []
    screenshot(page, "intake-map-click")

    page.get_by_role("button", name="Log concern").click()
    expect(page.get_by_text("was logged")).to_be_visible()
    concern = Concern.objects.get()
    assert concern.location_source == "map"
    assert (round(concern.latitude, 5), round(concern.longitude, 5)) == (
        round(lat, 5),
        round(lon, 5),
    )
    # The point decides the area: the beat whose box holds it.
    beat = concern.defined_area
    assert beat is not None and beat.kind == "beat"
    assert beat.min_latitude <= lat <= beat.max_latitude
    assert beat.min_longitude <= lon <= beat.max_longitude

    assert page.url.endswith(concern.get_absolute_url())
    expect(page.get_by_text(beat.label).first).to_be_visible()
    expect(page.get_by_text("clicked on the map")).to_be_visible()


def test_clearing_the_point_empties_both_inputs(page_as):
    AgencyFactory()
    demo_areas.seed()
    officer = UserFactory(username="m-officer2", roles=[Role.OFFICER])
    page = page_as(officer)
    page.goto("/concerns/new/")
    page.get_by_text("More details").click()
    page.get_by_label("Latitude").fill("41.6")
    page.get_by_label("Longitude").fill("-88.1")
    page.get_by_role("button", name="Clear the point").click()
    expect(page.get_by_label("Latitude")).to_have_value("")
    expect(page.get_by_label("Longitude")).to_have_value("")
