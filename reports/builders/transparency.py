"""The public transparency report (002 300.8): statistics only, small counts suppressed."""

import datetime as dt

from django.db.models import Count, Sum
from django.utils.translation import gettext, gettext_lazy

from concerns.models import Concern, Referral
from core.windows import window
from outreach.models import OutreachActivity
from reports.builders._areas import public_by_area
from reports.builders._common import _labels

C = Concern


SMALL = 5

# The public page groups related categories, so that a small department's year reads as a
# few real figures rather than a column of "fewer than 5". The last group takes the
# categories of no group and any group too small to show on its own (see `grouped`).
CATEGORY_GROUPS = (
    (
        gettext_lazy("Roads and traffic"),
        (C.Category.TRAFFIC, C.Category.PARKING, C.Category.STREET_LIGHTING),
    ),
    (
        gettext_lazy("Crime and drugs"),
        (C.Category.NARCOTICS, C.Category.PROPERTY_CRIME, C.Category.VIOLENT_CRIME),
    ),
    (
        gettext_lazy("Neighborhood life"),
        (C.Category.NOISE, C.Category.YOUTH, C.Category.HOMELESSNESS, C.Category.QUALITY_OF_LIFE),
    ),
    (
        gettext_lazy("Police service and conduct"),
        (C.Category.POLICE_SERVICE, C.Category.CONDUCT_BIAS),
    ),
    (gettext_lazy("Other concerns"), (C.Category.OTHER,)),
)


def suppress(n: int):
    """002 300.8: statistics only, and a count this small could point to a person."""
    return n if n >= SMALL else gettext("fewer than %(count)s") % {"count": SMALL}


def grouped(counts: list[int]) -> list[int | None]:
    """Which parts of a published total may stand on their own. `counts` are the parts,
    the last one the "other" part that takes in what cannot be shown. A part under SMALL
    goes into the last; while the last then holds a count under SMALL (but above none),
    the smallest part still shown goes in too, so no published part can be worked out by
    subtracting the others from the total. Returns each part's count, None for a part
    counted in the last, which is then the last part's count (itself under SMALL only
    when the whole total is). Never more parts are hidden than this needs."""
    *parts, other = counts
    shown = [n >= SMALL for n in parts]
    other += sum(n for n, keep in zip(parts, shown, strict=True) if not keep)
    while 0 < other < SMALL and any(shown):
        smallest = min((n, i) for i, (n, keep) in enumerate(zip(parts, shown, strict=True)) if keep)
        shown[smallest[1]] = False
        other += smallest[0]
    return [n if keep else None for n, keep in zip(parts, shown, strict=True)] + [other]


def by_group(by_category: dict) -> list[list]:
    """The concerns per category group, for the public: [label, count or "fewer than 5",
    [category labels]] for each group shown; the last, "Other concerns", names the
    categories of every group counted in it."""
    names = _labels(C.Category.choices)
    counts = [sum(by_category.get(c, 0) for c in cats) for _label, cats in CATEGORY_GROUPS]
    parts = grouped(counts)
    rows = [
        [str(label), suppress(n), [names[c] for c in cats]]
        for (label, cats), n in zip(CATEGORY_GROUPS[:-1], parts[:-1], strict=True)
        if n is not None
    ]
    if parts[-1]:
        hidden = zip(CATEGORY_GROUPS[:-1], parts[:-1], strict=True)
        merged = [c for (_label, cats), n in hidden if n is None for c in cats]
        label, cats = CATEGORY_GROUPS[-1]
        rows.append([str(label), suppress(parts[-1]), [names[c] for c in merged + list(cats)]])
    return rows


OTHER_KINDS = gettext_lazy("Other kinds of activity")


def by_kind(counts_all: list[tuple[str, int]]) -> list[list]:
    """Outreach activities per kind, largest first, a kind too small to show counted with
    the other small ones under OTHER_KINDS (by the same rule as the category groups). The
    kind "Other" starts in that last line: two lines "Other" and "Other kinds" would read as
    one thing counted twice."""
    names = _labels(OutreachActivity.Kind.choices)
    other = OutreachActivity.Kind.OTHER
    counts = [(kind, n) for kind, n in counts_all if kind != other]
    parts = grouped([n for _kind, n in counts] + [dict(counts_all).get(other, 0)])
    rows = [
        [names[kind], n] for (kind, _n), n in zip(counts, parts[:-1], strict=True) if n is not None
    ]
    if parts[-1]:
        rows.append([str(OTHER_KINDS), suppress(parts[-1])])
    return rows


def transparency(start: dt.date, end: dt.date) -> dict:
    """For the public: statistics only. No names of officers, suspects or sources, no DSNs,
    no references or case numbers; any count under 5 is shown as "fewer than 5"."""
    received = Concern.objects.received_in(window(start, end))
    # Outreach to the community: the briefing of the department's own members (000 §III.2)
    # is counted in the annual report, not shown to the public as outreach.
    activities = OutreachActivity.objects.filter(date__range=(start, end)).exclude(
        kind=OutreachActivity.Kind.PERSONNEL_BRIEFING
    )
    by_category = dict(received.values_list("category").annotate(n=Count("id")).order_by("-n"))
    kinds = list(activities.values_list("kind").annotate(n=Count("id")).order_by("-n", "kind"))
    resolved = received.filter(status=C.Status.RESOLVED).count()
    total = received.count()
    # Resolved and open add up to the total: one is not shown beside the other when the
    # other is suppressed, or subtracting it from the total would give the small one.
    resolved_shown, open_shown = (
        (suppress(resolved), suppress(total - resolved))
        if min(resolved, total - resolved) >= SMALL or total < SMALL
        else (suppress(resolved), None)
        if resolved < SMALL
        else (None, suppress(total - resolved))
    )
    return {
        "received": suppress(total),
        "resolved": resolved_shown,
        "open": open_shown,
        # Grouped, not by category: twelve categories of a small year were twelve "fewer
        # than 5", and one suppressed among shown ones could be had by subtraction.
        "by_group": by_group(by_category),
        "referred": suppress(Referral.objects.filter(referred_on__range=(start, end)).count()),
        "activities": suppress(activities.count()),
        "attendance": suppress(activities.aggregate(n=Sum("attendance"))["n"] or 0),
        "by_kind": by_kind(kinds),
        # By area only, never a point: a point could find a person (002 300.8).
        "by_area": public_by_area(received, below=SMALL, hidden_words=suppress(0)),
    }
