import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from concerns import intake, services, steps
from concerns.models import Concern, ConcernUpdate, Referral
from tests.factories import ConcernFactory, DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db
S = Concern.Status
K = ConcernUpdate.Kind

INTAKE = {
    "date_received": dt.date(2026, 3, 4),
    "source_type": "watch_group",
    "source_name": "Elm Street Watch",
    "source_contact": "watch@example.org",
    "category": "street_lighting",
    "nature": "actual",
    "area": "Elm Street",
    "description": "Three lights out along the path.",
    "suggestions": "Ask Public Works.",
    "priority": "normal",
}


def kinds(concern):
    return list(concern.updates.values_list("kind", flat=True))


# --- Intake ---


def test_log_concern_records_reporter_and_dsn_as_at_intake(officer):
    concern, created = intake.log_concern(by=officer, data=INTAKE)
    assert created
    assert concern.reference == "CR-2026-0001"
    assert concern.reporter_dsn == officer.dsn
    assert concern.reporter_name == officer.display_name
    officer.dsn = "7777"
    officer.save()
    concern.refresh_from_db()
    assert concern.reporter_dsn != "7777"
    assert kinds(concern) == [K.RECEIVED]


def test_references_count_per_year(officer):
    first, _ = intake.log_concern(by=officer, data=INTAKE)
    second, _ = intake.log_concern(by=officer, data=INTAKE)
    other_year, _ = intake.log_concern(
        by=officer, data={**INTAKE, "date_received": dt.date(2025, 12, 31)}
    )
    assert (first.reference, second.reference) == ("CR-2026-0001", "CR-2026-0002")
    assert other_year.reference == "CR-2025-0001"


def test_log_concern_rejects_future_date(officer):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        intake.log_concern(by=officer, data={**INTAKE, "date_received": tomorrow})
    assert not Concern.objects.exists()


def test_log_concern_same_token_twice_creates_one(officer):
    token = "5b1f6d9c-6a55-4c38-8d7e-2b0f0c4f1f11"
    first, created = intake.log_concern(by=officer, data=INTAKE, intake_token=token)
    again, created_again = intake.log_concern(by=officer, data=INTAKE, intake_token=token)
    assert created and not created_again
    assert first.pk == again.pk
    assert Concern.objects.count() == 1


def test_log_concern_needs_a_role(outsider):
    with pytest.raises(PermissionDenied):
        intake.log_concern(by=outsider, data=INTAKE)


def test_conduct_concern_goes_straight_to_supervisors(officer):
    concern, _ = intake.log_concern(by=officer, data={**INTAKE, "category": "conduct_bias"})
    assert concern.status == S.ESCALATED
    assert kinds(concern) == [K.RECEIVED, K.ESCALATED]


# --- Officer steps ---


def test_escalate_moves_received_to_escalated(concern, officer):
    services.escalate_concern(concern=concern, by=officer, note="Beyond me.")
    concern.refresh_from_db()
    assert concern.status == S.ESCALATED
    assert kinds(concern)[-1] == K.ESCALATED


def test_escalate_refused_to_another_officer(concern, other_officer):
    with pytest.raises(PermissionDenied):
        services.escalate_concern(concern=concern, by=other_officer)


def test_escalate_rejects_resolved_concern(concern, officer):
    services.resolve_as_officer(concern=concern, by=officer, resolution="Fixed on the spot.")
    with pytest.raises(ValidationError, match="just been received"):
        services.escalate_concern(concern=concern, by=officer)


def test_escalate_twice_is_refused_not_repeated(concern, officer):
    services.escalate_concern(concern=concern, by=officer)
    with pytest.raises(ValidationError):
        services.escalate_concern(concern=concern, by=officer)
    assert kinds(concern).count(K.ESCALATED) == 1


def test_resolve_as_officer_needs_a_resolution(concern, officer):
    with pytest.raises(ValidationError, match="Write a few words"):
        services.resolve_as_officer(concern=concern, by=officer, resolution="   ")
    services.resolve_as_officer(concern=concern, by=officer, resolution="Talked to the driver.")
    concern.refresh_from_db()
    assert concern.status == S.RESOLVED
    assert concern.resolved_at is not None


# --- Supervisor ---


def test_forward_moves_escalated_to_forwarded(forwarded):
    forwarded.refresh_from_db()
    assert forwarded.status == S.FORWARDED
    assert kinds(forwarded) == [K.ESCALATED, K.FORWARDED]


def test_forward_refused_to_officer(concern, officer):
    services.escalate_concern(concern=concern, by=officer)
    with pytest.raises(PermissionDenied):
        services.forward_concern(concern=concern, by=officer)


def test_forward_rejects_concern_not_escalated(concern, supervisor):
    with pytest.raises(ValidationError, match="escalated to a supervisor"):
        services.forward_concern(concern=concern, by=supervisor)


