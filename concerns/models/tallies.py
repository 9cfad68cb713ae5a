"""The concern tallies (core/tallies.py): counts the database keeps exact as concerns are
logged, moved, merged and closed, for the dashboard's figures (desk/dashboard.py) at a
decade's size. Derived rows: the audit trail records the concerns, not these."""

from django.db import models

from core.tally_models import TallyRow as Tally


class ConcernStatusTally(Tally):
    """Concerns by category, status, defined area and whether merged into a lead."""

    category = models.CharField(max_length=24)
    status = models.CharField(max_length=24)
    area_id = models.IntegerField(null=True)
    merged = models.BooleanField()


class ConcernDayTally(Tally):
    """Concerns by the day received, open or not, and whether merged into a lead."""

    day = models.DateField()
    open = models.BooleanField()
    merged = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="concern_day_tally_idx")]


class ConcernMonthTally(Tally):
    """Counted concerns (not merged into a lead) by the month received (its first day),
    category and defined area."""

    month = models.DateField()
    category = models.CharField(max_length=24)
    area_id = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["month"], name="concern_month_tally_idx")]
