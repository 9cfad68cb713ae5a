"""Journey: the CRO invites an outside agency's head on the survey page, and the head
answers through the single-use link their email carries (001 IV.D.3)."""

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from core.decisions import Decision
from notifications.models import OutboundEmail
from surveys import services
from surveys.models import Invitation, Question, Response, Survey
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def choose(page, question_text, option):
    page.get_by_role("group", name=question_text).get_by_text(option, exact=True).click()


def test_cro_invites_an_agency_head_who_answers_through_the_link(
    page_as, page, cro, chief, screenshot
):
    today = timezone.localdate()
    survey = services.create_survey(
        by=cro,
        data={
            "title": "Outside agencies' survey",
            "title_es": "Encuesta a otras agencias",
            "intro": "You work closely with our officers.",
            "intro_es": "Usted trabaja de cerca con nuestros agentes.",
            "audience": Survey.Audience.AGENCIES,
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
    )
    services.submit_survey(survey=survey, by=cro)
    services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)

    # The CRO adds the fire chief on the survey page; the link goes out by email.
    staff = page_as(cro)
    staff.goto(survey.get_absolute_url())
    assert staff.get_by_text("No agency heads invited yet.").is_visible()
    staff.get_by_label("Agency", exact=True).fill("Eastside Fire Department")
    staff.get_by_label("Kind of agency").select_option(label="Fire department")
    staff.get_by_label("Name of the agency head").fill("Chief Dana Morrow")
    staff.get_by_label("Their email").fill("dana.morrow@example.org")
    staff.get_by_role("button", name="Invite and send the link").click()
    assert staff.get_by_text("Invitation sent by email to dana.morrow@example.org.").is_visible()
    row = staff.get_by_role("row", name=re.compile("Eastside Fire Department"))
    assert row.get_by_text("not yet").is_visible()
    screenshot(staff, "agency-survey-invited")
    assert serious_axe_violations(staff) == []

    email = OutboundEmail.objects.get(kind="survey_agency_invitation")
    assert email.to == "dana.morrow@example.org"
    link = re.search(r"http\S+/surveys/answer/\S+", email.body_text)[0]

    # The open link refuses the survey; the head's link shows the form.
    page.goto(survey.public_url())
    assert page.get_by_text("receives a personal link by email").is_visible()
    target = urlparse(link)
    page.goto(f"{target.path}?{target.query}")
    assert page.get_by_text("You answer for Eastside Fire Department").is_visible()
    for q in survey.questions.filter(required=True):
        choose(page, q.text, "4" if q.kind == Question.Kind.RATING else "Yes")
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(rf"/s/{survey.slug}/thanks/"))
    screenshot(page, "agency-survey-answered")

    response = Response.objects.get()
    assert (response.channel, response.agency_name, response.agency_type) == (
        "agency",
        "Eastside Fire Department",
        "fire",
    )
    assert Invitation.objects.get().used

    # The link works once; the CRO sees the agency has answered.
    page.goto(f"{target.path}?{target.query}")
    assert page.get_by_text("This invitation link has already been used").is_visible()
    staff.reload()
    assert (
        staff.get_by_role("row", name=re.compile("Eastside Fire Department"))
        .get_by_text("yes", exact=True)
        .is_visible()
    )
