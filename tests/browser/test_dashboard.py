import datetime as dt

import pytest
from playwright.sync_api import expect

from core.roles import Role
from outreach import services as outreach_services
from outreach.models import Material
from reports import services as report_services
from reports.models import Report
from tests.browser.conftest import serious_axe_violations
from tests.factories import ConcernFactory, MaterialFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_chief_sees_the_flag_and_decides_from_the_inbox(page_as, screenshot):
    cro = UserFactory(username="d-cro", rank="Lt.", roles=[Role.CRO])
    chief = UserFactory(username="d-chief", rank="Chief", roles=[Role.CHIEF])
    officer = UserFactory(username="d-officer", roles=[Role.OFFICER])
    flagged = ConcernFactory(category="conduct_bias", area="Riverside Park", reported_by=officer)
    ConcernFactory(category="traffic", area="Maple Heights", reported_by=officer)
    material = outreach_services.submit_material(
        material=MaterialFactory(name="Bike safety stickers", created_by=cro), by=cro
    )
    report = report_services.generate_report(kind="monthly", day=dt.date(2026, 9, 15), by=cro)
    report = report_services.submit_report(report=report, by=cro, late_reason="Entered late.")

    page = page_as(chief)
    # The flagged conduct concern heads the dashboard; two approvals wait.
    flag = page.get_by_role("region", name="Conduct or bias concerns")
    assert flag.get_by_role("link", name=flagged.reference).is_visible()
    assert page.get_by_text("2 items wait for your decision").is_visible()
    assert page.get_by_role("heading", name="Dashboard:").is_visible()
    screenshot(page, "dashboard-chief")
    assert serious_axe_violations(page) == []

    page.get_by_role("link", name="Open the inbox").click()
    page.wait_for_url("**/inbox/")
    assert page.get_by_text("Bike safety stickers").is_visible()
    screenshot(page, "inbox-two-waiting")
    assert serious_axe_violations(page) == []

    page.get_by_role("button", name="Approve: Bike safety stickers").click()
    expect(page.get_by_text("Approved: Bike safety stickers")).to_be_visible()
    material.refresh_from_db()
    assert material.status == Material.Status.APPROVED and material.decided_by == chief

    title = "Return: Monthly community relations report, September 2026"
    page.get_by_role("button", name=title).click()
    expect(page.get_by_text("Say what should change")).to_be_visible()  # a comment is needed
    box = page.locator(f"#c-report-{report.pk}")
    box.fill("Add the referrals still open at the end of September.")
    page.get_by_role("button", name=title).click()
    expect(page.get_by_text("Returned: Monthly community relations report")).to_be_visible()
    assert page.get_by_text("Nothing waits for you.").is_visible()
    screenshot(page, "inbox-empty")
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.chief_comment == "Add the referrals still open at the end of September."

    # The one-page PDF of the dashboard opens from the page.
    page.goto("/")
    with page.expect_response("**/dashboard.pdf?period=month") as response:
        page.get_by_role("link", name="One-page PDF").click()
    assert response.value.headers["content-type"] == "application/pdf"
