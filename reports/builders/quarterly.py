"""The quarterly report (001 IV.A 1-5): current concerns, potential problems, recommended
actions and progress on earlier concerns, and the month-by-month activities."""

import datetime as dt
from collections import Counter, defaultdict

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.dates import MONTHS

from concerns.models import Concern, ConcernUpdate
from core.windows import Window, window
from outreach.models import OutreachActivity
from reports.builders._areas import received_by_area
from reports.builders._common import (
    _breakdown,
    _labels,
    concern_listing,
    recommendations_made,
    themes,
)
from reports.builders._listings import Listing

C = Concern
K = ConcernUpdate.Kind
# An earlier concern nobody worked on inside the window: no steps, nothing done, unresolved.
NO_STEPS = (0, "", False)


def _earlier(w: Window):
    """001 IV.A.4's concerns: received before the window and open at some moment of it."""
    return Concern.objects.open_during(w).filter(date_received__lt=w.first_day)


def _progress_steps(w: Window):
    """A concern's timeline lines inside the window that are progress: its arrival, an
    import and a correction of its details are not."""
    return ConcernUpdate.objects.filter(
        concern=OuterRef("pk"), created_at__gte=w.start, created_at__lt=w.end
    ).exclude(kind__in=ConcernUpdate.NOT_PROGRESS)


def progress_tally(w: Window) -> list[tuple[str, int, int, int]]:
    """The earlier concerns open during the window, counted by category: how many, how
    many were worked (a step of progress inside it), and how many were resolved by a step
    inside it and still resolved at its end. One scan, whatever the listing's length:
    grouped by day received too, so that the scan follows the concerns in the order they
    were received (grouped by category alone, PostgreSQL read them through the category
    index, scattered over the table: 1.9 s against 0.6 s at a million concerns). Each line
    of `progress_on_earlier` says the same of its concern (tests hold the two together)."""
    steps = _progress_steps(w)
    grouped = (
        _earlier(w)
        .order_by()
        .values_list("date_received", "category")
        .annotate(
            n=Count("id"),
            worked=Count("id", filter=Q(Exists(steps))),
            resolved=Count(
                "id", filter=Q(Exists(steps.filter(kind=K.RESOLVED)), resolved_at__lt=w.end)
            ),
        )
    )
    by_category = defaultdict(lambda: [0, 0, 0])
    for _day, category, n, worked, resolved in grouped:
        counted = by_category[category]
        counted[0] += n
        counted[1] += worked
        counted[2] += resolved
    return [(category, *counted) for category, counted in sorted(by_category.items())]


def progress_figures(tally) -> dict:
    """001 IV.A.4's figures from `progress_tally` (a draft's)."""
    worked = sum(row[2] for row in tally)
    return {
        "progress_worked": worked,
        "progress_untouched": sum(row[1] for row in tally) - worked,
        "resolved_earlier_concerns": sum(row[3] for row in tally),
    }


def progress_figures_of(lines: list[dict]) -> dict:
    """The same figures from the lines themselves (at submission, from the lines frozen)."""
    worked = sum(1 for line in lines if line["steps"])
    return {
        "progress_worked": worked,
        "progress_untouched": len(lines) - worked,
        "resolved_earlier_concerns": sum(1 for line in lines if line["resolved_this_quarter"]),
    }


def progress_listing(w: Window, tally) -> Listing:
    """001 IV.A.4 as a listing: its lines, or counted by category (`progress_tally`)."""
    cats = _labels(C.Category.choices)

    def counts() -> Counter:
        return Counter({(cats[category], ""): n for category, n, _worked, _done in tally})

    return Listing(
        rows=lambda limit: progress_on_earlier(w, limit),
        counts=counts,
        figures=progress_figures_of,
    )


