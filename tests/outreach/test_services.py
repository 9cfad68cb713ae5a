import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.decisions import Decision
from outreach import services
from outreach.forms import OrganizationForm, ParticipantForm, RecognitionForm, TrainingNeedForm
from outreach.models import Material, OutreachActivity, Participant, TrainingNeed
from tests.factories import ActivityFactory, MaterialFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def activity_data(**overrides):
    data = {
        "kind": OutreachActivity.Kind.ORGANIZATION_MEETING,
        "date": TODAY(),
        "title": "Maple Heights watch meeting",
        "area": "Maple Heights",
        "attendance": 20,
        "staff_hours": 2,
        "materials_cost": 0,
    }
    data.update(overrides)
    return data


# --- Organizations ---


def test_only_cro_saves_organizations(cro, officer):
    form = OrganizationForm(
        data={"name": "Oak Watch", "kind": "neighborhood_watch", "is_active": "on"}
    )
    assert form.is_valid(), form.errors
    with pytest.raises(PermissionDenied):
        services.save_organization(by=officer, form=form)
    organization = services.save_organization(by=cro, form=form)
    assert organization.pk


# --- Activities ---


def test_officer_logs_activity_and_is_its_officer(officer):
    activity = services.log_activity(by=officer, data=activity_data(), officers=[])
    assert list(activity.officers.all()) == [officer]
    assert activity.logged_by == officer
    assert activity.in_services_report


def test_activity_in_the_future_is_refused(officer):
    with pytest.raises(ValidationError, match="future"):
        services.log_activity(
            by=officer, data=activity_data(date=TODAY() + dt.timedelta(days=1)), officers=[]
        )
    assert not OutreachActivity.objects.exists()


def test_member_without_role_cannot_log(outsider):
    with pytest.raises(PermissionDenied):
        services.log_activity(by=outsider, data=activity_data(), officers=[])


def test_only_its_officers_and_cro_edit_an_activity(officer, other_officer, cro):
    activity = ActivityFactory(logged_by=officer)
    with pytest.raises(PermissionDenied):
        services.update_activity(
            activity=activity, by=other_officer, data={"title": "x"}, officers=[other_officer]
        )
    services.update_activity(
        activity=activity, by=cro, data={"title": "Renamed"}, officers=[officer]
    )
    activity.refresh_from_db()
    assert activity.title == "Renamed"


def test_activity_visibility(officer, other_officer, supervisor, training_officer):
    mine = ActivityFactory(logged_by=officer)
    shared = ActivityFactory(logged_by=other_officer, officers=[other_officer, officer])
    theirs = ActivityFactory(logged_by=other_officer)
    assert set(OutreachActivity.objects.visible_to(officer)) == {mine, shared}
    assert set(OutreachActivity.objects.visible_to(supervisor)) == {mine, shared, theirs}
    assert not OutreachActivity.objects.visible_to(training_officer).exists()


# --- Participants and waivers (002 300.7) ---


def test_minor_waiver_needs_guardian(cro):
    form = ParticipantForm(
        data={
            "name": "Tim Young",
            "is_minor": "on",
            "waiver_signed_on": TODAY().isoformat(),
            "background_check": "pending",
        }
    )
    assert not form.is_valid()
    assert "parent or guardian" in str(form.errors["guardian_name"])


def test_participant_problems(cro):
    activity = ActivityFactory(
        kind="citizens_academy", waivers_required=True, background_check_required=True
    )
    ready = Participant.objects.create(
        activity=activity, name="A", waiver_signed_on=TODAY(), background_check="cleared"
    )
    missing = Participant.objects.create(activity=activity, name="B", background_check="pending")
    refused = Participant.objects.create(
        activity=activity, name="C", waiver_signed_on=TODAY(), background_check="not_cleared"
    )
    assert ready.problems() == []
    assert missing.problems() == ["no signed waiver", "criminal-history check: pending"]
    assert refused.problems() == ["criminal-history check: not cleared"]


def test_only_cro_manages_participants(officer, cro):
    activity = ActivityFactory(waivers_required=True)
    form = ParticipantForm(data={"name": "Ann", "background_check": "not_required"})
    assert form.is_valid()
    with pytest.raises(PermissionDenied):
        services.save_participant(by=officer, form=form, activity=activity)
    participant = services.save_participant(by=cro, form=form, activity=activity)
    assert participant.activity == activity


# --- Materials (000 III.9) ---


