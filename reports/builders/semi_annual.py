"""The semi-annual report (000 V, 003 1.a.8): every program active in the half-year, with
where its evaluation stands and the resources its sessions used."""

import datetime as dt

from django.db.models import Count, Max, Q, Sum

from core.windows import Window, window
from programs.models import Program, ProgramEvaluation

P, E = Program, ProgramEvaluation

# Where a program's evaluation for the half stands, most settled first.
ACCEPTED, RETURNED, WAITING, WRITING, OVERDUE, NOT_DUE = (
    "accepted",
    "returned",
    "waiting",
    "writing",
    "overdue",
    "not_due",
)


def programs_active_in(w: Window):
    """A program counts in the period when it ran at some time in it: active (or suspended)
    now and active since a day in or before the period, or with a session or an evaluation
    period falling in it, whatever it has become since."""
    return Program.objects.filter(
        Q(status__in=[P.Status.ACTIVE, P.Status.SUSPENDED], active_since__lte=w.last_day)
        | Q(sessions__date__range=(w.first_day, w.last_day))
        | Q(evaluations__period_end__gte=w.first_day, evaluations__period_start__lte=w.last_day)
    )


def _state(program, evaluation, last_sent, as_of: dt.date) -> tuple[str, str | None]:
    if evaluation is not None:
        return (
            {
                E.Status.ACCEPTED: ACCEPTED,
                E.Status.RETURNED: RETURNED,
                E.Status.SUBMITTED: WAITING,
            }.get(evaluation.status, WRITING),
            None,
        )
    # A suspended or discontinued program's evaluation clock has stopped.
    due = program.evaluation_due(last_sent)
    if due is None:
        return NOT_DUE, None
    return (OVERDUE if due < as_of else NOT_DUE), due.isoformat()


def semi_annual(start: dt.date, end: dt.date) -> dict:
    """000 V, 003 1.a.8: each program active in the half, its evaluation and resources."""
    w = window(start, end)
    in_half = Q(sessions__date__range=(start, w.last_day))
    programs = list(
        Program.objects.filter(pk__in=programs_active_in(w).values("pk"))
        .annotate(
            sessions_in_half=Count("sessions", filter=in_half),
            attendance_in_half=Sum("sessions__attendance", filter=in_half),
            hours_in_half=Sum("sessions__staff_hours", filter=in_half),
            cost_in_half=Sum("sessions__materials_cost", filter=in_half),
        )
        .select_related("coordinator")
        .order_by("name")
    )
    ids = [p.pk for p in programs]
    # The evaluation of the half for each program: the latest whose period ends in it.
    evaluations = {}
    for e in (
        ProgramEvaluation.objects.filter(program_id__in=ids, period_end__range=(start, end))
        .select_related("decided_by")
        .order_by("program_id", "period_end", "id")
    ):
        evaluations[e.program_id] = e
    # The clock of the next evaluation runs from the last one sent to the Chief (accepted,
    # or waiting for the Chief's decision), not only the last one accepted.
    last_sent = dict(
        ProgramEvaluation.objects.filter(
            program_id__in=ids,
            status__in=[E.Status.ACCEPTED, E.Status.SUBMITTED],
            period_end__lt=start,
        )
        .values_list("program_id")
        .annotate(last=Max("period_end"))
    )
    rows = []
    for p in programs:
        e = evaluations.get(p.pk)
        state, due = _state(p, e, last_sent.get(p.pk), w.as_of)
        rows.append(
            {
                "program": p.name,
                "status": p.get_status_display(),
                "coordinator": p.coordinator.display_name if p.coordinator else "",
                "state": state,
                "due_on": due,
                "sessions": p.sessions_in_half,
                "attendance": p.attendance_in_half or 0,
                "staff_hours": str(p.hours_in_half or 0),
                "materials_cost": str(p.cost_in_half or 0),
                "evaluation": None
                if e is None or e.status == E.Status.DRAFT
                else {
                    "period": f"{e.period_start.isoformat()} – {e.period_end.isoformat()}",
                    "rating": e.rating,
                    "recommendation": e.get_recommendation_display(),
                    "alterations": e.alterations,
                    "outcomes": e.outcomes,
                    "decision": e.get_status_display(),
                    "chief_comment": e.chief_comment,
                },
            }
        )
    counts = {
        s: sum(1 for r in rows if r["state"] == s)
        for s in (ACCEPTED, RETURNED, WAITING, WRITING, OVERDUE, NOT_DUE)
    }
    return {"as_of": w.as_of.isoformat(), "programs": rows, "states": counts}
