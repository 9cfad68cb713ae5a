"""The tallies the database keeps (core/tallies.py): after every kind of change to what they
count, each is held to a full recount of its table, and so are its readers' figures."""

import datetime as dt
import io

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from concerns.models import Concern, ConcernDayTally, ConcernMonthTally, ConcernStatusTally
from core import tallies
from outreach.models import ActivityDayTally, OutreachActivity
from surveys import results
from surveys.models import Answer, AnswerTally, Question, Response, ResponseTally
from tests.factories import ActivityFactory, ConcernFactory
from tests.surveys.test_services import _required, open_survey, respond

NOW = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
CONCERN_TALLIES = [
    "concerns_concernstatustally",
    "concerns_concerndaytally",
    "concerns_concernmonthtally",
]
SURVEY_TALLIES = ["surveys_answertally", "surveys_responsetally"]


def exact(*tables):
    """Every named tally agrees with a full recount of its table."""
    return {table: tallies.differences(table) for table in tables} == {t: [] for t in tables}


def total(model, **filters) -> int:
    return sum(model.objects.filter(**filters).values_list("n", flat=True))


@pytest.mark.django_db
def test_every_change_to_a_concern_keeps_the_concern_tallies_exact():
    day = dt.date(2026, 3, 14)
    concerns = [ConcernFactory(date_received=day, category="noise") for _ in range(3)]
    assert exact(*CONCERN_TALLIES)
    assert total(ConcernStatusTally, category="noise", status="received") == 3
    assert total(ConcernDayTally, day=day, open=True) == 3
    assert total(ConcernMonthTally, month=dt.date(2026, 3, 1), category="noise") == 3

    # Closed, recategorised, moved to another day, merged into a lead, deleted.
    Concern.objects.filter(pk=concerns[0].pk).update(status="resolved", resolved_at=NOW)
    Concern.objects.filter(pk=concerns[1].pk).update(
        category="traffic", date_received=day.replace(month=4)
    )
    Concern.objects.filter(pk=concerns[2].pk).update(
        duplicate_of=concerns[1], status="resolved", resolved_at=NOW
    )
    assert exact(*CONCERN_TALLIES)
    assert total(ConcernStatusTally, status__in=Concern.OPEN_STATUSES) == 1
    assert total(ConcernDayTally, day=day, open=True) == 0
    # A report merged into its lead is no longer counted on its own.
    assert total(ConcernMonthTally, month=dt.date(2026, 3, 1)) == 1
    Concern.objects.filter(pk=concerns[0].pk).delete()
    assert exact(*CONCERN_TALLIES)
    assert total(ConcernMonthTally, month=dt.date(2026, 3, 1)) == 0

    # A statement over many rows at once.
    Concern.objects.all().update(status="in_progress", resolved_at=None)
    assert exact(*CONCERN_TALLIES)


@pytest.mark.django_db
def test_a_rolled_back_change_leaves_no_trace_in_the_tallies():
    ConcernFactory(date_received=dt.date(2026, 5, 1))
    before = list(ConcernDayTally.objects.values_list("day", "open", "n"))
    with pytest.raises(RuntimeError), transaction.atomic():
        ConcernFactory(date_received=dt.date(2026, 5, 1))
        raise RuntimeError
    assert list(ConcernDayTally.objects.values_list("day", "open", "n")) == before
    assert exact(*CONCERN_TALLIES)


