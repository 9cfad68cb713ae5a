"""What the dashboard counts of concerns, read from the tallies the database keeps exact
(core/tallies.py; the tables in concerns/models/tallies.py), so that no figure reads the
decade of concerns row by row (issue 26):

- by category, status and area (ConcernStatusTally): the open concerns;
- by day received, open or not (ConcernDayTally): how long the open ones have waited, and
  the new concerns of a period and of the periods it is compared with;
- by month received, category and area (ConcernMonthTally): trends and spikes over months.

A range of days that does not start and end on a month's edges (a month still running, the
30 days of a spike) is counted from the months' tally for its months and from the concerns'
date index for the days of a month it covers in part, added or, when the month's other days
are fewer, taken away: at most about half a month of rows at either end, however many years
the range spans or the table holds.

Every count here is of `Concern.objects.counted()` (a report merged into a lead counts
once, as its lead) except the open ones, of which a merged report is never one (its status
is resolved, concerns/duplicates.py).
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from concerns.models import (
    Concern,
    ConcernDayTally,
    ConcernMonthTally,
    ConcernStatusTally,
)
from core.tallies import Tally

C = Concern
OPEN_SQL = "r.status IN ({})".format(", ".join(f"'{s}'" for s in C.OPEN_STATUSES))
MERGED_SQL = "r.duplicate_of_id IS NOT NULL"
SOURCE = C._meta.db_table

TALLIES = [
    Tally(
        table=ConcernStatusTally._meta.db_table,
        source=SOURCE,
        keys={
            "category": "r.category",
            "status": "r.status",
            "area_id": "r.defined_area_id",
            "merged": MERGED_SQL,
        },
    ),
    Tally(
        table=ConcernDayTally._meta.db_table,
        source=SOURCE,
        keys={"day": "r.date_received", "open": OPEN_SQL, "merged": MERGED_SQL},
    ),
    Tally(
        table=ConcernMonthTally._meta.db_table,
        source=SOURCE,
        keys={
            "month": "date_trunc('month', r.date_received)::date",
            "category": "r.category",
            "area_id": "r.defined_area_id",
        },
        where="r.duplicate_of_id IS NULL",
    ),
]

# The names a caller groups by, and their columns in the tally and on a concern.
BY = {"category": ("category", "category"), "area": ("area_id", "defined_area")}


def open_by(*by: str, counted: bool = False) -> dict[tuple, int]:
    """Open concerns by any of "category", "status", "area": {(key, ...): n}; `counted`
    leaves out reports merged into a lead (none is open, but the rule is said once)."""
    columns = [{"status": "status", **{k: v[0] for k, v in BY.items()}}[b] for b in by]
    tally = ConcernStatusTally.objects.filter(status__in=C.OPEN_STATUSES)
    if counted:
        tally = tally.filter(merged=False)
    rows = tally.values_list(*columns).annotate(total=Sum("n")).order_by()
    return {tuple(row[:-1]): row[-1] for row in rows if row[-1]}


def open_by_day() -> list[tuple[dt.date, int]]:
    """The open concerns' days received with how many each, oldest first."""
    rows = (
        ConcernDayTally.objects.filter(open=True)
        .values_list("day")
        .annotate(total=Sum("n"))
        .order_by("day")
    )
    return [(day, n) for day, n in rows if n]


def received(ranges: dict[str, tuple[dt.date, dt.date]]) -> dict[str, int]:
    """Counted concerns received in each named range of days (both ends included)."""
    first = min(start for start, _end in ranges.values())
    last = max(end for _start, end in ranges.values())
    totals = ConcernDayTally.objects.filter(merged=False, day__gte=first, day__lte=last).aggregate(
        **{name: Sum("n", filter=Q(day__range=span)) for name, span in ranges.items()}
    )
    return {name: totals[name] or 0 for name in ranges}


