import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.decisions import Decision
from programs import services
from programs.forms import EvaluationForm, ProgramForm, last_half_year
from programs.models import Program, ProgramEvaluation, add_months
from tests.factories import ActivityFactory, ProgramFactory

pytestmark = pytest.mark.django_db
P = Program.Status
E = ProgramEvaluation.Status


def evaluation_form(start, end, **overrides):
    data = {
        "period_start": start.isoformat(),
        "period_end": end.isoformat(),
        "rating": 4,
        "criteria": "Attendance and comments.",
        "outcomes": "Good turnout.",
        "recommendation": "continue",
        "alterations": "",
    }
    data.update(overrides)
    form = EvaluationForm(data=data)
    assert form.is_valid(), form.errors
    return form


def active_program(cro, chief, **kwargs):
    program = ProgramFactory(proposed_by=cro, **kwargs)
    services.change_status(program=program, by=chief, move="approve")
    return services.change_status(program=program, by=cro, move="activate")


# --- Status ---


def test_propose_program(cro, officer):
    form = ProgramForm(data={"name": "PAL", "category": "youth", "objectives": "Sports."})
    assert form.is_valid()
    with pytest.raises(PermissionDenied):
        services.propose_program(by=officer, form=form)
    program = services.propose_program(by=cro, form=form)
    assert program.status == P.PROPOSED and program.proposed_by == cro


def test_every_status_change(cro, chief):
    program = ProgramFactory(proposed_by=cro)
    with pytest.raises(PermissionDenied):
        services.change_status(program=program, by=cro, move="approve")
    with pytest.raises(ValidationError, match="proposed cannot be activated"):
        services.change_status(program=program, by=cro, move="activate")
    program = services.change_status(program=program, by=chief, move="approve")
    assert program.status == P.APPROVED and program.approved_by == chief
    program = services.change_status(program=program, by=cro, move="activate")
    assert program.status == P.ACTIVE and program.active_since == timezone.localdate()
    program = services.change_status(program=program, by=cro, move="suspend")
    assert program.status == P.SUSPENDED
    program = services.change_status(program=program, by=cro, move="activate")
    assert program.status == P.ACTIVE
    with pytest.raises(PermissionDenied):
        services.change_status(program=program, by=cro, move="discontinue")
    program = services.change_status(program=program, by=chief, move="discontinue")
    assert program.status == P.DISCONTINUED
    with pytest.raises(ValidationError, match="discontinued cannot be activated"):
        services.change_status(program=program, by=cro, move="activate")


def test_available_moves(cro, chief, officer):
    program = ProgramFactory(proposed_by=cro)
    assert services.available_moves(chief, program) == ["approve", "discontinue"]
    assert services.available_moves(cro, program) == []
    assert services.available_moves(officer, program) == []


# --- Evaluation ---


def test_resources_equal_the_sums_of_the_sessions(cro, chief):
    program = active_program(cro, chief)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
    ActivityFactory(
        program=program,
        date=dt.date(2026, 1, 1),
        attendance=30,
        staff_hours=Decimal("2.5"),
        materials_cost=Decimal("40.00"),
    )
    ActivityFactory(
        program=program,
        date=dt.date(2026, 6, 30),
        attendance=12,
        staff_hours=Decimal("1.25"),
        materials_cost=Decimal("10.50"),
    )
    ActivityFactory(
        program=program, date=dt.date(2026, 7, 1), attendance=99, staff_hours=9, materials_cost=99
    )  # outside
    ActivityFactory(program=None, date=dt.date(2026, 3, 1), attendance=99)  # another program's
    evaluation = services.start_evaluation(
        program=program, by=cro, form=evaluation_form(start, end)
    )
    assert (evaluation.sessions, evaluation.attendance) == (2, 42)
    assert evaluation.staff_hours == Decimal("3.75")
    assert evaluation.materials_cost == Decimal("50.50")
    assert evaluation.cost_per_attendee == Decimal("1.20")


def test_evaluation_flow_with_return_and_resubmission(cro, chief):
    program = active_program(cro, chief)
    start, end = last_half_year(timezone.localdate())
    evaluation = services.start_evaluation(
        program=program, by=cro, form=evaluation_form(start, end)
    )
    assert evaluation.status == E.DRAFT
    services.submit_evaluation(evaluation=evaluation, by=cro)
    with pytest.raises(ValidationError, match="Say what should change"):
        services.decide_evaluation(evaluation=evaluation, by=chief, decision=Decision.RETURN)
    with pytest.raises(PermissionDenied):
        services.decide_evaluation(evaluation=evaluation, by=cro, decision=Decision.APPROVE)
    services.decide_evaluation(
        evaluation=evaluation, by=chief, decision=Decision.RETURN, comment="Add survey results."
    )
    evaluation.refresh_from_db()
    assert evaluation.status == E.RETURNED
    # The CRO revises; a session logged meanwhile is counted on resubmission.
    ActivityFactory(program=program, date=start, attendance=25)
    form = EvaluationForm(
        data={
            **evaluation_form(start, end).data,
            "outcomes": "Good turnout; survey: 90% satisfied.",
        },
        instance=evaluation,
    )
    assert form.is_valid()
    services.revise_evaluation(evaluation=evaluation, by=cro, form=form)
    services.submit_evaluation(evaluation=evaluation, by=cro)
    evaluation.refresh_from_db()
    assert evaluation.status == E.SUBMITTED and evaluation.attendance == 25
    assert evaluation.decided_by is None
    services.decide_evaluation(evaluation=evaluation, by=chief, decision=Decision.APPROVE)
    evaluation.refresh_from_db()
    assert evaluation.status == E.ACCEPTED
    with pytest.raises(ValidationError, match="Only a draft or a returned"):
        services.submit_evaluation(evaluation=evaluation, by=cro)


