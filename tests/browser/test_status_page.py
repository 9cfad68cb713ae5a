"""A resident checks where their concern stands, on a phone: from the link in the email
that acknowledged it, then by typing the reference and the code."""

import re
from urllib.parse import urlsplit

import pytest

from concerns import services, status
from concerns.models import Concern
from core.roles import Role
from notifications.models import OutboundEmail
from tests.browser.conftest import serious_axe_violations
from tests.browser.test_public_pages import SMALL_TARGETS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server, csp_violations):
    """A 390 px phone, and every request it makes: (url, Referer header)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(15_000)
    page = csp_violations(context.new_page())
    requests = []
    page.on("request", lambda r: requests.append((r.url, r.headers.get("referer"))))
    yield page, requests, live_server.url
    context.close()


def fits_the_phone(page) -> list[str]:
    problems = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"]:
        problems.append(f"scrolls sideways: {width} px wide")
    return problems + page.evaluate(SMALL_TARGETS) + serious_axe_violations(page)


def test_resident_checks_status_from_the_email_link_on_a_phone(phone, screenshot):
    page, requests, origin = phone
    cro = UserFactory(username="s-cro", rank="Lt.", roles=[Role.CRO])

    # The resident tells the department about a broken light, and asks to hear back.
    page.goto("/feedback/?lang=en")
    page.locator("#id_category").select_option("street_lighting")
    page.locator("#id_area").fill("Willow Creek trail")
    page.locator("#id_summary").fill("Street light out by the bridge")
    page.locator("#id_description").fill("The light by the bridge has been out a week.")
    page.locator("#id_email").fill("resident@example.org")
    page.locator("#id_consent_to_contact").check()
    page.locator("button[type=submit]").click()
    page.locator("#status-code").wait_for()
    concern = Concern.objects.get()
    code = status.private_code(concern)
    assert page.locator("#status-code").inner_text() == code
    assert fits_the_phone(page) == []

    # The acknowledgment carries the link; the resident opens it a few days later.
    ack = OutboundEmail.objects.get(kind="resident_ack")
    link = re.search(r"https?://\S+/status/\?\S+", ack.body_text)[0]
    assert code in link
    page.context.clear_cookies()
    page.goto(urlsplit(link)._replace(scheme="", netloc="").geturl())
    page.locator("#status-result").wait_for()
    # The code left the address at once, and the page loaded nothing from elsewhere and
    # told nothing of its address to what it loaded.
    assert code not in page.url and "code=" not in page.url
    assert page.url == f"{origin}/status/?lang=en"
    assert all(url.startswith(origin) for url, _ in requests), requests
    assert [url for url, referer in requests if referer and "code=" in referer] == []
    assert page.locator("#status-words").inner_text() == "Received"
    assert page.locator("#status-category").inner_text() == "Street lighting"
    assert "Willow Creek" not in page.content() and "resident@example.org" not in page.content()
    assert fits_the_phone(page) == []
    screenshot(page, "status-received-phone")

    # The department fixes it; the resident looks again, in Spanish.
    concern.public_note = "Light repaired by Public Works."
    concern.save(update_fields=["public_note"])
    services.resolve_concern(concern=concern, by=cro, resolution="Repaired by crew 4.")
    page.get_by_role("link", name="Español").click()
    page.locator("#status-result").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("#status-words").inner_text() == "Resuelta"
    assert page.locator("#status-note").inner_text() == "Light repaired by Public Works."
    assert "crew 4" not in page.content()
    assert page.locator("#status-steps time").count() == 2
    assert fits_the_phone(page) == []
    screenshot(page, "status-resolved-es-phone")

    # "Check another concern": a typo first, then the right code, all by the form.
    page.get_by_role("button", name="Consultar otra inquietud").click()
    page.locator("#id_reference").wait_for()
    page.locator("#id_reference").fill(concern.reference.lower())
    page.locator("#id_code").fill(code[:-1] + ("B" if code[-1] != "B" else "C"))
    page.locator("button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert "No encontramos ninguna inquietud" in page.locator("#error-summary").inner_text()
    assert page.locator("#id_reference").input_value() == concern.reference.lower()
    assert fits_the_phone(page) == []
    screenshot(page, "status-wrong-code-es-phone")
    page.locator("#id_code").fill(code.replace("-", " ").lower())
    page.locator("button[type=submit]").click()
    page.locator("#status-result").wait_for()
    assert page.locator("#status-words").inner_text() == "Resuelta"
