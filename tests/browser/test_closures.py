"""The CRO names the agency's state, adds the day after Thanksgiving as a closure and sees
the routing's deadline move: working days skip public holidays and the agency's closures
(issue 25)."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Closure
from concerns.acknowledgement import due_on
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_cro_adds_a_closure_and_the_state_holidays(page_as, screenshot):
    AgencyFactory(holiday_country="US", holiday_subdivision="")
    cro = UserFactory(username="wd-cro", rank="Lt.", roles=[Role.CRO])
    page = page_as(cro)

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Setup").click()
    nav.get_by_role("link", name="Agency profile").click()
    page.wait_for_url("**/accounts/agency/")
    page.get_by_label("State or province").fill("il")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url("**/accounts/agency/")
    assert page.get_by_text("The agency profile was saved.").is_visible()

    page.get_by_role("link", name="See and add closures").click()
    page.wait_for_url("**/accounts/agency/closures/")
    assert page.get_by_role("heading", name="Closures and holidays", level=1).is_visible()
    holidays = page.get_by_role("region", name="Public holidays in the next twelve months")
    assert holidays.get_by_text("Lincoln's Birthday").is_visible()  # Illinois's own

    year = timezone.localdate().year + 1
    thursday = dt.date(year, 11, 1) + dt.timedelta(days=(3 - dt.date(year, 11, 1).weekday()) % 7)
    thanksgiving = thursday + dt.timedelta(days=21)
    before = due_on(thanksgiving - dt.timedelta(days=1))
    add = page.get_by_role("region", name="Add a closure")
    add.get_by_label("Day").fill((thanksgiving + dt.timedelta(days=1)).isoformat())
    add.get_by_label("What it is").fill("Day after Thanksgiving")
    add.get_by_role("button", name="Add the closure").click()
    page.wait_for_url("**/accounts/agency/closures/")
    closures = page.get_by_role("region", name="The agency's closures")
    assert closures.get_by_text("Day after Thanksgiving").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "closures-cro")
    assert Closure.objects.count() == 1
    assert due_on(thanksgiving - dt.timedelta(days=1)) == before + dt.timedelta(days=1)
