"""The community relations officer's month through the browser: the concern queue, a
survey, a program evaluation and the quarterly report. Every page is checked by axe."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from concerns import services as concern_services
from concerns.models import Concern
from core.decisions import Decision
from core.roles import Role
from programs import services as program_services
from programs.forms import last_half_year
from programs.models import ProgramEvaluation
from reports.models import Report
from surveys import services as survey_services
from surveys.models import Response, Survey
from tests.browser.journeys import Journey, open_step
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    ConcernFactory,
    DepartmentFactory,
    ProgramFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

# What a resident marked on the paper form, by kind of question.
PAPER_ANSWERS = {
    "rating": "4",
    "yes_no": "y",
    "single": "1",
    "multiple": "1 3",
    "text": "Answer the phone faster.",
}


def last_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    """The most recent completed calendar quarter."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    end = dt.date(today.year, first_month, 1) - dt.timedelta(days=1)
    start = dt.date(end.year, end.month - 2, 1)
    return start, end


@pytest.fixture
def desk(db):
    """The people and the earlier work of others the CRO's month starts from."""
    today = timezone.localdate()
    AgencyFactory()
    people = {
        "cro": UserFactory(
            username="jc-cro",
            first_name="Priya",
            last_name="Natarajan",
            rank="Lt.",
            unit="Community Relations Unit",
            roles=[Role.CRO],
        ),
        "chief": UserFactory(username="jc-chief", rank="Chief", roles=[Role.CHIEF]),
        "officer": UserFactory(username="jc-officer", unit="Patrol", roles=[Role.OFFICER]),
        "supervisor": UserFactory(
            username="jc-supervisor", rank="Sgt.", unit="Patrol", roles=[Role.SUPERVISOR]
        ),
    }
    officer, supervisor, cro, chief = (
        people["officer"],
        people["supervisor"],
        people["cro"],
        people["chief"],
    )
    DepartmentFactory(name="Public Works", response_days=10)

    # An officer logged it, escalated it; the supervisor forwarded it to the CRO.
    lights = ConcernFactory(
        reported_by=officer,
        category="street_lighting",
        area="Willow Creek trail",
        description="Three lights out along the trail since May.",
        source_type="watch_group",
        source_name="Willow Creek Watch",
    )
    concern_services.escalate_concern(concern=lights, by=officer, note="Public Works.")
    concern_services.forward_concern(concern=lights, by=supervisor, note="For the city.")
    people["concern"] = lights

    # Last quarter's work, for the quarterly report.
    q_start, _ = last_quarter(today)
    for offset, category, area in ((5, "noise", "Cedar Grove"), (40, "traffic", "Elm Street")):
        ConcernFactory(
            reported_by=officer,
            date_received=q_start + dt.timedelta(days=offset),
            category=category,
            area=area,
        )
    ActivityFactory(date=q_start + dt.timedelta(days=20), kind="forum", logged_by=officer)

    # A program the Chief approved, with two sessions officers logged in the half-year.
    program = ProgramFactory(name="Police Activities League", category="youth", proposed_by=cro)
    program_services.change_status(program=program, by=chief, move="approve")
    program_services.change_status(program=program, by=cro, move="activate")
    h_start, _ = last_half_year(today)
    for offset, attendance in ((10, 24), (40, 31)):
        ActivityFactory(
            program=program,
            kind="other",
            title=f"League night {offset}",
            date=h_start + dt.timedelta(days=offset),
            attendance=attendance,
            staff_hours=2,
            materials_cost=15,
            logged_by=officer,
        )
    people["program"] = program
    return people


