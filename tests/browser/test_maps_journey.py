"""Maps in a browser (issue 22): the Chief sees the pan-and-zoom maps on the dashboard, the
concern list and the roll-call briefing, on a desk and on a phone; the intake picker sets
the point by a click, by Enter on the focused map, and follows what is typed."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import Area
from core.roles import Role
from tests.accounts.test_maps import make_town
from tests.browser.conftest import serious_axe_violations, sign_in_through_the_form
from tests.factories import AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _town_with_concerns():
    AgencyFactory()
    _sector, west, east, hood = make_town()
    officer = UserFactory(username="m-officer", roles=[Role.OFFICER])
    for _ in range(3):
        ConcernFactory(
            defined_area=west,
            latitude=41.55,
            longitude=-88.15,
            location_source="map",
            reported_by=officer,
        )
    ConcernFactory(defined_area=east, reported_by=officer)
    ConcernFactory(defined_area=hood, reported_by=officer)
    return west, east


def _leaflet_areas(page, scope: str) -> int:
    page.locator(f"{scope} .leaflet-interactive").first.wait_for()
    return page.locator(f"{scope} path.leaflet-interactive").count()


def test_chief_sees_the_maps_on_the_dashboard_list_and_briefing(page_as, screenshot):
    _town_with_concerns()
    chief = UserFactory(username="m-chief", roles=[Role.CHIEF])
    page = page_as(chief)

    # The dashboard: open concerns by beat, a pan-and-zoom map in the SVG's place.
    page.goto("/")
    section = page.get_by_role(
        "region", name="Open concerns by area, and new concerns against the period before"
    )
    section.scroll_into_view_if_needed()
    assert _leaflet_areas(page, ".leaflet-area-map") == 2  # the two beats
    assert page.locator(".leaflet-area-map").get_by_text("B1 · 3").is_visible()
    assert page.get_by_role("rowheader", name="B1 · West beat").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "maps-dashboard")

    # The concern list: the list first; its map, with the points, when its section opens.
    page.goto("/concerns/")
    assert page.locator(".leaflet-area-map").count() == 0
    page.get_by_text("Map of these concerns, by area").click()
    page.get_by_role("heading", name="Where these concerns are").wait_for()
    page.locator(".leaflet-area-map .leaflet-interactive").first.wait_for()
    # Two beats and the three points (one spot, drawn three times).
    assert page.locator(".leaflet-area-map path.leaflet-interactive").count() == 2 + 3
    assert page.get_by_role("cell", name="3", exact=True).first.is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "maps-list")

    # The roll-call briefing: by beat.
    page.goto("/briefing/")
    assert _leaflet_areas(page, ".leaflet-area-map") == 2
    assert page.get_by_role("heading", name="B1 · West beat").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "maps-briefing")

    # On a phone the map fits the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/briefing/")
    box = page.locator(".leaflet-area-map").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "maps-briefing-phone")


def test_without_scripts_the_svg_map_shows(browser, live_server, csp_violations):
    _town_with_concerns()
    chief = UserFactory(username="m-chief2", roles=[Role.CHIEF])
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = csp_violations(context.new_page())
    sign_in_through_the_form(page, chief)
    page.goto("/briefing/")
    assert page.locator('svg.area-map[role="img"]').is_visible()
    page.goto("/concerns/")
    page.get_by_text("Map of these concerns, by area").click()
    page.get_by_role("link", name="See these concerns on a map").click()
    expect(page.locator('svg.area-map[role="img"]')).to_be_visible()
    assert page.locator("svg.area-map circle.map-point").count() == 3
    context.close()


@pytest.mark.urls("tests.browser.map_pick_urls")
def test_the_picker_sets_the_point_by_click_keyboard_and_typing(page_as, screenshot):
    make_town()
    page = page_as(UserFactory(username="m-picker", roles=[Role.OFFICER]))
    page.goto("/test-map-pick/")
    latitude, longitude = page.get_by_label("Latitude"), page.get_by_label("Longitude")
    frame = page.locator(".map-pick-frame")
    frame.locator(".leaflet-overlay-pane path").first.wait_for()

    # A click sets both inputs to the point clicked, inside the town.
    box = frame.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.5)
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert 41.5 < lat < 41.6 and -88.2 < lon < -88.0
    assert lon < -88.1  # the west half, where it was clicked
    # The marker: the one interactive shape (the beats' outlines take no clicks).
    assert frame.locator("path.leaflet-interactive").count() == 1
    screenshot(page, "maps-picker-clicked")

    # "Clear the point" empties them.
    page.get_by_role("button", name="Clear the point").click()
    assert (latitude.input_value(), longitude.input_value()) == ("", "")

    # Keyboard: focus the map, Enter sets the map's centre.
    frame.focus()
    page.keyboard.press("Enter")
    lat, lon = float(latitude.input_value()), float(longitude.input_value())
    assert lat == pytest.approx(41.55, abs=0.01) and lon == pytest.approx(-88.1, abs=0.01)

    # Typing moves the marker; the form sends what the inputs hold.
    latitude.fill("41.58")
    longitude.fill("-88.02")
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"c-latitude=41\.58"))
    assert "c-longitude=-88.02" in page.url


@pytest.mark.urls("tests.browser.map_pick_urls")
def test_the_picker_without_boundaries_leaves_the_inputs_alone(page_as):
    Area.objects.create(name="Beat 1", code="B1", kind=Area.Kind.BEAT)  # no boundary
    page = page_as(UserFactory(username="m-picker2", roles=[Role.OFFICER]))
    page.goto("/test-map-pick/")
    assert not page.locator(".map-pick-frame").is_visible()
    page.get_by_label("Latitude").fill("41.5")
    assert page.get_by_label("Latitude").input_value() == "41.5"
    assert not page.get_by_role("button", name="Clear the point").is_visible()
