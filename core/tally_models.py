"""The table every tally has (core/tallies.py keeps them): an abstract model, so that core
itself has no table."""

from django.db import models


class TallyRow(models.Model):
    """A tally's table: its key columns and n, a signed count that readers add up."""

    n = models.IntegerField()
    # Derived rows: audit/triggers.py leaves them out of the trail, which records the rows
    # they count.
    audited = False

    class Meta:
        abstract = True
