import datetime as dt
import re
import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.decisions import Decision
from reports.models import Report
from surveys import services
from surveys.models import Answer, Question, Response, Survey
from tests.browser.conftest import serious_axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

OWN_QUESTION = "Have you met an officer at a community event this year?"
OWN_QUESTION_ES = "¿Ha conocido a un agente en un evento comunitario este año?"


def open_survey(cro, chief, title="Community survey"):
    """An approved community survey from the standard instrument, open since yesterday."""
    today = timezone.localdate()
    survey = services.create_survey(
        by=cro,
        data={
            "title": title,
            "title_es": "Encuesta comunitaria",
            "intro": "Twelve questions, five minutes.",
            "intro_es": "Doce preguntas, cinco minutos.",
            "audience": Survey.Audience.COMMUNITY,
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
        standard=True,
    )
    services.submit_survey(survey=survey, by=cro)
    return services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)


def standard(survey, code):
    return survey.questions.get(code=code)


def choose(page, question_text, option):
    """Pick an answer the way a respondent does: press the option's button under the question."""
    page.get_by_role("group", name=question_text).get_by_text(option, exact=True).click()


def test_cro_builds_survey_from_standard_instrument_and_chief_approves(
    page_as, cro, chief, screenshot
):
    today = timezone.localdate()

    # The CRO starts a survey from the standard instrument, through the menu.
    page = page_as(cro)
    page.get_by_role("button", name="Outreach").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Surveys").click()
    page.wait_for_url("**/surveys/")
    assert page.get_by_text("No surveys yet.").is_visible()
    page.get_by_role("link", name="New survey").click()
    page.get_by_label("Title*", exact=True).fill("Community survey 2026")
    page.get_by_label("Title (Spanish)").fill("Encuesta comunitaria 2026")
    page.get_by_label("Audience").select_option(label="Community members")
    page.get_by_label("Opens on").fill((today - dt.timedelta(days=2)).isoformat())
    page.get_by_label("Closes on").fill((today + dt.timedelta(days=45)).isoformat())
    assert page.get_by_label("Start from the standard instrument").is_checked()
    screenshot(page, "survey-new")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Create the survey").click()
    page.wait_for_url(re.compile(r"/surveys/\d+/$"))
    assert page.get_by_text("Survey created. Review the questions, then send it").is_visible()
    survey = Survey.objects.get()
    survey_url = page.url
    standard_count = survey.questions.count()
    assert standard_count == 12
    assert page.get_by_text(f"Questions ({standard_count})").is_visible()

    # It adds a yes/no question of its own, in both languages.
    page.get_by_role("link", name="Add a question").click()
    page.get_by_label("Kind").select_option(label="Yes or no")
    page.get_by_label("Dimension").select_option(label="Level of community trust")
    page.get_by_label("Question (English)").fill(OWN_QUESTION)
    page.get_by_label("Question (Spanish)").fill(OWN_QUESTION_ES)
    assert page.get_by_label("Required").is_checked()
    screenshot(page, "survey-question-new")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(survey_url)
    assert page.get_by_text("Question saved.").is_visible()
    own = survey.questions.get(text=OWN_QUESTION)
    assert (own.position, own.kind, own.code) == (standard_count + 1, "yes_no", "")

    # It moves the question up once: it swaps places with the last standard question.
    last_standard = survey.questions.get(position=standard_count)
    page.get_by_role("button", name=f"Move question {standard_count + 1} up").click()
    expect(page.get_by_text("Question moved up.")).to_be_visible()
    own.refresh_from_db()
    last_standard.refresh_from_db()
    assert (own.position, last_standard.position) == (standard_count, standard_count + 1)
    items = page.locator("#h-q + ol > li")
    assert OWN_QUESTION in items.nth(standard_count - 1).inner_text()
    assert last_standard.text in items.nth(standard_count).inner_text()
    screenshot(page, "survey-draft")
    assert serious_axe_violations(page) == []

    # The preview shows the public form, in Spanish too, and cannot be sent.
    page.get_by_role("link", name="Preview").click()
    page.wait_for_url("**/preview/**")
    page.get_by_text("Preview: this is what respondents see.").wait_for()
    assert page.get_by_role("group", name=OWN_QUESTION).is_visible()
    assert page.get_by_role("button", name="Send my answers").is_disabled()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Encuesta comunitaria 2026")).to_be_visible()
    assert page.get_by_role("group", name=OWN_QUESTION_ES).is_visible()
    screenshot(page, "survey-preview-es")

    # The CRO sends it to the Chief.
    page.goto(survey_url)
    page.get_by_role("button", name="Send to the Chief for approval").click()
    expect(page.get_by_text("Sent to the Chief for approval.")).to_be_visible()
    assert page.get_by_text("Waiting for the Chief's approval since").is_visible()
    assert page.get_by_role("link", name="Add a question").count() == 0
    survey.refresh_from_db()
    assert survey.status == Survey.Status.SUBMITTED

    # The Chief reads it and approves the questions.
    page = page_as(chief)
    page.goto(survey_url)
    assert page.get_by_text(OWN_QUESTION).is_visible()
    screenshot(page, "survey-chief-decision")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Approve the questions").click()
    expect(page.get_by_text("Approved: the survey opens on its opening date.")).to_be_visible()
    assert page.get_by_text("Open now").is_visible()
    survey.refresh_from_db()
    assert survey.status == Survey.Status.APPROVED
    assert survey.decided_by == chief
    assert page.get_by_text(f"approved by {chief.display_name}").is_visible()


