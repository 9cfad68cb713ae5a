"""001 IV.C: a concern corrected into "Officer conduct or bias" is restricted and flagged
at once by the rule of intake (concerns/conduct.py), and the timeline and the audit trail
name who did it; the automatic escalation of an officer's conduct intake is the officer's,
never "Public form" (issue 24)."""

import datetime as dt
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from concerns import conduct, intake, services
from concerns.forms import DetailsForm
from concerns.models import Concern, ConcernUpdate
from desk.dashboard import conduct_flags
from notifications.models import Notification
from tests.concerns.test_edit_conflicts import client_as, open_edit_form, step_url
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db

S, K = Concern.Status, ConcernUpdate.Kind
LIST = reverse("concerns:list")

INTAKE = {
    "date_received": dt.date(2026, 3, 4),
    "source_type": "citizen",
    "source_name": "Pat Resident",
    "source_contact": "555-0100",
    "category": "traffic",
    "nature": "actual",
    "area": "Elm Street",
    "summary": "Stopped twice on Elm Street",
    "description": "The officer who stopped me twice this month said things about my accent.",
    "suggestions": "",
    "priority": "normal",
}


def recategorise(client, concern, category="conduct_bias"):
    form = open_edit_form(client, concern)
    form["edit-category"] = category
    return client.post(step_url(concern), form)


def flagged_references() -> set[str]:
    return {row["reference"] for row in conduct_flags()["rows"]}


def test_cro_recategorises_a_received_concern_into_conduct(officer, cro, supervisor, chief):
    concern, _ = intake.log_concern(by=officer, data=INTAKE)
    officer_client = client_as(officer)
    assert officer_client.get(concern.get_absolute_url()).status_code == 200
    assert concern.get_absolute_url() in officer_client.get(LIST).content.decode()
    assert concern.reference not in flagged_references()

    assert recategorise(client_as(cro), concern).status_code == 302

    concern.refresh_from_db()
    assert concern.category == "conduct_bias"
    # The officer's own step is skipped, as at intake: it waits for a supervisor.
    assert concern.status == S.ESCALATED
    # Restricted at once: the officer who logged it can no longer open or list it.
    assert officer_client.get(concern.get_absolute_url()).status_code == 404
    assert concern.get_absolute_url() not in officer_client.get(LIST).content.decode()
    searched = officer_client.get(LIST + "?q=" + concern.reference)
    assert searched.status_code == 200
    assert concern.get_absolute_url() not in searched.content.decode()
    # Flagged at once.
    assert concern.reference in flagged_references()
    told = set(
        Notification.objects.filter(kind="conduct_concern").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {supervisor.username, chief.username}
    # The timeline names the person.
    line = concern.updates.get(kind=K.ESCALATED)
    assert line.author == cro
    assert line.text.startswith(
        f"Recategorised as Officer conduct or bias by {cro.display_name}: sent to supervisors"
    )
    page = html.unescape(client_as(supervisor).get(concern.get_absolute_url()).content.decode())
    assert f"Recategorised as Officer conduct or bias by {cro.display_name}" in page
    # And so does the audit trail: the line's row, written by the CRO's request.
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.INSERT,
        record_type="concerns_concernupdate",
        record_id=str(line.pk),
    )
    assert event.actor_id == cro.pk
    assert event.changes["author_id"] == cro.pk


def test_recategorised_after_a_supervisor_forwarded_it_is_still_flagged(
    officer, cro, supervisor, other_officer
):
    """The supervisor handled it as a traffic concern; nobody has examined it as conduct."""
    concern, _ = intake.log_concern(by=officer, data=INTAKE)
    services.escalate_concern(concern=concern, by=officer)
    services.forward_concern(concern=concern, by=supervisor)
    services.assign_concern(concern=concern, by=cro, assignee=other_officer)
    assignee = client_as(other_officer)
    assert assignee.get(concern.get_absolute_url()).status_code == 200

    assert recategorise(client_as(cro), concern).status_code == 302

    concern.refresh_from_db()
    assert concern.status == S.FORWARDED  # beyond the officer's step: it stays where it is
    assert assignee.get(concern.get_absolute_url()).status_code == 404
    assert client_as(officer).get(concern.get_absolute_url()).status_code == 404
    assert concern.reference in flagged_references()
    # A supervisor's note on it from now on is acting on it: the flag goes.
    services.add_note(concern=concern, by=supervisor, text="Spoke to the resident.")
    assert concern.reference not in flagged_references()


