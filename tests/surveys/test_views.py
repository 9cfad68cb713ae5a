"""Survey pages for every role, the public form's bad input, exports, PDFs."""

import csv
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core.decisions import Decision
from reports.models import Report
from surveys import services
from surveys.models import Question, Response, Survey
from tests.surveys.test_services import _required, open_survey, respond, survey_data

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["surveys:list", "surveys:detail", "surveys:results", "surveys:preview"]
EXPECTED = {
    "officer": 403,
    "supervisor": 403,
    "cro": 200,
    "chief": 200,
    "training_officer": 403,
    "outsider": 403,
}


@pytest.fixture
def survey(cro, chief):
    return open_survey(cro, chief)


def fields(survey, **by_code) -> dict:
    """A POST body answering every required question, with overrides by question code."""
    data = {"token": str(uuid.uuid4()), "lang": "en"}
    for q in survey.questions.all():
        value = by_code.get(q.code.replace("-", "_"))
        if value is None and q.required:
            value = "4" if q.kind == Question.Kind.RATING else "1"
        if value is not None:
            data[f"q{q.pk}"] = value
    return data


@pytest.mark.parametrize("persona", EXPECTED)
def test_staff_pages_by_role(client_for, personas, persona, survey):
    client = client_for(personas[persona])
    for name in STAFF_PAGES:
        url = reverse(name, args=[] if name == "surveys:list" else [survey.pk])
        assert client.get(url).status_code == EXPECTED[persona], name
    assert (
        client.get(reverse("surveys:results-csv", args=[survey.pk])).status_code
        == (EXPECTED[persona])
    )


def test_anonymous_staff_pages_go_to_login_and_public_pages_do_not(client, survey):
    for url in (reverse("surveys:list"), reverse("surveys:detail", args=[survey.pk])):
        assert client.get(url).url.startswith("/accounts/login/")
    assert client.get(survey.public_url()).status_code == 200


@pytest.mark.parametrize("persona", ["officer", "supervisor", "chief", "training_officer"])
def test_building_actions_refused_to_all_but_the_cro(client_for, personas, persona, survey):
    client = client_for(personas[persona])
    question = survey.questions.first()
    posts = [
        reverse("surveys:new"),
        reverse("surveys:question-new", args=[survey.pk]),
        reverse("surveys:question-delete", args=[survey.pk, question.pk]),
        reverse("surveys:question-move", args=[survey.pk, question.pk, "down"]),
        reverse("surveys:submit", args=[survey.pk]),
        reverse("surveys:close", args=[survey.pk]),
        reverse("surveys:forum-add", args=[survey.pk]),
        reverse("surveys:invitations", args=[survey.pk]),
        reverse("surveys:paper", args=[survey.pk]),
        reverse("reports:survey-summary", args=[survey.pk]),
    ]
    for url in posts:
        assert client.post(url, {"count": 3, "name": "x"}).status_code == 403, url
    survey.refresh_from_db()
    assert survey.status == Survey.Status.APPROVED and survey.forums.count() == 0


@pytest.mark.parametrize("persona", ["officer", "supervisor", "cro", "training_officer"])
def test_only_the_chief_decides_and_records_actions(client_for, personas, persona, cro):
    survey = services.create_survey(by=cro, data=survey_data())
    services.submit_survey(survey=survey, by=cro)
    client = client_for(personas[persona])
    assert client.post(reverse("surveys:decide", args=[survey.pk, "approve"])).status_code == 403
    assert (
        client.post(reverse("surveys:action-add", args=[survey.pk]), {"text": "x"}).status_code
        == 403
    )
    survey.refresh_from_db()
    assert survey.status == Survey.Status.SUBMITTED


def test_cro_builds_and_chief_approves_through_the_pages(client_for, cro, chief):
    client = client_for(cro)
    data = survey_data()
    data.update(standard="on", opens_on=data["opens_on"].isoformat())
    data["closes_on"] = "2000-01-01"  # before the opening: refused, typing kept
    response = client.post(reverse("surveys:new"), data)
    assert response.status_code == 400
    assert "cannot be before the opening date" in response.text
    assert 'value="Encuesta comunitaria"' in response.text
    assert not Survey.objects.exists()
    data["closes_on"] = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    response = client.post(reverse("surveys:new"), data)
    survey = Survey.objects.get()
    assert response.url == survey.get_absolute_url()
    assert survey.questions.count() == 12
    response = client.post(
        reverse("surveys:question-new", args=[survey.pk]),
        {"kind": "single", "dimension": "other", "text": "Which?", "choices": "Only one"},
    )
    assert response.status_code == 400 and "at least two choices" in response.text
    assert 'value="Which?"' in response.text
    client.post(
        reverse("surveys:question-new", args=[survey.pk]),
        {
            "kind": "yes_no",
            "dimension": "trust",
            "text": "Have you met your beat officer?",
            "text_es": "¿Conoce al agente de su zona?",
            "required": "on",
        },
    )
    added = survey.questions.get(text="Have you met your beat officer?")
    assert added.position == 13 and added.code == ""
    client.post(reverse("surveys:question-move", args=[survey.pk, added.pk, "up"]))
    added.refresh_from_db()
    assert added.position == 12
    assert client.post(reverse("surveys:submit", args=[survey.pk])).status_code == 302
    chief_client = client_for(chief)
    response = chief_client.post(reverse("surveys:decide", args=[survey.pk, "return"]))
    assert response.status_code == 400 and "Say what should change" in response.text
    chief_client.post(reverse("surveys:decide", args=[survey.pk, "approve"]))
    survey.refresh_from_db()
    assert survey.status == Survey.Status.APPROVED and survey.is_open


