"""Each standard rating question is answered on a scale that fits it (002 §300.5: "How much
do you trust..." is not answered "very poor ... excellent"): surveys/scales.py, on the
public form and on the results page."""

import re

import pytest
from django.urls import reverse

from surveys import scales
from surveys.instrument import STANDARD
from surveys.models import Question, Survey
from tests.surveys.test_services import _required, open_survey, respond

pytestmark = pytest.mark.django_db

# Written out here, not read from surveys.scales, so a changed word fails a test.
EXPECTED = {
    "std-overall": "1 = very poor, 5 = excellent",
    "std-competence": "1 = not at all, 5 = extremely",
    "std-competence-response": "1 = very poor, 5 = excellent",
    "std-attitude-respect": "1 = not at all, 5 = extremely",
    "std-trust": "1 = not at all, 5 = completely",
    "std-safety": "1 = very unsafe, 5 = very safe",
}


def legends(html: str) -> dict[int, str]:
    """{question id: the scale's words above its answers} on the public form."""
    return {int(pk): text for pk, text in re.findall(r'id="scale_q(\d+)">([^<]*)</p>', html)}


def test_every_standard_rating_question_names_a_known_scale():
    ratings = [s for s in STANDARD if s["kind"] == Question.Kind.RATING]
    assert {s["code"] for s in ratings} == set(EXPECTED)
    for spec in ratings:
        assert spec.get("scale") in scales.SCALES, spec["code"]


@pytest.mark.parametrize("audience", [Survey.Audience.COMMUNITY, Survey.Audience.DEPARTMENT])
def test_public_form_shows_each_standard_question_its_own_scale(client, cro, chief, audience):
    survey = open_survey(cro, chief, audience=audience)
    shown = legends(client.get(survey.public_url()).text)
    by_code = {q.code: q.pk for q in survey.questions.filter(kind=Question.Kind.RATING)}
    assert {code: shown[pk] for code, pk in by_code.items()} == EXPECTED


def test_trust_question_never_says_very_poor(client, client_for, cro, chief):
    survey = open_survey(cro, chief)
    trust = survey.questions.get(code="std-trust")
    form = client.get(survey.public_url()).text
    assert legends(form)[trust.pk] == "1 = not at all, 5 = completely"
    for _ in range(5):
        respond(survey, _required(survey))
    page = client_for(cro).get(reverse("surveys:results", args=[survey.pk])).text
    card = re.search(rf'id="h-q{trust.pk}".*?</section>', page, re.S).group(0)
    assert "1 = not at all, 5 = completely" in card
    assert "(not at all)" in card and "(completely)" in card
    assert "very poor" not in card and "excellent" not in card
    # The overall question keeps its performance words on the same page.
    overall = survey.questions.get(code="std-overall")
    card = re.search(rf'id="h-q{overall.pk}".*?</section>', page, re.S).group(0)
    assert "(very poor)" in card and "(excellent)" in card


def test_a_surveys_own_rating_question_keeps_the_performance_scale(cro):
    own = Question(kind=Question.Kind.RATING, code="", dimension="trust", text="How good?")
    assert scales.scale_name(own) == "performance"


def test_a_stored_scale_wins_over_the_code():
    row = {"kind": "rating", "code": "std-trust", "scale": "frequency"}
    assert scales.scale_for(row).name == "frequency"
    assert scales.scale_for({"code": "std-trust"}).name == "trust"
    assert scales.scale_for({"code": "std-trust", "scale": "nonsense"}).name == "trust"


def test_every_scale_speaks_spanish_through_the_catalogue():
    """The words are marked for translation (the lead adds the Spanish): each is a lazy
    string, never a plain English one."""
    for scale in scales.SCALES.values():
        for words in (scale.legend, scale.low, scale.high, scale.low_note, scale.high_note):
            assert not isinstance(words, str), (scale.name, words)


def test_a_question_keeps_the_scale_it_was_asked_on(client_for, cro, chief):
    """The standard questions store their scale when the survey is made; a question asked
    before scales existed (stored "performance", as migration 0003 sets) keeps "very poor
    ... excellent" in its results, though its code's scale is now another."""
    survey = open_survey(cro, chief)
    stored = dict(survey.questions.exclude(scale="").values_list("code", "scale"))
    assert stored == {
        code: spec["scale"] for code in EXPECTED for spec in STANDARD if spec["code"] == code
    }
    trust = survey.questions.get(code="std-trust")
    Question.objects.filter(pk=trust.pk).update(scale="performance")
    for _ in range(5):
        respond(survey, _required(survey))
    page = client_for(cro).get(reverse("surveys:results", args=[survey.pk])).text
    card = re.search(rf'id="h-q{trust.pk}".*?</section>', page, re.S).group(0)
    assert "1 = very poor, 5 = excellent" in card and "not at all" not in card


def test_the_dashboard_names_each_ratings_own_scale(cro, chief):
    from desk.dashboard_surveys import ratings

    survey = open_survey(cro, chief)
    for _ in range(5):
        respond(survey, _required(survey))
    shown = {row["text"]: row for row in ratings(survey)}
    trust = survey.questions.get(code="std-trust")
    overall = survey.questions.get(code="std-overall")
    assert shown[trust.text]["scale"] == ["not at all", "completely"]
    assert shown[trust.text]["legend"] == "1 = not at all, 5 = completely"
    assert shown[overall.text]["scale"] == ["very poor", "excellent"]
