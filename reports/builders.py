"""The figures and lists of each report, computed in SQL from concerns, outreach and
programs. The result is plain JSON (dates as ISO strings, money as strings) so that it
can be frozen on the report at submission. Query counts do not grow with rows: every
section is one aggregate or one `values()` list.

Source names and contacts never appear in any report.
"""

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.models import Concern, ConcernUpdate, Referral
from outreach.models import OutreachActivity, Recognition, TrainingNeed
from programs.models import Program, ProgramEvaluation
from reports.models import Plan, Recommendation, Report
from surveys.models import Dimension, Survey
from surveys.results import indexes, summary

C = Concern

# A listing longer than this is summarised in the report (PDF and page) and given in full
# as a CSV file on the report's page: a large department's quarter (25,000 concerns) listed
# line by line was 560 pages and 96 s of layout (docs/PERFORMANCE.md).
LISTING_LIMIT = 1000

_CONCERN_COLUMNS = (
    ("reference", _("Reference")),
    ("date", _("Received")),
    ("category", _("Category")),
    ("nature", _("Nature")),
    ("area", _("Area")),
    ("status", _("Status")),
)
# Each report kind's listings (keys of its data), with their names and CSV columns.
LISTINGS = {
    "monthly": {"concerns": (_("The concerns"), _CONCERN_COLUMNS)},
    "quarterly": {
        "current_concerns": (_("Current concerns"), _CONCERN_COLUMNS),
        "potential_problems": (_("Potential problems"), _CONCERN_COLUMNS),
        "recommendations": (
            _("Recommended actions"),
            (
                ("reference", _("Concern")),
                ("category", _("Category")),
                ("date", _("Date")),
                ("text", _("Recommended action")),
            ),
        ),
        "progress": (
            _("Progress on earlier concerns"),
            (
                ("reference", _("Concern")),
                ("category", _("Category")),
                ("received", _("Received")),
                ("steps", _("Steps this quarter")),
                ("resolved_this_quarter", _("Resolved this quarter")),
                ("status", _("Stands")),
            ),
        ),
    },
}


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


def _activity_kinds(qs) -> list[dict]:
    labels = _labels(OutreachActivity.Kind.choices)
    rows = (
        qs.values("kind")
        .annotate(n=Count("id"), people=Sum("attendance"), hours=Sum("staff_hours"))
        .order_by("-n", "kind")
    )
    return [
        {
            "kind": labels[r["kind"]],
            "csr": r["kind"] in OutreachActivity.CSR_KINDS,
            "count": r["n"],
            "attendance": r["people"] or 0,
            "hours": str(r["hours"] or 0),
        }
        for r in rows
    ]


def _awaiting_referrals(end: dt.date) -> list[dict]:
    """Referrals made by the period's end and not answered by then."""
    qs = (
        Referral.objects.filter(referred_on__lte=end)
        .filter(Q(responded_on__isnull=True) | Q(responded_on__gt=end))
        .select_related("department")
        .order_by("due_on", "id")
        .values("concern__reference", "department__name", "referred_on", "due_on")
    )
    return [
        {
            "reference": r["concern__reference"],
            "department": r["department__name"],
            "referred_on": r["referred_on"].isoformat(),
            "due_on": r["due_on"].isoformat(),
            "overdue": r["due_on"] < end,
        }
        for r in qs
    ]


def monthly(start: dt.date, end: dt.date) -> dict:
    """001 IV.B.2.a, 003 1.a.8: what was received, what is awaited, what the unit did."""
    received = Concern.objects.filter(date_received__range=(start, end))
    activities = OutreachActivity.objects.filter(date__range=(start, end))
    return {
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "by_source": _breakdown(received, "source_type", C.SourceType.choices),
        "by_nature": _breakdown(received, "nature", C.Nature.choices),
        "by_status": _breakdown(received, "status", C.Status.choices),
        "concerns": _concern_rows(received),
        "awaiting_referrals": _awaiting_referrals(end),
        "activities": _activity_kinds(activities),
        "activity_total": activities.count(),
    }


