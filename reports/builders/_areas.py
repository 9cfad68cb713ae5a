"""The "by area" figure the quarterly, annual and transparency reports freeze with their
other figures: concerns received in the period per defined area, with the drawn level's
shapes (accounts/maps.py), so the report shows the same map however the boundaries change
later. A concern merged into another is counted once, through its lead."""

from django.db.models import Count
from django.utils.translation import gettext

from accounts.maps import by_area, suppressed


def received_by_area(received) -> dict:
    counts = dict(
        received.filter(duplicate_of__isnull=True)
        .values_list("defined_area")
        .annotate(n=Count("id"))
        .order_by()
    )
    return by_area(counts)


def public_by_area(received, *, below: int, hidden_words: str) -> dict:
    """The same for the public: a count under `below` withheld, on the map and in the
    table, by the transparency report's own rule."""
    return suppressed(received_by_area(received), below=below, hidden_words=hidden_words)


def in_reader_words(figure: dict) -> dict:
    """A frozen figure as the reader of the page or PDF reads it: the kinds of area and
    "fewer than 5" in the active language (they were frozen in the language of the day)."""
    hidden = figure.get("hidden_words") or ""
    if hidden.startswith("fewer than "):
        hidden = gettext("fewer than %(count)s") % {"count": hidden.removeprefix("fewer than ")}
    return {
        **figure,
        "hidden_words": hidden,
        "kind_label": gettext(figure["kind_label"]) if figure.get("kind_label") else "",
        "rows": [
            {**row, "kind": gettext(row["kind"]) if row.get("kind") else ""}
            for row in figure.get("rows", [])
        ],
    }
