"""A concern's one-line summary: the rule, its SQL twin used to fill older rows, and the
doors that fall back on it."""

import pytest
from django.db import connection

from concerns.summaries import FIRST_SENTENCE_SQL, SENTENCE_SQL, SUMMARY_MAX, first_sentence

TEXTS = [
    "Cars speed past the school at pick-up time. Children cross there.",
    "Street light out on Elm St!  It has been dark for a week.",
    "Is anyone going to fix the park gate? It swings open at night.",
    "No punctuation at all just words",
    "Ends with a period.",
    "First line without a stop\nsecond line here.",
    "  Leading   spaces   and\ttabs.  Then more.",
    "Version 2.5 of the plan was fine. Next.",
    "A" * 200,
    ("word " * 60).strip() + ".",
    "Loud music every Friday from the house at the corner of Maple and Third, and the "
    "neighbours say it goes on past two in the morning, every week, without fail. Please.",
    "",
]


def sql_first_sentence(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "  # noqa: S608 - the rule's own constant SQL, the text a parameter
            + FIRST_SENTENCE_SQL.format(limit=SUMMARY_MAX)
            + " FROM (SELECT "
            + SENTENCE_SQL.format(column="%s::text")
            + " AS sentence) s",
            [text],
        )
        return cursor.fetchone()[0]


def test_first_sentence_stops_at_the_first_end():
    assert first_sentence(TEXTS[0]) == "Cars speed past the school at pick-up time."
    assert first_sentence(TEXTS[5]) == "First line without a stop"
    assert first_sentence(TEXTS[7]) == "Version 2.5 of the plan was fine."


def test_a_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    cut = first_sentence(TEXTS[10])
    assert len(cut) <= SUMMARY_MAX
    assert cut.endswith("…")
    assert not cut[:-1].endswith(" ")
    assert TEXTS[10].startswith(cut[:-1])


@pytest.mark.django_db
@pytest.mark.parametrize("text", TEXTS)
def test_the_sql_that_filled_older_rows_agrees_with_the_rule(text):
    assert sql_first_sentence(text) == first_sentence(text)
