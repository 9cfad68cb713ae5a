"""An officer's month through the browser: every page checked by axe on the way."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns.models import Concern
from core.roles import Role
from outreach.models import CommunityInputReport, OutreachActivity, ReportingAssignment
from tests.browser.journeys import Journey, open_step
from tests.factories import AgencyFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

CONCERN_URL = re.compile(r"/concerns/CR-\d{4}-\d{4}/$")


def log_concern(j: Journey, *, category, where, summary, what, source, shot) -> str:
    page = j.page
    j.nav("Log a concern", shot=f"{shot}-form")
    page.get_by_label("Category").select_option(label=category)
    page.get_by_label("Where").fill(where)
    page.get_by_label("Summary").fill(summary)
    page.get_by_label("What is the concern?").fill(what)
    page.get_by_label("Who raised it").select_option(label=source)
    j.follow(page.get_by_role("button", name="Log concern"), shot=shot)
    assert CONCERN_URL.search(page.url), page.url
    reference = page.get_by_role("heading", level=1).inner_text()
    j.see(f"Concern {reference} was logged.")
    return reference


def test_officer_month(page, screenshot):
    AgencyFactory()
    officer = UserFactory(
        username="jo-officer", first_name="Dana", last_name="Whitfield", roles=[Role.OFFICER]
    )
    UserFactory(username="jo-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])
    # The CRO gave the officer a school resource officer's reporting duty last month.
    ReportingAssignment.objects.create(
        officer=officer,
        duty=ReportingAssignment.Duty.SCHOOL_RESOURCE,
        since=timezone.localdate() - dt.timedelta(days=40),
    )
    OrganizationFactory(name="Maple Heights Neighborhood Watch", area="Maple Heights")

    j = Journey(page, screenshot, "journey-officer")
    j.sign_in(officer)

    # An ordinary concern, logged and left with the officer.
    ordinary = log_concern(
        j,
        category="Noise",
        where="Cedar Grove apartments",
        summary="Loud music every Saturday until 3 am",
        what="Music until 3 am every Saturday; neighbours cannot sleep.",
        source="Citizen",
        shot="concern-logged",
    )
    assert page.locator(".status-badge").inner_text() == "Received"

    # A second one, beyond the officer's authority: escalated to the supervisor.
    escalated = log_concern(
        j,
        category="Street lighting",
        where="Willow Creek trail",
        summary="Three street lights out along the trail",
        what="Three lights out along the trail since May.",
        source="Neighborhood or business watch",
        shot="concern-second",
    )
    step = page.locator("#step-escalate")
    open_step(step)
    step.get_by_label("Note").fill("Public Works, not patrol: needs a supervisor's call.")
    j.follow(page.get_by_role("button", name="Escalate", exact=True), shot="concern-escalated")
    j.see("Escalated to a supervisor.")
    assert page.locator(".status-badge").inner_text() == "Escalated to supervisor"

    # An outreach activity: the monthly watch meeting.
    j.nav("Activities", group="Outreach")
    j.follow(page.get_by_role("link", name="Log an activity").first, shot="activity-form")
    page.get_by_label("Kind of activity").select_option(
        label="Meeting with a community organization"
    )
    page.get_by_label("What was it").fill("Monthly watch meeting")
    # The organization picker (static/js/pickers.js): type part of the name, Enter.
    page.get_by_role("combobox", name="Organization").click()
    page.keyboard.type("maple")
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        "Maple Heights Neighborhood Watch"
    )
    page.keyboard.press("Enter")
    page.get_by_label("Location", exact=True).fill("Maple Heights")
    page.get_by_label("Attendance").fill("18")
    page.get_by_label("Staff hours").fill("2")
    j.follow(page.get_by_role("button", name="Save activity"), shot="activity-logged")
    assert re.search(r"/outreach/activities/\d+/$", page.url), page.url
    j.see("The activity was logged.")

    # The quarterly community input the reporting duty asks for.
    j.nav("Home")
    j.follow(page.get_by_role("link", name="Report community input"), shot="input-form")
    page.get_by_label("Community concerns you heard").fill(
        "Parents worry about speeding at pick-up time outside Lincoln Elementary."
    )
    page.get_by_label("Suggestions for the department").fill("A crossing guard on Birch Lane.")
    j.follow(page.get_by_role("button", name="Send to the CRO"))
    j.see("Your community input was sent to the CRO.")

    # Where the two concerns stand.
    j.nav("My concerns", shot="my-concerns")
    assert page.get_by_role("heading", name="My concerns").is_visible()
    for reference in (ordinary, escalated):
        assert page.get_by_role("link", name=reference).is_visible()
    # Each with what it is about, under its reference.
    for summary in (
        "Loud music every Saturday until 3 am",
        "Three street lights out along the trail",
    ):
        assert page.locator(".concern-summary", has_text=summary).is_visible()

    j.sign_out(officer)
    j.finish()

    mine = {c.reference: c for c in Concern.objects.filter(reported_by=officer)}
    assert set(mine) == {ordinary, escalated}
    assert mine[ordinary].status == Concern.Status.RECEIVED
    assert mine[escalated].status == Concern.Status.ESCALATED
    assert mine[ordinary].reporter_dsn == officer.dsn
    activity = OutreachActivity.objects.get()
    assert activity.title == "Monthly watch meeting" and activity.logged_by == officer
    assert CommunityInputReport.objects.get().assignment.officer == officer
