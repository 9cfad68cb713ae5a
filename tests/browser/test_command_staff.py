"""The Chief opens the command staff's attendance at community meetings and finds their own
(004 §2.0: "the Chief of Police and all command staff are also expected to attend community
meetings")."""

import pytest
from django.utils import timezone

from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import ActivityFactory, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_chief_sees_own_attendance_at_community_meetings(page_as, screenshot):
    AgencyFactory()
    chief = UserFactory(
        username="cs-chief",
        first_name="Eleanor",
        last_name="Brooks",
        rank="Chief",
        roles=[Role.CHIEF],
    )
    captain = UserFactory(
        username="cs-captain",
        first_name="Ray",
        last_name="Hale",
        rank="Capt.",
        is_command_staff=True,
        roles=[Role.SUPERVISOR],
    )
    today = timezone.localdate()
    ActivityFactory(
        kind="coffee_with_chief",
        date=today,
        title="Coffee with the Chief at Rosie's Diner",
        officers=[chief],
    )
    ActivityFactory(kind="foot_patrol", date=today, title="Downtown foot patrol", officers=[chief])

    page = page_as(chief)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Outreach").click()
    nav.get_by_role("link", name="Command staff at meetings").click()
    page.wait_for_url("**/outreach/command-staff/")
    assert page.get_by_role("heading", name="Command staff at community meetings").is_visible()

    chief_row = page.get_by_role("row", name="Chief Eleanor Brooks")
    assert chief_row.get_by_role("cell", name="1", exact=True).is_visible()
    meeting = chief_row.get_by_role("link", name="Coffee with the Chief at Rosie's Diner")
    assert meeting.is_visible()
    assert page.get_by_text("Downtown foot patrol").count() == 0
    # The captain is listed too, with none yet.
    captain_row = page.get_by_role("row", name=f"Capt. {captain.get_full_name()}")
    assert captain_row.get_by_text("None in this period").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "command-staff-chief")

    # The meeting's link opens the activity.
    meeting.click()
    page.wait_for_url("**/outreach/activities/*/")
    assert page.get_by_role("heading", name="Coffee with the Chief at Rosie's Diner").is_visible()