def work_the_queue(j: Journey, concern: Concern, cro) -> None:
    page = j.page
    j.follow(page.get_by_role("link", name="My queue"), shot="queue")
    j.follow(page.get_by_role("link", name=concern.reference), shot="concern")
    assert page.locator(".status-badge").inner_text() == "Forwarded to CRO"

    # The CRO takes it on, refers it to Public Works, records their answer and resolves it.
    step = page.locator("#step-assign")
    open_step(step)
    # The member picker (static/js/pickers.js): type part of the name, Enter.
    step.get_by_role("combobox", name="Assign to").click()
    page.keyboard.type(cro.last_name)
    expect(page.get_by_role("listbox").get_by_role("option", selected=True)).to_have_text(
        f"{cro.display_name} ({cro.dsn})"
    )
    page.keyboard.press("Enter")
    # An answer to an earlier key, arriving after Enter has chosen, leaves the list closed
    # (static/js/pickers.js): nothing lies over the button.
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("listbox")).to_be_hidden()
    j.follow(step.get_by_role("button", name="Assign", exact=True))
    j.see("Assigned.", exact=True)

    step = page.locator("#step-refer")
    open_step(step)
    step.get_by_label("Department or agency").select_option(label="Public Works")
    step.get_by_label("What was asked of them").fill("Replace the three lights on the trail.")
    j.follow(step.get_by_role("button", name="Refer", exact=True), shot="concern-referred")
    j.see("Referred. The response is now awaited.")
    assert page.locator(".status-badge").inner_text() == "Referred"

    page.locator("summary", has_text="Record a department's response").click()
    page.get_by_label("Their response").fill("Crew replaced the three lights.")
    j.follow(page.get_by_role("button", name="Record response"))
    j.see("Public Works responded: Crew replaced the three lights.")

    step = page.locator("#step-resolve")
    open_step(step)
    step.get_by_label("How was it resolved?").fill("Lights fixed; the watch group was told.")
    j.follow(step.get_by_role("button", name="Resolve", exact=True), shot="concern-resolved")
    assert page.locator(".status-badge").inner_text() == "Resolved"


