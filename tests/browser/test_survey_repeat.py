"""A resident answers the community survey on a phone, opens the link again and is told,
in plain words, that this browser has already answered; someone else in the household can
still answer for themselves (002 §300.5, surveys/repeat_guard.py)."""

import re

import pytest
from playwright.sync_api import expect

from surveys.models import Question
from tests.browser.conftest import serious_axe_violations
from tests.browser.test_surveys import choose, open_survey

pytestmark = pytest.mark.django_db(transaction=True)

ALREADY = "This browser has already answered this survey"


def answer_everything(page, survey):
    for q in survey.questions.filter(required=True):
        option = "4" if q.kind == Question.Kind.RATING else "Yes"
        choose(page, q.text, option)


def test_resident_answers_on_a_phone_tries_again_and_gets_the_page(
    phone_page, cro, chief, screenshot
):
    survey = open_survey(cro, chief)
    page = phone_page
    # The form is also open in a second tab, as it is when a link is tapped twice.
    second = page.context.new_page()
    second.goto(survey.public_url())
    page.goto(survey.public_url())
    trust = survey.questions.get(code="std-trust")
    trust_group = page.get_by_role("group", name=trust.text)
    # The trust question is answered on a trust scale, not "very poor ... excellent".
    expect(trust_group.get_by_text("1 = not at all, 5 = completely")).to_be_visible()
    assert "very poor" not in trust_group.inner_text()
    answer_everything(page, survey)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(rf"/s/{survey.slug}/thanks/"))
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # The resident tries again from the other tab: the answers are not taken twice.
    answer_everything(second, survey)
    second.get_by_role("button", name="Send my answers").click()
    expect(second.get_by_role("heading", name=ALREADY)).to_be_visible()
    assert survey.responses.count() == 1
    second.close()

    # And opening the link again says so before the form is filled in.
    page.goto(survey.public_url())
    expect(page.get_by_role("heading", name=ALREADY)).to_be_visible()
    assert page.get_by_role("button", name="Send my answers").count() == 0
    screenshot(page, "survey-already-answered-phone")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    assert serious_axe_violations(page) == []

    # Someone else in the household answers for themselves, on purpose.
    page.get_by_role("link", name="Someone else wants to answer").click()
    expect(
        page.get_by_text("You are answering as someone else using this browser.")
    ).to_be_visible()
    answer_everything(page, survey)
    page.get_by_role("button", name="Send my answers").click()
    page.wait_for_url(re.compile(rf"/s/{survey.slug}/thanks/"))
    assert survey.responses.count() == 2
