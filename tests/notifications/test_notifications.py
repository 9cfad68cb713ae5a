"""Notifications: each event reaches exactly its people, by the way each chose, and no
message carries a concern's confidential details."""

import datetime as dt
import re
import smtplib
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from concerns import intake as concern_intake
from concerns import services as concern_services
from concerns.models import Concern
from core.decisions import Decision
from core.roles import Role
from notifications import reminders
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboundEmail,
    ResidentOptOut,
)
from notifications.notify import stop_token
from notifications.tasks import MAX_ATTEMPTS
from outreach import services as outreach_services
from outreach.forms import TrainingNeedForm
from outreach.models import Participant
from programs import services as program_services
from reports import reminders as report_reminders
from reports import services as report_services
from reports.recommendations import decide_recommendation, submit_recommendation
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    ConcernFactory,
    DepartmentFactory,
    MaterialFactory,
    UnitFactory,
    UserFactory,
)

SOURCE_NAME = "Zebulon Quartermain"
SOURCE_CONTACT = "zq-private@example.org"
CONDUCT_TEXT = "The sergeant shoved my nephew outside Larkspur Diner"
NOTE_TEXT = "Internal: witness lives at 44 Hidden Lane"


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


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
def patrol_supervisor(db):
    return UserFactory(username="t-sgt-patrol", rank="Sgt.", unit="Patrol", roles=[Role.SUPERVISOR])


@pytest.fixture
def traffic_supervisor(db):
    return UserFactory(
        username="t-sgt-traffic", rank="Sgt.", unit="Traffic", roles=[Role.SUPERVISOR]
    )


def intake(**overrides) -> dict:
    """What an officer types at intake, with recognizable confidential details."""
    return {
        "date_received": timezone.localdate(),
        "source_type": "citizen",
        "source_name": SOURCE_NAME,
        "source_contact": SOURCE_CONTACT,
        "category": "conduct_bias",
        "nature": "actual",
        "area": "Main Street",
        "description": CONDUCT_TEXT,
        **overrides,
    }


def recipients(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True))


def mailed_to() -> set[str]:
    return {address for message in mail.outbox for address in message.to}


# --- Each event, exactly its people ---------------------------------------------------


def test_escalation_reaches_the_supervisors_of_the_officers_unit_only(
    officer, patrol_supervisor, traffic_supervisor, cro, chief, on_commit
):
    concern = ConcernFactory(reported_by=officer)  # the officer is in Patrol
    with on_commit():
        concern_services.escalate_concern(concern=concern, by=officer, note="Beyond me.")
    assert recipients("concern_escalated") == {"t-sgt-patrol"}
    assert mailed_to() == {patrol_supervisor.email}
    message = mail.outbox[0]
    assert concern.reference in message.subject
    assert "Testville Police Department" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert f"/concerns/{concern.reference}/" in message.body


def test_escalation_reaches_every_supervisor_when_the_unit_has_none(
    traffic_supervisor, cro, on_commit
):
    lone = UserFactory(username="t-k9", unit="K-9", roles=[Role.OFFICER])
    concern = ConcernFactory(reported_by=lone)
    with on_commit():
        concern_services.escalate_concern(concern=concern, by=lone)
    assert recipients("concern_escalated") == {"t-sgt-traffic"}


def test_forwarding_reaches_the_cro_only(officer, patrol_supervisor, cro, chief, on_commit):
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    mail.outbox.clear()
    with on_commit():
        concern_services.forward_concern(concern=concern, by=patrol_supervisor)
    assert recipients("concern_forwarded") == {"t-cro"}
    assert mailed_to() == {cro.email}


