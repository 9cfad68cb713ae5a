"""Every staff page of programs, reports (the dashboard and the inbox included) and surveys,
for each role that may open it, passes axe with no serious or critical violation.

The records come from the same factories and services as the other browser journeys, so
each page shows its tables, charts, badges and decision forms rather than an empty state.
After axe, each page is laid out at 360 and 390 px wide: the page itself must not scroll
sideways (tests/browser/test_accessibility_sweep.py, `wider_than_a_phone`).
"""

import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone

from core.decisions import Decision
from core.roles import Role
from outreach import services as outreach_services
from programs import services as program_services
from programs.forms import EvaluationForm, last_half_year
from reports import recommendations as recommendation_services
from reports import services as report_services
from surveys import services as survey_services
from surveys.models import Question, Survey
from tests.browser.conftest import serious_axe_violations
from tests.browser.test_accessibility_sweep import wider_than_a_phone
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    ConcernFactory,
    MaterialFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _survey(cro, chief, *, title, audience=Survey.Audience.COMMUNITY, approve=True):
    today = timezone.localdate()
    survey = survey_services.create_survey(
        by=cro,
        data={
            "title": title,
            "title_es": f"{title} (ES)",
            "intro": "Twelve questions, five minutes.",
            "intro_es": "Doce preguntas, cinco minutos.",
            "audience": audience,
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
        standard=True,
    )
    if approve:
        survey_services.submit_survey(survey=survey, by=cro)
        survey = survey_services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
    return survey


def _answer(survey, times):
    answers = {q.pk: [4 if q.kind == Question.Kind.RATING else 1] for q in survey.questions.all()}
    for q in survey.questions.filter(kind=Question.Kind.TEXT):
        answers[q.pk] = "More foot patrols."
    for n in range(times):
        survey_services.submit_response(
            survey=survey,
            answers=answers,
            channel="web",
            language="es" if n % 2 else "en",
            token=uuid.uuid4(),
        )


def build_records():
    """One of everything the three apps show, in the states that bring out their forms."""
    AgencyFactory()
    cro = UserFactory(username="a11y-cro", rank="Lt.", roles=[Role.CRO])
    chief = UserFactory(username="a11y-chief", rank="Chief", roles=[Role.CHIEF])
    training = UserFactory(username="a11y-training", rank="Sgt.", roles=[Role.TRAINING_OFFICER])
    officer = UserFactory(username="a11y-officer", roles=[Role.OFFICER])
    today = timezone.localdate()

    # Concerns, one flagged for conduct, and outreach for the dashboard and the reports.
    ConcernFactory(category="conduct_bias", area="Riverside Park", reported_by=officer)
    ConcernFactory(category="traffic", area="Maple Heights", reported_by=officer)
    ConcernFactory(category="noise", area="Elm Street", reported_by=officer)

    # A program in every state worth a page: active with sessions and a submitted
    # evaluation, and a proposal waiting for the Chief.
    program = ProgramFactory(name="Police Activities League", proposed_by=cro, category="youth")
    program_services.change_status(program=program, by=chief, move="approve")
    program = program_services.change_status(program=program, by=cro, move="activate")
    start, end = last_half_year(today)
    for offset, attendance in ((10, 24), (40, 31)):
        ActivityFactory(
            program=program,
            kind="other",
            date=start + dt.timedelta(days=offset),
            attendance=attendance,
            logged_by=officer,
        )
    ActivityFactory(kind="forum", logged_by=officer)
    form = EvaluationForm(
        data={
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "rating": 4,
            "criteria": "Attendance and comments.",
            "outcomes": "55 young people took part in two sessions.",
            "recommendation": "continue",
            "alterations": "",
        }
    )
    assert form.is_valid(), form.errors
    evaluation = program_services.start_evaluation(program=program, by=cro, form=form)
    evaluation = program_services.submit_evaluation(evaluation=evaluation, by=cro)
    proposal = ProgramFactory(name="Coffee with the Chief", proposed_by=cro)

    # Surveys: one open with responses (results, paper entry, a forum sheet), one for
    # department members (invitation codes), one waiting for the Chief, one draft.
    community = _survey(cro, chief, title="Community survey")
    _answer(community, 6)
    survey_services.add_forum(survey=community, by=cro, name="Eastside forum", held_on=today)
    department = _survey(cro, chief, title="Department survey", audience=Survey.Audience.DEPARTMENT)
    waiting = _survey(cro, chief, title="Outside agencies survey", approve=False)
    survey_services.submit_survey(survey=waiting, by=cro)
    draft_survey = _survey(cro, chief, title="Draft survey", approve=False)

    # Reports of every kind; the monthly one waits for the Chief.
    reports = {
        kind: report_services.generate_report(kind=kind, day=today, by=cro)
        for kind in ("quarterly", "semi_annual", "annual", "transparency")
    }
    # Last month's, whose period has ended, can be submitted.
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    reports["monthly"] = report_services.generate_report(kind="monthly", day=last_month, by=cro)
    reports["monthly"] = report_services.submit_report(report=reports["monthly"], by=cro)
    reports["survey"] = report_services.generate_survey_summary(survey=community, by=cro)
    plan = report_services.save_plan(
        year=today.year, by=cro, objectives_text="Meet every neighborhood watch.\nHold 4 forums."
    )
    report_services.submit_plan(plan=plan, by=cro)
    recommendation = recommendation_services.save_recommendation(
        by=cro,
        data={
            "kind": "practice",
            "title": "Speed trailer at the schools",
            "text": "Rotate the speed trailer past the three schools at pick-up time.",
            "reasons": "Speeding near schools leads the traffic concerns.",
        },
    )
    recommendation = recommendation_services.submit_recommendation(
        recommendation=recommendation, by=cro
    )
    outreach_services.submit_material(
        material=MaterialFactory(name="Bike safety stickers", created_by=cro), by=cro
    )
    return {
        "cro": cro,
        "chief": chief,
        "training": training,
        "program": program,
        "proposal": proposal,
        "evaluation": evaluation,
        "community": community,
        "department": department,
        "waiting": waiting,
        "draft_survey": draft_survey,
        "reports": reports,
        "recommendation": recommendation,
        "year": today.year,
    }


def sweep(page, paths, found, who):
    """Open each page as `who` and keep what axe finds serious or critical, and how the
    page scrolls sideways on a phone."""
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{who} {path}: {response and response.status}"
        found[f"{who} {path}"] = serious_axe_violations(page) + wider_than_a_phone(page)


def test_every_programs_reports_and_surveys_page_passes_axe(page_as):
    r = build_records()
    program, evaluation = r["program"], r["evaluation"]
    community, department = r["community"], r["department"]
    draft_survey = r["draft_survey"]
    question = draft_survey.questions.order_by("position").first()
    reports = r["reports"]
    found: dict[str, list[str]] = {}

    page = page_as(r["cro"])
    sweep(
        page,
        [
            "/",
            "/programs/",
            "/programs/new/",
            f"/programs/{program.pk}/",
            f"/programs/{program.pk}/edit/",
            f"/programs/{program.pk}/evaluate/",
            "/programs/evaluations/",
            f"/programs/evaluations/{evaluation.pk}/",
            "/reports/",
            *(f"/reports/{report.pk}/" for report in reports.values()),
            f"/reports/plan/{r['year']}/",
            "/reports/recommendations/",
            "/reports/recommendations/new/",
            f"/reports/recommendations/{r['recommendation'].pk}/",
            "/surveys/",
            "/surveys/new/",
            f"/surveys/{community.pk}/",
            f"/surveys/{community.pk}/results/",
            f"/surveys/{community.pk}/paper/",
            f"/surveys/{community.pk}/preview/",
            f"/surveys/{department.pk}/",
            f"/surveys/{draft_survey.pk}/",
            f"/surveys/{draft_survey.pk}/edit/",
            f"/surveys/{draft_survey.pk}/questions/new/",
            f"/surveys/{draft_survey.pk}/questions/{question.pk}/",
        ],
        found,
        "CRO",
    )
    # Invitation codes are shown once, on the page the issuing form answers with.
    page.goto(f"/surveys/{department.pk}/")
    page.get_by_label("Codes to issue").fill("3")
    page.get_by_role("button", name="Issue and print").click()
    page.wait_for_url(re.compile(rf"/surveys/{department.pk}/invitations/"))
    assert page.get_by_role("heading", name="3 invitation codes").is_visible()
    found["CRO invitation codes"] = serious_axe_violations(page) + wider_than_a_phone(page)

    page = page_as(r["chief"])
    sweep(
        page,
        [
            "/",
            "/inbox/",
            "/programs/",
            f"/programs/{r['proposal'].pk}/",
            f"/programs/{program.pk}/",
            "/programs/evaluations/",
            f"/programs/evaluations/{evaluation.pk}/",
            "/reports/",
            f"/reports/{reports['monthly'].pk}/",
            f"/reports/plan/{r['year']}/",
            "/reports/recommendations/",
            f"/reports/recommendations/{r['recommendation'].pk}/",
            "/surveys/",
            f"/surveys/{r['waiting'].pk}/",
            f"/surveys/{community.pk}/",
            f"/surveys/{community.pk}/results/",
        ],
        found,
        "Chief",
    )

    page = page_as(r["training"])
    sweep(page, ["/programs/", f"/programs/{program.pk}/"], found, "Training officer")

    failures = [f"{where}: {'; '.join(v)}" for where, v in found.items() if v]
    assert failures == [], "\n".join(failures)
