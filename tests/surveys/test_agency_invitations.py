"""Outside agency heads comment on the department's personnel (001 IV.D.3): their own
questions, a single-use link emailed to each head, the open link refused, the response
recording the agency (not the person), and the means per kind of agency."""

import re
import uuid
from urllib.parse import urlparse

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from notifications.models import OutboundEmail
from surveys import channels, results, services
from surveys.instrument import AGENCIES
from surveys.models import AgencyType, Invitation, Question, Response, Survey
from tests.surveys.test_services import open_survey, survey_data

pytestmark = pytest.mark.django_db

HEAD = {
    "agency_name": "Eastside Fire Department",
    "agency_type": AgencyType.FIRE,
    "head_name": "Chief Dana Morrow",
    "head_email": "dana.morrow@example.org",
    "language": "en",
}


@pytest.fixture
def agency_survey(cro, chief):
    return open_survey(
        cro, chief, audience=Survey.Audience.AGENCIES, title="Outside agencies' survey"
    )


def invite(survey, cro, **overrides) -> Invitation:
    return channels.invite_agency(survey=survey, by=cro, **(HEAD | overrides))


def link_of(invitation: Invitation) -> str:
    """The link as the head receives it: read from the email queued for them."""
    email = OutboundEmail.objects.get(to=invitation.head_email, kind="survey_agency_invitation")
    return re.search(r"http\S+/surveys/answer/[\w-]+/\?lang=\w\w", email.body_text)[0]


def answers_for(survey, rating=4) -> dict:
    return {
        f"q{q.pk}": str(rating) if q.kind == Question.Kind.RATING else "1"
        for q in survey.questions.all()
        if q.required
    } | {"token": str(uuid.uuid4())}


def answer(survey, invitation, ratings: dict[str, int]):
    """Store an agency's response through the service, ratings by question code."""
    by_code = {q.code: q for q in survey.questions.all()}
    values = {
        q.pk: [ratings.get(code, 3)] if q.kind == Question.Kind.RATING else [1]
        for code, q in by_code.items()
        if q.required
    }
    return services.submit_response(
        survey=survey,
        answers=values,
        channel=Response.Channel.WEB,
        language="en",
        token=uuid.uuid4(),
        invitation=invitation,
    )


def test_agency_survey_asks_about_personnel_not_the_neighborhood_in_both_languages(cro):
    survey = services.create_survey(by=cro, data=survey_data(audience=Survey.Audience.AGENCIES))
    questions = list(survey.questions.all())
    assert [q.code for q in questions] == [spec["code"] for spec in AGENCIES]
    assert not any(q.code.startswith("std-") for q in questions)
    assert all(q.text_es for q in questions)
    codes = {q.code for q in questions if q.kind == Question.Kind.RATING}
    assert {
        "agency-cooperation",
        "agency-responsiveness",
        "agency-professionalism",
        "agency-communication",
        "agency-overall",
    } <= codes
    # The community's survey is unchanged.
    community = services.create_survey(by=cro, data=survey_data())
    assert community.questions.filter(code="std-safety").exists()


def test_cro_invites_a_head_and_the_link_goes_out_by_email(client_for, cro, agency_survey):
    client = client_for(cro)
    response = client.post(reverse("surveys:agency-invite", args=[agency_survey.pk]), HEAD)
    assert response.status_code == 302
    invitation = agency_survey.invitations.get()
    assert (invitation.agency_name, invitation.agency_type, invitation.head_name) == (
        "Eastside Fire Department",
        "fire",
        "Chief Dana Morrow",
    )
    assert invitation.sent_at is not None and not invitation.used
    email = OutboundEmail.objects.get(kind="survey_agency_invitation")
    assert email.to == "dana.morrow@example.org"
    assert "Eastside Fire Department" in email.body_text
    token = re.search(r"/surveys/answer/([\w-]+)/", email.body_text)[1]
    # Only the link's hash is kept.
    assert invitation.code_hash == channels.link_hash(token) != token
    page = client.get(agency_survey.get_absolute_url())
    assert "Eastside Fire Department" in page.text and "dana.morrow@example.org" in page.text


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "chief", "training_officer", "outsider"]
)
def test_only_the_cro_invites_agency_heads(client_for, personas, persona, agency_survey):
    client = client_for(personas[persona])
    response = client.post(reverse("surveys:agency-invite", args=[agency_survey.pk]), HEAD)
    assert response.status_code == 403
    assert not Invitation.objects.exists()
    assert not OutboundEmail.objects.filter(kind="survey_agency_invitation").exists()