def quarterly(start: dt.date, end: dt.date) -> dict:
    """001 IV.A 1-5."""
    received = Concern.objects.filter(date_received__range=(start, end))
    earlier = Concern.objects.filter(date_received__lt=start)
    in_quarter = ConcernUpdate.objects.filter(
        created_at__date__gte=start, created_at__date__lte=end
    )
    # 3. Recommended actions this quarter on concerns identified before it.
    recommendations = (
        in_quarter.filter(kind=ConcernUpdate.Kind.RECOMMENDATION, concern__date_received__lt=start)
        .order_by("created_at", "id")
        .values("concern__reference", "concern__category", "text", "created_at")
    )
    cats = _labels(C.Category.choices)
    statuses = _labels(C.Status.choices)
    # 4. Progress on earlier concerns: what happened this quarter and where each stands.
    worked = (
        earlier.filter(Exists(in_quarter.filter(concern=OuterRef("pk"))))
        .annotate(
            steps=Count(
                "updates",
                filter=Q(updates__created_at__date__gte=start, updates__created_at__date__lte=end),
            ),
            resolved_now=Count(
                "updates",
                filter=Q(
                    updates__kind=ConcernUpdate.Kind.RESOLVED,
                    updates__created_at__date__gte=start,
                    updates__created_at__date__lte=end,
                ),
            ),
        )
        .order_by("date_received", "id")
        .values("reference", "category", "date_received", "status", "steps", "resolved_now")
    )
    progress = [
        {
            "reference": r["reference"],
            "category": cats[r["category"]],
            "received": r["date_received"].isoformat(),
            "steps": r["steps"],
            "resolved_this_quarter": bool(r["resolved_now"]),
            "status": statuses[r["status"]],
        }
        for r in worked
    ]
    # 5. Monthly activities: counts per month and kind, in one grouped query.
    kinds = _labels(OutreachActivity.Kind.choices)
    per_month = defaultdict(dict)
    for row in (
        OutreachActivity.objects.filter(date__range=(start, end))
        .values("date__month", "kind")
        .annotate(n=Count("id"))
    ):
        per_month[kinds[row["kind"]]][row["date__month"]] = row["n"]
    months = [start.month, start.month + 1, start.month + 2]
    return {
        "received": received.count(),
        "by_category": _breakdown(received, "category", C.Category.choices),
        "current_concerns": _concern_rows(received),
        "potential_problems": _concern_rows(received.filter(nature=C.Nature.POTENTIAL)),
        "recommendations": [
            {
                "reference": r["concern__reference"],
                "category": cats[r["concern__category"]],
                "text": r["text"],
                "date": r["created_at"].date().isoformat(),
            }
            for r in recommendations
        ],
        "progress": progress,
        "resolved_earlier_concerns": sum(1 for p in progress if p["resolved_this_quarter"]),
        "months": [str(MONTHS[m]) for m in months],
        "activity_matrix": [
            {"kind": kind, "counts": [counts.get(m, 0) for m in months]}
            for kind, counts in sorted(per_month.items())
        ],
    }


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

    prev = (_year_before(start), _year_before(end))
    this_concerns = Concern.objects.filter(date_received__range=(start, end))
    last_concerns = Concern.objects.filter(date_received__range=prev)
    this_acts = OutreachActivity.objects.filter(date__range=(start, end))
    last_acts = OutreachActivity.objects.filter(date__range=prev)
    kinds = _labels(OutreachActivity.Kind.choices)
    csr_this = dict(this_acts.values_list("kind").annotate(n=Count("id")))
    csr_last = dict(last_acts.values_list("kind").annotate(n=Count("id")))
    plan = Plan.objects.filter(year=start.year, status=Plan.Status.APPROVED).first()
    sessions = this_acts.filter(program__isnull=False).aggregate(
        n=Count("id"), people=Sum("attendance")
    )
    evaluations = (
        ProgramEvaluation.objects.filter(
            period_end__range=(start, end), status=ProgramEvaluation.Status.ACCEPTED
        )
        .select_related("program")
        .order_by("program__name")
    )
    return {
        "objectives": [{"position": o.position, "text": o.text} for o in plan.objectives.all()]
        if plan
        else [],
        "plan_approved": plan is not None,
        "received": this_concerns.count(),
        "received_last_year": last_concerns.count(),
        "resolved": Concern.objects.filter(
            resolved_at__date__gte=start, resolved_at__date__lte=end
        ).count(),
        "by_category": _compare(this_concerns, last_concerns, "category", C.Category.choices),
        "csr": [
            {"kind": kinds[k], "this": csr_this.get(k, 0), "last": csr_last.get(k, 0)}
            for k in OutreachActivity.Kind.values
            if k in OutreachActivity.CSR_KINDS
        ],
        "activities": this_acts.count(),
        "activities_last_year": last_acts.count(),
        "attendance": this_acts.aggregate(n=Sum("attendance"))["n"] or 0,
        "programs_active": Program.objects.filter(status=Program.Status.ACTIVE).count(),
        "program_sessions": sessions["n"],
        "program_attendance": sessions["people"] or 0,
        "evaluations": [
            {
                "program": e.program.name,
                "rating": e.rating,
                "recommendation": e.get_recommendation_display(),
            }
            for e in evaluations
        ],
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


SMALL = 5


def suppress(n: int):
    """002 300.8: statistics only, and a count this small could point to a person."""
    return n if n >= SMALL else gettext("fewer than %(count)s") % {"count": SMALL}


def transparency(start: dt.date, end: dt.date) -> dict:
    """For the public: statistics only. No names of officers, suspects or sources, no DSNs,
    no references or case numbers; any count under 5 is shown as "fewer than 5"."""
    received = Concern.objects.filter(date_received__range=(start, end))
    activities = OutreachActivity.objects.filter(date__range=(start, end))
    cats = _labels(C.Category.choices)
    kinds = _labels(OutreachActivity.Kind.choices)
    by_category = received.values_list("category").annotate(n=Count("id")).order_by("-n")
    by_kind = activities.values_list("kind").annotate(n=Count("id")).order_by("-n")
    resolved = received.filter(status=C.Status.RESOLVED).count()
    total = received.count()
    return {
        "received": suppress(total),
        "resolved": suppress(resolved),
        "open": suppress(total - resolved),
        "by_category": [[cats[k], suppress(n)] for k, n in by_category],
        "referred": suppress(Referral.objects.filter(referred_on__range=(start, end)).count()),
        "activities": suppress(activities.count()),
        "attendance": suppress(activities.aggregate(n=Sum("attendance"))["n"] or 0),
        "by_kind": [[kinds[k], suppress(n)] for k, n in by_kind],
    }


BUILDERS = {
    Report.Kind.MONTHLY: monthly,
    Report.Kind.QUARTERLY: quarterly,
    Report.Kind.SEMI_ANNUAL: semi_annual,
    Report.Kind.ANNUAL: annual,
    Report.Kind.TRANSPARENCY: transparency,
}

# The narrative boxes of each kind: (key, heading). The CRO writes these; nothing else.
NARRATIVES = {
    Report.Kind.MONTHLY: [("summary", _("Summary for the Chief"))],
    Report.Kind.QUARTERLY: [
        ("current", _("1. Current concerns voiced by the community")),
        ("potential", _("2. Potential problems bearing on law enforcement")),
        ("recommended", _("3. Recommended actions for previously identified concerns")),
        ("progress", _("4. Progress toward correcting previously identified concerns")),
        ("activities", _("5. Summary of monthly activities")),
    ],
    Report.Kind.SEMI_ANNUAL: [("summary", _("Overall assessment of the programs"))],
    Report.Kind.ANNUAL: [
        ("trends", _("Trends against the previous year")),
        ("problems", _("Problems")),
        ("successes", _("Successes")),
    ],
    Report.Kind.TRANSPARENCY: [("introduction", _("About this report (shown to the public)"))],
    Report.Kind.SURVEY: [
        ("summary", _("Written summary of the compiled results")),
        ("findings", _("What the results say about the relationship with the community")),
        ("recommendations", _("Recommended actions for the Chief")),
    ],
}


def narrative_fields(kind: str, data: dict | None = None) -> list[tuple[str, str]]:
    """The narrative boxes of a report; the annual report has one per plan objective."""
    fields = list(NARRATIVES[kind])
    if kind == Report.Kind.ANNUAL and data:
        fields = [
            (
                f"objective_{o['position']}",
                gettext("Objective %(position)s: %(text)s")
                % {"position": o["position"], "text": o["text"]},
            )
            for o in data.get("objectives", [])
        ] + fields
    return fields


def build(kind: str, start: dt.date, end: dt.date) -> dict:
    return BUILDERS[kind](start, end)


def build_for(report: Report) -> dict:
    """The live figures of a report (a survey summary is about its survey, not a period)."""
    if report.kind == Report.Kind.SURVEY:
        return summary(report.survey)
    return build(report.kind, report.period_start, report.period_end)