def test_resident_answers_in_spanish_on_a_phone(phone_page, cro, chief, screenshot):
    survey = open_survey(cro, chief)
    q = {code: standard(survey, code) for code in survey.questions.values_list("code", flat=True)}
    page = phone_page

    page.goto(f"/s/{survey.slug}/")
    assert page.get_by_role("heading", name="Community survey").is_visible()
    page.get_by_role("link", name="Español").click()
    expect(page.get_by_role("heading", name="Encuesta comunitaria")).to_be_visible()
    assert page.get_by_text("Doce preguntas, cinco minutos.").is_visible()

    # Every required answer but the one about safety, a choice of concerns and a comment.
    for code, option in (
        ("std-overall", "4"),
        ("std-competence", "4"),
        ("std-competence-response", "3"),
        ("std-attitude-respect", "5"),
        ("std-attitude-fair", "Sí"),
        ("std-trust", "4"),
        ("std-trust-report", "No"),
    ):
        choose(page, q[code].text_es, option)
    choose(page, q["std-safety-concerns"].text_es, "Drogas")
    choose(page, q["std-safety-concerns"].text_es, "Ruido")
    page.get_by_label(q["std-recommend"].text_es).fill("Más patrullas a pie en el parque.")
    page.get_by_role("button", name="Enviar mis respuestas").click()

    # The missing answer is pointed out in Spanish; the other answers are kept.
    assert (
        page.get_by_role("alert")
        .get_by_text("Una respuesta necesita su atención: vea el mensaje debajo de la pregunta.")
        .is_visible()
    )
    safety = page.get_by_role("group", name=q["std-safety"].text_es)
    assert safety.get_by_text("Por favor, conteste esta pregunta.").is_visible()
    assert page.get_by_text("Por favor, conteste esta pregunta.").count() == 1
    assert page.locator(f"#id_q{q['std-overall'].pk}_4").is_checked()
    assert page.locator(f"#id_q{q['std-attitude-fair'].pk}_1").is_checked()
    assert page.locator(f"#id_q{q['std-safety-concerns'].pk}_4").is_checked()
    assert page.locator(f"#id_q{q['std-safety-concerns'].pk}_5").is_checked()
    recommend = page.get_by_label(q["std-recommend"].text_es)
    assert recommend.input_value() == "Más patrullas a pie en el parque."
    assert not Response.objects.exists()
    screenshot(page, "survey-public-error-es-phone")
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth"), (
        "the form scrolls sideways at phone width"
    )
    assert serious_axe_violations(page) == []

    # The resident answers it and sends the form.
    choose(page, q["std-safety"].text_es, "2")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    page.wait_for_url(re.compile(rf"/s/{survey.slug}/thanks/"))
    assert page.get_by_role("heading", name="Gracias").is_visible()
    assert page.get_by_text('Recibimos sus respuestas a "Encuesta comunitaria".').is_visible()
    screenshot(page, "survey-public-thanks-es-phone")
    assert serious_axe_violations(page) == []
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

    response = Response.objects.get()
    assert (response.survey, response.channel, response.language) == (survey, "web", "es")
    stored = {}
    for answer in Answer.objects.filter(response=response):
        stored.setdefault(answer.question.code, []).append(answer.value or answer.text)
    assert stored == {
        "std-overall": [4],
        "std-competence": [4],
        "std-competence-response": [3],
        "std-attitude-respect": [5],
        "std-attitude-fair": [1],
        "std-trust": [4],
        "std-trust-report": [2],
        "std-safety": [2],
        "std-safety-concerns": [4, 5],
        "std-recommend": ["Más patrullas a pie en el parque."],
    }


