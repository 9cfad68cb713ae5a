"""Lists on a phone (issue 23): the filters folded behind a button, each concern a card with
its reference and status on the first line, and no page wider than the screen: the concern
list, the inbox and a concern's page, at 360 and 390 px."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns import services
from core.roles import Role
from surveys import services as survey_services
from surveys.models import Survey
from tests.factories import ConcernFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def busy(db):
    cro = UserFactory(username="p-cro", rank="Lt.", roles=[Role.CRO])
    officer = UserFactory(
        username="p-officer",
        first_name="Maximiliana",
        last_name="Featherstonehaugh",
        roles=[Role.OFFICER],
    )
    traffic = UnitFactory(name="Traffic Enforcement and Collision Investigation", commander=officer)
    concerns = []
    for n in range(6):
        concern = ConcernFactory(
            reported_by=None,
            priority="urgent" if n == 0 else "normal",
            summary=f"Trucks parked overnight on Birchwood-Lanesborough Avenue, report {n}",
            area="Intersection of Birchwood-Lanesborough Avenue and Old Mill Road",
        )
        concerns.append(concern)
    services.route_to_unit(concern=concerns[0], by=cro, unit=traffic, note="")
    return {"cro": cro, "concerns": concerns}


def _phone(page, width):
    page.set_viewport_size({"width": width, "height": 844})


@pytest.mark.parametrize("width", [360, 390])
def test_concern_list_on_a_phone(page_as, busy, width, screenshot):
    page = page_as(busy["cro"])
    _phone(page, width)
    page.goto("/concerns/")
    # The filters are folded behind a button.
    filters = page.locator("#list-filters")
    expect(filters).to_be_hidden()
    toggle = page.get_by_role("button", name="Filters")
    expect(toggle).to_be_visible()
    # Each row is a card: the reference and the status on its first line, inside the screen.
    row = page.locator("table.stack-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "grid"
    expect(page.locator("table.stack-table thead")).not_to_be_in_viewport()
    reference = row.locator(".stack-head a").bounding_box()
    status = row.locator(".stack-status .badge").bounding_box()
    assert status["x"] + status["width"] <= width
    assert abs(status["y"] - reference["y"]) < reference["height"]
    assert page.evaluate(WIDE), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"concern-list-phone-{width}")
    toggle.click()
    expect(filters).to_be_visible()
    # A filter applied: the filters are open when the page comes back.
    page.get_by_label("Status").select_option(label="Received")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#list-filters")).to_be_visible()
    assert page.evaluate(WIDE)


def test_filters_show_as_before_on_a_laptop(page_as, busy):
    page = page_as(busy["cro"])
    page.goto("/concerns/")
    expect(page.locator("#list-filters")).to_be_visible()
    expect(page.get_by_role("button", name="Filters")).to_be_hidden()
    row = page.locator("table.stack-table tbody tr").first
    assert row.evaluate("r => getComputedStyle(r).display") == "table-row"


@pytest.mark.parametrize("width", [360, 390])
def test_concern_page_on_a_phone(page_as, busy, width, screenshot):
    concern = busy["concerns"][1]
    page = page_as(busy["cro"])
    _phone(page, width)
    page.goto(concern.get_absolute_url())
    # The suggested step is named near the top and leads to its open form.
    jump = page.locator(".next-step-jump a")
    expect(jump).to_have_text("Recommend an action")
    expect(page.locator("#step-recommend")).to_have_attribute("open", "")
    assert page.evaluate(WIDE), page.evaluate("document.documentElement.scrollWidth")
    screenshot(page, f"concern-page-phone-{width}")


@pytest.mark.parametrize("width", [360, 390])
def test_inbox_on_a_phone(page_as, width):
    chief = UserFactory(username="p-chief", rank="Chief", roles=[Role.CHIEF])
    cro = UserFactory(username="p-cro2", rank="Lt.", roles=[Role.CRO])
    today = timezone.localdate()
    survey = survey_services.create_survey(
        by=cro,
        data={
            "title": "Outside agencies survey about the Birchwood-Lanesborough corridor",
            "title_es": "Encuesta",
            "intro": "",
            "intro_es": "",
            "audience": Survey.Audience.AGENCIES,
            "opens_on": today + dt.timedelta(days=7),
            "closes_on": today + dt.timedelta(days=60),
        },
        standard=True,
    )
    survey_services.submit_survey(survey=survey, by=cro)
    page = page_as(chief)
    _phone(page, width)
    page.goto("/inbox/")
    expect(page.get_by_text("Outside agencies survey")).to_be_visible()
    assert page.evaluate(WIDE), page.evaluate("document.documentElement.scrollWidth")
