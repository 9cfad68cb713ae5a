"""The outreach tally (core/tallies.py): activities by day, kept exact by the database, for
the dashboard's twelve months of outreach (desk/dashboard.py)."""

from django.db import models

from core.tally_models import TallyRow


class ActivityDayTally(TallyRow):
    """Outreach activities, held or planned, by their day."""

    day = models.DateField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="activity_day_tally_idx")]
