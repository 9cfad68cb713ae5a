import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from programs.forms import last_half_year
from programs.models import Program, ProgramEvaluation
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_program_from_proposal_to_accepted_evaluation(page_as, screenshot):
    cro = UserFactory(username="p-cro", rank="Lt.", roles=[Role.CRO])
    chief = UserFactory(username="p-chief", rank="Chief", roles=[Role.CHIEF])
    officer = UserFactory(username="p-officer", roles=[Role.OFFICER])

    # The CRO proposes the program.
    page = page_as(cro)
    page.goto("/programs/new/")
    page.get_by_label("Name").fill("Police Activities League")
    page.get_by_label("Category").select_option(label="Youth")
    page.get_by_label("Objectives").fill("Weekly sports with officers for young people.")
    page.get_by_role("button", name="Save program").click()
    page.wait_for_url(re.compile(r"/programs/\d+/$"))
    program_url = page.url

    # The Chief approves it; the CRO activates it.
    page = page_as(chief)
    page.goto(program_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The program was approved.")).to_be_visible()
    page = page_as(cro)
    page.goto(program_url)
    page.get_by_role("button", name="Activate").click()

    # An officer logs two sessions in the last half-year.
    start, _ = last_half_year(timezone.localdate())
    page = page_as(officer)
    for day, attendance in (
        (start + dt.timedelta(days=10), "24"),
        (start + dt.timedelta(days=40), "31"),
    ):
        page.goto(program_url)
        page.get_by_role("link", name="Log a session").click()
        page.get_by_label("Date").fill(day.isoformat())
        page.get_by_label("Kind of activity").select_option(label="Other")
        page.get_by_label("Attendance").fill(attendance)
        page.get_by_label("Staff hours").fill("2")
        page.get_by_label("Materials cost").fill("15")
        page.get_by_role("button", name="Save activity").click()
        page.wait_for_url(re.compile(r"/outreach/activities/\d+/$"))

    # The CRO evaluates it: the resources come from the two sessions.
    page = page_as(cro)
    page.goto(program_url)
    page.get_by_role("link", name="Evaluate").click()
    page.get_by_label("Effectiveness").select_option(label="4 — Very effective")
    page.get_by_label("Criteria for the rating").fill("Attendance grew; parents asked for more.")
    page.get_by_label("Outcomes, in words").fill("55 young people took part in two sessions.")
    page.get_by_label("Recommendation").select_option(label="Continue")
    page.get_by_role("button", name="Save evaluation").click()
    page.wait_for_url(re.compile(r"/programs/evaluations/\d+/$"))
    page.get_by_role("button", name="Submit to the Chief").click()
    screenshot(page, "evaluation-submitted")

    # The Chief accepts it.
    page = page_as(chief)
    page.goto("/programs/evaluations/")
    page.get_by_role("link", name=re.compile("Police Activities League")).first.click()
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("The evaluation was accepted.")).to_be_visible()
    screenshot(page, "evaluation-accepted")

    program = Program.objects.get()
    evaluation = ProgramEvaluation.objects.get()
    assert program.status == "active"
    assert evaluation.status == "accepted"
    assert (evaluation.sessions, evaluation.attendance) == (2, 55)
    assert evaluation.materials_cost == 30
