import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concerns import services as concern_services
from core.decisions import Decision
from reports import services
from reports.builders import build
from reports.models import Report
from reports.periods import calendar_rows, due_date, period_containing
from tests.factories import ActivityFactory, ConcernFactory, DepartmentFactory

pytestmark = pytest.mark.django_db
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def pdf_text(report) -> str:
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(f.read())).pages)


@pytest.fixture
def quarter_data(officer, cro, supervisor):
    """A known quarter: 3 concerns in Q3 (one on its last day), 1 just after, 1 earlier
    concern worked in Q3, activities in two months."""
    ConcernFactory(
        reference="CR-2026-0101",
        date_received=dt.date(2026, 7, 2),
        category="traffic",
        reported_by=officer,
    )
    ConcernFactory(
        reference="CR-2026-0102",
        date_received=dt.date(2026, 8, 20),
        category="traffic",
        nature="potential",
        reported_by=officer,
    )
    ConcernFactory(
        reference="CR-2026-0103",
        date_received=dt.date(2026, 9, 30),
        category="noise",
        source_name="Secret Sam",
        reported_by=officer,
    )
    ConcernFactory(
        reference="CR-2026-0104",
        date_received=dt.date(2026, 10, 1),
        category="noise",
        reported_by=officer,
    )
    earlier = ConcernFactory(
        reference="CR-2026-0050",
        date_received=dt.date(2026, 5, 5),
        category="parking",
        reported_by=officer,
    )
    concern_services.escalate_concern(concern=earlier, by=officer)
    concern_services.forward_concern(concern=earlier, by=supervisor)
    concern_services.recommend_action(concern=earlier, by=cro, text="Enforce the two-hour limit.")
    # Move the recommendation into Q3 (agency time).
    earlier.updates.filter(kind="recommendation").update(
        created_at=timezone.make_aware(dt.datetime(2026, 8, 3, 10, 0))
    )
    ActivityFactory(date=dt.date(2026, 7, 10), kind="forum", attendance=40)
    ActivityFactory(date=dt.date(2026, 9, 5), kind="forum", attendance=20)
    ActivityFactory(date=dt.date(2026, 9, 6), kind="school_visit")
    ActivityFactory(date=dt.date(2026, 10, 2), kind="forum")
    return earlier


# --- Periods and the calendar ---


def test_periods_and_due_dates():
    assert period_containing("quarterly", dt.date(2026, 9, 30)) == Q3
    assert period_containing("monthly", dt.date(2028, 2, 10)) == (
        dt.date(2028, 2, 1),
        dt.date(2028, 2, 29),
    )
    assert period_containing("semi_annual", dt.date(2026, 7, 1)) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 12, 31),
    )
    assert due_date("monthly", dt.date(2026, 12, 31)) == dt.date(2027, 1, 10)
    assert due_date("quarterly", dt.date(2026, 9, 30)) == dt.date(2026, 10, 15)
    assert due_date("semi_annual", dt.date(2026, 6, 30)) == dt.date(2026, 7, 30)


def test_calendar_marks_overdue_and_done(cro):
    today = dt.date(2026, 10, 20)
    rows = {(r["kind"], r["start"]): r for r in calendar_rows(today)}
    assert rows[("quarterly", Q3[0])]["overdue"]
    report = Report.objects.create(
        kind="quarterly", period_start=Q3[0], period_end=Q3[1], created_by=cro, status="approved"
    )
    rows = {(r["kind"], r["start"]): r for r in calendar_rows(today)}
    assert rows[("quarterly", Q3[0])]["done"] and not rows[("quarterly", Q3[0])]["overdue"]
    assert report.period_label == "Q3 2026"


# --- Builders: the right numbers for a known data set ---


def test_quarterly_sections_have_the_right_numbers(quarter_data):
    data = build("quarterly", *Q3)
    refs = [c["reference"] for c in data["current_concerns"]]
    assert data["received"] == 3
    assert refs == ["CR-2026-0101", "CR-2026-0102", "CR-2026-0103"]  # Sept 30 counts, Oct 1 not
    assert data["by_category"] == [["Traffic", 2], ["Noise", 1]]
    assert [c["reference"] for c in data["potential_problems"]] == ["CR-2026-0102"]
    assert [(r["reference"], r["text"]) for r in data["recommendations"]] == [
        ("CR-2026-0050", "Enforce the two-hour limit.")
    ]
    assert [p["reference"] for p in data["progress"]] == ["CR-2026-0050"]
    assert data["months"] == ["July", "August", "September"]
    forum = next(r for r in data["activity_matrix"] if r["kind"] == "Community forum")
    assert forum["counts"] == [1, 0, 1]