def progress_on_earlier(w: Window, limit: int | None = None) -> list[dict]:
    """001 IV.A.4: every concern received before the window and open at some moment of it,
    longest waiting first, with the steps taken on it inside the window ("no progress"
    when none). Its arrival, an import and a correction of its details are not progress.
    The first `limit` if given, and the steps of those alone."""
    cats = _labels(C.Category.choices)
    rows = (
        _earlier(w)
        .order_by("date_received", "id")
        .values_list("id", "reference", "summary", "category", "date_received", "resolved_at")
    )
    if limit is not None:
        rows = list(rows[:limit])
    steps = _steps_inside(w, None if limit is None else [row[0] for row in rows])
    # A busy quarter lists two hundred thousand concerns received on a few thousand days:
    # each day's ISO form and wait are worked out once.
    days = {}
    out = []
    for pk, reference, summary, category, received, resolved_at in rows:
        n, what, resolved_inside = steps.get(pk, NO_STEPS)
        if received not in days:
            days[received] = (received.isoformat(), (w.last_day - received).days)
        day, waited = days[received]
        # resolved_at is set exactly while the concern is resolved (a check constraint).
        resolved_by_end = resolved_at is not None and resolved_at < w.end
        out.append(
            {
                "reference": reference,
                "summary": summary,
                "category": cats[category],
                "received": day,
                "waited_days": waited,
                "steps": n,
                # What else was done (a resolution is said by resolved_this_quarter).
                "what": what,
                "resolved_this_quarter": resolved_inside and resolved_by_end,
                "open_at_end": not resolved_by_end,
            }
        )
    return out


def _steps_inside(w: Window, concerns: list[int] | None = None) -> dict[int, tuple[int, str, bool]]:
    """Per concern, what was done on it inside the window that is progress: how many
    steps, their kinds but a resolution in the kinds' own order, and whether one was a
    resolution. One grouped query over the window's timeline lines (update_moment_idx),
    however many concerns were received before it, or over those of the `concerns` given;
    each set of kinds is named once."""
    kinds = _labels(K.choices)
    # An enum's .values builds its list anew on each read: worked out once.
    step_kinds = [k for k in K.values if k != K.RESOLVED]
    lines = ConcernUpdate.objects.filter(created_at__gte=w.start, created_at__lt=w.end)
    if concerns is not None:
        lines = lines.filter(concern_id__in=concerns)
    grouped = (
        lines.exclude(kind__in=ConcernUpdate.NOT_PROGRESS)
        .order_by()
        .values_list("concern_id")
        .annotate(n=Count("id"), kinds=ArrayAgg("kind", distinct=True))
    )
    named = {}
    out = {}
    for pk, n, done in grouped:
        done = tuple(done)
        if done not in named:
            named[done] = ", ".join(kinds[k] for k in step_kinds if k in done)
        out[pk] = (n, named[done], K.RESOLVED in done)
    return out


def quarterly(start: dt.date, end: dt.date) -> dict:
    """001 IV.A 1-5."""
    w = window(start, end)
    received = Concern.objects.received_in(w)
    tally = progress_tally(w)
    # 5. Monthly activities: counts per month and kind, in one grouped query.
    kinds = _labels(OutreachActivity.Kind.choices)
    per_month = defaultdict(dict)
    for row in (
        OutreachActivity.objects.filter(date__range=(start, w.last_day))
        .values("date__month", "kind")
        .annotate(n=Count("id"))
    ):
        per_month[kinds[row["kind"]]][row["date__month"]] = row["n"]
    months = [start.month, start.month + 1, start.month + 2]
    return {
        "as_of": w.as_of.isoformat(),
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "by_area": received_by_area(received),
        "themes": themes(received),
        "current_concerns": concern_listing(received),
        "potential_problems": concern_listing(received.filter(nature=C.Nature.POTENTIAL)),
        "recommendations": recommendations_made(w),
        "progress": progress_listing(w, tally),
        **progress_figures(tally),
        "months": [str(MONTHS[m]) for m in months],
        "activity_matrix": [
            {"kind": kind, "counts": [counts.get(m, 0) for m in months]}
            for kind, counts in sorted(per_month.items())
        ],
    }
