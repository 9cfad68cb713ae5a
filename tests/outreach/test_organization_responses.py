"""001 III.C.5: "a departmental response to information obtained from any community
organization". An organization's page shows, for each concern it raised, what the
department tells the public of it (the status page's public note) and what an open one
waits for; the CRO tells the organization the outcome of a resolved one, by the residents'
resolution email, once."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from concerns import organization_notice, status
from concerns import services as concern_services
from concerns.models import Concern, ConcernUpdate
from notifications.models import OutboundEmail, ResidentOptOut
from notifications.notify import address_hash
from tests.factories import AgencyFactory, ConcernFactory, OrganizationFactory, UserFactory

K = ConcernUpdate.Kind
NOW = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
ADDRESS = "rita.chen@maplewatch.example.org"
NOTE = "Public Works replaced the three lights on the walking path."
DONE = "Lights fixed."


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory(name="Testville Police Department", phone="(555) 010-0000")


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit sends (the background task runs at once in tests)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Maple Watch", contact_name="Rita Chen", contact_email=ADDRESS)


def resolved_concern(organization, by, **fields) -> Concern:
    """A concern the organization raised, resolved through the real service (001 IV.B)."""
    concern = ConcernFactory(
        organization=organization, public_note=fields.pop("public_note", NOTE), **fields
    )
    concern_services.resolve_concern(concern=concern, by=by, resolution=DONE)
    concern.refresh_from_db()
    return concern


def tell_url(concern) -> str:
    return reverse("concerns:tell-organization", args=[concern.reference])


def page_of(client, organization) -> str:
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def told_lines(concern):
    return ConcernUpdate.objects.filter(concern=concern, kind=K.ORGANIZATION_TOLD)


# --- What the page shows ----------------------------------------------------------------


def test_organization_page_shows_public_note_of_resolved_and_what_open_ones_wait_for(
    client_for, cro, officer, organization
):
    resolved = resolved_concern(organization, cro)
    waiting = ConcernFactory(
        organization=organization,
        status=Concern.Status.IN_PROGRESS,
        assignee=UserFactory(first_name="Dana", last_name="Ortiz", rank="Sgt."),
        public_note="Extra patrols on Friday nights.",
    )
    html = page_of(client_for(cro), organization)
    responses = html[html.index('id="responses"') :]
    assert f'id="response-{resolved.reference}"' in responses
    assert NOTE in responses
    assert "Waiting for Sgt. Dana Ortiz to follow up" in responses
    assert "Extra patrols on Friday nights." in responses
    # The resolved one is in "Resolved", the open one after it, in "Still waiting".
    assert responses.index(resolved.reference) < responses.index("Still waiting")
    assert responses.index("Still waiting") < responses.index(f"response-{waiting.reference}")


def test_conduct_concern_shows_no_public_note_to_the_organization(client_for, cro, organization):
    resolved_concern(organization, cro, category="conduct_bias", public_note="Officer retrained.")
    html = page_of(client_for(cro), organization)
    assert "Officer retrained." not in html
    assert "No public note: they hear only that it is resolved." in html


def test_organization_without_concerns_says_what_shows_here(client_for, cro, organization):
    html = page_of(client_for(cro), organization)
    assert "Once they raise a concern you can see" in html
    assert "Tell Maple Watch the outcome" not in html


@pytest.mark.parametrize("shape", ["plain", "conduct", "merged_lead_resolved", "merged_lead_open"])
def test_outcome_matches_the_status_page(cro, organization, shape):
    """The page's answer is the status page's (status.public_status), read from the row."""
    concern = ConcernFactory(organization=organization, public_note="Own note.")
    if shape == "conduct":
        concern = resolved_concern(organization, cro, category="conduct_bias")
    elif shape.startswith("merged"):
        lead = ConcernFactory(public_note="The lead's note.", status=Concern.Status.IN_PROGRESS)
        if shape == "merged_lead_resolved":
            concern_services.resolve_concern(concern=lead, by=cro, resolution=DONE)
        Concern.objects.filter(pk=concern.pk).update(
            duplicate_of=lead, merged_at=timezone.now(), status="resolved", resolved_at=NOW
        )
        concern.refresh_from_db()
    lead = Concern.objects.filter(pk=concern.duplicate_of_id).first()
    mine = organization_notice.outcome_of(concern, lead)
    theirs = status.public_status(concern)
    assert (mine.word, mine.note) == (theirs.status, theirs.note)
    assert mine.words == theirs.words


def test_organization_page_query_count_does_not_grow_with_concerns(
    client_for, cro, organization, django_assert_num_queries, django_assert_max_num_queries
):
    client = client_for(cro)
    url = organization.get_absolute_url()

    def add_concerns():
        told = resolved_concern(organization, cro)
        organization_notice.record_outcome_sent(told, organization, cro)
        ConcernFactory(organization=organization, status=Concern.Status.IN_PROGRESS, assignee=cro)

    add_concerns()  # 2 concerns: one resolved and told, one open
    client.get(url)  # the session and the permissions, loaded once
    with django_assert_max_num_queries(40) as two:
        client.get(url)
    for _ in range(2):
        add_concerns()  # 6 concerns
    with django_assert_num_queries(len(two.captured_queries)):
        html = page_of(client, organization)
    assert html.count("Told on November 18, 2026") == 3
    assert html.count("Waiting for") >= 3


# --- Telling the organization -----------------------------------------------------------


def test_cro_sees_the_button_and_tells_the_organization(client_for, cro, organization, on_commit):
    concern = resolved_concern(organization, cro)
    client = client_for(cro)
    html = page_of(client, organization)
    assert "Tell Maple Watch the outcome" in html
    assert f'action="{tell_url(concern)}"' in html
    mail.outbox.clear()
    with on_commit():
        response = client.post(tell_url(concern))
    assert response.status_code == 302
    assert response.url == organization.get_absolute_url()

    # The residents' resolution email, through the outbound email path, to the organization.
    (message,) = mail.outbox
    assert message.to == [ADDRESS]
    assert message.subject == f"Your concern {concern.reference} has been resolved"
    assert f"Your concern {concern.reference} has been resolved." in message.body
    assert "Stop messages like this" in message.alternatives[0][0]
    row = OutboundEmail.objects.get(to=ADDRESS)
    assert row.kind == "resident_resolved" and row.status == OutboundEmail.Status.SENT

    (line,) = told_lines(concern)
    assert line.author == cro
    assert line.text == (
        f"Outcome sent to Maple Watch (Rita Chen, {ADDRESS}) by {cro.display_name}"
    )
    html = page_of(client, organization)
    assert "Maple Watch was sent the outcome of" in html
    assert "Told on November 18, 2026" in html
    assert "Tell Maple Watch the outcome" not in html


def test_double_submit_sends_one_message(client_for, cro, organization, on_commit):
    concern = resolved_concern(organization, cro)
    client = client_for(cro)
    mail.outbox.clear()
    with on_commit():
        client.post(tell_url(concern))
        second = client.post(tell_url(concern), follow=True)
    assert len(mail.outbox) == 1
    assert told_lines(concern).count() == 1
    assert "Maple Watch was already told the outcome of" in second.content.decode()


def test_reopened_and_resolved_again_can_be_told_again(client_for, cro, organization, on_commit):
    concern = resolved_concern(organization, cro)
    client = client_for(cro)
    client.post(tell_url(concern))
    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        client = client_for(cro)  # a new day, a new sign-in
        concern_services.reopen_concern(concern=concern, by=cro, reason="Two lights out again.")
        concern.refresh_from_db()
        concern_services.resolve_concern(concern=concern, by=cro, resolution=DONE)
        assert "Tell Maple Watch the outcome" in page_of(client, organization)
        mail.outbox.clear()
        with on_commit():
            client.post(tell_url(concern))
    assert len(mail.outbox) == 1
    assert told_lines(concern).count() == 2


def test_without_an_email_the_page_says_what_is_missing(client_for, cro, on_commit):
    organization = OrganizationFactory(name="Oak Club", contact_phone="(555) 010-7788")
    concern = resolved_concern(organization, cro)
    client = client_for(cro)
    html = page_of(client, organization)
    assert "Tell Oak Club the outcome" not in html
    assert "To send Oak Club the outcome, add an email address for their contact." in html
    assert "(555) 010-7788" in html
    mail.outbox.clear()
    with on_commit():
        response = client.post(tell_url(concern), follow=True)
    assert "Oak Club has no email address for its contact." in response.content.decode()
    assert mail.outbox == [] and not told_lines(concern).exists()


def test_an_open_concern_is_not_told(client_for, cro, organization, on_commit):
    concern = ConcernFactory(organization=organization, status=Concern.Status.IN_PROGRESS)
    with on_commit():
        response = client_for(cro).post(tell_url(concern), follow=True)
    assert "is not resolved yet" in response.content.decode()
    assert mail.outbox == [] and not told_lines(concern).exists()


def test_an_address_that_asked_for_no_more_messages_gets_none(
    client_for, cro, organization, on_commit
):
    """The residents' consent rule: the stop link's opt-out holds for the address."""
    concern = resolved_concern(organization, cro)
    ResidentOptOut.objects.create(address_hash=address_hash(ADDRESS))
    mail.outbox.clear()
    with on_commit():
        response = client_for(cro).post(tell_url(concern), follow=True)
    assert "was not sent" in response.content.decode()
    assert mail.outbox == [] and not told_lines(concern).exists()


def test_a_concern_no_organization_raised_is_refused(client_for, cro, on_commit):
    concern = ConcernFactory(public_note=NOTE)
    concern_services.resolve_concern(concern=concern, by=cro, resolution=DONE)
    with on_commit():
        response = client_for(cro).post(tell_url(concern), follow=True)
    assert "No community organization raised this concern." in response.content.decode()
    assert not told_lines(concern).exists()


# --- Who may ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, sees",
    [("officer", True), ("supervisor", True), ("chief", True), ("training_officer", False)],
)
def test_other_roles_see_no_button_and_get_403(client_for, personas, cro, organization, role, sees):
    concern = resolved_concern(organization, cro, reported_by=personas["officer"])
    client = client_for(personas[role])
    html = page_of(client, organization)
    # The response shows to whoever sees the concern (the officer who logged it, oversight).
    assert (NOTE in html) is sees
    assert "Tell Maple Watch the outcome" not in html
    assert client.post(tell_url(concern)).status_code == 403
    assert not told_lines(concern).exists() and not OutboundEmail.objects.filter(to=ADDRESS)


def test_a_signed_in_member_without_a_role_gets_403(client_for, outsider, cro, organization):
    concern = resolved_concern(organization, cro)
    assert client_for(outsider).post(tell_url(concern)).status_code == 403


def test_anonymous_is_sent_to_login(client, cro, organization):
    concern = resolved_concern(organization, cro)
    response = client.post(tell_url(concern))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not told_lines(concern).exists()


def test_a_get_is_refused_405(client_for, cro, organization):
    concern = resolved_concern(organization, cro)
    assert client_for(cro).get(tell_url(concern)).status_code == 405


def test_a_concern_the_cro_cannot_find_is_404(client_for, cro):
    response = client_for(cro).post(reverse("concerns:tell-organization", args=["CR-2026-9999"]))
    assert response.status_code == 404