def test_monthly_sections_and_no_source_names(quarter_data, cro):
    public_works = DepartmentFactory(name="Public Works")
    concern = quarter_data
    concern_services.refer_concern(
        concern=concern, by=cro, department=public_works, referred_on=dt.date(2026, 9, 1)
    )
    data = build("monthly", dt.date(2026, 9, 1), dt.date(2026, 9, 30))
    assert data["received"] == 1
    assert data["by_category"] == [["Noise", 1]]
    assert [r["department"] for r in data["awaiting_referrals"]] == ["Public Works"]
    assert data["activity_total"] == 2
    assert "Secret Sam" not in str(data)


def test_building_a_report_query_count_does_not_grow(
    quarter_data, django_assert_max_num_queries, officer
):
    with django_assert_max_num_queries(20) as small:
        build("quarterly", *Q3)
    for i in range(40):
        ConcernFactory(
            date_received=dt.date(2026, 8, 1) + dt.timedelta(days=i % 30), reported_by=officer
        )
        ActivityFactory(date=dt.date(2026, 8, 2))
    with django_assert_max_num_queries(20) as large:
        build("quarterly", *Q3)
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Lifecycle ---


def test_lifecycle_submit_return_resubmit_approve(
    quarter_data, cro, chief, django_capture_on_commit_callbacks
):
    report = services.generate_report(kind="quarterly", day=dt.date(2026, 8, 1), by=cro)
    assert report.status == "draft" and report.data is None
    services.save_narratives(
        report=report, by=cro, narratives={"current": "Traffic leads.", "bogus": "x"}
    )
    with pytest.raises(ValidationError, match="why it is late"):
        services.submit_report(report=report, by=cro)
    services.submit_report(report=report, by=cro, late_reason="The CRO was on leave.")
    report.refresh_from_db()
    assert report.data["received"] == 3
    # Figures are frozen: a concern added later does not change the submitted report.
    ConcernFactory(date_received=dt.date(2026, 7, 3))
    report.refresh_from_db()
    assert report.data["received"] == 3
    with pytest.raises(PermissionDenied):
        services.decide_report(decision=Decision.APPROVE, report=report, by=cro)
    with pytest.raises(ValidationError, match="Say what should change"):
        services.decide_report(decision=Decision.RETURN, report=report, by=chief, comment=" ")
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="Add the noise trend."
    )
    services.save_narratives(
        report=report, by=cro, narratives={"current": "Traffic leads; noise rising."}
    )
    services.submit_report(report=report, by=cro, late_reason="On leave.")
    report.refresh_from_db()
    assert report.data["received"] == 4  # recounted at resubmission
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief, comment="Good.")
    report.refresh_from_db()
    assert report.status == "approved" and report.render_state == "done"
    assert len(report.pdf_sha256) == 64
    with pytest.raises(ValidationError, match="Only a draft or a returned"):
        services.save_narratives(report=report, by=cro, narratives={})


def test_approved_pdf_has_sections_numbers_approval_and_never_changes(
    quarter_data, cro, chief, django_capture_on_commit_callbacks
):
    import hashlib

    report = services.generate_report(kind="quarterly", day=dt.date(2026, 8, 1), by=cro)
    services.submit_report(report=report, by=cro, late_reason="late")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    text = pdf_text(report)
    for heading in (
        "1. Current concerns voiced by the community: 3",
        "2. Potential problems bearing on law enforcement: 1",
        "3. Recommended actions for previously identified concerns: 1",
        "4. Progress toward correcting previously identified concerns",
        "5. Summary of monthly activities",
    ):
        assert heading in text
    assert "CR-2026-0103" in text and "CR-2026-0104" not in text
    assert f"Approved by {chief.display_name}" in text
    assert "Page 1 of" in text
    assert "Secret Sam" not in text
    with report.pdf.open("rb") as f:
        first = f.read()
    assert hashlib.sha256(first).hexdigest() == report.pdf_sha256
    with pytest.raises(ValidationError, match="final"):
        services.request_render(report=report, by=cro)
    from reports.tasks import render_report

    render_report.call(report.pk)  # even a direct call leaves the final file alone
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        assert f.read() == first