def run_a_survey(j: Journey, chief) -> Survey:
    page = j.page
    today = timezone.localdate()
    j.nav("Surveys", group="Outreach", shot="surveys")
    j.follow(page.get_by_role("link", name="New survey"), shot="survey-new")
    page.get_by_label("Title*", exact=True).fill("Community survey")
    page.get_by_label("Title (Spanish)").fill("Encuesta comunitaria")
    page.get_by_label("Audience").select_option(label="Community members")
    page.get_by_label("Opens on").fill((today - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Closes on").fill((today + dt.timedelta(days=45)).isoformat())
    assert page.get_by_label("Start from the standard instrument").is_checked()
    j.follow(page.get_by_role("button", name="Create the survey"), shot="survey-draft")
    j.see("Survey created. Review the questions, then send it to the Chief.")
    survey_url = page.url
    j.follow(page.get_by_role("button", name="Send to the Chief for approval"))
    j.see("Sent to the Chief for approval.")
    survey = Survey.objects.get()
    assert survey.status == Survey.Status.SUBMITTED

    # The Chief approved the questions from the inbox meanwhile.
    survey_services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
    j.goto(survey_url)
    j.see("Open now")

    # A forum link, with its sheet to print for the forum.
    page.get_by_label("Forum", exact=True).fill("Eastside community forum")
    page.get_by_label("Held on").fill((today + dt.timedelta(days=7)).isoformat())
    j.follow(page.get_by_role("button", name="Add a forum sheet"), shot="survey-forum")
    j.see("Forum link added: print its sheet for the forum.")
    sheet = page.get_by_role("link", name="sheet with QR code (PDF)")
    response = page.request.get(sheet.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    # A paper form returned with a water bill, typed in by keyboard.
    j.follow(page.get_by_role("link", name="Enter paper forms"), shot="survey-paper")
    questions = list(survey.questions.all())
    assert page.evaluate("document.activeElement.id") == f"id_q{questions[0].pk}"
    for index, question in enumerate(questions):
        page.keyboard.type(PAPER_ANSWERS[question.kind])
        if index < len(questions) - 1:
            page.keyboard.press("Tab")
    j.follow(lambda: page.keyboard.press("Enter"))
    j.see("Paper form saved (1 entered so far). Enter the next one.")
    return survey


def evaluate_the_program(j: Journey, program) -> None:
    page = j.page
    j.nav("Program evaluations", group="Outreach", shot="evaluation-schedule")
    j.follow(page.get_by_role("link", name=program.name))
    j.follow(page.get_by_role("link", name="Evaluate", exact=True), shot="evaluation-form")
    page.get_by_label("Effectiveness").select_option(label="4 — Very effective")
    page.get_by_label("Criteria for the rating").fill("Attendance grew; parents asked for more.")
    page.get_by_label("Outcomes, in words").fill("55 young people took part in two sessions.")
    page.get_by_label("Recommendation").select_option(label="Continue")
    j.follow(page.get_by_role("button", name="Save evaluation"))
    j.see("The evaluation was saved as a draft.")
    j.follow(page.get_by_role("button", name="Submit to the Chief"), shot="evaluation-submitted")
    j.see("Sent to the Chief.", exact=True)


def compile_the_quarterly_report(j: Journey) -> Report:
    page = j.page
    q_start, _ = last_quarter(timezone.localdate())
    j.nav("Reports", shot="reports")
    page.get_by_role("combobox", name=re.compile("^Report")).select_option(
        label="Quarterly community relations report"
    )
    page.get_by_label("Any day in the period").fill((q_start + dt.timedelta(days=45)).isoformat())
    j.follow(page.get_by_role("button", name="Generate draft"))
    assert re.search(r"/reports/\d+/$", page.url), page.url
    j.see("Draft version 1 created from the data.")
    page.get_by_label("1. Current concerns voiced by the community").fill(
        "Noise at night is the concern of the quarter."
    )
    page.get_by_label("3. Recommended actions for previously identified concerns").fill(
        "Two noise patrols a week in Cedar Grove."
    )
    j.follow(page.get_by_role("button", name="Save narratives"))
    j.see("The narratives were saved.")

    # The draft PDF, rendered in the background; the page refreshes itself until it is.
    j.follow(page.get_by_role("button", name="Render a draft PDF"))
    open_pdf = page.get_by_role("link", name="Open the PDF")
    for _ in range(10):
        if open_pdf.count():
            break
        j.follow(lambda: None)
    j.shot("report-draft")
    response = page.request.get(open_pdf.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")

    late = page.get_by_label("Why is it late?")
    if late.count():  # past its due date in the agency profile
        late.fill("Waited for the September referral answers.")
    j.follow(page.get_by_role("button", name="Submit to the Chief"), shot="report-submitted")
    j.see("Submitted to the Chief. The figures are now frozen.")
    return Report.objects.get()


def start(page, screenshot, cro) -> Journey:
    j = Journey(page, screenshot, "journey-cro")
    j.sign_in(cro)
    return j


def test_cro_works_the_queue(page, screenshot, desk):
    cro = desk["cro"]
    j = start(page, screenshot, cro)
    work_the_queue(j, desk["concern"], cro)
    j.sign_out(cro)
    j.finish()

    concern = Concern.objects.get(pk=desk["concern"].pk)
    assert (concern.status, concern.assignee) == (Concern.Status.RESOLVED, cro)
    assert list(concern.updates.values_list("kind", flat=True))[-4:] == [
        "assigned",
        "referred",
        "response",
        "resolved",
    ]


def test_cro_runs_a_survey(page, screenshot, desk):
    cro = desk["cro"]
    j = start(page, screenshot, cro)
    survey = run_a_survey(j, desk["chief"])
    j.sign_out(cro)
    j.finish()

    survey.refresh_from_db()
    assert survey.status == Survey.Status.APPROVED and survey.forums.count() == 1
    assert Response.objects.get().channel == "paper"


def test_cro_evaluates_a_program(page, screenshot, desk):
    cro = desk["cro"]
    j = start(page, screenshot, cro)
    evaluate_the_program(j, desk["program"])
    j.sign_out(cro)
    j.finish()

    evaluation = ProgramEvaluation.objects.get()
    assert evaluation.status == ProgramEvaluation.Status.SUBMITTED
    assert (evaluation.sessions, evaluation.attendance) == (2, 55)


def test_cro_compiles_the_quarterly_report(page, screenshot, desk):
    cro = desk["cro"]
    j = start(page, screenshot, cro)
    report = compile_the_quarterly_report(j)
    j.sign_out(cro)
    j.finish()

    assert (report.kind, report.status) == ("quarterly", Report.Status.SUBMITTED)
    assert report.narratives["current"] == "Noise at night is the concern of the quarter."
    assert report.pdf