def test_invite_needs_sign_in_and_a_post(client, client_for, cro, agency_survey):
    url = reverse("surveys:agency-invite", args=[agency_survey.pk])
    assert client.post(url, HEAD).status_code == 302  # to the login page
    assert not Invitation.objects.exists()
    assert client_for(cro).get(url).status_code == 405


def test_invite_bad_input_says_so(client_for, cro, agency_survey):
    client = client_for(cro)
    url = reverse("surveys:agency-invite", args=[agency_survey.pk])
    response = client.post(url, HEAD | {"head_email": "not an address"})
    assert response.status_code == 400 and "Enter a valid email address." in response.text
    response = client.post(url, HEAD | {"agency_type": "church"})
    assert response.status_code == 400 and "Select a valid choice." in response.text
    assert client.post(url, HEAD).status_code == 302
    again = client.post(url, HEAD | {"head_email": "DANA.MORROW@example.org"})
    assert again.status_code == 400 and "already been invited" in again.text
    assert agency_survey.invitations.count() == 1


def test_invitations_only_for_agency_surveys(cro, chief):
    community = open_survey(cro, chief)
    with pytest.raises(ValidationError, match="outside agencies"):
        invite(community, cro)


def test_open_link_refuses_an_agency_survey_001_IV_D_3(client, cro, agency_survey):
    page = client.get(agency_survey.public_url())
    assert page.status_code == 403
    assert "receives a personal link by email" in page.text
    posted = client.post(agency_survey.public_url(), answers_for(agency_survey))
    assert posted.status_code == 403
    assert not Response.objects.exists()
    # Nor may anything else store an agency response without an invitation.
    with pytest.raises(ValidationError, match="link sent to them"):
        services.submit_response(
            survey=agency_survey,
            answers={},
            channel=Response.Channel.WEB,
            language="en",
            token=uuid.uuid4(),
        )


def test_agency_link_works_once_and_records_the_agency_not_the_person(client, cro, agency_survey):
    invitation = invite(agency_survey, cro)
    link = link_of(invitation)
    form = client.get(link)
    assert form.status_code == 200
    assert "You answer for Eastside Fire Department" in form.text
    assert form["Referrer-Policy"] == "same-origin"
    path = urlparse(link).path
    sent = client.post(path, answers_for(agency_survey) | {"lang": "en"})
    assert sent.status_code == 302
    stored = Response.objects.get()
    assert (stored.channel, stored.agency_name, stored.agency_type) == (
        "agency",
        "Eastside Fire Department",
        "fire",
    )
    invitation.refresh_from_db()
    assert invitation.used
    # Nothing of the head is stored with the response.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM surveys_response")
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "Morrow" not in row and "dana" not in row.lower()
    # The link works once.
    again = client.post(path, answers_for(agency_survey) | {"lang": "en"})
    assert again.status_code == 410 and "already been used" in again.text
    assert client.get(link).status_code == 410
    assert Response.objects.count() == 1


def test_a_used_link_is_refused_by_the_service_too(cro, agency_survey):
    invitation = invite(agency_survey, cro)
    # As loaded by a second request (a double click) before the first one stored its answer.
    stale = Invitation.objects.get(pk=invitation.pk)
    answer(agency_survey, invitation, {})
    assert not stale.used
    with pytest.raises(ValidationError, match="already been used"):
        answer(agency_survey, stale, {})
    assert agency_survey.responses.count() == 1