def test_chief_recategorises_through_the_service(officer, chief):
    concern, _ = intake.log_concern(by=officer, data=INTAKE)
    data = {**concern.editable_values(), "category": "conduct_bias"}
    services.edit_concern(concern=concern, by=chief, data=data, revision=concern.revision)
    concern.refresh_from_db()
    assert concern.is_conduct and concern.status == S.ESCALATED
    assert [u.kind for u in concern.updates.order_by("id")] == [K.RECEIVED, K.EDITED, K.ESCALATED]
    assert concern.updates.get(kind=K.EDITED).text == "Changed: category."


def test_recategorised_out_of_conduct_by_the_cro_opens_it_to_its_officer_again(
    officer, supervisor, cro
):
    concern, _ = intake.log_concern(by=officer, data={**INTAKE, "category": "conduct_bias"})
    services.forward_concern(concern=concern, by=supervisor, note="Not about conduct.")
    assert client_as(officer).get(concern.get_absolute_url()).status_code == 404

    assert recategorise(client_as(cro), concern, "traffic").status_code == 302

    concern.refresh_from_db()
    assert concern.category == "traffic" and concern.status == S.FORWARDED
    assert client_as(officer).get(concern.get_absolute_url()).status_code == 200
    line = concern.updates.filter(kind=K.EDITED).order_by("-id").first()
    assert line.author == cro
    assert line.text.startswith(
        f"Recategorised from Officer conduct or bias to Traffic by {cro.display_name}"
    )


def test_who_may_not_see_conduct_concerns_may_not_move_one_in_or_out(officer):
    concern = ConcernFactory(reported_by=officer)
    with pytest.raises(ValidationError) as refused:
        conduct.recategorising(concern, {"category": "conduct_bias"}, officer)
    assert "Only a supervisor" in str(refused.value)
    # A correction that leaves the category alone is no recategorisation.
    assert conduct.recategorising(concern, {"category": "noise"}, officer) is False


def test_correction_form_offers_conduct_or_bias(officer):
    concern = ConcernFactory(reported_by=officer)
    choices = [value for value, _ in DetailsForm(concern=concern).fields["category"].choices]
    assert "conduct_bias" in choices and "traffic" in choices


# --- Attribution of the automatic escalation at intake ------------------------------------


def test_officer_conduct_intake_is_attributed_to_the_officer_not_the_public_form(
    client_for, officer, supervisor
):
    response = client_for(officer).post(
        reverse("concerns:new"),
        {
            **INTAKE,
            "category": "conduct_bias",
            "date_received": timezone.localdate().isoformat(),
            "intake_token": "11111111-2222-3333-4444-555555555555",
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get(summary=INTAKE["summary"])
    line = concern.updates.get(kind=K.ESCALATED)
    assert line.author == officer
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.INSERT,
        record_type="concerns_concernupdate",
        record_id=str(line.pk),
    )
    assert event.actor_id == officer.pk
    assert event.changes["author_id"] == officer.pk
    page = client_as(supervisor).get(concern.get_absolute_url()).content.decode()
    timeline = page[page.index('id="h-timeline"') :]
    assert "Public form" not in timeline
    flag = next(item for item in timeline.split("<li") if "Escalated to supervisor" in item)
    assert officer.display_name in flag


def test_public_conduct_concern_is_still_the_residents(db):
    concern, _ = intake.submit_public_concern(
        data={**INTAKE, "category": "conduct_bias", "email": "", "phone": ""}, client="10.0.0.9"
    )
    assert concern.updates.get(kind=K.ESCALATED).author is None


def test_a_supervisors_own_conduct_intake_stays_flagged(supervisor):
    """The flag line is the logger's; it is no examination of the concern."""
    concern, _ = intake.log_concern(by=supervisor, data={**INTAKE, "category": "conduct_bias"})
    assert concern.updates.get(kind=K.ESCALATED).author == supervisor
    assert concern.reference in flagged_references()
