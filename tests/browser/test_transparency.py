"""The public transparency report from the CRO's draft to the resident's phone: the screening
of the narrative stops a name and an address, the CRO takes one out and keeps the other
with a reason, the Chief approves, and a resident reads every year in Spanish."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from core.roles import Role
from reports.models import Report
from tests.browser.conftest import serious_axe_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def both_widths(page, screenshot, name):
    """A full-page screenshot at a laptop's width and a phone's, for a person to look at."""
    for label, size in (("1366", DESKTOP), ("390", PHONE)):
        page.set_viewport_size(size)
        screenshot(page, f"{name}-{label}")
    page.set_viewport_size(DESKTOP)


def test_cro_clears_the_narrative_and_residents_read_every_year_in_spanish(
    browser, live_server, csp_violations, page_as, screenshot
):
    AgencyFactory(name="Riverbend Police Department")
    cro = UserFactory(
        username="b-cro", first_name="Priya", last_name="Natarajan", rank="Lt.", roles=[Role.CRO]
    )
    chief = UserFactory(
        username="b-chief",
        first_name="Eleanor",
        last_name="Brooks",
        rank="Chief",
        roles=[Role.CHIEF],
    )
    UserFactory(username="b-officer", first_name="Dana", last_name="Whitfield")
    # Last year's report is already published.
    Report.objects.create(
        kind=Report.Kind.TRANSPARENCY,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 12, 31),
        status=Report.Status.APPROVED,
        data={"received": 812, "resolved": 790, "activities": 35, "by_category": [], "by_kind": []},
        narratives={"introduction": "Our first report."},
        created_by=cro,
        decided_by=chief,
        decided_at=timezone.make_aware(dt.datetime(2025, 1, 20, 10)),
    )

    page = page_as(cro)
    page.goto("/reports/")
    page.locator("#id_kind").select_option(label="Public transparency report")
    page.get_by_label("Any day in the period").fill("2025-06-01")
    page.get_by_role("button", name="Generate draft").click()
    page.wait_for_url(re.compile(r"/reports/\d+/$"))
    report_url = page.url
    page.get_by_label("About this report (shown to the public)").fill(
        "Officer Whitfield led the forums; the new office at 1234 Elm St opened in May."
    )
    page.get_by_label("About this report, in Spanish (shown to the public)").fill(
        "La agente Whitfield dirigió los foros; la nueva oficina abrió en mayo."
    )
    page.get_by_role("button", name="Save narratives").click()
    panel = page.locator("#screening")
    expect(panel.get_by_text("3 to clear")).to_be_visible()
    expect(panel.get_by_text("1234 Elm St", exact=True)).to_be_visible()
    both_widths(page, screenshot, "transparency-report-hits")

    # Refused while anything is left, and told what.
    late = page.get_by_label("Why is it late?")
    if late.count():
        late.fill("Waited for the year's last referrals.")
    page.get_by_role("button", name="Submit to the Chief").click()
    expect(page.get_by_role("alert").get_by_text("“1234 Elm St” (street address)")).to_be_visible()

    # The address comes out of the text; the officer's name stays, with the reason.
    page.get_by_label("About this report (shown to the public)").fill(
        "Officer Whitfield led the forums; the new office opened in May."
    )
    page.get_by_role("button", name="Save narratives").click()
    expect(panel.get_by_text("2 to clear")).to_be_visible()
    for _ in range(2):
        item = panel.locator("li", has=page.get_by_text("Not cleared")).first
        item.get_by_text("Accept it with a reason").click()
        item.get_by_label("Why this may be published").fill(
            "She asked to be thanked by name; the Chief agreed."
        )
        item.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("stays in the text.")).to_be_visible()
    expect(panel.get_by_text("All cleared")).to_be_visible()
    expect(panel.get_by_text("by Lt. Priya Natarajan on").first).to_be_visible()
    both_widths(page, screenshot, "transparency-report-cleared")
    late = page.get_by_label("Why is it late?")
    if late.count():
        late.fill("Waited for the year's last referrals.")
    page.get_by_role("button", name="Submit to the Chief").click()
    expect(page.get_by_text("Submitted to the Chief. The figures are now frozen.")).to_be_visible()

    page = page_as(chief)
    page.goto(report_url)
    expect(page.locator("#screening").get_by_text("All cleared")).to_be_visible()
    expect(page.get_by_text("She asked to be thanked by name").first).to_be_visible()
    # Approval renders both PDFs before the page returns: slow on a loaded machine.
    page.get_by_role("button", name="Approve").click(timeout=60_000)
    # Both PDFs are rendered at once here (the tests' tasks run in the request).
    expect(page.get_by_text("Approved. The final PDF is being rendered.")).to_be_visible(
        timeout=120_000
    )

    # A resident, on a phone, in Spanish: every year, newest first.
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(30_000)
    resident = csp_violations(context.new_page())
    resident.goto("/transparency/?lang=es")
    expect(resident.get_by_role("heading", name="Cómo trabajamos con la comunidad")).to_be_visible()
    years = resident.locator("article h2").all_inner_texts()
    assert years[:2] == ["2025", "2024"]
    assert serious_axe_violations(resident) == []
    for label, size in (("390", PHONE), ("1366", DESKTOP)):
        resident.set_viewport_size(size)
        screenshot(resident, f"transparency-index-es-{label}")
    resident.get_by_role("link", name="Leer el informe de 2025").click()
    resident.wait_for_url("**/transparency/2025/")
    expect(
        resident.get_by_text(
            "La agente Whitfield dirigió los foros; la nueva oficina abrió en mayo."
        )
    ).to_be_visible()
    # The Spanish file was rendered with the approval: the page links it.
    pdf = resident.get_by_role("link", name="Informe de 2025 (PDF)")
    expect(pdf).to_have_attribute("href", "/transparency/2025/es.pdf")
    assert serious_axe_violations(resident) == []
    for label, size in (("390", PHONE), ("1366", DESKTOP)):
        resident.set_viewport_size(size)
        screenshot(resident, f"transparency-year-es-{label}")
    resident.goto("/transparency/2025/?lang=en")
    both_widths(resident, screenshot, "transparency-year-en")
    context.close()
