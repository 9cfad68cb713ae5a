"""The survey results page reads on any screen: each answer's share as a bar with its words
as text (no chart shrunk to unreadable labels), a rating's scale saying what 1 and 5 mean,
and plain words where general-order citations stood."""

import re

import pytest
from django.urls import reverse

from tests.surveys.test_services import _required, open_survey, respond

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(cro, chief):
    survey = open_survey(cro, chief)
    for rating in ("1", "2", "4", "4", "5", "5"):
        respond(survey, _required(survey) | {"std-overall": [int(rating)]})
    return survey


def test_rating_bars_say_what_1_and_5_mean(client_for, cro, survey):
    html = client_for(cro).get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "1 = very poor, 5 = excellent" in html
    first = html.split('class="answer-bars"', 1)[1].split("</ul>", 1)[0]
    labels = re.findall(r'<span class="answer-label">(.*?)</span><svg', first)
    assert labels[0].startswith("1 ") and "(very poor)" in labels[0]
    assert labels[-1].startswith("5 ") and "(excellent)" in labels[-1]
    # The shares are text beside bars drawn from zero on a 0-100 % scale.
    assert re.findall(r'<span class="answer-count">([^<]*)</span>', first)[-1] == "33% (2)"
    assert 'width="33%"' in first
    # No chart drawn at a fixed width that a phone shrinks to 6 px labels.
    assert 'font-size="11"' not in html and 'width="520"' not in html


def test_survey_pages_speak_plain_words(client_for, cro, survey):
    client = client_for(cro)
    listing = client.get(reverse("surveys:list")).content.decode()
    assert "outside-agency surveys: at least one of each a year." in listing
    # The citation only as the small "Why" under the words, never in them.
    assert '<span class="form-text d-block">Why: General Order 002 §300.5</span>' in listing
    assert "(General Order" not in listing
    results = client.get(reverse("surveys:results", args=[survey.pk])).content.decode()
    assert "§" not in results and "Index per dimension" in results