def test_routing_reaches_the_commander_then_the_cro_after_two_working_days(
    officer, patrol_supervisor, cro, chief, on_commit
):
    commander = UserFactory(username="t-lt-traffic", rank="Lt.", roles=[Role.SUPERVISOR])
    unit = UnitFactory(name="Traffic Unit", commander=commander)
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    concern_services.forward_concern(concern=concern, by=patrol_supervisor)
    routing = concern_services.route_to_unit(concern=concern, by=cro, unit=unit)
    assert recipients("concern_routed") == {"t-lt-traffic"}

    # Routed on a Thursday: Friday and Monday are the two working days; Tuesday is late.
    thursday = timezone.make_aware(dt.datetime(2026, 11, 5, 10, 0))
    type(routing).objects.filter(pk=routing.pk).update(routed_at=thursday)
    reminders.sweep(now=timezone.make_aware(dt.datetime(2026, 11, 9, 17, 0)))  # Monday
    assert recipients("routing_unacknowledged") == set()
    with on_commit():
        reminders.sweep(now=timezone.make_aware(dt.datetime(2026, 11, 10, 8, 0)))  # Tuesday
    assert recipients("routing_unacknowledged") == {"t-cro"}
    reminders.sweep(now=timezone.make_aware(dt.datetime(2026, 11, 11, 8, 0)))
    assert Notification.objects.filter(kind="routing_unacknowledged").count() == 1


def test_an_acknowledged_routing_is_not_reminded(officer, patrol_supervisor, cro):
    commander = UserFactory(username="t-lt", rank="Lt.", roles=[Role.SUPERVISOR])
    unit = UnitFactory(name="Investigations", commander=commander)
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    concern_services.forward_concern(concern=concern, by=patrol_supervisor)
    routing = concern_services.route_to_unit(concern=concern, by=cro, unit=unit)
    concern_services.acknowledge_routing(routing=routing, by=commander)
    reminders.sweep(now=timezone.now() + dt.timedelta(days=7))
    assert recipients("routing_unacknowledged") == set()


def test_an_overdue_referral_reaches_the_cro_once(officer, patrol_supervisor, cro, chief):
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    concern_services.forward_concern(concern=concern, by=patrol_supervisor)
    today = timezone.localdate()
    concern_services.refer_concern(
        concern=concern,
        by=cro,
        department=DepartmentFactory(name="Public Works", response_days=10),
        referred_on=today - dt.timedelta(days=12),
    )
    reminders.sweep()
    reminders.sweep()
    assert recipients("referral_overdue") == {"t-cro"}
    assert Notification.objects.filter(kind="referral_overdue").count() == 1


def test_assignment_reaches_the_assignee_only(
    officer, other_officer, patrol_supervisor, cro, on_commit
):
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    concern_services.forward_concern(concern=concern, by=patrol_supervisor)
    mail.outbox.clear()
    with on_commit():
        concern_services.assign_concern(concern=concern, by=cro, assignee=other_officer)
    assert recipients("concern_assigned") == {"t-officer2"}
    assert mailed_to() == {other_officer.email}


def test_a_conduct_concern_reaches_the_chief_and_supervisors_at_once(
    officer, patrol_supervisor, traffic_supervisor, cro, chief, training_officer, on_commit
):
    # A digest preference does not delay it: conduct concerns always go at once.
    NotificationPreference.objects.create(
        user=chief, kind="conduct_concern", delivery=Delivery.DIGEST
    )
    with on_commit():
        concern_intake.log_concern(
            by=officer,
            data=intake(),
        )
    assert recipients("conduct_concern") == {"t-chief", "t-sgt-patrol", "t-sgt-traffic"}
    assert mailed_to() == {chief.email, patrol_supervisor.email, traffic_supervisor.email}
    assert not Notification.objects.exclude(kind="conduct_concern").exists()


def test_a_conduct_concern_from_the_public_form_reaches_them_too(patrol_supervisor, chief, cro):
    concern_intake.submit_public_concern(
        data={
            "category": "conduct_bias",
            "area": "Main Street",
            "description": CONDUCT_TEXT,
            "name": SOURCE_NAME,
        },
        client="k1",
    )
    assert recipients("conduct_concern") == {"t-chief", "t-sgt-patrol"}