def test_supervisor_may_resolve_escalated(concern, officer, supervisor):
    services.escalate_concern(concern=concern, by=officer)
    services.resolve_concern(concern=concern, by=supervisor, resolution="Spoke with the neighbor.")
    concern.refresh_from_db()
    assert concern.status == S.RESOLVED


# --- CRO ---


def test_recommend_sets_action_recommended(forwarded, cro):
    services.recommend_action(concern=forwarded, by=cro, text="Directed patrol at 3 pm.")
    forwarded.refresh_from_db()
    assert forwarded.status == S.ACTION_RECOMMENDED


def test_recommend_refused_to_supervisor(forwarded, supervisor):
    with pytest.raises(PermissionDenied):
        services.recommend_action(concern=forwarded, by=supervisor, text="x")


def test_recommend_rejects_concern_still_with_supervisor(concern, officer, cro):
    services.escalate_concern(concern=concern, by=officer)
    with pytest.raises(ValidationError, match="must be forwarded first"):
        services.recommend_action(concern=concern, by=cro, text="x")


def test_refer_and_record_response(forwarded, cro, public_works):
    today = timezone.localdate()
    referral = services.refer_concern(
        concern=forwarded, by=cro, department=public_works, referred_on=today, note="Fix lights."
    )
    forwarded.refresh_from_db()
    assert forwarded.status == S.REFERRED
    assert referral.due_on == today + dt.timedelta(days=10)
    assert Concern.objects.awaiting_response().filter(pk=forwarded.pk).exists()
    services.record_referral_response(
        referral=referral, by=cro, response="Crew fixed the lights.", responded_on=today
    )
    forwarded.refresh_from_db()
    assert forwarded.status == S.IN_PROGRESS
    assert not Concern.objects.awaiting_response().filter(pk=forwarded.pk).exists()
    assert kinds(forwarded)[-2:] == [K.REFERRED, K.RESPONSE]


def test_refer_rejects_future_date_and_inactive_department(forwarded, cro, public_works):
    with pytest.raises(ValidationError, match="future"):
        services.refer_concern(
            concern=forwarded,
            by=cro,
            department=public_works,
            referred_on=timezone.localdate() + dt.timedelta(days=2),
        )
    closed = DepartmentFactory(name="Closed Office", is_active=False)
    with pytest.raises(ValidationError, match="no longer on the referral list"):
        services.refer_concern(
            concern=forwarded, by=cro, department=closed, referred_on=timezone.localdate()
        )
    assert not Referral.objects.exists()


def test_response_rules(forwarded, cro, public_works):
    today = timezone.localdate()
    referral = services.refer_concern(
        concern=forwarded, by=cro, department=public_works, referred_on=today
    )
    with pytest.raises(ValidationError, match="before the referral"):
        services.record_referral_response(
            referral=referral, by=cro, response="x", responded_on=today - dt.timedelta(days=1)
        )
    services.record_referral_response(
        referral=referral, by=cro, response="Done.", responded_on=today
    )
    with pytest.raises(ValidationError, match="already been recorded"):
        services.record_referral_response(
            referral=referral, by=cro, response="Again.", responded_on=today
        )


def test_response_refused_to_officer(forwarded, cro, officer, public_works):
    referral = services.refer_concern(
        concern=forwarded, by=cro, department=public_works, referred_on=timezone.localdate()
    )
    with pytest.raises(PermissionDenied):
        services.record_referral_response(
            referral=referral, by=officer, response="x", responded_on=timezone.localdate()
        )


def test_overdue_referral_is_found(forwarded, cro, public_works):
    long_ago = timezone.localdate() - dt.timedelta(days=30)
    services.refer_concern(concern=forwarded, by=cro, department=public_works, referred_on=long_ago)
    assert Concern.objects.referral_overdue(timezone.localdate()).filter(pk=forwarded.pk).exists()


def test_route_and_acknowledge(forwarded, cro, supervisor, patrol, officer):
    routing = services.route_to_unit(concern=forwarded, by=cro, unit=patrol, note="Please patrol.")
    forwarded.refresh_from_db()
    assert forwarded.status == S.IN_PROGRESS
    assert Concern.objects.needs_action_by(supervisor).filter(pk=forwarded.pk).exists()
    with pytest.raises(PermissionDenied):
        services.acknowledge_routing(routing=routing, by=officer)
    services.acknowledge_routing(routing=routing, by=supervisor)
    routing.refresh_from_db()
    assert routing.acknowledged_by == supervisor
    with pytest.raises(ValidationError, match="already been acknowledged"):
        services.acknowledge_routing(routing=routing, by=supervisor)


def test_route_rejects_inactive_unit(forwarded, cro):
    closed = UnitFactory(name="Disbanded", is_active=False)
    with pytest.raises(ValidationError, match="no longer active"):
        services.route_to_unit(concern=forwarded, by=cro, unit=closed)