def test_unknown_link_and_other_surveys_invitation(client, cro, chief, agency_survey):
    assert client.get(reverse("surveys:agency-answer", args=["nothing-here"])).status_code == 404
    other = open_survey(cro, chief, audience=Survey.Audience.AGENCIES, title="Another")
    invitation = invite(other, cro)
    with pytest.raises(ValidationError, match="link sent to them"):
        answer(agency_survey, invitation, {})


def test_paper_entry_refused_for_an_agency_survey(client_for, cro, agency_survey):
    response = client_for(cro).get(reverse("surveys:paper", args=[agency_survey.pk]))
    assert response.status_code == 400
    assert "answer only through the links sent to their heads" in response.text


def _sql_means(survey_id):
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT r.agency_type, a.question_id, AVG(a.value)::float, COUNT(*)
            FROM surveys_answer a
            JOIN surveys_response r ON r.id = a.response_id
            JOIN surveys_question q ON q.id = a.question_id
            WHERE r.survey_id = %s AND q.kind = 'rating' AND a.value IS NOT NULL
            GROUP BY r.agency_type, a.question_id
            """,
            [survey_id],
        )
        return {(t, qid): (mean, n) for t, qid, mean, n in cursor.fetchall()}


def test_means_per_agency_type_match_plain_sql_and_small_counts_say_fewer_than_3(
    client_for, cro, agency_survey, django_assert_num_queries
):
    schools = [("Lincoln Elementary", 5), ("Westgate Middle", 4), ("Riverside High", 2)]
    for n, (name, rating) in enumerate(schools):
        invitation = invite(
            agency_survey,
            cro,
            agency_name=name,
            agency_type=AgencyType.SCHOOL,
            head_email=f"school{n}@example.org",
        )
        answer(agency_survey, invitation, {"agency-overall": rating, "agency-cooperation": 3})
    for n, rating in enumerate([1, 2]):
        invitation = invite(
            agency_survey,
            cro,
            agency_name=f"Sheriff {n}",
            agency_type=AgencyType.LAW,
            head_email=f"law{n}@example.org",
        )
        answer(agency_survey, invitation, {"agency-overall": rating})
    answer(agency_survey, invite(agency_survey, cro), {"agency-overall": 5})  # the fire dept.

    with django_assert_num_queries(3):
        table = results.agency_type_means(agency_survey)
    expected = _sql_means(agency_survey.pk)
    assert [row["type"] for row in table["rows"]] == ["fire", "school", "law"]
    for row in table["rows"]:
        for question, cell in zip(table["questions"], row["means"], strict=True):
            mean, n = expected[(row["type"], question["id"])]
            assert cell["n"] == n
            assert cell["mean"] == (round(mean, 2) if n >= 3 else None)
    school = next(row for row in table["rows"] if row["type"] == "school")
    overall = [q["id"] for q in table["questions"]].index(
        agency_survey.questions.get(code="agency-overall").pk
    )
    assert school["means"][overall]["mean"] == round((5 + 4 + 2) / 3, 2) == 3.67
    assert school["responses"] == 3

    page = client_for(cro).get(reverse("surveys:results", args=[agency_survey.pk]))
    assert page.status_code == 200
    assert "Ratings by kind of agency" in page.text
    assert "3.67" in page.text and "fewer than 3" in page.text
    assert "Other law enforcement" in page.text
    download = client_for(cro).get(reverse("surveys:results-csv", args=[agency_survey.pk]))
    text = b"".join(download.streaming_content).decode()
    assert "Riverside High,school" in text and "dana.morrow" not in text


def test_agency_table_only_on_agency_surveys(cro, chief):
    data = results.compile_results(open_survey(cro, chief))
    assert data["by_agency_type"] is None
