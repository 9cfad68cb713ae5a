"""The dashboard's map: open concerns by defined area, and the change in new concerns
against the period before, per area (issue 22).

Two aggregates, each one GROUP BY over an index the dashboard already reads: the open
concerns by status, and the received dates (concern_recent_idx carries defined_area). A
concern merged into another (duplicate_of set) is counted once, through its lead.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts.maps import by_area
from accounts.models import Area
from concerns.models import Concern as C


def open_by_area(period) -> dict:
    """The figure (accounts/maps.py) of open concerns per area, with a row per area of
    new concerns this period, the period before and the change."""
    open_counts = dict(
        C.objects.open()
        .filter(duplicate_of__isnull=True)
        .values_list("defined_area")
        .annotate(n=Count("id"))
        .order_by()
    )
    prev_start, prev_end = period.previous
    new = {
        row["defined_area"]: row
        for row in C.objects.filter(
            date_received__gte=prev_start,
            date_received__lte=period.end,
            duplicate_of__isnull=True,
        )
        .values("defined_area")
        .annotate(
            this=Count("id", filter=Q(date_received__range=(period.start, period.end))),
            previous=Count("id", filter=Q(date_received__range=(prev_start, prev_end))),
        )
        .order_by()
    }
    figure = by_area(open_counts)
    names = {r["id"]: f"{r['code']} · {r['name']}" for r in figure["rows"]}
    names.update(_names(set(new) - set(names)))
    change = []
    for area_id in set(open_counts) | set(new):
        row = new.get(area_id, {})
        this, previous = row.get("this", 0), row.get("previous", 0)
        change.append(
            {
                "area": names.get(area_id, _("Not placed in an area")),
                "not_placed": area_id is None,
                "open": open_counts.get(area_id, 0),
                "this": this,
                "previous": previous,
                "change": this - previous,
            }
        )
    change.sort(key=lambda r: (r["not_placed"], -r["open"], -r["this"], r["area"]))
    figure["change"] = change
    return figure


def _names(ids) -> dict:
    """Labels for areas that have new concerns but none open (rare: one small query)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return {a.pk: f"{a.code} · {a.name}" for a in Area.objects.filter(pk__in=ids)}
