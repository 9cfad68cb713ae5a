"""Journeys for 002 §300.3(d) and §300.7: an officer logs a foot patrol that never told
dispatch it ended and sees the warning; the CRO registers people for a scheduled
Citizen's Academy and cannot mark the one whose check did not clear as having taken part."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from outreach.models import OutreachActivity, Participant
from tests.browser.conftest import serious_axe_violations
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_logs_foot_patrol_missing_dispatch_at_end(page_as, screenshot):
    officer = UserFactory(username="fp-officer", roles=[Role.OFFICER])
    page = page_as(officer)
    page.goto("/outreach/activities/new/")
    page.get_by_label("Kind of activity").select_option(label="Foot patrol")
    page.get_by_label("What was it").fill("Evening foot patrol on Main Street")
    page.get_by_label("Location", exact=True).fill("Main Street")
    page.get_by_label("Start time").fill("18:00")
    page.get_by_label("End time").fill("20:00")
    page.get_by_label("Staff hours").fill("2")
    page.get_by_label("A supervisor was told at the start and at the end").check()
    page.get_by_label("Dispatch was told at the start (on foot, where)").check()
    page.get_by_role("button", name="Save activity").click()

    warning = page.get_by_text("This foot patrol is missing: Dispatch not told at end.")
    expect(warning.first).to_be_visible()
    assert not OutreachActivity.with_scheduled.exists()
    assert serious_axe_violations(page) == []
    screenshot(page, "foot-patrol-warning")

    page.get_by_label("Save anyway: a notification was missed").check()
    page.get_by_label("Why a notification was missed").fill("Radio battery died.")
    page.get_by_role("button", name="Save activity").click()
    page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))
    assert page.get_by_text("Saved with a notification missing:").is_visible()

    page.goto("/outreach/activities/?notice_missing=on")
    row = page.get_by_role("row", name=re.compile("Evening foot patrol"))
    assert row.get_by_text("Dispatch not told at end").is_visible()
    assert serious_axe_violations(page) == []


def test_cro_registers_for_scheduled_academy_and_cannot_mark_not_cleared(page_as, screenshot):
    cro = UserFactory(username="fp-cro", roles=[Role.CRO])
    academy = ActivityFactory(
        kind="citizens_academy",
        status="scheduled",
        date=timezone.localdate() + dt.timedelta(days=20),
        title="Citizen's Academy, spring class",
        waivers_required=True,
        background_check_required=True,
        logged_by=cro,
    )
    page = page_as(cro)
    page.goto(academy.get_absolute_url())
    assert page.get_by_text("This event is scheduled").is_visible()
    page.get_by_role("link", name="Add a participant").click()
    page.locator("#id_name").fill("Priya Nair")
    page.get_by_label("Waiver signed on").fill(timezone.localdate().isoformat())
    page.get_by_label("Criminal-history check").select_option(label="Not cleared")
    page.get_by_role("button", name="Save participant").click()
    page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))
    assert page.get_by_role("cell", name="Priya Nair").is_visible()

    page.get_by_role("row", name=re.compile("Priya Nair")).get_by_role("link", name="Edit").click()
    page.get_by_label("Took part").check()
    page.get_by_role("button", name="Save participant").click()
    assert page.get_by_text("This person cannot be marked as having taken part").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "participant-not-cleared")
    assert not Participant.objects.get().attended
