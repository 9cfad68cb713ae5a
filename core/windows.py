"""The stretch of time a report speaks for: from the first moment of its first day to the
first moment after its last day, in the agency's time zone, and never past "now".

Every report figure is taken over a `Window`: a concern's step at 23:30 on the last day of
a quarter belongs to that quarter however far the clock is from UTC, and a draft written
while its period runs says what is true today, not what will be true at the period's end.
"""

import datetime as dt
from typing import NamedTuple

from django.utils import timezone


class Window(NamedTuple):
    start: dt.datetime  # the first moment in it
    end: dt.datetime  # the first moment after it (or now, while the period runs)
    first_day: dt.date
    last_day: dt.date  # the period's last day (as of today while it runs)

    @property
    def as_of(self) -> dt.date:
        """The day the figures are as of: the period's last day, or today while it runs."""
        return self.last_day


def midnight(day: dt.date) -> dt.datetime:
    """The first moment of `day` in the agency's time zone (right across a clock change)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def window(first_day: dt.date, last_day: dt.date, now: dt.datetime | None = None) -> Window:
    now = now or timezone.now()
    end = midnight(last_day + dt.timedelta(days=1))
    if now < end:
        return Window(
            midnight(first_day),
            max(now, midnight(first_day)),
            first_day,
            max(first_day, timezone.localdate(now)),
        )
    return Window(midnight(first_day), end, first_day, last_day)
