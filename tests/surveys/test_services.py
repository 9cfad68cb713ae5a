"""Surveys: building, the Chief's approval, anonymity, invitations, responses, results."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from core.decisions import Decision
from surveys import results, services
from surveys.instrument import STANDARD
from surveys.models import Answer, Dimension, Invitation, Question, Response, Survey

pytestmark = pytest.mark.django_db


def survey_data(**overrides):
    today = timezone.localdate()
    data = {
        "title": "Community survey",
        "title_es": "Encuesta comunitaria",
        "audience": Survey.Audience.COMMUNITY,
        "opens_on": today - dt.timedelta(days=5),
        "closes_on": today + dt.timedelta(days=30),
        "intro": "",
        "intro_es": "",
    }
    data.update(overrides)
    return data


def open_survey(cro, chief, **overrides) -> Survey:
    survey = services.create_survey(by=cro, data=survey_data(**overrides))
    services.submit_survey(survey=survey, by=cro)
    return services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)


def respond(survey, values: dict, *, channel="web", language="en", **kwargs):
    """values: {question code: [numbers] or "text"}."""
    by_code = {q.code: q.pk for q in survey.questions.all()}
    answers = {by_code[code]: v for code, v in values.items()}
    return services.submit_response(
        survey=survey,
        answers=answers,
        channel=channel,
        language=language,
        token=kwargs.pop("token", uuid.uuid4()),
        **kwargs,
    )


def test_standard_instrument_covers_the_six_dimensions_in_both_languages(cro):
    survey = services.create_survey(by=cro, data=survey_data())
    questions = list(survey.questions.all())
    assert [q.position for q in questions] == list(range(1, len(questions) + 1))
    assert {q.dimension for q in questions} >= {
        "overall",
        "competence",
        "attitude",
        "trust",
        "safety",
        "recommendations",
    }
    assert all(q.text_es and q.code for q in questions)
    assert len({q.code for q in questions}) == len(questions)
    department = services.create_survey(
        by=cro, data=survey_data(audience=Survey.Audience.DEPARTMENT)
    )
    trust = department.questions.get(code="std-trust")
    assert "community" in trust.text  # worded for members, same code to compare
    assert len(STANDARD) == len(questions)


def test_only_the_cro_builds_and_only_the_chief_approves(cro, chief, officer):
    with pytest.raises(PermissionDenied):
        services.create_survey(by=officer, data=survey_data())
    survey = services.create_survey(by=cro, data=survey_data())
    with pytest.raises(PermissionDenied):
        services.submit_survey(survey=survey, by=chief)
    services.submit_survey(survey=survey, by=cro)
    with pytest.raises(PermissionDenied):
        services.decide_survey(survey=survey, by=cro, decision=Decision.APPROVE)
    with pytest.raises(ValidationError) as error:
        services.decide_survey(survey=survey, by=chief, decision=Decision.RETURN, comment=" ")
    assert "Say what should change" in str(error.value)
    survey = services.decide_survey(
        survey=survey, by=chief, decision=Decision.RETURN, comment="Shorter."
    )
    assert survey.status == Survey.Status.RETURNED
    services.submit_survey(survey=survey, by=cro)
    survey = services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
    assert survey.status == Survey.Status.APPROVED and survey.decided_by == chief
    assert survey.is_open


def test_a_draft_does_not_open_and_a_submitted_one_cannot_change(cro, chief):
    survey = services.create_survey(by=cro, data=survey_data())
    assert not survey.is_open
    with pytest.raises(ValidationError, match="not open"):
        respond(survey, {"std-overall": [4]})
    services.submit_survey(survey=survey, by=cro)
    with pytest.raises(ValidationError, match="waiting for the Chief"):
        services.save_question(
            survey=survey, by=cro, data={"kind": "yes_no", "dimension": "trust", "text": "x"}
        )


def test_submission_needs_spanish_text_and_matching_choices(cro):
    survey = services.create_survey(by=cro, data=survey_data(), standard=False)
    with pytest.raises(ValidationError, match="at least one question"):
        services.submit_survey(survey=survey, by=cro)
    services.save_question(
        survey=survey,
        by=cro,
        data={
            "kind": "single",
            "dimension": "other",
            "text": "Which?",
            "text_es": "",
            "choices": "A\nB\nC",
            "choices_es": "",
        },
    )
    with pytest.raises(ValidationError) as error:
        services.submit_survey(survey=survey, by=cro)
    assert "Question 1 has no Spanish text" in " ".join(error.value.messages)
    assert "3 English choices but 0 Spanish" in " ".join(error.value.messages)
    with pytest.raises(ValidationError, match="at least two choices"):
        services.save_question(
            survey=survey,
            by=cro,
            data={"kind": "multiple", "dimension": "other", "text": "x", "choices": "Only"},
        )


def test_changing_approved_content_returns_it_to_the_chief(cro, chief):
    survey = open_survey(cro, chief)
    question = survey.questions.get(code="std-overall")
    services.save_question(
        survey=survey,
        by=cro,
        question=question,
        data={
            "kind": "rating",
            "dimension": "overall",
            "text": "Overall, how is the department doing?",
            "text_es": "En general, ¿cómo lo hace el departamento?",
            "required": True,
        },
    )
    survey.refresh_from_db()
    assert survey.status == Survey.Status.DRAFT and survey.decided_by is None
    question.refresh_from_db()
    assert question.code == "std-overall"  # same kind and dimension: still comparable


def test_approved_questions_cannot_change_once_responses_exist(cro, chief):
    survey = open_survey(cro, chief)
    respond(survey, {"std-overall": [4]} | _required(survey))
    question = survey.questions.first()
    for attempt in (
        lambda: services.save_question(
            survey=survey, by=cro, question=question, data={"kind": "rating", "text": "x"}
        ),
        lambda: services.delete_question(survey=survey, by=cro, question=question),
        lambda: services.move_question(survey=survey, by=cro, question=question, up=False),
        lambda: services.update_survey(
            survey=survey, by=cro, data=survey_data(title="Another title")
        ),
    ):
        with pytest.raises(ValidationError, match="Responses have come in"):
            attempt()
    # The closing date may still move: the water bills come back late.
    later = survey.closes_on + dt.timedelta(days=14)
    services.update_survey(survey=survey, by=cro, data=survey_data(closes_on=later))
    survey.refresh_from_db()
    assert survey.closes_on == later and survey.status == Survey.Status.APPROVED


def test_reorder_and_delete_keep_positions_dense(cro):
    survey = services.create_survey(by=cro, data=survey_data())
    first, second = list(survey.questions.all())[:2]
    services.move_question(survey=survey, by=cro, question=second, up=True)
    assert list(survey.questions.values_list("pk", flat=True))[:2] == [second.pk, first.pk]
    services.delete_question(survey=survey, by=cro, question=second)
    positions = list(survey.questions.values_list("position", flat=True))
    assert positions == list(range(1, len(positions) + 1))
    assert survey.questions.first().pk == first.pk


def _required(survey) -> dict:
    """A valid answer for every required question, by code."""
    out = {}
    for q in survey.questions.filter(required=True):
        out[q.code] = [4] if q.kind == Question.Kind.RATING else [1]
    return out


def test_a_response_row_holds_nothing_that_identifies_anyone(cro, chief):
    survey = open_survey(cro, chief)
    respond(survey, _required(survey), client="a" * 64)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM surveys_response")
        columns = [c.name for c in cursor.description]
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM surveys_answer LIMIT 1")
        answer_columns = [c.name for c in cursor.description]
    # The paper batch says where a form came from (004 §2); the agency fields name an
    # outside agency, never a person, and stay empty on a resident's response (001 IV.D.3).
    assert set(columns) == {"id", "survey_id", "channel", "forum_id", "language"} | {
        "submitted_on",
        "token",
        "batch_id",
        "agency_name",
        "agency_type",
    }
    assert rows[0][columns.index("agency_name")] == rows[0][columns.index("agency_type")] == ""
    assert set(answer_columns) == {"id", "response_id", "question_id", "value", "text"}
    # The day only: no time of day to match against a log.
    assert isinstance(rows[0][columns.index("submitted_on")], dt.date)
    assert not isinstance(rows[0][columns.index("submitted_on")], dt.datetime)
    # The rate limit's keyed hash is kept apart, with no link to the response.
    from accounts.models import RateLimitHit

    assert [f.name for f in RateLimitHit._meta.get_fields()] == [
        "id",
        "scope",
        "client",
        "created_at",
    ]
    (hit,) = RateLimitHit.objects.filter(scope="survey-web")
    assert len(hit.client) == 64


def test_one_answer_per_invitation_code_and_no_link_kept(cro, chief):
    survey = open_survey(cro, chief, audience=Survey.Audience.DEPARTMENT)
    codes = services.issue_invitations(survey=survey, by=cro, count=3)
    assert len(set(codes)) == 3
    assert not Invitation.objects.filter(code_hash__in=codes).exists()  # hashes only
    answers = _required(survey)
    with pytest.raises(ValidationError, match="not valid"):
        respond(survey, answers, code="WRONG-CODE")
    respond(survey, answers, code=codes[0].lower())  # as typed on a phone
    with pytest.raises(ValidationError, match="already been used"):
        respond(survey, answers, code=codes[0])
    assert survey.responses.count() == 1
    assert Invitation.objects.filter(survey=survey, used=True).count() == 1
    # The agency fields say whom an outside agency's link went to (001 IV.D.3); still
    # nothing links an invitation to a response.
    assert [f.name for f in Invitation._meta.concrete_fields] == [
        "id",
        "survey",
        "code_hash",
        "used",
        "batch",
        "agency_name",
        "agency_type",
        "head_name",
        "head_email",
        "language",
        "sent_at",
    ]
    with pytest.raises(ValidationError, match="between 1 and 2,000"):
        services.issue_invitations(survey=survey, by=cro, count=0)


def test_double_submission_stores_one_response(cro, chief):
    survey = open_survey(cro, chief)
    token = uuid.uuid4()
    first, created = respond(survey, _required(survey), token=token)
    again, created_again = respond(survey, _required(survey), token=token)
    assert created and not created_again and first.pk == again.pk
    assert survey.responses.count() == 1


def test_rate_limit_per_client_web_and_forum(cro, chief, settings):
    survey = open_survey(cro, chief)
    forum = services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    services.WEB_HOURLY_LIMIT, saved = 2, services.WEB_HOURLY_LIMIT
    try:
        respond(survey, _required(survey), client="c1")
        respond(survey, _required(survey), client="c1")
        with pytest.raises(ValidationError) as error:
            respond(survey, _required(survey), client="c1")
        assert error.value.code == "rate_limited"
        # Another household, and the forum crowd behind one venue connection, still answer.
        respond(survey, _required(survey), client="c2")
        for _ in range(3):
            respond(survey, _required(survey), client="c1", forum=forum, channel="forum")
    finally:
        services.WEB_HOURLY_LIMIT = saved
    assert survey.responses.filter(channel="forum", forum=forum).count() == 3
    assert survey.responses.count() == 6


def test_paper_entry_needs_the_permission_and_works_after_closing(cro, chief, officer):
    survey = open_survey(cro, chief)
    with pytest.raises(PermissionDenied):
        respond(survey, _required(survey), channel="paper", by=officer)
    services.close_survey(survey=survey, by=cro)
    survey.refresh_from_db()
    with pytest.raises(ValidationError, match="not open"):
        respond(survey, _required(survey))
    respond(survey, _required(survey), channel="paper", by=cro, language="es")
    response = survey.responses.get()
    assert (response.channel, response.language) == ("paper", "es")


def test_indexes_and_distributions_for_a_known_set(cro, chief):
    survey = open_survey(cro, chief)
    # Ten responses: overall ratings 1..5 twice (mean 3, index 50); fairness yes x7 no x3
    # (index 70) with respect ratings all 5 (index 100): attitude = mean of 20 scores = 85.
    for i in range(10):
        rating = i % 5 + 1
        respond(
            survey,
            _required(survey)
            | {
                "std-overall": [rating],
                "std-attitude-fair": [1 if i < 7 else 2],
                "std-attitude-respect": [5],
                "std-recommend": f"Idea {i}",
            },
        )
    data = results.compile_results(survey)
    assert data["responses"] == 10 and not data["suppressed"]
    overall = next(q for q in data["questions"] if q["code"] == "std-overall")
    assert overall["n"] == 10 and overall["mean"] == 3.0
    assert overall["distribution"] == [[str(v), 2, 20] for v in range(1, 6)]
    fair = next(q for q in data["questions"] if q["code"] == "std-attitude-fair")
    assert fair["distribution"] == [["Yes", 7, 70], ["No", 3, 30]]
    found = {d["dimension"]: d["index"] for d in data["indexes"]}
    assert found["overall"] == 50
    assert found["attitude"] == 85
    assert found["competence"] == 75  # every required rating was 4
    summary = results.summary(survey)
    assert summary["comments_total"] == 10
    assert {c["text"] for c in summary["comments"]} == {f"Idea {i}" for i in range(10)}


def test_fewer_than_five_responses_are_suppressed(cro, chief):
    survey = open_survey(cro, chief)
    for _ in range(4):
        respond(survey, _required(survey) | {"std-recommend": "Only four of us"})
    data = results.compile_results(survey)
    assert data["suppressed"] and data["responses"] == 4
    assert all(q["distribution"] == [] and q["mean"] is None for q in data["questions"])
    assert all(d["index"] is None for d in data["indexes"])
    assert results.summary(survey)["comments"] == []
    respond(survey, _required(survey))
    data = results.compile_results(survey)
    assert not data["suppressed"]
    # A breakdown of the five by language: one Spanish response is suppressed on its own.
    respond(survey, _required(survey), language="es")
    spanish = results.compile_results(survey, language="es")
    assert spanish["suppressed"] and spanish["responses"] == 1


@time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/Chicago")))
def test_trend_and_side_by_side_compare_like_with_like(cro, chief):
    # Run on December 3 the current survey (open until January 2) counts in 2027: a survey
    # counts in the year its results close (surveys.models.Survey.year).
    last_year = 2025
    old = open_survey(
        cro,
        chief,
        opens_on=dt.date(last_year, 3, 1),
        closes_on=dt.date(last_year, 4, 1),
        title="Community survey last year",
    )
    current = open_survey(cro, chief)
    department = open_survey(cro, chief, audience=Survey.Audience.DEPARTMENT)
    # Last year's results came in while it was open.
    Survey.objects.filter(pk=old.pk).update(closes_on=timezone.localdate())
    old.refresh_from_db()
    codes = services.issue_invitations(survey=department, by=cro, count=5)
    for code in codes:
        respond(old, _required(old) | {"std-trust": [2]})
        respond(current, _required(current) | {"std-trust": [4]})
        respond(department, _required(department) | {"std-trust": [5]}, code=code)
    Survey.objects.filter(pk=old.pk).update(closes_on=dt.date(last_year, 4, 1))
    trend = results.trend(current)
    assert [row["year"] for row in trend] == [2025, 2027]
    assert trend[0]["indexes"]["trust"] < trend[1]["indexes"]["trust"]
    side = results.comparison(current)
    trust = next(r for r in side["rows"] if r["label"] == Dimension.TRUST.label)
    assert trust["community"] < trust["department"]


def test_results_query_count_does_not_grow_with_responses(
    cro, chief, django_assert_max_num_queries
):
    survey = open_survey(cro, chief)
    for _ in range(6):
        respond(survey, _required(survey))
    with django_assert_max_num_queries(13) as small:
        results.summary(survey)
    for _ in range(30):
        respond(survey, _required(survey) | {"std-recommend": "More"})
    with django_assert_max_num_queries(len(small.captured_queries)):
        results.summary(survey)


def test_actions_recorded_by_the_chief_and_completed(cro, chief, officer):
    survey = open_survey(cro, chief)
    with pytest.raises(PermissionDenied):
        services.record_action(survey=survey, by=cro, data={"text": "x"})
    with pytest.raises(ValidationError, match="Say what was decided"):
        services.record_action(survey=survey, by=chief, data={"text": "  "})
    action = services.record_action(
        survey=survey, by=chief, data={"text": "Spanish-language meetings", "responsible": "CRO"}
    )
    with pytest.raises(PermissionDenied):
        services.complete_action(action=action, by=officer)
    services.complete_action(action=action, by=cro)
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()


def test_multiple_choice_is_one_row_per_option(cro, chief):
    survey = open_survey(cro, chief)
    response, _ = respond(survey, _required(survey) | {"std-safety-concerns": [1, 4]})
    question = survey.questions.get(code="std-safety-concerns")
    assert sorted(
        Answer.objects.filter(response=response, question=question).values_list("value", flat=True)
    ) == [1, 4]
    assert Response.objects.count() == 1