def test_draft_pdf_is_watermarked(quarter_data, cro, django_capture_on_commit_callbacks):
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(report=report, by=cro)
    text = pdf_text(report)
    assert "DRAFT, not approved" in text
    assert "a. Current concerns voiced by the community: 1" in text
    assert report.pdf_sha256 == ""


def test_failed_render_leaves_report_as_it_was(
    quarter_data, cro, settings, django_capture_on_commit_callbacks
):
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    # A template that cannot render: the failure is recorded, nothing else changes.
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": []},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        services.request_render(report=report, by=cro)
    report.refresh_from_db()
    assert report.render_state == "failed"
    assert "TemplateDoesNotExist" in report.render_error
    assert not report.pdf and report.status == "draft"


def test_new_version_keeps_the_old(cro):
    first = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    services.save_narratives(report=first, by=cro, narratives={"summary": "Quiet month."})
    second = services.generate_report(kind="monthly", day=dt.date(2026, 9, 15), by=cro)
    assert (first.version, second.version) == (1, 2)
    assert second.narratives == {"summary": "Quiet month."}
    assert Report.objects.count() == 2


def test_future_period_refused(cro):
    with pytest.raises(ValidationError, match="has begun"):
        services.generate_report(
            kind="monthly", day=timezone.localdate() + dt.timedelta(days=40), by=cro
        )


@time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("America/Chicago")))
def test_a_report_is_submitted_only_once_its_period_has_ended(cro, client_for):
    december = services.generate_report(kind="monthly", day=dt.date(2026, 12, 1), by=cro)
    with pytest.raises(ValidationError, match="runs until December 31, 2026"):
        services.submit_report(report=december, by=cro)
    # Through the page too: refused with the reason, the draft as it was.
    response = client_for(cro).post(reverse("reports:submit", args=[december.pk]))
    assert "runs until December 31, 2026" in response.content.decode()
    december.refresh_from_db()
    assert december.status == Report.Status.DRAFT and december.submitted_at is None
    november = services.generate_report(kind="monthly", day=dt.date(2026, 11, 1), by=cro)
    assert services.submit_report(report=november, by=cro).status == Report.Status.SUBMITTED


