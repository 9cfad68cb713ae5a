"""Pages that list reports read each report's name and state, not its frozen figures or
narratives (issue 26, sixth step): a quarter's figures are tens of kilobytes of JSON."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports import services
from reports.models import Report
from tests.surveys.test_services import open_survey

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 9, 1)


def report_reads(captured) -> list[str]:
    return [q["sql"] for q in captured if 'FROM "reports_report"' in q["sql"]]


def reads_figures(sql: str) -> bool:
    return '"reports_report"."data"' in sql or '"reports_report"."narratives"' in sql


def test_listed_defers_the_figures_and_narratives(cro):
    report = services.generate_report(kind="monthly", day=DAY, by=cro)
    report = services.submit_report(report=report, by=cro, late_reason="Demo")
    assert Report.objects.get(pk=report.pk).data  # frozen when submitted
    listed = Report.objects.listed().get(pk=report.pk)
    assert listed.get_deferred_fields() == {"data", "narratives"}
    assert listed.title == report.title and listed.period_label == report.period_label


@pytest.mark.parametrize("who", ["cro", "chief"])
def test_the_report_list_reads_no_figures(request, client_for, cro, who):
    services.generate_report(kind="monthly", day=DAY, by=cro)
    services.generate_report(kind="quarterly", day=DAY, by=cro)
    client = client_for(request.getfixturevalue(who))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:list"))
    assert page.status_code == 200
    reads = report_reads(queries.captured_queries)
    assert reads and not [sql for sql in reads if reads_figures(sql)]
    text = page.content.decode()
    assert "Monthly community relations report" in text
    assert "Quarterly community relations report" in text


def test_a_reports_other_versions_and_the_inbox_read_no_figures(client_for, cro, chief):
    first = services.generate_report(kind="monthly", day=DAY, by=cro)
    second = services.generate_report(kind="monthly", day=DAY, by=cro)
    services.submit_report(report=second, by=cro, late_reason="Demo")
    client = client_for(chief)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("reports:detail", args=[second.pk]))
    versions = [sql for sql in report_reads(queries.captured_queries) if "ORDER BY" in sql]
    assert versions and not [sql for sql in versions if reads_figures(sql)]
    assert reverse("reports:detail", args=[first.pk]) in page.content.decode()
    with CaptureQueriesContext(connection) as queries:
        inbox = client.get(reverse("inbox"))
    reads = report_reads(queries.captured_queries)
    assert reads and not [sql for sql in reads if reads_figures(sql)]
    assert reverse("reports:detail", args=[second.pk]) in inbox.content.decode()


def test_a_surveys_page_lists_its_summaries_without_their_figures(client_for, cro, chief):
    survey = open_survey(
        cro,
        chief,
        opens_on=DAY - dt.timedelta(days=60),
        closes_on=DAY - dt.timedelta(days=27),
    )
    summary = services.generate_survey_summary(survey=survey, by=cro)
    services.submit_report(report=summary, by=cro, late_reason="Demo")
    with CaptureQueriesContext(connection) as queries:
        page = client_for(cro).get(reverse("surveys:detail", args=[survey.pk]))
    reads = report_reads(queries.captured_queries)
    assert reads and not [sql for sql in reads if reads_figures(sql)]
    assert reverse("reports:detail", args=[summary.pk]) in page.content.decode()