def test_public_form_in_spanish(client, survey):
    response = client.get(survey.public_url() + "?lang=es")
    assert response.status_code == 200
    assert "Enviar mis respuestas" in response.text
    assert "¿Cuánto confía usted en el departamento de policía?" in response.text
    assert '<html lang="es">' in response.text
    assert response.cookies["django_language"].value == "es"
    # Remembered: the next visit without ?lang stays in Spanish.
    assert "Enviar mis respuestas" in client.get(survey.public_url()).text


def test_public_bad_input_says_what_and_keeps_the_other_answers(client, survey):
    trust = survey.questions.get(code="std-trust")
    overall = survey.questions.get(code="std-overall")
    comment = survey.questions.get(code="std-recommend")
    data = fields(survey, std_trust="7", std_recommend="x" * 100_000)
    data.pop(f"q{overall.pk}")
    data[f"q{survey.questions.get(code='std-safety').pk}"] = "3"
    response = client.post(survey.public_url(), data)
    assert response.status_code == 400
    assert "Please answer this question." in response.text
    assert "Choose a rating from 1 to 5." in response.text
    assert "Keep this to 4000 characters or fewer (it has 100000)." in response.text
    assert f'id="id_q{trust.pk}_7"' not in response.text
    safety = survey.questions.get(code="std-safety")
    assert f'id="id_q{safety.pk}_3" value="3" autocomplete="off" checked' in response.text
    assert f'name="q{comment.pk}"' in response.text
    assert not Response.objects.exists()
    # The same form in Spanish gives the messages in Spanish.
    data["lang"] = "es"
    response = client.post(survey.public_url(), data)
    assert "Por favor, conteste esta pregunta." in response.text
    assert "Elija una calificación del 1 al 5." in response.text


def test_public_submit_once_and_script_stays_text(client, client_for, survey, cro):
    data = fields(survey, std_recommend="<script>alert('x')</script>")
    first = client.post(survey.public_url(), data)
    again = client.post(survey.public_url(), data)
    assert first.status_code == again.status_code == 302
    assert first.url.startswith(reverse("survey-thanks", args=[survey.slug]))
    assert survey.responses.count() == 1
    response = survey.responses.get()
    assert (response.channel, response.language) == ("web", "en")
    stored = response.answers.get(question__code="std-recommend").text
    assert stored == "<script>alert('x')</script>"
    results = client_for(cro).get(reverse("surveys:results", args=[survey.pk]))
    assert "<script>alert" not in results.text
    assert "Fewer than 5 responses" in results.text  # and one response shows nothing


def test_public_forum_link_tags_the_channel(client, survey, cro):
    forum = services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    response = client.post(forum.public_url(), fields(survey))
    assert response.status_code == 302
    assert survey.responses.get().forum == forum


def test_public_closed_unknown_and_rate_limited(client, survey, cro, monkeypatch):
    assert client.get("/s/nosuchsurvey/").status_code == 404
    monkeypatch.setattr(services, "WEB_HOURLY_LIMIT", 1)
    assert client.post(survey.public_url(), fields(survey)).status_code == 302
    client.cookies.pop("crd_surveys")  # another browser behind the same connection
    limited = client.post(survey.public_url(), fields(survey))
    assert limited.status_code == 429 and "Too many answers" in limited.text
    services.close_survey(survey=survey, by=cro)
    closed = client.get(survey.public_url())
    assert closed.status_code == 410 and "not open" in closed.text
    assert survey.responses.count() == 1


def test_department_survey_asks_for_a_code(client, cro, chief):
    survey = open_survey(cro, chief, audience=Survey.Audience.DEPARTMENT)
    code = services.issue_invitations(survey=survey, by=cro, count=1)[0]
    response = client.post(survey.public_url(), fields(survey) | {"code": "NOPE"})
    assert response.status_code == 400 and "not valid" in response.text
    assert client.post(survey.public_url(), fields(survey) | {"code": code}).status_code == 302
    assert survey.responses.count() == 1