def test_staff_enter_a_paper_form_by_keyboard(page_as, cro, chief, screenshot):
    survey = open_survey(cro, chief)
    questions = list(survey.questions.all())
    page = page_as(cro)
    page.goto(survey.get_absolute_url())
    page.get_by_role("link", name="Enter paper forms").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/surveys/{survey.pk}/paper/"))
    assert page.get_by_role("heading", name="Enter paper forms").is_visible()

    # The first answer has the focus: type each answer and Tab to the next, Enter saves.
    first = f"id_q{questions[0].pk}"
    assert page.evaluate("document.activeElement.id") == first
    typed = {
        "std-overall": "4",
        "std-competence": "3",
        "std-competence-response": "5",
        "std-attitude-respect": "4",
        "std-attitude-fair": "y",
        "std-trust": "2",
        "std-trust-report": "n",
        "std-safety": "3",
        "std-safety-concerns": "1 5",
        "std-safety-other": "",
        "std-recommend": "Answer the phone faster.",
        "std-heard": "1",
    }
    assert [question.code for question in questions] == list(typed)
    for index, question in enumerate(questions):
        if typed[question.code]:
            page.keyboard.type(typed[question.code])
        if index < len(questions) - 1:
            page.keyboard.press("Tab")
    screenshot(page, "survey-paper-typed")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.get_by_text("Paper form saved (1 entered so far). Enter the next one.").is_visible()
    # The next form starts empty, with the first answer focused again.
    assert page.evaluate("document.activeElement.id") == first
    assert page.locator(f"#{first}").input_value() == ""
    screenshot(page, "survey-paper-saved")
    assert serious_axe_violations(page) == []

    response = Response.objects.get()
    assert (response.channel, response.language) == ("paper", "en")
    stored = {}
    for answer in Answer.objects.filter(response=response):
        stored.setdefault(answer.question.code, []).append(answer.value or answer.text)
    assert stored == {
        "std-overall": [4],
        "std-competence": [3],
        "std-competence-response": [5],
        "std-attitude-respect": [4],
        "std-attitude-fair": [1],
        "std-trust": [2],
        "std-trust-report": [2],
        "std-safety": [3],
        "std-safety-concerns": [1, 5],
        "std-recommend": ["Answer the phone faster."],
        "std-heard": [1],
    }


