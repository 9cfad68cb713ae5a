"""What the report kinds' builders share: choice labels as plain text, breakdowns by a
field, and the rows of a concern listing."""

from django.db.models import Count

from concerns.models import Concern

C = Concern


def _labels(choices) -> dict:
    """Value to label, the labels as plain text in the active language: the result is
    frozen as JSON on the report at submission."""
    return {value: str(label) for value, label in choices}


def _breakdown(qs, field: str, choices) -> list[list]:
    labels = _labels(choices)
    rows = qs.values(field).annotate(n=Count("id")).order_by("-n", field)
    return [[labels.get(r[field], r[field]), r["n"]] for r in rows]


def _concern_rows(qs) -> list[dict]:
    cats, statuses, natures = (
        _labels(C.Category.choices),
        _labels(C.Status.choices),
        _labels(C.Nature.choices),
    )
    return [
        {
            "reference": r["reference"],
            "date": r["date_received"].isoformat(),
            "category": cats[r["category"]],
            "nature": natures[r["nature"]],
            "area": r["area"],
            "status": statuses[r["status"]],
        }
        for r in qs.order_by("date_received", "id").values(
            "reference", "date_received", "category", "nature", "area", "status"
        )
    ]