def test_progress_resolve_reopen(forwarded, cro):
    services.record_progress(concern=forwarded, by=cro, text="Two extra patrols this week.")
    forwarded.refresh_from_db()
    assert forwarded.status == S.IN_PROGRESS
    services.resolve_concern(concern=forwarded, by=cro, resolution="Speeding has stopped.")
    forwarded.refresh_from_db()
    assert forwarded.status == S.RESOLVED
    with pytest.raises(ValidationError, match="already resolved"):
        services.record_progress(concern=forwarded, by=cro, text="More.")
    services.reopen_concern(concern=forwarded, by=cro, reason="It started again.")
    forwarded.refresh_from_db()
    assert forwarded.status == S.REOPENED
    assert forwarded.resolved_at is None


def test_reopen_rejects_open_concern_and_officer(forwarded, cro, officer):
    with pytest.raises(ValidationError, match="Only a resolved concern"):
        services.reopen_concern(concern=forwarded, by=cro, reason="x")
    services.resolve_concern(concern=forwarded, by=cro, resolution="Done.")
    with pytest.raises(PermissionDenied):
        services.reopen_concern(concern=forwarded, by=officer, reason="x")


def test_assign_lets_the_assignee_work_it(forwarded, cro, other_officer):
    services.assign_concern(concern=forwarded, by=cro, assignee=other_officer)
    forwarded.refresh_from_db()
    assert forwarded.assignee == other_officer
    services.record_progress(concern=forwarded, by=other_officer, text="Met the neighbors.")
    with pytest.raises(ValidationError, match="already assigned"):
        services.assign_concern(concern=forwarded, by=cro, assignee=other_officer)


def test_assign_refuses_member_without_role(forwarded, cro, outsider):
    with pytest.raises(ValidationError, match="holds a role"):
        services.assign_concern(concern=forwarded, by=cro, assignee=outsider)


def test_add_note_only_for_those_who_see_it(concern, officer, other_officer):
    services.add_note(concern=concern, by=officer, text="Called back; no answer.")
    with pytest.raises(PermissionDenied):
        services.add_note(concern=concern, by=other_officer, text="Not mine.")
    with pytest.raises(ValidationError):
        services.add_note(concern=concern, by=officer, text="")


def test_training_officer_cannot_work_concerns(forwarded, training_officer):
    with pytest.raises(PermissionDenied):
        services.resolve_concern(concern=forwarded, by=training_officer, resolution="x")


def test_available_actions_follow_role_and_status(concern, officer, supervisor, cro, chief):
    assert steps.available(officer, concern) == [
        "escalate",
        "resolve-as-officer",
        "note",
    ]
    services.escalate_concern(concern=concern, by=officer)
    concern.refresh_from_db()
    assert steps.available(officer, concern) == ["note"]
    assert set(steps.available(supervisor, concern)) == {"forward", "resolve", "note"}
    assert "recommend" not in steps.available(cro, concern)
    services.forward_concern(concern=concern, by=supervisor)
    concern.refresh_from_db()
    assert {"recommend", "route", "refer", "assign", "resolve"} <= set(
        steps.available(cro, concern)
    )
    assert "recommend" in steps.available(chief, concern)


# --- Public form ---

PUBLIC = {"category": "noise", "area": "Oak Hollow", "description": "Loud music every night."}


def test_public_concern_enters_queue_as_web_form(cro):
    concern, created = intake.submit_public_concern(data=PUBLIC, client="abc")
    assert created
    assert concern.source_type == Concern.SourceType.WEB_FORM
    assert concern.reported_by is None
    assert Concern.objects.needs_action_by(cro).filter(pk=concern.pk).exists()


def test_public_form_rate_limit_per_client():
    for _ in range(3):
        intake.submit_public_concern(data=PUBLIC, client="client-a", limit=3)
    with pytest.raises(ValidationError, match="several messages"):
        intake.submit_public_concern(data=PUBLIC, client="client-a", limit=3)
    # Another client is not held back.
    intake.submit_public_concern(data=PUBLIC, client="client-b", limit=3)
    assert Concern.objects.count() == 4


def test_public_consent_needs_a_way_to_reach():
    concern, _ = intake.submit_public_concern(
        data={**PUBLIC, "consent_to_contact": True}, client="x"
    )
    assert concern.consent_to_contact is False


def test_search_matches_words_stems_and_reference(db):
    found = ConcernFactory(description="Streetlight flicker near the library")
    ConcernFactory(description="Loud music on weekends")
    assert list(Concern.objects.search("streetlights")) == [found]
    assert list(Concern.objects.search(found.reference.lower())) == [found]
    assert not Concern.objects.search("parking").exists()