def test_material_lifecycle(cro, chief):
    material = MaterialFactory(created_by=cro)
    with pytest.raises(ValidationError, match="only after the Chief has approved"):
        services.record_distribution(material=material, by=cro, date=TODAY(), quantity=5)
    services.submit_material(material=material, by=cro)
    with pytest.raises(ValidationError, match="only after the Chief has approved"):
        services.record_distribution(material=material, by=cro, date=TODAY(), quantity=5)
    with pytest.raises(PermissionDenied):
        services.decide_material(material=material, by=cro, decision=Decision.APPROVE)
    services.decide_material(material=material, by=chief, decision=Decision.APPROVE)
    material.refresh_from_db()
    assert material.status == Material.Status.APPROVED
    assert material.decided_by == chief
    services.record_distribution(material=material, by=cro, date=TODAY(), quantity=60)
    with pytest.raises(ValidationError, match="more than is left: 40"):
        services.record_distribution(material=material, by=cro, date=TODAY(), quantity=41)
    assert material.distributed() == 60


def test_reject_needs_a_comment_and_can_be_resubmitted(cro, chief):
    material = MaterialFactory(created_by=cro)
    services.submit_material(material=material, by=cro)
    with pytest.raises(ValidationError, match="Say why"):
        services.decide_material(material=material, by=chief, decision=Decision.RETURN, comment=" ")
    services.decide_material(
        material=material, by=chief, decision=Decision.RETURN, comment="Logo too small."
    )
    material.refresh_from_db()
    assert material.status == Material.Status.REJECTED
    services.submit_material(material=material, by=cro)
    material.refresh_from_db()
    assert material.status == Material.Status.SUBMITTED
    assert material.decided_by is None


def test_submit_needs_design_and_draft(cro, chief):
    material = MaterialFactory(created_by=cro, design=None)
    with pytest.raises(ValidationError, match="Upload the design"):
        services.submit_material(material=material, by=cro)
    other = MaterialFactory(created_by=cro)
    services.submit_material(material=other, by=cro)
    with pytest.raises(ValidationError, match="draft or a rejected"):
        services.submit_material(material=other, by=cro)
    with pytest.raises(ValidationError, match="waiting for the Chief"):
        services.decide_material(material=material, by=chief, decision=Decision.APPROVE)


# --- Training needs ---


def test_training_need_flow(supervisor, cro, training_officer):
    form = TrainingNeedForm(
        data={
            "topic": "communication",
            "source": "citizen_interviews",
            "description": "Tone at stops.",
        }
    )
    assert form.is_valid()
    need = services.record_training_need(by=supervisor, form=form)
    with pytest.raises(PermissionDenied):
        services.forward_training_need(need=need, by=training_officer)
    with pytest.raises(ValidationError, match="forwarded need"):
        services.schedule_training(need=need, by=training_officer, scheduled_for=TODAY())
    services.forward_training_need(need=need, by=cro)
    with pytest.raises(PermissionDenied):
        services.schedule_training(need=need, by=cro, scheduled_for=TODAY())
    services.schedule_training(
        need=need, by=training_officer, scheduled_for=TODAY() + dt.timedelta(days=7)
    )
    with pytest.raises(ValidationError, match="future"):
        services.mark_training_delivered(
            need=need, by=training_officer, delivered_on=TODAY() + dt.timedelta(days=1)
        )
    services.mark_training_delivered(need=need, by=training_officer, delivered_on=TODAY())
    need.refresh_from_db()
    assert need.status == TrainingNeed.Status.DELIVERED


def test_officer_cannot_record_training_need(officer):
    form = TrainingNeedForm(data={"topic": "other", "source": "other", "description": "x"})
    assert form.is_valid()
    with pytest.raises(PermissionDenied):
        services.record_training_need(by=officer, form=form)


# --- Recognition and reporting ---


def test_recognition_names_one_recipient(cro, officer):
    both = RecognitionForm(
        data={"member": officer.pk, "community_member": "Rosa", "reason": "x", "date": TODAY()}
    )
    assert not both.is_valid()
    neither = RecognitionForm(data={"reason": "x", "date": TODAY()})
    assert not neither.is_valid()
    good = RecognitionForm(
        data={"community_member": "Rosa Ruiz", "reason": "Led the watch.", "date": TODAY()}
    )
    assert good.is_valid()
    with pytest.raises(PermissionDenied):
        services.recognize(by=officer, form=good)
    assert services.recognize(by=cro, form=good).recipient == "Rosa Ruiz"


def test_only_the_assigned_officer_reports_input(officer, other_officer):
    from outreach.models import ReportingAssignment

    assignment = ReportingAssignment.objects.create(
        officer=officer, duty="school_resource", since=TODAY()
    )
    with pytest.raises(PermissionDenied):
        services.submit_community_input(
            by=other_officer, assignment=assignment, data={"concerns_heard": "x"}
        )
    report = services.submit_community_input(
        by=officer, assignment=assignment, data={"concerns_heard": "Speeding"}
    )
    assert report.submitted_on == TODAY()
