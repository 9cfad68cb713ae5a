"""When an officer's quarterly community input is due (003 1.b): the one home of the rule.

GO 003 1.b: "the Crime Prevention, School Resource Officers and Safety Officers will report
to the Community Relations Officer at least four times a year". The desk reads that as one
report for each calendar quarter, due within INPUT_DUE_DAYS days after the quarter ends.
A quarter's window runs from its 8th day to the 7th day after it ends (Jan 8 - Apr 7 for
the first quarter): a report sent in the week after a quarter ends counts for that quarter,
and the windows never overlap, so four reports a year are still needed. The CRO's own
quarterly report is due 15 days after the quarter (Agency.quarterly_due_days): the
officers' input reaches the CRO a week before it.

The quarter owed is the one after the quarter the officer last reported for, and never
one before the quarter the duty began in. A missed quarter is not owed forever: the next
report settles the officer's standing, and the page's history shows the gap.

The reporting page, the officer's form and the reminder (outreach/reminders_input.py)
all ask `status()`; the menu asks `holds_duty()`.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext

from core.prepared import Prepared
from outreach.models import ReportingAssignment

INPUT_DUE_DAYS = 7  # after each quarter's end
DUE_SOON_DAYS = 7  # the officer hears of it a week before


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int  # 1-4

    @classmethod
    def of(cls, day: dt.date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        return self.next().start - dt.timedelta(days=1)

    def next(self) -> "Quarter":
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def due(self) -> dt.date:
        return self.end + dt.timedelta(days=INPUT_DUE_DAYS)

    def __str__(self) -> str:
        return gettext("Q%(quarter)d %(year)d") % {"quarter": self.number, "year": self.year}


def quarter_reported_for(submitted_on: dt.date) -> Quarter:
    """The quarter a report sent on this day counts for (its window, see above)."""
    return Quarter.of(submitted_on - dt.timedelta(days=INPUT_DUE_DAYS))


@dataclass(frozen=True)
class InputStatus:
    quarter: Quarter  # the quarter whose input is owed next
    due: dt.date
    days_overdue: int  # 0 unless past the due date
    days_left: int  # 0 once past the due date

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.days_left <= DUE_SOON_DAYS


def status(*, since: dt.date, last_report: dt.date | None, today: dt.date) -> InputStatus:
    """Where a duty stands today, from the day it began and the last report sent for it."""
    owed = Quarter.of(since)
    if last_report is not None:
        after_last = quarter_reported_for(last_report).next()
        owed = max(owed, after_last)
    return InputStatus(
        quarter=owed,
        due=owed.due,
        days_overdue=max((today - owed.due).days, 0),
        days_left=max((owed.due - today).days, 0),
    )


def active_assignments():
    """Active duties with the officer and the day of their last report (one query)."""
    return (
        ReportingAssignment.objects.filter(is_active=True)
        .select_related("officer")
        .annotate(last_report=Max("reports__submitted_on"))
    )


def status_of(assignment, today: dt.date) -> InputStatus:
    """`status()` of an assignment annotated by `active_assignments()`."""
    return status(since=assignment.since, last_report=assignment.last_report, today=today)


HOLDS_DUTY = "_crd_holds_reporting_duty"
# Compiled once (core/prepared.py): the menu asks on every page of a member it may concern.
DUTY_HELD = Prepared(
    lambda pk: (
        ReportingAssignment._default_manager.filter(officer_id=pk, is_active=True)
        .order_by()
        .values("pk")[:1]
    ),
    int,
)


def holds_duty(user) -> bool:
    """Whether the user holds an active reporting duty: one query, kept on the user object
    for the rest of the request (the menu asks on every page)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, HOLDS_DUTY, None)
    if cached is None:
        cached = bool(DUTY_HELD.rows(user.pk))
        setattr(user, HOLDS_DUTY, cached)
    return cached