def received_by(
    ranges: dict[str, tuple[dt.date, dt.date]], by: tuple[str, ...], *, monthly: bool = False
) -> dict[str, dict[tuple, int]]:
    """Counted concerns received in each named range by "category" and/or "area":
    {range: {(key, ...): n}}; with `monthly`, the first key is the month (its first day).
    Two queries, whatever the ranges: the months' tally for the months, the concerns' date
    index for the days of the months a range covers in part (_split)."""
    whole, plus, minus = {}, {}, {}
    for name, (start, end) in ranges.items():
        whole[name], plus[name], minus[name] = _split(start, end)
    out: dict[str, dict[tuple, int]] = {name: {} for name in ranges}

    def add(name, key, n):
        out[name][key] = out[name].get(key, 0) + n

    months = [m for spans in whole.values() for m in spans]
    if months:
        tally = ConcernMonthTally.objects.filter(month__gte=min(months), month__lte=max(months))
        keys = [BY[b][0] for b in by]
        if monthly:
            for row in tally.values_list("month", *keys).annotate(total=Sum("n")):
                month, key = row[0], row[1:-1]
                if not row[-1]:
                    continue
                for name, spans in whole.items():
                    if spans and spans[0] <= month <= spans[-1]:
                        add(name, (month, *key), row[-1])
        else:
            # Each range summed by PostgreSQL: a row per key, not per key and month (a
            # year by category and area is 6,500 rows of the tally, 500 keys).
            spanned = {name: spans for name, spans in whole.items() if spans}
            rows = tally.values_list(*keys).annotate(
                **{
                    f"n_{i}": Sum("n", filter=Q(month__range=(spans[0], spans[-1])))
                    for i, spans in enumerate(spanned.values())
                }
            )
            for row in rows.order_by():
                key = tuple(row[: len(keys)])
                for name, n in zip(spanned, row[len(keys) :], strict=True):
                    if n:
                        add(name, key, n)
    # The days to add to the months' figures and those to take away from them: (name,
    # sign, spans).
    parts = [(name, 1, spans) for name, spans in plus.items() if spans] + [
        (name, -1, spans) for name, spans in minus.items() if spans
    ]
    if parts:
        # The days listed, not ranges OR'd: PostgreSQL then reads them from the date index
        # alone (5 ms for a spike's two months at a million concerns), where ranges OR'd
        # make it fetch each row from the table (19 ms).
        days = sorted({day for _n, _s, spans in parts for span in spans for day in _days(span)})
        columns = [BY[b][1] for b in by]
        if monthly:
            columns.insert(0, "month")
        rows = (
            C.objects.counted()
            .filter(date_received__in=days)
            .annotate(month=TruncMonth("date_received"))
            .values_list(*columns)
            .annotate(
                **{
                    f"n_{i}": Count("id", filter=_any_range(spans))
                    for i, (_name, _sign, spans) in enumerate(parts)
                }
            )
            .order_by()
        )
        width = len(columns)
        for row in rows:
            key = tuple(row[:width])
            for (name, sign, _spans), n in zip(parts, row[width:], strict=True):
                if n:
                    add(name, key, sign * n)
    # A key whose days taken away were all its month held is no figure.
    return {name: {key: n for key, n in found.items() if n} for name, found in out.items()}


def _days(span: tuple[dt.date, dt.date]) -> list[dt.date]:
    start, end = span
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _length(span: tuple[dt.date, dt.date]) -> int:
    return (span[1] - span[0]).days + 1


def _any_range(spans) -> Q:
    q = Q()
    for span in spans:
        q |= Q(date_received__range=span)
    return q


Span = tuple[dt.date, dt.date]


def _split(start: dt.date, end: dt.date) -> tuple[list[dt.date], list[Span], list[Span]]:
    """A range as months of the tally (their first days), spans of days to add to them and
    spans of days to take away. A month the range covers in part is read whichever way
    lists fewer days: its days inside the range, or the whole month less its days outside
    (the 30 days of a spike, November 6 to December 5, are November less its first five
    days and December's first five: ten days read, not thirty; late in a month, the month
    so far is the month less the days still to come). Only a
    range's first and last months can be partial, so the months stay consecutive."""
    months: list[dt.date] = []
    plus: list[Span] = []
    minus: list[Span] = []
    month = start.replace(day=1)
    while month <= end:
        last = _next_month(month) - dt.timedelta(days=1)
        inside = (max(start, month), min(end, last))
        day = dt.timedelta(days=1)
        before, after = (month, inside[0] - day), (inside[1] + day, last)
        outside = [span for span in (before, after) if span[0] <= span[1]]
        if not outside:
            months.append(month)
        elif _length(inside) <= sum(_length(span) for span in outside):
            plus.append(inside)
        else:
            months.append(month)
            minus.extend(outside)
        month = _next_month(month)
    return months, plus, minus


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