def test_paper_entry_by_keyboard_codes(client_for, survey, cro):
    client = client_for(cro)
    url = reverse("surveys:paper", args=[survey.pk])
    blank = client.get(url)
    assert blank.status_code == 200 and 'value="[]"' not in blank.text
    fair = survey.questions.get(code="std-attitude-fair")
    concerns = survey.questions.get(code="std-safety-concerns")
    data = fields(survey, std_attitude_fair="y", std_safety_concerns="2, 5 9") | {"language": "es"}
    data[f"q{survey.questions.get(code='std-overall').pk}"] = "9"
    response = client.post(url, data)
    assert response.status_code == 400 and "Choose a rating from 1 to 5." in response.text
    assert 'value="2, 5 9"' in response.text
    data[f"q{survey.questions.get(code='std-overall').pk}"] = "5"
    response = client.post(url, data)
    assert response.status_code == 302 and response.url.endswith("?language=es")
    stored = survey.responses.get()
    assert (stored.channel, stored.language) == ("paper", "es")
    assert list(stored.answers.filter(question=fair).values_list("value", flat=True)) == [1]
    assert sorted(stored.answers.filter(question=concerns).values_list("value", flat=True)) == [
        2,
        5,
        9,
    ]
    assert client.post(url, data).status_code == 302  # the same form again: still one
    assert survey.responses.count() == 1


def test_results_csv_has_answers_and_nothing_identifying(client_for, survey, cro):
    for _ in range(6):
        respond(
            survey, _required(survey) | {"std-safety-concerns": [1, 3], "std-recommend": "=1+1"}
        )
    response = client_for(cro).get(reverse("surveys:results-csv", args=[survey.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["response", "channel", "forum", "language", "date"]
    assert len(rows) == 7
    header = rows[0]
    concerns = header.index(next(h for h in header if h.startswith("Q9 ")))
    assert rows[1][concerns] == "Traffic and speeding; Violent crime"
    assert "'=1+1" in rows[1]  # no formula reaches a spreadsheet
    assert not any("user" in h.lower() or "address" in h.lower() for h in header)


def test_results_and_detail_query_counts_flat(
    client_for, survey, cro, django_assert_max_num_queries
):
    client = client_for(cro)
    for _ in range(6):
        respond(survey, _required(survey) | {"std-recommend": "More patrols"})
    counts = {}
    for name in ("surveys:results", "surveys:detail", "surveys:list"):
        url = reverse(name, args=[] if name == "surveys:list" else [survey.pk])
        with django_assert_max_num_queries(40) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured.captured_queries)
    for _ in range(30):
        respond(survey, _required(survey) | {"std-recommend": "Even more"})
    open_survey(cro, survey.decided_by, title="Another")
    for name, before in counts.items():
        url = reverse(name, args=[] if name == "surveys:list" else [survey.pk])
        with django_assert_max_num_queries(before):
            client.get(url)


def test_forum_sheet_pdf_has_the_link(client_for, survey, cro):
    forum = services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    response = client_for(cro).get(reverse("surveys:forum-sheet", args=[survey.pk, forum.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert forum.public_url() in text.replace("\n", "")
    assert "Eastside forum" in text and "Encuesta comunitaria" in text


def test_summary_report_pdf_and_annual_section(
    client_for, survey, cro, chief, django_capture_on_commit_callbacks
):
    for i in range(8):
        respond(survey, _required(survey) | {"std-trust": [5 if i % 2 else 3]})
    response = client_for(cro).post(reverse("reports:survey-summary", args=[survey.pk]))
    report = Report.objects.get(kind=Report.Kind.SURVEY)
    assert response.url == report.get_absolute_url()
    assert report.survey == survey and report.title == "Community survey: results summary"
    page = client_for(cro).get(report.get_absolute_url())
    assert "Written summary of the compiled results" in page.text
    from reports import services as report_services

    report_services.save_narratives(
        report=report, by=cro, narratives={"summary": "Trust is rising.", "other": "dropped"}
    )
    report_services.submit_report(report=report, by=cro)
    with django_capture_on_commit_callbacks(execute=True):
        report_services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
    assert "Community survey: results summary" in text
    assert "Trust is rising." in text
    # Trust: ratings 3 and 5 alternate (scores 50, 100) and every "would you report" is a
    # yes (100): (4 x 50 + 12 x 100) / 16 = 87.5, shown as 88, from 8 responses.
    assert "Level of community trust 88 8" in text
    assert f"Approved by {chief.display_name}" in text
    # The annual report gains its survey section.
    from reports.builders import build

    year = survey.closes_on.year
    section = build("annual", dt.date(year, 1, 1), dt.date(year, 12, 31))["surveys"]
    assert section[0]["title"] == "Community survey" and section[0]["responses"] == 8
    assert {"label": "Level of community trust", "this": 88, "last": None} in section[0]["indexes"]


def test_summary_refused_before_approval(client_for, cro):
    survey = services.create_survey(by=cro, data=survey_data())
    response = client_for(cro).post(reverse("reports:survey-summary", args=[survey.pk]))
    assert response.status_code == 400 and "once the Chief has approved" in response.text
    assert not Report.objects.exists()


def test_forum_and_invitation_bad_input_says_so(client_for, cro, chief):
    survey = open_survey(cro, chief, audience=Survey.Audience.DEPARTMENT)
    client = client_for(cro)
    response = client.post(reverse("surveys:invitations", args=[survey.pk]), {"count": "0"})
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.text
    response = client.post(
        reverse("surveys:forum-add", args=[survey.pk]), {"name": "", "held_on": "not a date"}
    )
    assert response.status_code == 400 and "This field is required." in response.text
    assert survey.invitations.count() == 0 and survey.forums.count() == 0
