"""The Chief's month through the browser: the inbox, the dashboard, its PDF and the audit
trail. Every page is checked by axe."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEvent
from core.roles import Role
from reports import recommendations
from reports import services as report_services
from reports.models import Recommendation, Report
from surveys import services as survey_services
from surveys.models import Survey
from tests.browser.journeys import Journey
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def last_quarter_day(today: dt.date) -> dt.date:
    """A day in the most recent completed calendar quarter."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    return dt.date(today.year, first_month, 1) - dt.timedelta(days=45)


@pytest.fixture
def waiting(db):
    """What the CRO sent the Chief this month, and the figures behind the dashboard."""
    today = timezone.localdate()
    AgencyFactory()
    cro = UserFactory(username="jf-cro", rank="Lt.", roles=[Role.CRO])
    chief = UserFactory(
        username="jf-chief",
        first_name="Eleanor",
        last_name="Brooks",
        rank="Chief",
        unit="Office of the Chief",
        roles=[Role.CHIEF],
    )
    officer = UserFactory(username="jf-officer", roles=[Role.OFFICER])
    for days_ago, category, area in (
        (3, "noise", "Cedar Grove"),
        (12, "noise", "Cedar Grove"),
        (20, "traffic", "Elm Street"),
        (70, "parking", "Oak Street"),
    ):
        ConcernFactory(
            reported_by=officer,
            date_received=today - dt.timedelta(days=days_ago),
            category=category,
            area=area,
        )
    ActivityFactory(date=today - dt.timedelta(days=6), kind="forum", logged_by=officer)

    report = report_services.generate_report(kind="quarterly", day=last_quarter_day(today), by=cro)
    report = report_services.submit_report(
        report=report, by=cro, late_reason="Waited for the last referral answers."
    )
    survey = survey_services.create_survey(
        by=cro,
        data={
            "title": "Outside agencies survey",
            "title_es": "Encuesta a otras agencias",
            "intro": "",
            "intro_es": "",
            "audience": Survey.Audience.AGENCIES,
            "opens_on": today + dt.timedelta(days=7),
            "closes_on": today + dt.timedelta(days=60),
        },
        standard=True,
    )
    survey = survey_services.submit_survey(survey=survey, by=cro)
    recommendation = recommendations.save_recommendation(
        by=cro,
        data={
            "kind": Recommendation.Kind.PRACTICE,
            "title": "Spanish-language forum",
            "text": "Hold one community forum a quarter in Spanish, with an interpreter.",
            "reasons": "A third of the Eastside concerns came from Spanish-speaking residents.",
        },
    )
    recommendation = recommendations.submit_recommendation(recommendation=recommendation, by=cro)
    return {
        "chief": chief,
        "report": report,
        "survey": survey,
        "recommendation": recommendation,
    }


def test_chief_works_the_inbox(page, screenshot, waiting):
    chief = waiting["chief"]
    report, survey, recommendation = (
        waiting["report"],
        waiting["survey"],
        waiting["recommendation"],
    )
    j = Journey(page, screenshot, "journey-chief")
    j.sign_in(chief, shot="dashboard")
    decisions = page.locator("#waiting-decisions")
    assert decisions.get_by_role("link", name="See all 3").is_visible()
    assert decisions.get_by_role("link", name=survey.title).is_visible()

    # The inbox: the quarterly report is approved from the list.
    j.nav("Inbox", shot="inbox")
    assert page.get_by_role("heading", name="Waiting for your decision").is_visible()
    j.follow(
        page.get_by_role("button", name=f"Approve: {report.title}, {report.period_label}"),
        shot="inbox-report-approved",
    )
    j.see(f"Approved: {report}.")

    # The survey goes back to the CRO with a comment.
    item = page.locator(f"#item-survey-{survey.pk}")
    item.get_by_label("Comment").fill("Add a question on how fast we answer their calls.")
    j.follow(item.get_by_role("button", name=f"Return: {survey.title}"))
    j.see(f"Returned: {survey.title}.")

    # The recommendation is read in full before it is decided.
    j.follow(page.get_by_role("link", name=recommendation.title), shot="recommendation")
    page.get_by_label("Comment").fill("Start with the Eastside forum in the spring.")
    j.follow(page.get_by_role("button", name="Accept"), shot="recommendation-accepted")
    j.see("Accepted. Mark it done when it has been carried out.")

    j.nav("Inbox", shot="inbox-empty")
    j.see("Nothing waits for you.")
    j.sign_out(chief)
    j.finish()

    report.refresh_from_db()
    survey.refresh_from_db()
    recommendation.refresh_from_db()
    assert report.status == Report.Status.APPROVED and report.decided_by == chief
    assert len(report.pdf_sha256) == 64
    assert survey.status == Survey.Status.RETURNED
    assert survey.chief_comment == "Add a question on how fast we answer their calls."
    assert recommendation.status == Recommendation.Status.ACCEPTED


def test_chief_reads_the_dashboard_and_the_audit_trail(page, screenshot, waiting):
    chief = waiting["chief"]
    j = Journey(page, screenshot, "journey-chief")
    j.sign_in(chief)

    # The dashboard for the quarter; one figure opens the list behind it.
    page.get_by_label("Period", exact=True).select_option(label="This quarter")
    j.follow(page.get_by_role("button", name="Show"), shot="dashboard-quarter")
    assert "period=quarter" in page.url
    # This quarter is always still running: it is counted, and named, up to today.
    heading = re.compile(r"^Dashboard: Q\d \d{4}, to [A-Z][a-z]{2} \d{1,2}$")
    expect(page.get_by_role("heading", name=heading)).to_be_visible()

    # The one-page PDF of the same period.
    href = page.get_by_role("link", name="One-page PDF").get_attribute("href")
    assert "period=quarter" in href
    pdf = page.request.get(href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    j.follow(page.get_by_role("link", name=re.compile(r"^Open concerns")), shot="figure-list")
    assert page.get_by_role("heading", name="Concerns", exact=True).is_visible()
    assert "open=on" in page.url
    assert page.locator("table tbody tr").count() == 4

    # The audit trail: the PDF just downloaded is on it.
    j.nav("Audit trail", group="Setup", shot="audit")
    page.get_by_label("Person (username)").fill(chief.username)
    page.get_by_label("Action", exact=True).select_option(label="Exported")
    j.follow(page.get_by_role("button", name="Search"), shot="audit-exports")
    entries = page.get_by_role("region", name="Audit entries")
    assert entries.get_by_text(re.compile(r"PDF dashboard-")).first.is_visible()

    j.sign_out(chief)
    j.finish()

    assert AuditEvent.objects.filter(
        actor=chief, action=AuditEvent.Action.EXPORT, detail__startswith="PDF dashboard-"
    ).exists()