def test_cro_writes_the_summary_and_renders_a_draft_pdf(page_as, cro, chief, screenshot):
    survey = open_survey(cro, chief)
    overall = standard(survey, "std-overall")
    fair = standard(survey, "std-attitude-fair")
    recommend = standard(survey, "std-recommend")
    required = [q for q in survey.questions.all() if q.required]
    for n, rating in enumerate([5, 4, 4, 3, 4, 2]):
        answers = {q.pk: [rating if q.kind == Question.Kind.RATING else 1] for q in required}
        answers[fair.pk] = [1 if n % 2 == 0 else 2]
        answers[recommend.pk] = f"Comment number {n + 1}."
        services.submit_response(
            survey=survey,
            answers=answers,
            channel="web",
            language="es" if n < 2 else "en",
            token=uuid.uuid4(),
        )

    # The survey page counts the responses; the results show the indexes.
    page = page_as(cro)
    page.goto(survey.get_absolute_url())
    assert page.get_by_text("6 responses").is_visible()
    assert page.get_by_text("Responses have come in: the questions are fixed").is_visible()
    screenshot(page, "survey-detail-with-responses")
    assert serious_axe_violations(page) == []
    page.get_by_role("link", name="Results").click()
    page.wait_for_url(re.compile(rf"/surveys/{survey.pk}/results/"))
    assert page.get_by_role("heading", name="Results: Community survey").is_visible()
    assert page.get_by_text("6 responses ·").is_visible()
    card = page.get_by_role("region", name=f"1. {overall.text}")
    # Ratings 5, 4, 4, 3, 4, 2: a mean of 3.67.
    assert "mean 3.67 of 5" in card.inner_text()
    assert page.get_by_text("Comment number 6.").is_visible()
    screenshot(page, "survey-results")
    assert serious_axe_violations(page) == []

    # The CRO writes the summary for the Chief.
    page.goto(survey.get_absolute_url())
    page.get_by_role("button", name="Write the summary").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    assert page.get_by_text("Summary draft version 1 created: write the narrative.").is_visible()
    assert page.get_by_role("heading", name="Community survey: results summary").is_visible()
    page.get_by_label("Written summary of the compiled results").fill(
        "Six residents answered; trust is steady."
    )
    page.get_by_label("Recommended actions for the Chief").fill("Answer the phone faster.")
    page.get_by_role("button", name="Save narratives").click()
    expect(page.get_by_text("The narratives were saved.")).to_be_visible()
    report = Report.objects.get()
    assert (report.kind, report.survey, report.status) == ("survey", survey, "draft")
    assert report.narratives["summary"] == "Six residents answered; trust is steady."
    assert report.narratives["recommendations"] == "Answer the phone faster."
    assert page.get_by_text("Six residents answered; trust is steady.").first.is_visible()

    # A draft PDF is rendered and linked.
    page.get_by_role("button", name="Render a draft PDF").click()
    page.get_by_role("link", name="Open the PDF").wait_for()
    screenshot(page, "survey-summary-draft")
    assert serious_axe_violations(page) == []
    report.refresh_from_db()
    assert report.pdf and not report.pdf_sha256
    with report.pdf.open("rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.goto(survey.get_absolute_url())
    assert page.get_by_role("link", name="Version 1").is_visible()
    assert page.get_by_role("button", name="Start a new version").is_visible()


def answer_five_times(survey):
    """Five web responses, enough for the results to show figures."""
    answers = {q.pk: [4 if q.kind == Question.Kind.RATING else 1] for q in survey.questions.all()}
    for q in survey.questions.filter(kind=Question.Kind.TEXT):
        answers[q.pk] = "More foot patrols."
    for _ in range(5):
        services.submit_response(
            survey=survey, answers=answers, channel="web", language="en", token=uuid.uuid4()
        )


def test_survey_pages_meet_colour_contrast(page_as, phone_page, cro, chief):
    survey = open_survey(cro, chief)
    answer_five_times(survey)
    found = {}

    phone_page.goto(f"/s/{survey.slug}/?lang=es")
    phone_page.get_by_role("button", name="Enviar mis respuestas").click()
    phone_page.get_by_text("Por favor, conteste esta pregunta.").first.wait_for()
    found["public form with errors"] = serious_axe_violations(phone_page)

    page = page_as(cro)
    page.goto(survey.get_absolute_url())
    found["survey page"] = serious_axe_violations(page)
    page.goto(f"/surveys/{survey.pk}/results/")
    found["results"] = serious_axe_violations(page)

    assert {where: v for where, v in found.items() if v} == {}
