"""Demo reports: approved reports for past periods (with their final PDFs) and a draft for
the current quarter. Used only by `manage.py seed_demo`."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from concerns.models import Concern
from core.decisions import Decision
from programs.models import ProgramEvaluation
from reports import recommendations as rec
from reports import services
from reports.builders import NARRATIVES, build_for
from reports.models import Recommendation, Report
from reports.periods import period_containing, previous_period
from reports.public import render_spanish_pdf
from reports.tasks import render_report
from surveys.models import Survey

# What the CRO wrote, by narrative box; each report's own period is written into it, so no
# two reports read the same. The transparency report's introductions are public: nobody
# named, no number that points at a case or a street (they pass reports.screening).
NARRATIVE_TEXTS = {
    "summary": "In {period}, residents raised {received} concerns, most about {top}; the unit "
    "met every watch group.",
    "current": "In {period}, {top} led the concerns residents raised ({first_count} about "
    "{first}).",
    "potential": "After {period}, the summer events downtown may bring more noise and parking "
    "complaints.",
    "recommended": "For {period}: directed patrols near the schools at pick-up time, and the "
    "speed trailer on the busiest streets.",
    "progress": "Street-light outages reported in {period} reached Public Works within a week.",
    "activities": "In {period}, the unit attended every watch meeting and held a forum each month.",
    "trends": "{received} concerns in {period} against {last_year} the year before, most about "
    "{top}.",
    "problems": "Referrals to other city departments in {period} waited too long for answers.",
    "successes": "Forum attendance in {period} doubled on the east side.",
    "introduction": "What residents told the department in {period}, and what it did in the "
    "community. {top_public} led the concerns. The community relations unit met every "
    "neighborhood watch group and held forums in each part of the city.",
    "introduction_es": "Lo que los residentes le dijeron al departamento en {period} y lo que "
    "este hizo en la comunidad. La unidad de relaciones con la comunidad se reunió con cada "
    "grupo de vigilancia vecinal y celebró foros en cada parte de la ciudad.",
}


def seed(stdout=None) -> dict:
    if Report.objects.exists():
        # A database seeded before recommendations existed still gets them.
        return {"reports": 0, "recommendations": _seed_recommendations()}
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    cro, chief = users["cro"], users["chief"]
    today = timezone.localdate()
    made = 0
    past = [
        ("monthly", previous_period("monthly", today)[0]),
        ("quarterly", previous_period("quarterly", today)[0]),
        ("quarterly", previous_period("quarterly", previous_period("quarterly", today)[0])[0]),
        ("semi_annual", previous_period("semi_annual", today)[0]),
        ("annual", previous_period("annual", today)[0]),
        # Two published years, both ended (a running year is never published, 002 300.8).
        ("transparency", previous_period("transparency", today)[0]),
        (
            "transparency",
            previous_period("transparency", previous_period("transparency", today)[0])[0],
        ),
    ]
    for kind, day in past:
        report = services.generate_report(kind=kind, day=day, by=cro)
        report.narratives = _narratives(kind, build_for(report), report.period_label)
        report.save(update_fields=["narratives"])
        services.submit_report(report=report, by=cro, late_reason="Entered into the desk late.")
        report.refresh_from_db()
        # Dated as the work would have gone: submitted a few days after the period, before
        # its due date, and approved two days later (never after today).
        submitted, decided = _timeline(report)
        report.status = Report.Status.APPROVED
        report.decided_by = chief
        report.submitted_at, report.decided_at = submitted, decided
        report.late_reason = ""
        report.save(
            update_fields=["status", "decided_by", "decided_at", "submitted_at", "late_reason"]
        )
        render_report.call(report.pk)
        if kind == "transparency":
            render_spanish_pdf.call(report.pk)
        made += 1
    # The written summary of last year's community survey, approved, with its PDF.

    for survey in Survey.objects.filter(status=Survey.Status.CLOSED):
        report = services.generate_survey_summary(survey=survey, by=cro)
        report.narratives = {
            "summary": "Residents rate the department's overall performance and its members' "
            "courtesy well; trust is the lowest index, lowest among Spanish-speaking "
            "respondents.",
            "findings": "Concerns about speeding and street lighting lead again; a third of "
            "comments ask for officers on foot downtown.",
            "recommendations": "A quarterly Spanish-language community meeting; walking patrols "
            "downtown on weekend evenings.",
        }
        report.save(update_fields=["narratives"])
        services.submit_report(report=report, by=cro, late_reason="Demo data, entered afterwards.")
        report.refresh_from_db()
        report.status = Report.Status.APPROVED
        report.decided_by = chief
        report.decided_at = timezone.now() - dt.timedelta(days=300)
        # Submitted a few days before the Chief read it, as it would have been.
        report.submitted_at = report.decided_at - dt.timedelta(days=4)
        report.save(update_fields=["status", "decided_by", "decided_at", "submitted_at"])
        render_report.call(report.pk)
        made += 1
    start, _ = period_containing("quarterly", today)
    services.generate_report(kind="quarterly", day=start, by=cro)
    plan = services.save_plan(
        year=today.year,
        by=cro,
        objectives_text=(
            "Meet every neighborhood and business watch group at least twice\n"
            "Answer every referral to another department within its due date\n"
            "Hold a Citizens Police Academy each semester"
        ),
    )
    services.submit_plan(plan=plan, by=cro)
    services.decide_plan(plan=plan, by=chief, decision=Decision.APPROVE)
    recommendations = _seed_recommendations()
    return {"reports": made + 1, "plans": 1, "recommendations": recommendations}


def _narratives(kind: str, data: dict, period: str) -> dict:
    """The CRO's words for a demo report, written from its own figures."""
    rows = data.get("by_category") or data.get("by_group") or []
    pairs = [(r["label"], r["this"]) if isinstance(r, dict) else (r[0], r[1]) for r in rows]
    labels = [label for label, _n in pairs]
    pairs = [(label, n) for label, n in pairs if isinstance(n, int) and n]
    top = " and ".join(label.lower() for label, _n in pairs[:2]) or "no one subject"
    facts = {
        "period": period,
        "received": data.get("received", 0),
        "last_year": data.get("received_last_year", 0),
        "top": top,
        "first": pairs[0][0].lower() if pairs else "any subject",
        "first_count": pairs[0][1] if pairs else 0,
        # The public introduction names categories only (its counts may be suppressed).
        "top_public": " and ".join(labels[:2]) or "No one subject",
    }
    return {key: NARRATIVE_TEXTS[key].format(**facts) for key, _heading in NARRATIVES[kind]}


