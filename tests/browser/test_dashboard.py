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
    # The home lists the decisions waiting (desk/home.py) above the dashboard.
    waiting = page.locator("#waiting-decisions")
    assert waiting.get_by_role("link", name="See all 2").is_visible()
    assert page.get_by_role("heading", name="Dashboard:").is_visible()
    screenshot(page, "dashboard-chief")
    assert serious_axe_violations(page) == []

    waiting.get_by_role("link", name="See all 2").click()
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


def _fits_the_screen(page) -> bool:
    return page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _smallest_chart_text_px(page, name: str) -> float:
    """The smallest label of the visible chart named `name`, in CSS pixels as shown."""
    return page.evaluate(
        """(name) => {
          const svg = [...document.querySelectorAll('svg[role=img]')].find(s =>
            s.getAttribute('aria-label').startsWith(name) && s.getBoundingClientRect().width > 0);
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          return Math.min(...[...svg.querySelectorAll('text')].map(
            t => parseFloat(t.getAttribute('font-size')) * scale));
        }""",
        name,
    )


def test_dashboard_reads_on_a_laptop_and_on_a_phone(page_as, screenshot):
    chief = UserFactory(username="w-chief", rank="Chief", roles=[Role.CHIEF])
    officer = UserFactory(username="w-officer", roles=[Role.OFFICER])
    today = dt.date.today()
    for i, category in enumerate(["traffic", "noise", "parking", "youth", "traffic", "noise"]):
        ConcernFactory(
            category=category,
            reported_by=officer,
            date_received=today - dt.timedelta(days=45 * i),
        )
    trend = "Concerns per month by category"
    page = page_as(chief)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/")
    assert _fits_the_screen(page)
    chart = page.get_by_role("img", name=trend)
    assert chart.bounding_box()["width"] >= 900  # the full width of the page's column
    assert _smallest_chart_text_px(page, trend) >= 12
    assert chart.locator("text.series-label").count() == 4  # each line named at its end

    # The custom dates show only once "Custom dates" is chosen, by keyboard too.
    custom = page.locator("#d-custom")
    expect(custom).to_be_hidden()
    period = page.locator("#d-period")
    period.focus()
    period.select_option("custom")
    expect(custom).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator("#d-from")).to_be_focused()
    page.locator("#d-from").fill("2026-05-01")
    page.locator("#d-to").fill("2026-05-31")
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("heading", name="Dashboard: May 1, 2026 – May 31, 2026")
    ).to_be_visible()
    expect(custom).to_be_visible()
    page.locator("#d-period").select_option("quarter")
    expect(custom).to_be_hidden()
    page.goto("/")
    screenshot(page, "dashboard-1366")
    assert serious_axe_violations(page) == []

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert _fits_the_screen(page)
    chart = page.get_by_role("img", name=trend)
    assert chart.bounding_box()["width"] <= 390
    assert _smallest_chart_text_px(page, trend) >= 11.5
    screenshot(page, "dashboard-390")
