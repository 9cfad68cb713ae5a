"""A holder of a reporting duty without the Officer role finds the quarterly input page from
the menu and sees how late it is (003 1.b).

The clock is frozen with time-machine, ticking, on a day after the tests' own dates: the
live server runs in a thread of this process, so it reads the same clock; a day ahead of
the real one keeps the browser's cookies (whose expiry the server dates) alive."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from core.roles import Role
from outreach.models import ReportingAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Q1 2031 was due April 7 (seven days after the quarter); May 7 is 30 days later.
NOW = dt.datetime(2031, 5, 7, 10, 0, tzinfo=ZoneInfo("America/Chicago"))


def test_training_sergeant_finds_quarterly_input_in_menu_and_sees_overdue(page, login):
    with time_machine.travel(NOW, tick=True):
        sergeant = UserFactory(
            username="b-training",
            first_name="Tomas",
            last_name="Lindqvist",
            rank="Sgt.",
            roles=[Role.TRAINING_OFFICER],
        )
        ReportingAssignment.objects.create(
            officer=sergeant, duty=ReportingAssignment.Duty.SAFETY, since=dt.date(2031, 1, 1)
        )
        login(sergeant)
        page.get_by_role("button", name="Outreach").click()
        page.get_by_role("link", name="Quarterly input").click()
        page.wait_for_url("**/outreach/reporting/new/")
        assert page.get_by_role("heading", name="Report community input").is_visible()
        assert page.get_by_text("Overdue by 30 days").is_visible()
        assert page.get_by_text("Your input for Q1 2031 is due April 7, 2031.").is_visible()

        page.get_by_label("Community concerns you heard").fill(
            "Staff at the recreation center asked about fire drills in the gym."
        )
        page.get_by_role("button", name="Send to the CRO").click()
        page.wait_for_url("**/")
        page.goto("/outreach/reporting/new/")
        assert page.get_by_text("Due Oct 7, 2031").is_visible()
