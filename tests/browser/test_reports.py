import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from core.roles import Role
from reports.models import Report
from tests.browser.conftest import serious_axe_violations
from tests.factories import ActivityFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def generate_q3_draft(page) -> None:
    """The CRO generates the draft quarterly report of Q3 2026 from the reports page."""
    page.goto("/reports/")
    page.locator("#id_kind").select_option(label="Quarterly community relations report")
    page.get_by_label("Any day in the period").fill("2026-08-15")
    page.get_by_role("button", name="Generate draft").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))


def test_quarterly_report_from_draft_to_approved_pdf(page_as, screenshot, tmp_path):
    cro = UserFactory(username="r-cro", rank="Lt.", roles=[Role.CRO])
    chief = UserFactory(username="r-chief", rank="Chief", roles=[Role.CHIEF])
    officer = UserFactory(username="r-officer", roles=[Role.OFFICER])
    ConcernFactory(date_received=dt.date(2026, 7, 14), category="noise", reported_by=officer)
    ActivityFactory(date=dt.date(2026, 8, 4), kind="forum", logged_by=officer)

    page = page_as(cro)
    generate_q3_draft(page)
    page.get_by_label("1. Current concerns voiced by the community").fill(
        "Noise at night is the concern of the quarter."
    )
    page.get_by_role("button", name="Save narratives").click()
    page.get_by_role("button", name="Render a draft PDF").click()
    page.get_by_role("link", name="Open the PDF").wait_for()
    screenshot(page, "report-draft")
    page.get_by_label("Why is it late?").fill("Waited for the September figures.")
    page.get_by_role("button", name="Submit to the Chief").click()
    expect(page.get_by_text("Submitted to the Chief. The figures are now frozen.")).to_be_visible()
    report_url = page.url

    page = page_as(chief)
    page.goto(report_url)
    page.get_by_label("Comment").fill("Add what the noise patrols achieved.")
    page.get_by_role("button", name="Return with comments").click()
    expect(page.get_by_text("Returned to the CRO.")).to_be_visible()

    page = page_as(cro)
    page.goto(report_url)
    assert page.get_by_text("Add what the noise patrols achieved.").is_visible()
    page.get_by_label("4. Progress toward correcting previously identified concerns").fill(
        "Two noise patrols a week since August; complaints fell by half."
    )
    page.get_by_role("button", name="Save narratives").click()
    page.get_by_label("Why is it late?").fill("Revised at the Chief's request.")
    page.get_by_role("button", name="Submit to the Chief").click()

    page = page_as(chief)
    page.goto(report_url)
    page.get_by_role("button", name="Approve").click()
    page.get_by_role("link", name="Open the PDF").wait_for()
    screenshot(page, "report-approved")
    with page.expect_download() as download_info:
        page.evaluate(
            "() => { const a = document.createElement('a');"
            " a.href = document.querySelector('a[href$=\"/pdf/\"]').href;"
            " a.download = 'report.pdf'; document.body.appendChild(a); a.click(); }"
        )
    path = tmp_path / "report.pdf"
    download_info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")
    report = Report.objects.get()
    assert report.status == "approved" and len(report.pdf_sha256) == 64


def test_cro_downloads_a_long_listing_as_csv(page_as, screenshot, tmp_path, monkeypatch):
    from reports.builders import _listings

    # Five lines is the limit here, so seven concerns make a long listing.
    monkeypatch.setattr(_listings, "LISTING_LIMIT", 5)
    cro = UserFactory(username="l-cro", rank="Lt.", roles=[Role.CRO])
    for day in range(1, 8):
        ConcernFactory(
            reference=f"CR-2026-{day:04d}",
            date_received=dt.date(2026, 7, day),
            category="noise" if day % 2 else "traffic",
        )
    page = page_as(cro)
    generate_q3_draft(page)
    assert page.get_by_text("7 lines: too many to list in the report").is_visible()
    summary = page.get_by_role("table", name="By category and where each stands").first
    assert summary.get_by_role("row", name=re.compile("^Noise")).is_visible()
    # No line of the listing is on the page (the themes may quote a resident's summary).
    assert page.locator("table").get_by_text("CR-2026-0007").count() == 0
    screenshot(page, "report-long-listing")
    assert serious_axe_violations(page) == []
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download all 7 lines (CSV)").click()
    path = tmp_path / "listing.csv"
    download_info.value.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "Reference,Received,What it is about,Category,Nature,Area,Status"
    assert [line.split(",")[0] for line in lines[1:]] == [f"CR-2026-{d:04d}" for d in range(1, 8)]
