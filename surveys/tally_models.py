"""The survey tallies (surveys/tallies.py says what they count and how they are read)."""

from django.db import models

from core.tally_models import TallyRow


class AnswerTally(TallyRow):
    """Answers with a value (a rating, yes or no, a choice) by question and value."""

    # A join for the readers, with no constraint: the rows are the database's to keep.
    question = models.ForeignKey(
        "surveys.Question", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    value = models.SmallIntegerField()


class ResponseTally(TallyRow):
    """Responses with at least one scored answer (a rating, yes or no) in a dimension of a
    survey; with `standard`, counting only the standard questions (those with a code)."""

    survey_id = models.BigIntegerField()
    dimension = models.CharField(max_length=20)
    standard = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["survey_id"], name="response_tally_survey_idx")]
