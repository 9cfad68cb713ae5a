"""What the survey results count, kept exact by the database as answers come in (core/
tallies.py; the tables in surveys/tally_models.py), so that a survey's indexes and its
ratings' spread read a few dozen rows, not its hundred thousand answers (issue 26):

- AnswerTally: answers with a value, by question and value. A dimension's index (surveys/
  results.py: the mean score of its scored answers) is the sum of n x score over its
  questions' values, divided by the sum of n.
- ResponseTally: how many responses have a scored answer in each dimension of a survey (the
  n beside an index, and what hides an index resting on fewer than five). A response counts
  once however many of its answers are in the dimension, so a statement's change is worked
  out per response: +1 where it gave the response its first scored answer there, -1 where it
  took the last away, whether its answers came in one statement or several.

A question's kind, dimension or code edited after answers came in recounts its survey.
"""

from dataclasses import replace

from core.tallies import Tally
from surveys.models import Answer, Question
from surveys.tally_models import AnswerTally, ResponseTally

ANSWERS = Answer._meta.db_table
QUESTIONS = Question._meta.db_table
SCORED_KINDS = f"('{Question.Kind.RATING}', '{Question.Kind.YES_NO}')"
KEYS = {"survey_id": "q.survey_id", "dimension": "q.dimension", "standard": "s.standard"}

# Each scored answer of {rows} once per way of counting it: among all questions (standard
# false) and, for a standard question, among the standard ones (true).
_PAIRS = (
    "SELECT r.response_id, q.survey_id AS survey_id, q.dimension AS dimension, "  # nosec B608
    f"s.standard AS standard FROM {{rows}} r JOIN {QUESTIONS} q ON q.id = r.question_id "
    "JOIN (VALUES (false), (true)) s(standard) ON NOT s.standard OR q.code <> '' "
    f"WHERE r.value IS NOT NULL AND q.kind IN {SCORED_KINDS}"
)


def _change(new: bool, old: bool) -> str:
    """A statement's change per survey and dimension, worked out per response in sets (a
    bulk load of 800,000 answers is one pass, not a lookup per answer). For each response
    and dimension the statement touched: `now`, its scored answers there after the
    statement; `added` and `removed`, the statement's new and old rows there. It had one
    before when now - added + removed > 0, and has one after when now > 0."""
    touched = []
    if new:
        touched.append(
            "SELECT *, 1 AS added, 0 AS removed FROM ("  # nosec B608
            + _PAIRS.format(rows="new_rows")
            + ") n"
        )
    if old:
        touched.append(
            "SELECT *, 0 AS added, 1 AS removed FROM ("  # nosec B608
            + _PAIRS.format(rows="old_rows")
            + ") o"
        )
    theirs = (
        f"(SELECT a.* FROM {ANSWERS} a WHERE a.response_id IN "  # nosec B608
        "(SELECT response_id FROM p))"
    )
    return (
        "WITH p AS (SELECT response_id, survey_id, dimension, standard, "  # nosec B608
        f"sum(added) AS added, sum(removed) AS removed FROM ({' UNION ALL '.join(touched)}) t "
        "GROUP BY 1, 2, 3, 4), "
        f"now AS (SELECT response_id, dimension, standard, count(*) AS n "
        f"FROM ({_PAIRS.format(rows=theirs)}) c GROUP BY 1, 2, 3) "
        "SELECT p.survey_id, p.dimension, p.standard, "
        "sum((coalesce(now.n, 0) > 0)::int "
        "- (coalesce(now.n, 0) - p.added + p.removed > 0)::int) AS n "
        "FROM p LEFT JOIN now ON now.response_id = p.response_id "
        "AND now.dimension = p.dimension AND now.standard = p.standard "
        "GROUP BY 1, 2, 3"
    )


RESPONSES = Tally(
    table=ResponseTally._meta.db_table,
    source=ANSWERS,
    keys=KEYS,
    sql=(
        "SELECT survey_id, dimension, standard, {sign}count(DISTINCT response_id) AS n "  # nosec B608
        f"FROM ({_PAIRS}) p GROUP BY 1, 2, 3"
    ),
    change={
        "ins": _change(new=True, old=False),
        "del": _change(new=False, old=True),
        "upd": _change(new=True, old=True),
    },
)

_CHANGED_SURVEYS = (
    "SELECT n.survey_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE (o.kind, o.dimension, o.code, o.survey_id) "
    "IS DISTINCT FROM (n.kind, n.dimension, n.code, n.survey_id) "
    "UNION SELECT o.survey_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE (o.kind, o.dimension, o.code, o.survey_id) "
    "IS DISTINCT FROM (n.kind, n.dimension, n.code, n.survey_id)"
)
_THEIR_ANSWERS = (
    f"(SELECT a.* FROM {ANSWERS} a JOIN {QUESTIONS} q0 ON q0.id = a.question_id "  # nosec B608
    f"WHERE q0.survey_id IN ({_CHANGED_SURVEYS}))"
)
RESPONSES_RECOUNT = (
    f"DELETE FROM {RESPONSES.table} WHERE survey_id IN ({_CHANGED_SURVEYS}); "  # nosec B608
    f"INSERT INTO {RESPONSES.table} (survey_id, dimension, standard, n) "
    f"SELECT survey_id, dimension, standard, n FROM ("
    f"{RESPONSES.sql.format(rows=_THEIR_ANSWERS, sign='')}) d WHERE n <> 0"
)
RESPONSES = replace(RESPONSES, also={QUESTIONS: RESPONSES_RECOUNT})

ANSWER_VALUES = Tally(
    table=AnswerTally._meta.db_table,
    source=ANSWERS,
    keys={"question_id": "r.question_id", "value": "r.value"},
    where="r.value IS NOT NULL",
)

TALLIES = [ANSWER_VALUES, RESPONSES]
