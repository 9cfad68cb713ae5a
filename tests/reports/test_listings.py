"""Long listings in reports: up to 100 lines a table, up to LISTING_LIMIT a compact
listing, beyond that a summary in the report and every line in a CSV file on its page."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from reports import pdf as report_pdf
from reports import services
from reports.builders import _listings
from reports.builders._listings import counted_rows, summarise
from reports.models import Report
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db
Q3 = (dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def concern_row(n: int, category="Traffic", status="Open", area="Maple Heights") -> dict:
    return {
        "reference": f"CR-2026-{n:04d}",
        "date": "2026-07-02",
        "summary": f"Speeding on Elm St, report {n}",
        "category": category,
        "nature": "Current",
        "area": area,
        "status": status,
    }


def quarterly_data(current, potential=(), recommendations=(), progress=()) -> dict:
    return {
        "received": len(current),
        "by_category": [["Traffic", len(current)]],
        "current_concerns": list(current),
        "potential_problems": list(potential),
        "recommendations": list(recommendations),
        "progress": list(progress),
        "resolved_earlier_concerns": sum(1 for p in progress if p["resolved_this_quarter"]),
        "months": ["July", "August", "September"],
        "activity_matrix": [],
    }


def progress_row(n: int, resolved=False) -> dict:
    return {
        "reference": f"CR-2026-{n:04d}",
        "summary": f"Cars parked across driveways, report {n}",
        "category": "Parking",
        "received": "2026-05-05",
        "waited_days": 148,
        "steps": 2,
        "what": "Referred, Resolved" if resolved else "Referred",
        "resolved_this_quarter": resolved,
        "open_at_end": not resolved,
    }


def frozen_quarterly(cro, data, version=1) -> Report:
    return Report.objects.create(
        kind="quarterly",
        version=version,
        period_start=Q3[0],
        period_end=Q3[1],
        created_by=cro,
        status=Report.Status.SUBMITTED,
        data=data,
    )


@pytest.fixture
def limit(monkeypatch):
    """A small limit, so that a handful of rows is a long listing."""
    monkeypatch.setattr(_listings, "LISTING_LIMIT", 5)
    return 5


@pytest.fixture
def long_report(cro, limit):
    current = [concern_row(n) for n in range(1, 5)] + [
        concern_row(5, status="Resolved"),
        concern_row(6, category="Noise", area="=HYPERLINK(1)"),
        concern_row(7, category="Noise", status="Resolved"),
    ]
    return frozen_quarterly(
        cro,
        quarterly_data(
            current,
            potential=[concern_row(8)],
            recommendations=[
                {
                    "reference": f"CR-2026-{n:04d}",
                    "category": "Parking",
                    "date": "2026-08-03",
                    "text": f"Action {n}",
                }
                for n in range(20, 26)
            ],
            progress=[progress_row(n, resolved=n % 2 == 0) for n in range(30, 36)],
        ),
    )


def read_csv(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


def test_page_summarises_a_long_listing_and_offers_every_line(client_for, cro, long_report):
    response = client_for(cro).get(long_report.get_absolute_url())
    page = response.content.decode()
    assert "7 lines: too many to list in the report" in page
    assert reverse("reports:listing", args=[long_report.pk, "current_concerns"]) in page
    assert "Download all 7 lines (CSV)" in page
    # Recommendations and progress (6 each) are summarised too; the single potential
    # problem stays a table.
    assert reverse("reports:listing", args=[long_report.pk, "recommendations"]) in page
    assert reverse("reports:listing", args=[long_report.pk, "progress"]) in page
    assert "CR-2026-0008" in page
    for hidden in ("CR-2026-0001", "CR-2026-0007", "Action 20", "CR-2026-0030"):
        assert hidden not in page
    summary = response.context["data"]["current_concerns"]
    assert len(summary) == 7


def test_summary_counts_by_category_and_status(client_for, cro, long_report):
    def listing_summary(rows):
        return summarise(counted_rows(rows))

    summary = listing_summary(long_report.data["current_concerns"])
    assert summary["columns"] == ["Open", "Resolved"]
    assert summary["rows"] == [
        {"category": "Traffic", "counts": [4, 1], "total": 5},
        {"category": "Noise", "counts": [1, 1], "total": 2},
    ]
    assert summary["totals"] == [5, 2] and summary["total"] == 7
    # Recommendations have no status: by category only.
    actions = listing_summary(long_report.data["recommendations"])
    assert actions["columns"] == [] and actions["rows"][0]["total"] == 6


def test_csv_holds_every_line_in_order_and_is_recorded(client_for, chief, long_report):
    response = client_for(chief).get(
        reverse("reports:listing", args=[long_report.pk, "current_concerns"])
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="quarterly-2026-07-01-v1-current-concerns.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [
        "Reference",
        "Received",
        "What it is about",
        "Category",
        "Nature",
        "Area",
        "Status",
    ]
    assert [r[0] for r in rows[1:]] == [f"CR-2026-{n:04d}" for n in range(1, 8)]
    # A cell a spreadsheet would run as a formula is neutralised.
    assert rows[6][5] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.actor_id == chief.pk and event.detail.startswith("CSV")


def test_progress_csv_says_which_were_resolved(client_for, cro, long_report):
    rows = read_csv(
        client_for(cro).get(reverse("reports:listing", args=[long_report.pk, "progress"]))
    )
    assert rows[0] == [
        "Concern",
        "What it is about",
        "Category",
        "Received",
        "Days waiting",
        "Steps this quarter",
        "What was done this quarter",
        "Resolved this quarter",
        "Open at the quarter's end",
    ]
    assert rows[1] == [
        "CR-2026-0030",
        "Cars parked across driveways, report 30",
        "Parking",
        "2026-05-05",
        "148",
        "2",
        "Referred, Resolved",
        "yes",
        "",
    ]
    assert rows[2][7] == ""


def test_unknown_listing_or_other_kind_is_404(client_for, cro, long_report):
    client = client_for(cro)
    assert (
        client.get(reverse("reports:listing", args=[long_report.pk, "nothing"])).status_code == 404
    )
    assert (
        client.get(reverse("reports:listing", args=[long_report.pk, "concerns"])).status_code == 404
    )
    monthly = Report.objects.create(
        kind="monthly",
        period_start=dt.date(2026, 9, 1),
        period_end=dt.date(2026, 9, 30),
        created_by=cro,
    )
    assert client.get(reverse("reports:listing", args=[monthly.pk, "progress"])).status_code == 404
    assert client.get(reverse("reports:listing", args=[999999, "concerns"])).status_code == 404


def test_csv_of_a_draft_has_the_live_figures(client_for, cro):
    ConcernFactory(reference="CR-2026-0101", date_received=dt.date(2026, 9, 2))
    ConcernFactory(reference="CR-2026-0102", date_received=dt.date(2026, 10, 2))
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    assert report.data is None
    rows = read_csv(client_for(cro).get(reverse("reports:listing", args=[report.pk, "concerns"])))
    assert [r[0] for r in rows[1:]] == ["CR-2026-0101"]


def test_csv_query_count_does_not_grow_with_rows(
    client_for, cro, limit, django_assert_max_num_queries
):
    client = client_for(cro)
    small = frozen_quarterly(cro, quarterly_data([concern_row(1)]))
    big = frozen_quarterly(cro, quarterly_data([concern_row(n) for n in range(1, 3001)]), version=2)
    for report in (small, big):
        with django_assert_max_num_queries(12):
            response = client.get(reverse("reports:listing", args=[report.pk, "current_concerns"]))
            assert len(read_csv(response)) == len(report.data["current_concerns"]) + 1


def test_pdf_summarises_and_points_to_the_csv(long_report):
    html = report_pdf.report_html(long_report)
    assert "Every line is in the CSV file offered beside this PDF" in html
    assert reverse("reports:listing", args=[long_report.pk, "current_concerns"]) not in html
    assert "CR-2026-0007" not in html and "CR-2026-0008" in html
    text = report_pdf.render_pdf(long_report)
    assert text.startswith(b"%PDF")


def test_middle_length_listings_are_compact(client_for, cro):
    # Between 101 lines and the limit: every line, as fixed-width text.
    current = [concern_row(n) for n in range(1, 121)]
    progress = [progress_row(n, resolved=n == 200) for n in range(200, 320)]
    report = frozen_quarterly(cro, quarterly_data(current, progress=progress))
    html = report_pdf.report_html(report)
    assert "120 concerns, listed compactly." in html
    assert '<pre class="listing">' in html
    assert "CR-2026-0120" in html and "CR-2026-0319" in html
    assert "CR-2026-0200 " in html and "resolved this quarter" in html
    assert "too many to list" not in html
    page = client_for(cro).get(report.get_absolute_url()).content.decode()
    assert "CR-2026-0120" in page and "Download all" not in page
