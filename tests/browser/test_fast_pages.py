"""The pages made faster in issue 26's ninth step, used as a CRO and the Chief use them: the
session, the second factor and the menu read by compiled queries; the concern list's filter
card (its selects built directly, its filter set made without copies) choosing and keeping
what was chosen; a concern's page with its routing, referral and timeline; the inbox; the
layout's links, down to signing out."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Area
from concerns import services
from core.roles import Role
from reports.models import Plan
from tests.factories import ConcernFactory, DepartmentFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(db):
    cro = UserFactory(username="f-cro", first_name="Dana", last_name="Whitcombe", roles=[Role.CRO])
    commander = UserFactory(username="f-commander", roles=[Role.OFFICER])
    oak = Area.objects.create(name="Oak Hollow", code="OH", kind=Area.Kind.BEAT)
    Area.objects.create(name="Elm Park", code="EP", kind=Area.Kind.BEAT)
    routed = ConcernFactory(
        reported_by=None,
        category="traffic",
        summary="Trucks idling on Birch Street before dawn",
        defined_area=oak,
    )
    services.route_to_unit(
        concern=routed, by=cro, unit=UnitFactory(name="Traffic", commander=commander), note=""
    )
    services.refer_concern(
        concern=routed,
        by=cro,
        department=DepartmentFactory(name="Public Works"),
        referred_on=routed.date_received,
    )
    ConcernFactory(reported_by=None, category="noise", summary="Generator running all night")
    return {"cro": cro, "routed": routed}


def test_the_cro_filters_opens_a_concern_and_signs_out(page_as, desk, screenshot):
    page = page_as(desk["cro"])
    page.goto("/concerns/")
    rows = page.locator("table.concern-table tbody tr")
    expect(rows).to_have_count(2)
    # The row's facts, read after the rows: the unit awaited.
    expect(rows.filter(has_text="Trucks idling")).to_contain_text("Traffic")
    page.get_by_label("Category").select_option("traffic")
    page.locator("details.mt-1 summary").click()
    page.get_by_label("Area", exact=True).select_option(label="Oak Hollow")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/concerns/?*category=traffic*")
    expect(rows).to_have_count(1)
    # What was chosen is still chosen on the page that answers.
    expect(page.get_by_label("Category")).to_have_value("traffic")
    expect(page.get_by_label("Area", exact=True)).to_have_value(str(desk["routed"].defined_area_id))
    screenshot(page, "fast-pages-filtered-list")
    rows.first.get_by_role("link").first.click()
    page.wait_for_url(f"**/concerns/{desk['routed'].reference}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(desk["routed"].reference)
    expect(page.locator("main")).to_contain_text("Public Works")
    expect(page.locator("main")).to_contain_text("Traffic")
    screenshot(page, "fast-pages-concern")
    # The layout's links, reversed once per process.
    page.get_by_role("button", name="Dana Whitcombe").click()
    page.get_by_role("link", name="Notification settings").click()
    page.wait_for_url("**/notifications/settings/")
    page.get_by_role("button", name="Dana Whitcombe").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/**")
    page.goto("/concerns/")
    page.wait_for_url("**/accounts/login/**")


def test_the_chief_reads_the_inbox(page_as, desk, screenshot):
    chief = UserFactory(username="f-chief", roles=[Role.CHIEF])
    plan = Plan.objects.create(
        year=2027,
        status=Plan.Status.SUBMITTED,
        created_by=desk["cro"],
        submitted_at=timezone.now() - dt.timedelta(days=3, hours=1),
    )
    page = page_as(chief)
    page.goto("/inbox/")
    expect(page.locator("main")).to_contain_text(str(plan))
    expect(page.locator("main")).to_contain_text(desk["cro"].display_name)
    expect(page.locator("main")).to_contain_text("waiting 3 days")
    screenshot(page, "fast-pages-inbox")