def test_a_report_submitted_reaches_the_chief_and_the_decision_the_cro(
    cro, chief, supervisor, on_commit
):
    other_cro = UserFactory(username="t-cro2", rank="Sgt.", roles=[Role.CRO])
    report = report_services.generate_report(
        kind="monthly", day=timezone.localdate() - dt.timedelta(days=40), by=other_cro
    )
    with on_commit():
        report_services.submit_report(report=report, by=cro, late_reason="Training week.")
    assert recipients("approval_waiting") == {"t-chief"}
    with on_commit():
        report_services.decide_report(
            decision=Decision.RETURN, report=report, by=chief, comment="Add the forum."
        )
    # The person who submitted it hears, not the one who generated the draft.
    assert recipients("approval_decided") == {"t-cro"}
    assert "returned" in Notification.objects.get(kind="approval_decided").title


def test_a_designee_with_the_chief_role_hears_of_approvals(cro, chief):
    deputy = UserFactory(username="t-deputy", rank="Deputy Chief", roles=[Role.CHIEF])
    material = MaterialFactory(created_by=cro)
    outreach_services.submit_material(material=material, by=cro)
    assert recipients("approval_waiting") == {"t-chief", "t-deputy"}
    outreach_services.decide_material(material=material, by=deputy, decision=Decision.APPROVE)
    assert recipients("approval_decided") == {"t-cro"}


def test_programs_evaluations_and_recommendations_notify_both_ways(cro, chief):
    from programs.forms import ProgramForm
    from reports.models import Recommendation

    form = ProgramForm(
        data={
            "name": "Coffee with a Cop",
            "category": "meetings",
            "objectives": "Talk.",
            "description": "Monthly.",
            "schedule": "First Monday",
        }
    )
    assert form.is_valid(), form.errors
    program = program_services.propose_program(by=cro, form=form)
    program_services.change_status(program=program, by=chief, move="approve")
    recommendation = Recommendation.objects.create(
        kind="policy", title="Bilingual cards", text="Print them.", created_by=cro
    )
    submit_recommendation(recommendation=recommendation, by=cro)
    decide_recommendation(recommendation=recommendation, by=chief, decision=Decision.APPROVE)
    titles = list(
        Notification.objects.order_by("id").values_list("recipient__username", "kind", "title")
    )
    assert [(u, k) for u, k, _ in titles] == [
        ("t-chief", "approval_waiting"),
        ("t-cro", "approval_decided"),
        ("t-chief", "approval_waiting"),
        ("t-cro", "approval_decided"),
    ]
    assert "Coffee with a Cop" in titles[1][2] and "approved" in titles[1][2]
    assert "accepted" in titles[3][2]


def test_reports_due_in_five_days_reach_the_cro_and_overdue_also_the_chief(cro, chief, supervisor):
    # The monthly report for October is due on November 10 (the agency's default).
    october = "Oct 1, 2026 to Oct 31, 2026"
    reminders.sweep(now=timezone.make_aware(dt.datetime(2026, 11, 5, 9, 0)))
    soon = Notification.objects.filter(kind="due_soon", title__contains=october)
    assert {n.recipient.username for n in soon} == {"t-cro"}
    assert "Monthly community relations report for" in soon.get().title
    assert not Notification.objects.filter(kind="overdue", title__contains=october).exists()
    # Older periods more than 30 days overdue are not announced again and again.
    assert not Notification.objects.filter(title__contains="Aug 1, 2026").exists()
    reminders.sweep(now=timezone.make_aware(dt.datetime(2026, 11, 11, 9, 0)))
    late = Notification.objects.filter(kind="overdue", title__contains=october)
    assert {n.recipient.username for n in late} == {"t-cro", "t-chief"}
    assert "t-supervisor" not in recipients("overdue") | recipients("due_soon")


def due_dates(day: dt.date) -> int:
    """The sweep's step for reports and evaluations, run at noon on the day."""
    return report_reminders.due_dates(timezone.make_aware(dt.datetime.combine(day, dt.time(12))))


def test_an_evaluation_due_soon_reaches_the_cro(cro, chief):
    from tests.factories import ProgramFactory

    program = ProgramFactory(
        status="active", active_since=timezone.localdate() - dt.timedelta(days=170)
    )
    due = program.evaluation_due(None)
    due_dates(due - dt.timedelta(days=3))
    assert recipients("due_soon") >= {"t-cro"}
    assert Notification.objects.filter(kind="due_soon", title__contains=program.name).exists()


