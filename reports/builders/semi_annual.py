"""The semi-annual report (000 V, 003 1.a.8): the programs' evaluations in the half-year."""

import datetime as dt

from programs.models import ProgramEvaluation


def semi_annual(start: dt.date, end: dt.date) -> dict:
    """000 V, 003 1.a.8: each program's evaluation in the half-year and the Chief's decision."""
    rows = (
        ProgramEvaluation.objects.filter(period_end__range=(start, end))
        .exclude(status=ProgramEvaluation.Status.DRAFT)
        .select_related("program", "decided_by")
        .order_by("program__name", "period_start")
    )
    return {
        "evaluations": [
            {
                "program": e.program.name,
                "period": f"{e.period_start.isoformat()} – {e.period_end.isoformat()}",
                "rating": e.rating,
                "recommendation": e.get_recommendation_display(),
                "alterations": e.alterations,
                "outcomes": e.outcomes,
                "sessions": e.sessions,
                "attendance": e.attendance,
                "staff_hours": str(e.staff_hours),
                "materials_cost": str(e.materials_cost),
                "decision": e.get_status_display(),
                "chief_comment": e.chief_comment,
            }
            for e in rows
        ],
    }
