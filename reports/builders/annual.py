"""The annual report (001 III.C.4, 000 VI): the plan's objectives, the year against the
last, the Community Services Report counts, programs, recognition, surveys, accepted
recommendations and training delivered."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from concerns.models import Concern
from core.windows import window
from outreach.command_staff import attendance_by_member, meetings_attended
from outreach.models import OutreachActivity, Recognition, TrainingNeed
from programs.models import Program, ProgramEvaluation
from reports.builders._areas import received_by_area
from reports.builders._common import _labels, themes
from reports.builders.semi_annual import programs_active_in
from reports.models import Plan, Recommendation
from surveys.models import Dimension, Survey
from surveys.results import indexes

C = Concern


def _year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1)


def _compare(this_qs, last_qs, field: str, choices) -> list[dict]:
    labels = _labels(choices)
    this = dict(this_qs.values_list(field).annotate(n=Count("id")))
    last = dict(last_qs.values_list(field).annotate(n=Count("id")))
    keys = sorted(set(this) | set(last), key=lambda k: (-this.get(k, 0), k))
    return [
        {"label": labels.get(k, k), "this": this.get(k, 0), "last": last.get(k, 0)} for k in keys
    ]


def annual(start: dt.date, end: dt.date) -> dict:
    """001 III.C.4, 000 VI: objectives, statistics, trends, the nine Community Services
    Report counts, programs, recognition and training delivered."""

    w = window(start, end)
    prev = (_year_before(start), _year_before(end))
    # A lead is counted once with the reports it gathered (ConcernQuerySet.counted).
    this_concerns = Concern.objects.counted().filter(date_received__range=(start, end))
    last_concerns = Concern.objects.counted().filter(date_received__range=prev)
    this_acts = OutreachActivity.objects.filter(date__range=(start, end))
    last_acts = OutreachActivity.objects.filter(date__range=prev)
    kinds = _labels(OutreachActivity.Kind.choices)
    csr_this = dict(this_acts.values_list("kind").annotate(n=Count("id")))
    csr_last = dict(last_acts.values_list("kind").annotate(n=Count("id")))
    plan = Plan.objects.filter(year=start.year, status=Plan.Status.APPROVED).first()
    csr = [
        {"kind": kinds[k], "this": csr_this.get(k, 0), "last": csr_last.get(k, 0)}
        for k in OutreachActivity.Kind.values
        if k in OutreachActivity.CSR_KINDS
    ]
    activities, activities_last = this_acts.count(), last_acts.count()
    programs = _programs_section(start, end)
    briefed = _personnel_briefed(this_acts)
    advised = _groups_advised(this_acts)
    return {
        "objectives": [{"position": o.position, "text": o.text} for o in plan.objectives.all()]
        if plan
        else [],
        "plan_approved": plan is not None,
        "received": this_concerns.count(),
        "received_last_year": last_concerns.count(),
        # Resolved in the year, whenever received (so not a share of "received").
        "resolved": Concern.objects.counted()
        .filter(resolved_at__gte=w.start, resolved_at__lt=w.end)
        .count(),
        "by_category": _compare(this_concerns, last_concerns, "category", C.Category.choices),
        "by_area": received_by_area(Concern.objects.received_in(w)),
        "themes": themes(this_concerns),
        # The nine Community Services Report kinds, then every other kind in one line, so
        # that the table adds up to the headline's count of activities.
        "csr": csr,
        "csr_total": sum(r["this"] for r in csr),
        "csr_total_last": sum(r["last"] for r in csr),
        "other_activities": activities - sum(r["this"] for r in csr),
        "other_activities_last": activities_last - sum(r["last"] for r in csr),
        "activities": activities,
        "activities_last_year": activities_last,
        # 000 III.2 and III.8: in "other kinds" above (they are not among the nine
        # categories of 000 VI), and counted here on their own.
        "personnel_briefings": briefed["sessions"],
        "personnel_briefed": briefed["members"],
        "groups_advised": advised["groups"],
        "group_advice_sessions": advised["sessions"],
        # 004 §2.0, 002 §300.4(g): meetings with at least one of them, then each member.
        "command_staff_meetings": meetings_attended(start, end),
        "command_staff_by_member": [
            {
                "member": m.display_name,
                "meetings": m.meetings,
                "last": m.last_meeting.isoformat() if m.last_meeting else None,
            }
            for m in attendance_by_member(start, end)
        ],
        "attendance": this_acts.aggregate(n=Sum("attendance"))["n"] or 0,
        # Every program active at some time in the year, one row each: the headline counts
        # the rows and adds up their sessions and attendance.
        "programs": programs,
        "programs_active": len(programs),
        "program_sessions": sum(p["sessions"] for p in programs),
        "program_attendance": sum(p["attendance"] for p in programs),
        "recognitions": [
            {"recipient": r.recipient, "reason": r.reason, "date": r.date.isoformat()}
            for r in Recognition.objects.filter(date__range=(start, end))
            .select_related("member")
            .order_by("date", "id")
        ],
        "surveys": _survey_section(start, end),
        "recommendations": _recommendations_section(start, end),
        "training_delivered": [
            {
                "topic": t.get_topic_display(),
                "detail": t.topic_detail,
                "delivered_on": t.delivered_on.isoformat(),
            }
            for t in TrainingNeed.objects.filter(delivered_on__range=(start, end)).order_by(
                "delivered_on", "id"
            )
        ],
    }


def _personnel_briefed(acts) -> dict:
    """000 III.2: briefings or training of personnel on community relations in the year,
    and the members listed as attending them, each counted once (one query)."""
    return acts.filter(kind=OutreachActivity.Kind.PERSONNEL_BRIEFING).aggregate(
        sessions=Count("id", distinct=True), members=Count("officers", distinct=True)
    )


def _groups_advised(acts) -> dict:
    """000 III.8: the groups advised while forming in the year. A group is the organization
    the advice names, counted once however many sessions; a session naming none counts as a
    group of its own, since nothing says two unnamed ones were the same group (one query)."""
    found = acts.filter(kind=OutreachActivity.Kind.GROUP_FORMATION_ADVICE).aggregate(
        sessions=Count("id"),
        named=Count("organization", distinct=True),
        unnamed=Count("id", filter=Q(organization__isnull=True)),
    )
    return {"sessions": found["sessions"], "groups": found["named"] + found["unnamed"]}


def _programs_section(start: dt.date, end: dt.date) -> list[dict]:
    """Each program active in the year, its sessions and attendance in the year, and the
    accepted evaluation of the year if there is one (two queries)."""
    w = window(start, end)
    in_year = Q(sessions__date__range=(start, w.last_day))
    programs = (
        Program.objects.filter(pk__in=programs_active_in(w).values("pk"))
        .annotate(
            n_sessions=Count("sessions", filter=in_year),
            people=Sum("sessions__attendance", filter=in_year),
        )
        .order_by("name")
        .values("pk", "name", "status", "n_sessions", "people")
    )
    accepted = {}
    for e in ProgramEvaluation.objects.filter(
        period_end__range=(start, end), status=ProgramEvaluation.Status.ACCEPTED
    ).order_by("period_end", "id"):
        accepted[e.program_id] = e
    statuses = _labels(Program.Status.choices)
    return [
        {
            "program": p["name"],
            "status": statuses[p["status"]],
            "sessions": p["n_sessions"],
            "attendance": p["people"] or 0,
            "rating": accepted[p["pk"]].rating if p["pk"] in accepted else None,
            "recommendation": accepted[p["pk"]].get_recommendation_display()
            if p["pk"] in accepted
            else "",
        }
        for p in programs
    ]


def _recommendations_section(start: dt.date, end: dt.date) -> list[dict]:
    """Recommendations the Chief accepted in the year, and whether each has been carried
    out (000 III.3 and III.6, 001 III.C.4): one query."""

    R = Recommendation
    kinds, statuses = _labels(R.Kind.choices), _labels(R.Status.choices)
    rows = (
        R.objects.filter(
            status__in=[R.Status.ACCEPTED, R.Status.DONE],
            decided_at__date__gte=start,
            decided_at__date__lte=end,
        )
        .order_by("decided_at", "id")
        .values("title", "kind", "status", "decided_at", "done_on", "outcome")
    )
    return [
        {
            "title": r["title"],
            "kind": kinds[r["kind"]],
            "status": statuses[r["status"]],
            "decided_on": timezone.localdate(r["decided_at"]).isoformat(),
            "done_on": r["done_on"].isoformat() if r["done_on"] else None,
            "outcome": r["outcome"],
        }
        for r in rows
    ]


def _survey_section(start: dt.date, end: dt.date) -> list[dict]:
    """The annual report's survey summary (003 1.c, 002 300.5): each survey that closed in
    the year, its responses and dimension indexes against the same audience's last year."""

    statuses = [Survey.Status.APPROVED, Survey.Status.CLOSED]
    surveys = list(
        Survey.objects.filter(closes_on__range=(start, end), status__in=statuses)
        .annotate(n=Count("responses"))
        .order_by("audience", "closes_on")
    )
    if not surveys:
        return []
    previous = {}
    for s in (
        Survey.objects.filter(
            closes_on__range=(_year_before(start), _year_before(end)), status__in=statuses
        )
        .annotate(n=Count("responses"))
        .filter(n__gt=0)
        .order_by("closes_on")
    ):
        previous[s.audience] = s.pk
    found = indexes([s.pk for s in surveys] + list(previous.values()), standard_only=True)
    labels = _labels(Dimension.choices)
    out = []
    for s in surveys:
        last = found.get(previous.get(s.audience), {})
        dims = found.get(s.pk, {})
        out.append(
            {
                "title": s.title,
                "audience": s.get_audience_display(),
                "period": f"{s.opens_on.isoformat()} – {s.closes_on.isoformat()}",
                "responses": s.n,
                "indexes": [
                    {
                        "label": labels[d],
                        "this": dims[d]["index"],
                        "last": last.get(d, {}).get("index"),
                    }
                    for d in Dimension.values
                    if d in dims
                ],
            }
        )
    return out