def test_a_survey_summary_due_reaches_the_cro_until_it_is_submitted(cro, chief):
    from surveys import services as survey_services
    from surveys.models import Survey

    today = timezone.localdate()
    survey = survey_services.create_survey(
        by=cro,
        data={
            "title": "Community survey 2026",
            "title_es": "Encuesta comunitaria 2026",
            "audience": Survey.Audience.COMMUNITY,
            "opens_on": today - dt.timedelta(days=60),
            "closes_on": today - dt.timedelta(days=27),
            "intro": "",
            "intro_es": "",
        },
    )
    survey_services.submit_survey(survey=survey, by=cro)
    survey_services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
    due_dates(today)
    note = Notification.objects.get(kind="due_soon", title__contains="Community survey 2026")
    assert note.recipient == cro and "Survey results summary" in note.title
    report = report_services.generate_survey_summary(survey=survey, by=cro)
    report_services.submit_report(report=report, by=cro)
    due_dates(today + dt.timedelta(days=10))
    assert not Notification.objects.filter(kind="overdue", title__contains="survey").exists()


def test_the_sweep_command_runs_and_reports_its_counts(cro):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("send_notifications", stdout=out)
    assert "referrals overdue: 0" in out.getvalue()
    assert "digests:" in out.getvalue()


def test_a_forwarded_training_need_reaches_the_training_officer_only(
    supervisor, cro, chief, training_officer
):
    form = TrainingNeedForm(
        data={"topic": "communication", "source": "citizen_interviews", "description": "Tone."}
    )
    assert form.is_valid()
    need = outreach_services.record_training_need(by=supervisor, form=form)
    assert not Notification.objects.exists()
    outreach_services.forward_training_need(need=need, by=cro)
    assert recipients("training_forwarded") == {"t-training"}


def test_missing_waivers_a_week_before_an_event_reach_the_cro(cro, chief, officer):
    today = timezone.localdate()
    soon = ActivityFactory(
        kind="citizens_academy",
        date=today + dt.timedelta(days=5),
        title="Citizen's Academy week 1",
        waivers_required=True,
        background_check_required=True,
    )
    Participant.objects.create(
        activity=soon, name="Ready Person", waiver_signed_on=today, background_check="cleared"
    )
    Participant.objects.create(activity=soon, name="Pending Person", background_check="pending")
    later = ActivityFactory(date=today + dt.timedelta(days=20), waivers_required=True)
    Participant.objects.create(activity=later, name="Later Person")
    reminders.sweep()
    notes = Notification.objects.filter(kind="event_not_ready")
    assert {n.recipient.username for n in notes} == {"t-cro"}
    assert "1 participant is missing" in notes.get().title
    assert "Pending Person" not in notes.get().title


# --- Preferences and digests ----------------------------------------------------------


def test_in_the_app_only_sends_no_email(officer, patrol_supervisor, on_commit):
    NotificationPreference.objects.create(
        user=patrol_supervisor, kind="concern_escalated", delivery=Delivery.APP
    )
    with on_commit():
        concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    assert recipients("concern_escalated") == {"t-sgt-patrol"}
    assert mail.outbox == []


def test_a_digest_collects_the_day_in_one_message_once(officer, patrol_supervisor, on_commit):
    NotificationPreference.objects.create(
        user=patrol_supervisor, kind="concern_escalated", delivery=Delivery.DIGEST
    )
    first, second = ConcernFactory(reported_by=officer), ConcernFactory(reported_by=officer)
    with on_commit():
        concern_services.escalate_concern(concern=first, by=officer)
        concern_services.escalate_concern(concern=second, by=officer)
    assert mail.outbox == []
    before_hour = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(6, 0)))
    reminders.send_digests(before_hour)
    assert mail.outbox == []
    at_hour = before_hour.replace(hour=8)
    with on_commit():
        assert reminders.send_digests(at_hour) == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.to == [patrol_supervisor.email]
    assert first.reference in digest.body and second.reference in digest.body
    assert "2 items" in digest.subject
    with on_commit():
        assert reminders.send_digests(at_hour.replace(hour=9)) == 0
    assert len(mail.outbox) == 1


