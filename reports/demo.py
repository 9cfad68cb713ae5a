"""Demo reports: approved reports for past periods (with their final PDFs) and a draft for
the current quarter. Used only by `manage.py seed_demo`."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from reports import services
from reports.models import Report
from reports.periods import period_containing, previous_period
from reports.tasks import render_report


def seed(stdout=None) -> dict:
    if Report.objects.exists():
        return {"reports": 0}
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
        ("transparency", previous_period("transparency", today)[0]),
    ]
    for kind, day in past:
        report = services.generate_report(kind=kind, day=day, by=cro)
        report.narratives = dict.fromkeys(
            (
                "summary",
                "current",
                "potential",
                "recommended",
                "progress",
                "activities",
                "trends",
                "problems",
                "successes",
            ),
            "Residents' concerns centered on traffic and noise; the unit met every watch group.",
        )
        report.narratives["introduction"] = (
            "What residents told the department last year, and what it did in the community."
        )
        report.save(update_fields=["narratives"])
        services.submit_report(report=report, by=cro, late_reason="Demo data, entered afterwards.")
        report.refresh_from_db()
        report.status = Report.Status.APPROVED
        report.decided_by = chief
        report.decided_at = timezone.now() - dt.timedelta(days=3)
        report.save(update_fields=["status", "decided_by", "decided_at"])
        render_report.call(report.pk)
        made += 1
    # The written summary of last year's community survey, approved, with its PDF.
    from surveys.models import Survey

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
        report.save(update_fields=["status", "decided_by", "decided_at"])
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
    services.decide_plan(plan=plan, by=chief, approve=True)
    return {"reports": made + 1, "plans": 1}
