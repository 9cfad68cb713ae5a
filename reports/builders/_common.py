"""What the report kinds' builders share: choice labels as plain text, breakdowns by a
field, the rows of a concern listing, the themes of a set of concerns, and the
recommendations made over a window."""

from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import ngettext

from concerns.models import Concern, ConcernUpdate
from core import windows
from reports.builders._listings import Listing

C = Concern

# How many of the residents' own summaries each theme quotes, and how many areas are named.
THEME_QUOTES = 3
THEME_AREAS = 8


def _labels(choices) -> dict:
    """Value to label, the labels as plain text in the active language: the result is
    frozen as JSON on the report at submission."""
    return {value: str(label) for value, label in choices}


def _breakdown(qs, field: str, choices) -> list[list]:
    labels = _labels(choices)
    rows = qs.values(field).annotate(n=Count("id")).order_by("-n", field)
    return [[labels.get(r[field], r[field]), r["n"]] for r in rows]


def _concern_rows(qs, limit: int | None = None) -> list[dict]:
    """The lines of a concern listing, in the order received; the first `limit` if given."""
    cats, statuses, natures = (
        _labels(C.Category.choices),
        _labels(C.Status.choices),
        _labels(C.Nature.choices),
    )
    rows = (
        qs.with_gathered()
        .order_by("date_received", "id")
        .values(
            "reference",
            "date_received",
            "summary",
            "category",
            "nature",
            "area",
            "status",
            "gathered",
        )
    )
    return [
        {
            "reference": r["reference"],
            "date": r["date_received"].isoformat(),
            "summary": _with_gathered(r["summary"], r["gathered"]),
            "category": cats[r["category"]],
            "nature": natures[r["nature"]],
            "area": r["area"],
            "status": statuses[r["status"]],
            "gathered": r["gathered"],
        }
        for r in (rows if limit is None else rows[:limit])
    ]


def concern_listing(qs) -> Listing:
    """The concerns of a section as a listing: its lines (`_concern_rows`), or counted by
    category and status in one grouped query."""
    cats, statuses = _labels(C.Category.choices), _labels(C.Status.choices)

    def counts() -> Counter:
        grouped = qs.order_by().values_list("category", "status").annotate(n=Count("id"))
        return Counter({(cats[c], statuses[s]): n for c, s, n in grouped})

    return Listing(rows=lambda limit: _concern_rows(qs, limit), counts=counts)


def _with_gathered(summary: str, gathered: int) -> str:
    """A lead counted once says how many reports of the same thing were merged into it
    (concerns/duplicates.py), in the line every listing already shows."""
    if not gathered:
        return summary
    more = ngettext("gathered %(n)d more report", "gathered %(n)d more reports", gathered)
    more = more % {"n": gathered}
    return f"{summary} ({more})"


def _quotes(qs, field: str, keys) -> dict:
    """The latest THEME_QUOTES summaries for each value of `field` in `keys`, in one query:
    each key's latest rows read on their own (through the date and category indexes,
    stopping at THEME_QUOTES) and put together with UNION ALL. Numbering every row of the
    period by key instead took 0.3 s for a year at a million concerns."""
    latest = qs.order_by("-date_received", "-id").values_list(
        field, "date_received", "id", "reference", "summary"
    )
    # With no keys the query still runs (and finds nothing): the count of queries is the
    # same for an empty period as for a busy one.
    parts = [latest.filter(**{field: key})[:THEME_QUOTES] for key in keys]
    rows = parts[0].union(*parts[1:], all=True) if parts else latest[:THEME_QUOTES]
    wanted, found = set(keys), {}
    for key, _day, _pk, reference, summary in sorted(
        rows, key=lambda r: (r[1], r[2]), reverse=True
    ):
        if key in wanted:
            found.setdefault(key, []).append({"reference": reference, "summary": summary})
    return found


def themes(qs) -> dict:
    """What the residents raised, grouped: the count in each category and each of the
    busiest areas, with a few of their own summaries (four queries whatever the count)."""
    cats = _labels(C.Category.choices)
    by_category = list(
        qs.values_list("category").annotate(n=Count("id")).order_by("-n", "category")
    )
    by_area = list(
        qs.values_list("area").annotate(n=Count("id")).order_by("-n", "area")[:THEME_AREAS]
    )
    cat_quotes = _quotes(qs, "category", [k for k, _ in by_category])
    area_quotes = _quotes(qs, "area", [k for k, _ in by_area])
    return {
        "by_category": [
            {"label": cats.get(k, k), "count": n, "quotes": cat_quotes.get(k, [])}
            for k, n in by_category
        ],
        "by_area": [{"label": k, "count": n, "quotes": area_quotes.get(k, [])} for k, n in by_area],
    }


def recommendations_made(w: windows.Window) -> Listing:
    """Every recommended action recorded on a concern inside the window, whenever the
    concern came in: windows that do not overlap never share one (001 IV.A.3). As a
    listing: its lines, or counted by the concern's category."""
    made = ConcernUpdate.objects.filter(
        kind=ConcernUpdate.Kind.RECOMMENDATION, created_at__gte=w.start, created_at__lt=w.end
    )
    cats = _labels(C.Category.choices)

    def counts() -> Counter:
        grouped = made.order_by().values_list("concern__category").annotate(n=Count("id"))
        return Counter({(cats[c], ""): n for c, n in grouped})

    return Listing(rows=lambda limit: _recommendation_rows(made, limit), counts=counts)


def _recommendation_rows(made, limit: int | None) -> list[dict]:
    cats = _labels(C.Category.choices)
    rows = made.order_by("created_at", "id").values(
        "concern__reference",
        "concern__summary",
        "concern__category",
        "concern__date_received",
        "text",
        "created_at",
    )
    return [
        {
            "reference": r["concern__reference"],
            "summary": r["concern__summary"],
            "category": cats[r["concern__category"]],
            "received": r["concern__date_received"].isoformat(),
            "text": r["text"],
            "date": timezone.localdate(r["created_at"]).isoformat(),
        }
        for r in (rows if limit is None else rows[:limit])
    ]