def test_a_referral_is_overdue_only_once_its_answer_date_has_passed(officer, cro, supervisor):
    concern = ConcernFactory(reported_by=officer, status="forwarded")
    roads = DepartmentFactory(name="Roads", response_days=21)
    chicago = ZoneInfo("America/Chicago")
    with time_machine.travel(dt.datetime(2026, 12, 3, 10, 0, tzinfo=chicago)):
        concern_services.refer_concern(
            concern=concern, by=cro, department=roads, referred_on=dt.date(2026, 12, 3)
        )
        # A draft on December 3: the answer is due December 24, not overdue yet.
        (row,) = build("monthly", dt.date(2026, 12, 1), dt.date(2026, 12, 31))["awaiting_referrals"]
        assert (row["due_on"], row["overdue"]) == ("2026-12-24", False)
    with time_machine.travel(dt.datetime(2027, 1, 2, 10, 0, tzinfo=chicago)):
        # As of the month's end the answer was a week late.
        (row,) = build("monthly", dt.date(2026, 12, 1), dt.date(2026, 12, 31))["awaiting_referrals"]
        assert row["overdue"] is True
        # November's report, as of November 30, knows nothing of a December referral.
        november = build("monthly", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
        assert november["awaiting_referrals"] == []


# --- Views for every role ---

EXPECTED = {
    "officer": 403,
    "supervisor": 403,
    "cro": 200,
    "chief": 200,
    "training_officer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_report_pages_by_role(client_for, personas, persona, cro):
    report = Report.objects.create(
        kind="monthly",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        created_by=cro,
    )
    client = client_for(personas[persona])
    assert client.get(reverse("reports:list")).status_code == EXPECTED[persona]
    assert client.get(report.get_absolute_url()).status_code == EXPECTED[persona]


def test_anonymous_to_login(client):
    assert client.get(reverse("reports:list")).url.startswith("/accounts/login/")


def test_only_cro_generates_and_only_chief_approves_through_views(
    client_for, cro, chief, django_capture_on_commit_callbacks
):
    assert (
        client_for(chief)
        .post(reverse("reports:generate"), {"kind": "monthly", "day": "2026-09-01"})
        .status_code
        == 403
    )
    client = client_for(cro)
    response = client.post(reverse("reports:generate"), {"kind": "monthly", "day": "2026-09-01"})
    report = Report.objects.get()
    assert response.url == report.get_absolute_url()
    assert client.get(reverse("reports:generate")).status_code == 405
    bad = client.post(reverse("reports:submit", args=[report.pk]), {"late_reason": ""})
    assert bad.status_code == 400 and "why it is late" in bad.content.decode()
    client.post(reverse("reports:submit", args=[report.pk]), {"late_reason": "Leave."})
    assert client.post(reverse("reports:approve", args=[report.pk])).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            client_for(chief).post(reverse("reports:approve", args=[report.pk])).status_code == 302
        )
    report.refresh_from_db()
    response = client_for(chief).get(reverse("reports:pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_detail_query_count_flat(client_for, cro, officer, django_assert_max_num_queries):
    report = Report.objects.create(
        kind="quarterly", period_start=Q3[0], period_end=Q3[1], created_by=cro
    )
    client = client_for(cro)
    # One concern from the start: the page asks which references the reader may open
    # only when the report has any.
    ConcernFactory(date_received=dt.date(2026, 7, 1), reported_by=officer)
    client.get(report.get_absolute_url())  # the first view creates the agency profile row
    with django_assert_max_num_queries(30) as small:
        client.get(report.get_absolute_url())
    for i in range(30):
        ConcernFactory(
            date_received=dt.date(2026, 7, 1) + dt.timedelta(days=i), reported_by=officer
        )
    with django_assert_max_num_queries(30) as large:
        client.get(report.get_absolute_url())
    assert len(small.captured_queries) == len(large.captured_queries)


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "outsider"])
def test_every_report_action_refused_to_other_roles(client_for, personas, persona, cro):
    report = Report.objects.create(
        kind="monthly",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        created_by=cro,
    )
    client = client_for(personas[persona])
    for name in ("narratives", "submit", "return", "approve", "render"):
        assert client.post(reverse(f"reports:{name}", args=[report.pk])).status_code == 403, name
    assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 403
    assert (
        client.post(
            reverse("reports:generate"), {"kind": "monthly", "day": "2026-09-01"}
        ).status_code
        == 403
    )
    save = reverse("reports:plan-save", args=[2026])
    assert client.post(save, {"objectives": "x"}).status_code == 403
    # No plan exists for 2026: its steps are not found before anyone's role is asked.
    assert client.post(reverse("reports:plan-submit", args=[2026])).status_code == 404
    assert client.post(reverse("reports:plan-decide", args=[2026, "approve"])).status_code == 404
    report.refresh_from_db()
    assert report.status == "draft" and report.narratives == {}


def test_generate_with_bad_input_says_so_and_creates_nothing(client_for, cro):
    client = client_for(cro)
    for data in (
        {"kind": "weekly", "day": "2026-09-01"},
        {"kind": "monthly", "day": "someday"},
        {},
    ):
        response = client.post(reverse("reports:generate"), data, follow=True)
        assert "Choose a report and a day in its period." in response.content.decode()
    future = client.post(
        reverse("reports:generate"), {"kind": "monthly", "day": "2099-01-01"}, follow=True
    )
    assert "has begun" in future.content.decode()
    assert not Report.objects.exists()


def test_submit_of_an_approved_report_is_refused_with_a_message(client_for, cro):
    report = Report.objects.create(
        kind="monthly",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        created_by=cro,
        status="approved",
    )
    response = client_for(cro).post(
        reverse("reports:submit", args=[report.pk]), {"late_reason": "x"}
    )
    assert response.status_code == 400
    assert "Only a draft or a returned report" in response.content.decode()
