"""A supervisor's month through the browser: every page checked by axe on the way."""

import re

import pytest

from concerns import services as concern_services
from concerns.models import Concern
from core.roles import Role
from outreach.models import TrainingNeed
from tests.browser.journeys import Journey, open_step
from tests.factories import AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_month(page, screenshot):
    AgencyFactory()
    officer = UserFactory(username="js-officer", unit="Patrol", roles=[Role.OFFICER])
    supervisor = UserFactory(
        username="js-supervisor",
        first_name="Marcus",
        last_name="Reyes",
        rank="Sgt.",
        unit="Patrol",
        roles=[Role.SUPERVISOR],
    )
    UserFactory(username="js-cro", rank="Lt.", roles=[Role.CRO])
    # Two concerns the officer logged and escalated earlier in the month.
    lighting = ConcernFactory(
        reported_by=officer,
        category="street_lighting",
        area="Willow Creek trail",
        description="Three lights out along the trail since May.",
    )
    concern_services.escalate_concern(
        concern=lighting, by=officer, note="Public Works, not patrol."
    )
    parking = ConcernFactory(
        reported_by=officer,
        category="parking",
        area="Oak Street",
        description="A van has been parked across a driveway for a week.",
    )
    concern_services.escalate_concern(concern=parking, by=officer, note="Owner not found.")

    j = Journey(page, screenshot, "journey-supervisor")
    j.sign_in(supervisor)
    # The home lists both escalations, each with the step it waits for.
    escalations = page.locator("#waiting-escalated")
    assert escalations.get_by_role("link", name="See all 2").is_visible()
    assert escalations.get_by_role("link", name=lighting.reference).is_visible()
    assert escalations.get_by_role("link", name=parking.reference).is_visible()

    # The bell says what came in; the escalation opens from the notification.
    page.get_by_role("button", name=re.compile(r"^Notifications")).click()
    entry = page.locator(".notif-menu").get_by_role("link", name=re.compile(lighting.reference))
    entry.wait_for()
    j.shot("notifications")
    j.follow(entry, shot="escalated-concern")
    assert page.get_by_role("heading", level=1).inner_text() == lighting.reference
    assert page.locator(".status-badge").inner_text() == "Escalated to supervisor"

    # Street lights are for the city: forwarded to the CRO.
    step = page.locator("#step-forward")
    open_step(step)
    step.get_by_label("Note").fill("Please refer to Public Works; the watch group is waiting.")
    j.follow(page.get_by_role("button", name="Forward to CRO"), shot="forwarded")
    j.see("Forwarded to the CRO.")
    assert page.locator(".status-badge").inner_text() == "Forwarded to CRO"

    # The other escalation, from the list, is settled within the supervisor's authority.
    j.nav("Home")
    j.follow(page.get_by_role("link", name="Escalated concerns"), shot="escalated-list")
    assert page.get_by_role("link", name=lighting.reference).count() == 0
    j.follow(page.get_by_role("link", name=parking.reference))
    step = page.locator("#step-resolve")
    open_step(step)
    step.get_by_label("How was it resolved?").fill(
        "Owner reached through the registry; the van was moved the same day."
    )
    j.follow(step.get_by_role("button", name="Resolve", exact=True), shot="resolved")
    j.see("Resolved.", exact=True)
    assert page.locator(".status-badge").inner_text() == "Resolved"

    # What the month showed: officers need help talking down tense traffic stops.
    j.nav("Training needs", group="Outreach")
    j.follow(page.get_by_role("link", name="Record a training need"), shot="training-form")
    page.get_by_label("Topic*", exact=True).select_option(
        label="Effective social interaction and communication skills"
    )
    page.get_by_label("Topic in a few words").fill("De-escalation at traffic stops")
    page.get_by_label("Source*", exact=True).select_option(label="Supervisors")
    page.get_by_label("What was observed and why training would help").fill(
        "Two stops this month escalated over a question about the reason for the stop."
    )
    j.follow(page.get_by_role("button", name="Record training need"), shot="training-recorded")
    j.see("The training need was recorded.")
    assert page.get_by_role("heading", name=re.compile("De-escalation at traffic stops")).count()

    j.sign_out(supervisor)
    j.finish()

    lighting.refresh_from_db()
    parking.refresh_from_db()
    assert lighting.status == Concern.Status.FORWARDED
    assert parking.status == Concern.Status.RESOLVED
    need = TrainingNeed.objects.get()
    assert (need.identified_by, need.status, need.source) == (
        supervisor,
        "identified",
        "supervisors",
    )