def test_accepting_can_change_the_program(cro, chief):
    program = active_program(cro, chief)
    start, end = last_half_year(timezone.localdate())
    evaluation = services.start_evaluation(
        program=program, by=cro, form=evaluation_form(start, end, recommendation="discontinue")
    )
    services.submit_evaluation(evaluation=evaluation, by=cro)
    with pytest.raises(ValidationError, match="stay, be suspended or be discontinued"):
        services.decide_evaluation(
            evaluation=evaluation, by=chief, decision=Decision.APPROVE, program_move="approve"
        )
    services.decide_evaluation(
        evaluation=evaluation, by=chief, decision=Decision.APPROVE, program_move="discontinue"
    )
    program.refresh_from_db()
    assert program.status == P.DISCONTINUED


def test_evaluation_period_rules(cro, chief):
    program = active_program(cro, chief)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="cannot end in the future"):
        services.start_evaluation(
            program=program, by=cro, form=evaluation_form(today, today + dt.timedelta(days=1))
        )
    start, end = last_half_year(today)
    services.start_evaluation(program=program, by=cro, form=evaluation_form(start, end))
    with pytest.raises(ValidationError, match="already has an evaluation for that period"):
        services.start_evaluation(program=program, by=cro, form=evaluation_form(start, end))
    assert not EvaluationForm(
        data={
            **evaluation_form(start, end).data,
            "period_end": (start - dt.timedelta(days=1)).isoformat(),
        }
    ).is_valid()
    assert not EvaluationForm(
        data={**evaluation_form(start, end).data, "recommendation": "changes"}
    ).is_valid()


def test_officer_cannot_evaluate(cro, chief, officer):
    program = active_program(cro, chief)
    start, end = last_half_year(timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.start_evaluation(program=program, by=officer, form=evaluation_form(start, end))


# --- The schedule around period boundaries ---


def test_add_months_keeps_to_month_ends():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 6, 30), 6) == dt.date(2026, 12, 30)
    assert add_months(dt.date(2026, 1, 15), -6) == dt.date(2025, 7, 15)


def test_last_half_year():
    assert last_half_year(dt.date(2026, 7, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert last_half_year(dt.date(2026, 6, 30)) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert last_half_year(dt.date(2027, 1, 1)) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31))


def test_due_and_overdue_around_the_boundary(cro, chief):
    program = active_program(cro, chief)
    program.active_since = dt.date(2026, 1, 15)
    program.save()
    due = dt.date(2026, 7, 15)

    def row(today):
        return next(r for r in services.evaluation_schedule(today) if r["program"] == program)

    assert row(dt.date(2026, 6, 14))["due"] == due
    assert not row(dt.date(2026, 6, 14))["due_soon"]
    assert row(dt.date(2026, 6, 15))["due_soon"]
    assert not row(due)["overdue"] and row(due)["due_soon"]
    assert row(due + dt.timedelta(days=1))["overdue"]


def test_accepted_evaluation_moves_the_due_date_others_do_not(cro, chief):
    program = active_program(cro, chief)
    program.active_since = dt.date(2025, 1, 1)
    program.save()
    today = dt.date(2026, 7, 10)
    assert [r for r in services.evaluation_schedule(today) if r["program"] == program][0]["overdue"]
    draft = ProgramEvaluation.objects.create(
        program=program,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        evaluator=cro,
        rating=4,
        criteria="c",
        outcomes="o",
        recommendation="continue",
    )
    row = [r for r in services.evaluation_schedule(today) if r["program"] == program][0]
    assert row["overdue"]  # a draft does not count
    ProgramEvaluation.objects.filter(pk=draft.pk).update(
        status=E.ACCEPTED, decided_by=chief, decided_at=timezone.now()
    )
    row = [r for r in services.evaluation_schedule(today) if r["program"] == program][0]
    assert row["due"] == dt.date(2026, 12, 30) and not row["overdue"]


def test_only_active_programs_are_scheduled(cro, chief):
    proposed = ProgramFactory(proposed_by=cro)
    assert proposed not in [r["program"] for r in services.evaluation_schedule()]


def test_programs_due_the_same_day_are_scheduled_by_name():
    """The schedule's grouped query is ordered by name itself: Django drops a model's
    ordering from a grouped query, and the ties came back in whatever order PostgreSQL
    read them."""
    today = dt.date(2026, 12, 5)
    for name in ["Walk and talk", "Coffee with a cop", "Neighborhood watch", "Bike patrol"]:
        ProgramFactory(name=name, status="active", active_since=dt.date(2026, 3, 2))
    names = [r["program"].name for r in services.evaluation_schedule(today)]
    assert names == ["Bike patrol", "Coffee with a cop", "Neighborhood watch", "Walk and talk"]
    assert [r["pk"] for r in services.evaluation_dates(today)] == [
        Program.objects.get(name=name).pk for name in names
    ]