def test_a_member_without_an_email_address_still_gets_the_notification(officer):
    silent = UserFactory(username="t-sgt-nomail", unit="Patrol", email="", roles=[Role.SUPERVISOR])
    concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    assert Notification.objects.filter(recipient=silent).exists()
    assert not OutboundEmail.objects.exists()


# --- Nothing confidential, ever ---------------------------------------------------------


def test_no_message_contains_confidential_fields(
    officer, patrol_supervisor, cro, chief, training_officer, on_commit
):
    commander = UserFactory(username="t-lt-x", rank="Lt.", roles=[Role.SUPERVISOR])
    unit = UnitFactory(name="Special Unit", commander=commander)
    with on_commit():
        conduct, _ = concern_intake.log_concern(
            by=officer,
            data=intake(area="Larkspur Avenue", suggestions=CONDUCT_TEXT),
        )
        ordinary, _ = concern_intake.log_concern(
            by=officer,
            data=intake(category="traffic", area="Elm Street"),
        )
        concern_services.add_note(concern=ordinary, by=officer, text=NOTE_TEXT)
        concern_services.escalate_concern(concern=ordinary, by=officer, note=NOTE_TEXT)
        concern_services.forward_concern(concern=ordinary, by=patrol_supervisor, note=NOTE_TEXT)
        concern_services.route_to_unit(concern=ordinary, by=cro, unit=unit, note=NOTE_TEXT)
        concern_services.assign_concern(concern=ordinary, by=cro, assignee=officer)
        concern_services.forward_concern(concern=conduct, by=patrol_supervisor, note=NOTE_TEXT)
        concern_services.assign_concern(concern=conduct, by=cro, assignee=patrol_supervisor)
        concern_services.resolve_concern(concern=conduct, by=cro, resolution=NOTE_TEXT)
        public, _ = concern_intake.submit_public_concern(
            data={
                "category": "conduct_bias",
                "area": "Larkspur Avenue",
                "description": CONDUCT_TEXT,
                "name": SOURCE_NAME,
                "email": "resident@example.org",
                "consent_to_contact": True,
            },
            client="k2",
        )
        concern_services.forward_concern(concern=public, by=patrol_supervisor, note=NOTE_TEXT)
        concern_services.resolve_concern(concern=public, by=cro, resolution=NOTE_TEXT)
    assert len(mail.outbox) >= 10
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds >= {"conduct_concern", "concern_escalated", "concern_forwarded", "concern_routed"}
    texts = [m.subject + m.body + "".join(a[0] for a in m.alternatives) for m in mail.outbox]
    texts += list(Notification.objects.values_list("title", flat=True))
    secrets = [SOURCE_NAME, SOURCE_CONTACT, CONDUCT_TEXT, NOTE_TEXT, "Larkspur", "nephew"]
    for text in texts:
        for secret in secrets:
            assert secret not in text, (secret, text[:200])
    # The resident heard twice, about their own reference only.
    resident = [m for m in mail.outbox if m.to == ["resident@example.org"]]
    assert len(resident) == 2 and all(public.reference in m.body for m in resident)
    assert all(ordinary.reference not in m.body for m in resident)


# --- Delivery -------------------------------------------------------------------------


def test_an_smtp_failure_leaves_the_action_done_and_the_message_queued(
    officer, patrol_supervisor, settings, on_commit
):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.FailingBackend"
    concern = ConcernFactory(reported_by=officer)
    with on_commit():
        concern_services.escalate_concern(concern=concern, by=officer)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ESCALATED
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.QUEUED
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    assert email.next_attempt_at > timezone.now()
    assert recipients("concern_escalated") == {"t-sgt-patrol"}

    # The server comes back; the sweep sends it when its retry time has come.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminders.retry_due(timezone.now())
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.QUEUED
    reminders.retry_due(timezone.now() + dt.timedelta(minutes=5))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.attempts == 2
    assert mailed_to() == {patrol_supervisor.email}


