"""Issue 24 in the browser: the supervisor sees a routing Traffic never acknowledged on the
concern's page and lists every such concern (000 §III.5); the CRO corrects a concern into
"Officer conduct or bias", and the officer who logged it can no longer open it (001 IV.C)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns.models import Routing
from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.browser.journeys import open_step
from tests.factories import ConcernFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def routed(concern, unit, by, days_ago):
    routing = Routing.objects.create(concern=concern, unit=unit, routed_by=by)
    Routing.objects.filter(pk=routing.pk).update(
        routed_at=timezone.now() - dt.timedelta(days=days_ago)
    )


def test_supervisor_sees_overdue_routing_and_cro_recategorises_into_conduct(page_as, screenshot):
    officer = UserFactory(username="j-officer", first_name="Dana", roles=[Role.OFFICER])
    supervisor = UserFactory(username="j-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])
    commander = UserFactory(username="j-lt", rank="Lt.", roles=[Role.SUPERVISOR])
    cro = UserFactory(username="j-cro", rank="Lt.", last_name="Reyes", roles=[Role.CRO])
    traffic = UnitFactory(name="Traffic", commander=commander)
    waiting = ConcernFactory(status="in_progress", reported_by=officer, summary="Trucks at Elm")
    routed(waiting, traffic, cro, days_ago=425)
    fresh = ConcernFactory(status="in_progress", reported_by=officer, summary="Speeding on Oak")
    routed(fresh, traffic, cro, days_ago=0)
    misfiled = ConcernFactory(reported_by=officer, summary="Rude remarks at a traffic stop")

    # The supervisor opens the concern: the late routing is said in plain words.
    page = page_as(supervisor)
    page.goto(waiting.get_absolute_url())
    line = page.locator(".routing-overdue")
    expect(line).to_contain_text("Traffic has not acknowledged this routing: overdue since")
    assert re.search(r"overdue since \w{3} \d+, \d{4}, \d{3} working days", line.inner_text())
    assert serious_axe_violations(page) == []
    screenshot(page, "routing-overdue-concern")

    # ... and lists every concern whose routing is overdue.
    page.get_by_role("link", name="All concerns with a routing overdue").click()
    page.wait_for_url(re.compile(r"routing_overdue=on"))
    expect(page.locator(f'a[href="{waiting.get_absolute_url()}"]').first).to_be_visible()
    expect(page.locator(f'a[href="{fresh.get_absolute_url()}"]')).to_have_count(0)
    assert serious_axe_violations(page) == []

    # The CRO corrects a misfiled traffic concern into "Officer conduct or bias".
    page = page_as(cro)
    page.goto(misfiled.get_absolute_url())
    step = page.locator(
        "details", has=page.locator("summary", has_text="Correct the details")
    ).first
    open_step(step)
    step.get_by_label("Category").select_option(label="Officer conduct or bias")
    step.get_by_role("button", name="Save changes").click()
    expect(page.locator(".badge", has_text="Officer conduct or bias")).to_be_visible()
    expect(
        page.get_by_text(f"Recategorised as Officer conduct or bias by {cro.display_name}")
    ).to_be_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "recategorised-conduct")

    # The officer who logged it can no longer open it.
    page = page_as(officer)
    response = page.goto(misfiled.get_absolute_url())
    assert response.status == 404
