"""The dashboard's map: open concerns by defined area, and the change in new concerns
against the period before, per area (issue 22).

Both from the tallies the database keeps (concerns/counts.py): the open concerns by area,
and the new ones this period and the period before. A concern merged into another
(duplicate_of set) is counted once, through its lead.
"""

from django.utils.translation import gettext as _

from accounts.maps import by_area
from accounts.models import Area
from concerns import counts


def open_by_area(period) -> dict:
    """The figure (accounts/maps.py) of open concerns per area, with a row per area of
    new concerns this period, the period before and the change."""
    open_counts = {area: n for (area,), n in counts.open_by("area", counted=True).items()}
    prev_start, prev_end = period.previous
    found = counts.received_by(
        {"this": (period.start, period.end), "previous": (prev_start, prev_end)}, ("area",)
    )
    new = {
        area: {"this": found["this"].get((area,), 0), "previous": found["previous"].get((area,), 0)}
        for area in {key for spans in found.values() for (key,) in spans}
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
    return {a.pk: f"{a.code} · {a.name}" for a in Area.objects.filter(pk__in=ids).for_picking()}