def test_after_every_retry_the_message_is_failed_and_shown_to_administrators(
    officer, patrol_supervisor, settings, client_for, on_commit
):
    settings.EMAIL_BACKEND = "tests.notifications.test_notifications.FailingBackend"
    with on_commit():
        concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        later += dt.timedelta(hours=3)
        reminders.retry_due(later)
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED and email.attempts == MAX_ATTEMPTS
    admin = UserFactory(username="t-admin", is_superuser=True, is_staff=True)
    page = client_for(admin).get(reverse("home"))
    assert "1 email could not be sent" in page.content.decode()
    outbox = client_for(admin).get(reverse("notifications:outbox") + "?status=failed")
    assert escape(email.subject) in outbox.content.decode()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with on_commit():
        client_for(admin).post(reverse("notifications:outbox-retry", args=[email.pk]))
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT


def test_an_action_never_fails_because_its_notification_did(
    officer, patrol_supervisor, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("notification table locked")

    monkeypatch.setattr("notifications.notify._notify", broken)
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ESCALATED
    assert not Notification.objects.exists()


def test_a_rolled_back_action_leaves_no_notification(officer, patrol_supervisor):
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    with pytest.raises(ValidationError):
        concern_services.escalate_concern(concern=concern, by=officer)
    assert Notification.objects.count() == 1


# --- Residents ------------------------------------------------------------------------


def _public(client, **extra):
    data = {
        "category": "noise",
        "area": "Oak Park",
        "summary": "Music at the park every night",
        "description": "Music every night at the park until 2 a.m.",
        "name": SOURCE_NAME,
        "email": "vecina@example.org",
        "consent_to_contact": "on",
        "phone": "",
        "suggestions": "",
        "website": "",
        "intake_token": str(uuid.uuid4()),
        **extra,
    }
    return client.post(reverse("feedback"), data, HTTP_ACCEPT_LANGUAGE="es")


def test_a_resident_hears_in_spanish_on_receipt_and_on_resolution(client, cro, on_commit):
    with on_commit():
        response = _public(client)
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.language == "es"
    (ack,) = mail.outbox
    assert ack.to == ["vecina@example.org"]
    assert concern.reference in ack.subject and concern.reference in ack.body
    assert "Recibimos" in ack.subject
    assert "Music every night" not in ack.body and SOURCE_NAME not in ack.body
    stop = re.search(r"http://\S+(/stop/\S+/)", ack.body)[1]
    assert client.get(stop).status_code == 200  # the link in the message works
    assert 'lang="es"' in ack.alternatives[0][0]
    with on_commit():
        concern_services.resolve_concern(concern=concern, by=cro, resolution=NOTE_TEXT)
    resolved = mail.outbox[1]
    assert "resuelta" in resolved.subject and NOTE_TEXT not in resolved.body


def test_no_message_without_consent(client, cro, on_commit):
    with on_commit():
        _public(client, consent_to_contact="")
    assert mail.outbox == []


def test_the_stop_link_asks_then_stops_every_further_message(client, cro, on_commit):
    with on_commit():
        _public(client)
    concern = Concern.objects.get()
    url = reverse("resident-stop", args=[stop_token(concern)])
    page = client.get(url)
    assert page.status_code == 200 and "Dejar de recibir mensajes" in page.content.decode()
    assert not ResidentOptOut.objects.exists()  # a mail scanner opening the link stops nothing
    done = client.post(url)
    assert "No le enviaremos" in done.content.decode()
    with on_commit():
        concern_services.resolve_concern(concern=concern, by=cro, resolution="Patrols added.")
    assert len(mail.outbox) == 1  # only the acknowledgment, sent before
    assert client.get(reverse("resident-stop", args=["forged-token"])).status_code == 404


# --- Pages ----------------------------------------------------------------------------


@pytest.fixture
def escalated(officer, patrol_supervisor):
    concern = ConcernFactory(reported_by=officer)
    concern_services.escalate_concern(concern=concern, by=officer)
    return concern


def test_the_unread_count_the_menu_and_opening_a_notification(
    client_for, escalated, patrol_supervisor
):
    client = client_for(patrol_supervisor)
    home = client.get(reverse("home")).content.decode()
    assert 'id="notif-count">1<' in home
    menu = client.get(reverse("notifications:menu")).content.decode()
    assert escalated.reference in menu
    note = Notification.objects.get()
    response = client.get(reverse("notifications:open", args=[note.pk]))
    assert response.status_code == 302 and response.url == escalated.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    assert 'id="notif-count"' not in client.get(reverse("home")).content.decode()


def test_another_persons_notification_is_not_found(client_for, escalated, cro):
    note = Notification.objects.get()
    client = client_for(cro)
    assert client.get(reverse("notifications:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[note.pk])).status_code == 404
    assert escalated.reference not in client.get(reverse("notifications:list")).content.decode()


def test_mark_one_and_all_read(client_for, officer, patrol_supervisor):
    for _ in range(3):
        concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    client = client_for(patrol_supervisor)
    first = Notification.objects.first()
    client.post(reverse("notifications:read", args=[first.pk]), {"next": "https://evil.test/"})
    assert Notification.objects.unread().count() == 2
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302 and response.url == reverse("notifications:list")
    assert Notification.objects.unread().count() == 0
    assert client.get(reverse("notifications:read-all")).status_code == 405


@pytest.mark.parametrize(
    "url",
    ["notifications:list", "notifications:menu", "notifications:settings", "notifications:outbox"],
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(reverse(url))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_settings_offer_each_roles_kinds_and_save(client_for, patrol_supervisor):
    client = client_for(patrol_supervisor)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "A concern an officer of my unit escalated" in page
    assert "Something submitted for my approval" not in page  # the Chief's, not theirs
    response = client.post(
        reverse("notifications:settings"),
        {
            "concern_escalated": "digest",
            "concern_routed": "app",
            "concern_assigned": "immediate",
            "conduct_concern": "app",  # fixed: ignored
        },
    )
    assert response.status_code == 302
    chosen = dict(
        NotificationPreference.objects.filter(user=patrol_supervisor).values_list(
            "kind", "delivery"
        )
    )
    assert chosen == {
        "concern_escalated": "digest",
        "concern_routed": "app",
        "concern_assigned": "immediate",
    }


def test_settings_refuse_an_unknown_choice_and_keep_the_others(client_for, patrol_supervisor):
    response = client_for(patrol_supervisor).post(
        reverse("notifications:settings"),
        {"concern_escalated": "carrier-pigeon", "concern_routed": "app"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert 'value="app" name="concern_routed"' in page or (
        'name="concern_routed" value="app"' in page and "checked" in page
    )
    assert not NotificationPreference.objects.exists()


def test_the_outbox_is_for_administrators_only_even_in_debug(client_for, officer, settings):
    # Every role, in both modes: tests/notifications/test_neutral_email.py.
    settings.DEBUG = False
    assert client_for(officer).get(reverse("notifications:outbox")).status_code == 403
    settings.DEBUG = True
    assert client_for(officer).get(reverse("notifications:outbox")).status_code == 403
    admin = UserFactory(username="t-admin2", is_superuser=True, is_staff=True)
    settings.DEBUG = False
    assert client_for(admin).get(reverse("notifications:outbox")).status_code == 200
    assert (
        client_for(officer).post(reverse("notifications:outbox-retry", args=[1])).status_code == 403
    )


def test_the_list_query_count_does_not_grow(
    client_for, officer, patrol_supervisor, django_assert_max_num_queries
):
    client = client_for(patrol_supervisor)
    concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("notifications:list"))
    for _ in range(25):
        concern_services.escalate_concern(concern=ConcernFactory(reported_by=officer), by=officer)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.get(reverse("notifications:list"))
    assert page.content.decode().count("notif-unread") >= 26