@pytest.mark.django_db
def test_the_tallies_follow_a_bulk_load_that_switches_ordinary_triggers_off():
    """seed_volume loads a decade with session_replication_role = replica (no audit
    trigger fires); the tallies' triggers fire all the same."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        ConcernFactory.create_batch(4, date_received=dt.date(2026, 2, 2))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = origin")
    assert total(ConcernDayTally, day=dt.date(2026, 2, 2)) == 4
    assert exact(*CONCERN_TALLIES)


@pytest.mark.django_db
def test_compacting_folds_each_key_into_one_row_and_keeps_every_sum():
    for month in (1, 1, 2, 2, 2):
        ConcernFactory(date_received=dt.date(2026, month, 10), category="noise")
    Concern.objects.filter(date_received__month=2).update(status="resolved", resolved_at=NOW)
    rows_before = ConcernDayTally.objects.count()
    removed = tallies.compact()
    assert removed > 0
    assert ConcernDayTally.objects.count() < rows_before
    # One row per key, none of them zero.
    keys = list(ConcernDayTally.objects.values_list("day", "open", "merged"))
    assert len(keys) == len(set(keys))
    assert not ConcernDayTally.objects.filter(n=0).exists()
    assert list(ConcernDayTally.objects.order_by("day").values_list("day", "open", "n")) == [
        (dt.date(2026, 1, 10), True, 2),
        (dt.date(2026, 2, 10), False, 3),
    ]
    assert exact(*CONCERN_TALLIES, *SURVEY_TALLIES, "outreach_activitydaytally")


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_compacting_is_kept():
    """Another connection appends its change and commits after the compaction's snapshot:
    its rows stay, and the sums agree with a recount."""
    ConcernFactory.create_batch(2, date_received=dt.date(2026, 6, 1))
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    first = Concern.objects.order_by("pk").first()
    try:
        other.execute(
            "UPDATE concerns_concern SET status = 'resolved', resolved_at = now() WHERE id = %s",
            [first.pk],
        )
        tallies.compact()  # the other transaction has not committed yet
        other.commit()
    finally:
        other.close()
    assert total(ConcernDayTally, day=dt.date(2026, 6, 1), open=True) == 1
    assert total(ConcernDayTally, day=dt.date(2026, 6, 1), open=False) == 1
    assert exact(*CONCERN_TALLIES)


@pytest.mark.django_db
def test_install_recounts_a_tally_whose_trigger_went_missing():
    ConcernFactory.create_batch(3, date_received=dt.date(2026, 7, 1))
    # As after migrate: no deferred check of this transaction's rows is still pending.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert tallies.install() == []  # all in place: nothing recounted
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER crd_tally_concerns_concerndaytally_ins ON concerns_concern")
    ConcernFactory(date_received=dt.date(2026, 7, 1))  # not seen by the tally
    assert tallies.differences("concerns_concerndaytally") != []
    assert tallies.install() == ["concerns_concerndaytally"]
    assert exact(*CONCERN_TALLIES)
    assert total(ConcernDayTally, day=dt.date(2026, 7, 1)) == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "function,table",
    [
        ("crd_tally_concerns_concerndaytally_ins", "concerns_concerndaytally"),
        ("crd_tally_concerns_concerndaytally_del", "concerns_concerndaytally"),
        ("crd_tally_surveys_responsetally_surveys_question", "surveys_responsetally"),
    ],
)
def test_install_recounts_a_tally_whose_definition_changed(function, table):
    """A function body that differs from the registered one (an open status added in a
    release) means the rows were counted by another rule: the tally is counted again."""
    ConcernFactory(date_received=dt.date(2026, 8, 1))
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE OR REPLACE FUNCTION {function}() "
            "RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN RETURN NULL; END $fn$"
        )
        cursor.execute(
            f"INSERT INTO {table} ({tallies._get(table).columns}, n) "  # noqa: S608 - test names
            f"SELECT {tallies._get(table).columns}, 5 FROM {table} LIMIT 1"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert tallies.install() == [table]
    assert exact(*CONCERN_TALLIES, *SURVEY_TALLIES)
    assert tallies.install() == []  # the registered bodies are back


@pytest.mark.django_db
def test_an_unknown_tally_is_refused():
    with pytest.raises(LookupError):
        tallies.differences("concerns_concern")


# --- Surveys: answers by value, and responses per dimension counted once each ---


def _dimension_n(survey, dimension, standard=False) -> int:
    return total(ResponseTally, survey_id=survey.pk, dimension=dimension, standard=standard)


@pytest.mark.django_db
def test_survey_tallies_count_each_response_once_per_dimension(cro, chief):
    survey = open_survey(cro, chief)
    for _ in range(6):
        respond(survey, _required(survey))
    assert exact(*SURVEY_TALLIES)
    rated = survey.questions.filter(kind=Question.Kind.RATING).first()
    dimension = rated.dimension
    n = _dimension_n(survey, dimension)
    assert n == 6

    # A response's answers arriving in two statements count the response once.
    response = Response.objects.filter(survey=survey).first()
    extra = Question.objects.create(
        survey=survey, position=99, kind=Question.Kind.RATING, dimension=dimension, text="Extra"
    )
    Answer.objects.create(response=response, question=extra, value=2)
    assert _dimension_n(survey, dimension) == 6
    assert exact(*SURVEY_TALLIES)

    # One of its two answers in the dimension taken away: still counted; both: no longer.
    Answer.objects.filter(response=response, question=extra).delete()
    assert _dimension_n(survey, dimension) == 6
    Answer.objects.filter(response=response, question__dimension=dimension).delete()
    assert _dimension_n(survey, dimension) == 5
    assert exact(*SURVEY_TALLIES)

    # A value blanked counts as no answer; a value changed moves between values.
    other = Response.objects.filter(survey=survey).exclude(pk=response.pk).first()
    Answer.objects.filter(response=other, question=rated).update(value=None, text="-")
    Answer.objects.filter(question=rated, value=4).update(value=5)
    assert exact(*SURVEY_TALLIES)
    assert total(AnswerTally, question_id=rated.pk, value=5) == 4


@pytest.mark.django_db
def test_a_question_moved_to_another_dimension_recounts_its_survey(cro, chief):
    survey = open_survey(cro, chief)
    for _ in range(5):
        respond(survey, _required(survey))
    rated = survey.questions.filter(kind=Question.Kind.RATING).exclude(code="").first()
    Question.objects.filter(pk=rated.pk).update(dimension="safety", code="")
    assert exact(*SURVEY_TALLIES)
    # A response's cascade (its answers deleted with it) is followed too.
    Response.objects.filter(survey=survey).first().delete()
    assert exact(*SURVEY_TALLIES)


@pytest.mark.django_db
def test_indexes_from_the_tallies_equal_those_from_the_answers(cro, chief):
    """results.indexes() reads the tallies for all responses and the answers for a
    channel's: over all responses of the one channel the two must agree, index and n."""
    survey = open_survey(cro, chief)
    for value in (1, 2, 3, 4, 5, 5, 4):
        answers = _required(survey)
        for q in survey.questions.filter(kind=Question.Kind.RATING):
            answers[q.code] = [value]
        respond(survey, answers)
    for standard_only in (False, True):
        tallied = results.indexes([survey.pk], standard_only=standard_only)
        counted = results.indexes([survey.pk], standard_only=standard_only, channel="web")
        assert tallied == counted
        assert tallied[survey.pk]  # something to compare


