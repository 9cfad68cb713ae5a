import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from notifications.models import Notification
from tests.browser.conftest import serious_axe_violations
from tests.browser.journeys import open_step
from tests.factories import AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_escalates_and_the_supervisor_follows_the_notification(page_as, screenshot):
    AgencyFactory()
    officer = UserFactory(username="n-officer", unit="Patrol", roles=[Role.OFFICER])
    supervisor = UserFactory(
        username="n-supervisor", rank="Sgt.", unit="Patrol", roles=[Role.SUPERVISOR]
    )
    concern = ConcernFactory(reported_by=officer, area="Willow Creek trail")

    # The officer escalates a concern they logged.
    page = page_as(officer)
    page.goto(concern.get_absolute_url())
    open_step(page.locator("#step-escalate"))
    page.locator("#id_escalate-note").fill("Needs a supervisor's call.")
    page.get_by_role("button", name="Escalate", exact=True).click()
    assert page.locator(".status-badge").inner_text() == "Escalated to supervisor"

    # The supervisor signs in and sees one unread notification on the bell.
    page = page_as(supervisor)
    bell = page.get_by_role("button", name=re.compile(r"^Notifications"))
    assert page.locator("#notif-count").inner_text().startswith("1")
    assert "1 unread" in bell.inner_text() or "unread" in bell.text_content()
    violations = serious_axe_violations(page)
    assert violations == [], violations

    # The menu lists it; opening it lands on the concern and marks it read.
    bell.click()
    entry = page.locator(".notif-menu").get_by_role("link", name=re.compile(concern.reference))
    entry.wait_for()
    screenshot(page, "notifications-menu")
    entry.click()
    page.wait_for_url(f"**{concern.get_absolute_url()}")
    assert page.locator("h1").inner_text() == concern.reference
    assert page.locator("#notif-count").count() == 0
    assert Notification.objects.get(recipient=supervisor).read_at is not None

    # The full list and the settings page, each checked by axe.
    page.goto("/notifications/")
    assert page.get_by_role("link", name=re.compile(concern.reference)).is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "notifications-list")
    page.goto("/notifications/settings/")
    page.get_by_role("group", name="A concern an officer of my unit escalated").get_by_label(
        "In a daily email digest"
    ).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your notification settings are saved.")).to_be_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "notifications-settings")
