"""What the sweep reminds of about reports: the compliance calendar, survey summaries and
program evaluations coming due or overdue (registered in ReportsConfig.ready())."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.reminders import LOOK_BACK, day_text, notify_due
from programs.services import evaluation_schedule
from reports.models import Report
from reports.periods import SURVEY_SUMMARY_DAYS, calendar_rows
from surveys.models import Survey


def due_dates(now: dt.datetime) -> int:
    """Reports on the compliance calendar and program evaluations: five days before, to
    the CRO; once overdue, to the CRO and the Chief."""
    today = timezone.localdate(now)
    items = []
    for row in calendar_rows(today):
        if row["done"]:
            continue
        if row["due"] < today - LOOK_BACK:
            continue
        kind = Report.Kind(row["kind"])
        # "Semi-annual program evaluation report" names itself; the others gain "report".
        label = str(kind.label)
        if not label.lower().endswith("report"):
            label = _("%(kind)s report") % {"kind": label}
        period = _("%(start)s to %(end)s") % {
            "start": day_text(row["start"]),
            "end": day_text(row["end"]),
        }
        items.append(
            (
                row["due"],
                _("%(report)s for %(period)s") % {"report": label, "period": period},
                reverse("reports:list"),
                f"report:{row['kind']}:{row['start']}",
            )
        )
    # A survey's written summary is due 30 days after it closes (issue: surveys).
    summary_days = dt.timedelta(days=SURVEY_SUMMARY_DAYS)
    closed = Survey.objects.filter(
        status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED],
        closes_on__lt=today,
        closes_on__gte=today - LOOK_BACK - summary_days,
    ).exclude(summaries__status__in=[Report.Status.SUBMITTED, Report.Status.APPROVED])
    for survey in closed:
        items.append(
            (
                survey.closes_on + summary_days,
                _("Survey results summary for “%(title)s”") % {"title": survey.title},
                survey.get_absolute_url(),
                f"survey-summary:{survey.pk}",
            )
        )
    for row in evaluation_schedule(today):
        if row["due"] < today - LOOK_BACK:
            continue  # long overdue: on the dashboard, not announced afresh
        program = row["program"]
        items.append(
            (
                row["due"],
                _("Evaluation of %(name)s") % {"name": program.name},
                program.get_absolute_url(),
                f"evaluation:{program.pk}",
            )
        )
    return notify_due(items, today)