# --- Outreach ---


@pytest.mark.django_db
def test_the_activity_tally_follows_activities_by_day():
    day = dt.date(2026, 9, 9)
    activities = ActivityFactory.create_batch(3, date=day)
    OutreachActivity.objects.filter(pk=activities[0].pk).update(date=day.replace(day=10))
    OutreachActivity.objects.filter(pk=activities[1].pk).delete()
    assert total(ActivityDayTally, day=day) == 1
    assert total(ActivityDayTally, day=day.replace(day=10)) == 1
    assert exact("outreach_activitydaytally")


@pytest.mark.django_db
def test_check_tallies_reports_and_repairs_a_tally_that_drifted():
    ConcernFactory.create_batch(2, date_received=dt.date(2026, 10, 1))
    out = io.StringIO()
    call_command("check_tallies", stdout=out)
    assert "concerns_concerndaytally: exact" in out.getvalue()
    tallies.compact()  # one row for the day, then a wrong figure written over it
    ConcernDayTally.objects.filter(day=dt.date(2026, 10, 1)).update(n=7)
    with pytest.raises(CommandError, match="1 tallies differ"):
        call_command("check_tallies", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_tallies", "--repair", stdout=out)
    assert "concerns_concerndaytally: 1 keys differ" in out.getvalue()
    assert "(datetime.date(2026, 10, 1), True, False): kept 7, recounted 2" in out.getvalue()
    assert exact(*CONCERN_TALLIES)
