"""The Chief's decision: one mechanism, one set of verbs, one constraint, for every kind."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from core.decisions import INBOX, Decision
from core.models import SubmittedToTheChief
from outreach import services as outreach_services
from outreach.models import Material
from programs.models import Program
from tests.factories import MaterialFactory, ProgramFactory

pytestmark = pytest.mark.django_db

KINDS = {"report", "material", "survey", "program", "evaluation", "plan", "recommendation"}


def test_every_kind_the_chief_decides_is_in_the_inbox():
    assert set(INBOX) == KINDS


def _decided_models():
    return [
        model
        for model in apps.get_models()
        if issubclass(model, SubmittedToTheChief) and not model._meta.abstract
    ]


def test_six_kinds_share_the_fields_and_the_database_refuses_half_a_decision(chief):
    models = _decided_models()
    assert {m._meta.label for m in models} == {
        "outreach.Material",
        "programs.ProgramEvaluation",
        "surveys.Survey",
        "reports.Report",
        "reports.Plan",
        "reports.Recommendation",
    }
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE contype = 'c' AND conname LIKE %s",
            ["%_decided_pair"],
        )
        found = {name for (name,) in cursor.fetchall()}
    assert found == {f"{m._meta.app_label}_{m._meta.model_name}_decided_pair" for m in models}
    # A decider without a moment, written past the ORM: the database itself refuses it.
    material = MaterialFactory(created_by=chief, status=Material.Status.SUBMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.filter(pk=material.pk).update(decided_by=chief, decided_at=None)


def test_a_verb_a_kind_does_not_take_is_refused_and_changes_nothing(cro, chief):
    material = MaterialFactory(created_by=cro, status=Material.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        outreach_services.decide_material(
            material=material, by=chief, decision=Decision.DECLINE, comment="No."
        )
    material.refresh_from_db()
    assert material.status == Material.Status.SUBMITTED and material.decided_at is None


def test_the_inbox_sends_a_decision_to_the_kinds_own_service(cro, chief):
    material = MaterialFactory(created_by=cro, status=Material.Status.SUBMITTED)
    INBOX["material"].decide(material.pk, by=chief, decision=Decision.APPROVE)
    material.refresh_from_db()
    assert (material.status, material.decided_by) == (Material.Status.APPROVED, chief)


def test_declining_in_the_inbox_never_discontinues_a_program_past_its_proposal(chief):
    active = ProgramFactory(status=Program.Status.ACTIVE)
    with pytest.raises(ValidationError, match="Only a proposed program"):
        INBOX["program"].decide(active.pk, by=chief, decision=Decision.DECLINE)
    active.refresh_from_db()
    assert active.status == Program.Status.ACTIVE
    proposed = ProgramFactory(status=Program.Status.PROPOSED)
    INBOX["program"].decide(proposed.pk, by=chief, decision=Decision.DECLINE)
    proposed.refresh_from_db()
    assert proposed.status == Program.Status.DISCONTINUED
