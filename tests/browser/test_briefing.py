import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_briefs_a_shift_on_one_area(page_as, screenshot):
    AgencyFactory()
    supervisor = UserFactory(username="b-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])
    officer = UserFactory(username="b-officer", roles=[Role.OFFICER])
    today = timezone.localdate()
    cedar = ConcernFactory(
        area="Cedar Grove apartments",
        category="noise",
        priority="high",
        description="Music until 3 am every Saturday; residents cannot sleep.",
        source_name="Morgan Whitfield",
        reported_by=officer,
    )
    elm = ConcernFactory(area="Elm Street", reported_by=officer)
    conduct = ConcernFactory(
        area="Cedar Grove apartments", category="conduct_bias", reported_by=officer
    )
    ActivityFactory(
        area="Cedar Grove apartments",
        title="Cedar Grove tenants' meeting",
        date=today - dt.timedelta(days=2),
        attendance=23,
        logged_by=officer,
    )

    # The supervisor opens the briefing from the navigation.
    page = page_as(supervisor)
    nav = page.get_by_role("navigation", name="Main")
    menu = nav.get_by_role("button", name="Concerns")
    if menu.count():  # the briefing sits in the Concerns menu when there is one
        menu.click()
    nav.get_by_role("link", name="Roll-call briefing").click()
    page.wait_for_url("**/briefing/")
    assert page.get_by_role("heading", name="Roll-call briefing").is_visible()
    assert page.get_by_role("link", name=elm.reference).is_visible()

    # They narrow it to one area.
    page.get_by_label("Area contains").fill("cedar")
    page.get_by_label("Recent means the last").select_option(label="7 days")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"area=cedar"))
    # Grouped by the defined area (none here), the typed place on each line.
    assert page.get_by_role("heading", name="Not placed in an area").first.is_visible()
    assert page.get_by_text("Place: Cedar Grove apartments").first.is_visible()
    assert page.get_by_role("link", name=cedar.reference).is_visible()
    assert page.get_by_text("Music until 3 am every Saturday").is_visible()
    assert page.get_by_role("link", name="Cedar Grove tenants' meeting").is_visible()
    assert page.get_by_role("link", name=elm.reference).count() == 0
    body = page.locator("main").inner_text()
    assert conduct.reference not in body and "Morgan Whitfield" not in body
    assert serious_axe_violations(page) == []
    screenshot(page, "briefing-area")

    # The Print / PDF link gives a one-page PDF of the same area.
    href = page.get_by_role("link", name="Print / PDF").get_attribute("href")
    assert "area=cedar" in href and "days=7" in href
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert cedar.reference in text and "Cedar Grove apartments" in text
    assert elm.reference not in text and "Morgan Whitfield" not in text

    # Printed from the browser, the controls stay off the paper.
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Apply").is_visible()
    assert not page.get_by_role("link", name="Print / PDF").is_visible()
    screenshot(page, "briefing-print")