def _timeline(report) -> tuple[dt.datetime, dt.datetime]:
    now = timezone.now()
    after = timezone.make_aware(
        dt.datetime.combine(report.period_end + dt.timedelta(days=4), dt.time(10, 15))
    )
    ended = timezone.make_aware(
        dt.datetime.combine(report.period_end + dt.timedelta(days=1), dt.time(0, 1))
    )
    submitted = max(min(after, now - dt.timedelta(hours=30)), min(ended, now))
    decided = min(submitted + dt.timedelta(days=2, hours=5), now - dt.timedelta(minutes=1))
    return submitted, max(decided, submitted)


def _seed_recommendations() -> int:
    """Four fictional recommendations to the Chief, one in each state the desk shows:
    waiting for the Chief, accepted and in progress, done, and sent back for more."""

    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    if Recommendation.objects.exists() or not {"cro", "chief"} <= users.keys():
        return 0
    cro, chief = users["cro"], users["chief"]
    now = timezone.now()
    survey = Survey.objects.filter(status=Survey.Status.CLOSED).first()
    evaluation = (
        ProgramEvaluation.objects.filter(status=ProgramEvaluation.Status.ACCEPTED)
        .order_by("-period_end", "id")
        .first()
    )

    def concerns(category, n=3):
        return list(Concern.objects.filter(category=category).order_by("-date_received")[:n])

    specs = [
        {
            "kind": "program",
            "title": "A Spanish-language community forum every quarter",
            "text": "Hold one of the quarterly community forums in Spanish, with the "
            "neighborhood's parish and the school district as co-hosts.",
            "reasons": "Trust is the lowest index in the community survey, lowest among "
            "Spanish-speaking respondents; forum attendance from the eastside is low.",
            "concerns": concerns("quality_of_life", 2),
            "evaluation": evaluation,
            "survey": survey,
            "state": "submitted",
        },
        {
            "kind": "practice",
            "title": "Rotate the speed trailer past the schools at pick-up time",
            "text": "Move the speed trailer weekly between the three elementary schools "
            "during the school year, with directed enforcement in the second week.",
            "reasons": "Speeding near schools is the most frequent traffic concern this year.",
            "concerns": concerns("traffic"),
            "evaluation": None,
            "survey": None,
            "state": "accepted",
            "decided_days_ago": 20,
        },
        {
            "kind": "practice",
            "title": "Street-light outages straight to Public Works",
            "text": "Officers report a street-light outage seen on patrol directly to Public "
            "Works through the city's service request line, and log it as a concern.",
            "reasons": "Outages residents report take weeks to reach Public Works by memo.",
            "concerns": concerns("street_lighting"),
            "evaluation": None,
            "survey": None,
            "state": "done",
            "decided_days_ago": 60,
            "done_days_ago": 12,
            "outcome": "Training bulletin issued to all shifts; Public Works now answers "
            "within five working days on average.",
        },
        {
            "kind": "policy",
            "title": "Draft policy: weekend evening foot patrols downtown",
            "text": "A general order establishing foot patrols downtown on Friday and "
            "Saturday evenings from May to September.",
            "reasons": "A third of the survey comments ask for officers on foot downtown.",
            "concerns": concerns("noise", 2),
            "evaluation": None,
            "survey": survey,
            "state": "more_info",
            "decided_days_ago": 5,
            "comment": "What would it cost in overtime, and which shifts would cover it?",
        },
    ]
    for spec in specs:
        data = {k: spec[k] for k in ("kind", "title", "text", "reasons", "evaluation", "survey")}
        item = rec.save_recommendation(by=cro, data=data, concerns=spec["concerns"])
        rec.submit_recommendation(recommendation=item, by=cro)
        state = spec["state"]
        if state == "submitted":
            continue
        decision = {
            "accepted": Decision.APPROVE,
            "done": Decision.APPROVE,
            "more_info": Decision.RETURN,
        }[state]
        rec.decide_recommendation(
            recommendation=item, by=chief, decision=decision, comment=spec.get("comment", "")
        )
        if state == "done":
            rec.complete_recommendation(recommendation=item, by=cro, outcome=spec["outcome"])
        # Spread the dates over the last weeks, as if the work had happened over time.
        decided_at = now - dt.timedelta(days=spec["decided_days_ago"])
        Recommendation.objects.filter(pk=item.pk).update(
            created_at=decided_at - dt.timedelta(days=9),
            submitted_at=decided_at - dt.timedelta(days=7),
            decided_at=decided_at,
            done_on=timezone.localdate(now - dt.timedelta(days=spec["done_days_ago"]))
            if state == "done"
            else None,
        )
    return len(specs)
