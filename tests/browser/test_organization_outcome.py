"""001 III.C.5: the CRO opens an organization's page, reads what the department said about
each concern it raised and what the open ones wait for, and tells the organization the
outcome of a resolved one."""

import re

import pytest
from playwright.sync_api import expect

from concerns import services
from concerns.models import Concern, ConcernUpdate
from core.roles import Role
from notifications.models import OutboundEmail
from tests.factories import AgencyFactory, ConcernFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Public Works replaced the two lights on the footpath behind the pool."


def test_cro_tells_an_organization_the_outcome(page_as, screenshot):
    AgencyFactory()
    cro = UserFactory(username="b-cro", rank="Lt.", roles=[Role.CRO])
    officer = UserFactory(
        username="b-officer", first_name="Sam", last_name="Lee", roles=[Role.OFFICER]
    )
    watch = OrganizationFactory(
        name="Maple Heights Watch", contact_name="Rita Chen", contact_email="rita@maple.example.org"
    )
    resolved = ConcernFactory(organization=watch, reported_by=officer, public_note=NOTE)
    services.resolve_concern(concern=resolved, by=cro, resolution="Lights replaced.")
    ConcernFactory(
        organization=watch,
        status=Concern.Status.IN_PROGRESS,
        assignee=officer,
        summary="Loud gatherings in the park lot",
    )

    page = page_as(cro)
    page.goto("/outreach/organizations/")
    page.get_by_role("link", name="Maple Heights Watch").click()
    page.wait_for_url(re.compile(r"/outreach/organizations/\d+/$"))
    responses = page.locator("#responses")
    expect(responses.get_by_text(NOTE)).to_be_visible()
    expect(responses.get_by_text("Waiting for Officer Sam Lee to follow up")).to_be_visible()
    screenshot(page, "organization-responses")

    page.get_by_role("button", name="Tell Maple Heights Watch the outcome").click()
    page.wait_for_url(re.compile(r"/outreach/organizations/\d+/$"))
    expect(
        page.get_by_text(f"Maple Heights Watch was sent the outcome of {resolved.reference}.")
    ).to_be_visible()
    expect(responses.locator(".told-on")).to_have_text(re.compile(r"^Told on \w+ \d+, \d{4}$"))
    expect(page.get_by_role("button", name="Tell Maple Heights Watch the outcome")).to_have_count(0)
    screenshot(page, "organization-told")

    (email,) = OutboundEmail.objects.filter(to="rita@maple.example.org")
    assert resolved.reference in email.subject
    line = ConcernUpdate.objects.get(concern=resolved, kind=ConcernUpdate.Kind.ORGANIZATION_TOLD)
    assert "Outcome sent to Maple Heights Watch (Rita Chen" in line.text
