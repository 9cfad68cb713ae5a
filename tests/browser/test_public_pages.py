"""The public pages as residents use them: by keyboard alone, in Spanish, on a phone.

Every page a visitor reaches without signing in is opened at 360 x 740 and at 1280 wide, in
English and in Spanish: nothing scrolls sideways (on a phone, at 360 and then at 390 px),
every control is at least 44 x 44 px, axe finds nothing serious, and a screenshot is kept
for a person to look at.
"""

import datetime as dt
import re

import pytest
from django.template import loader
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from concerns.models import Concern
from concerns.status import private_code
from notifications.notify import stop_token
from reports.models import Report
from surveys import services as survey_services
from surveys.models import Answer, Response
from tests.browser.conftest import serious_axe_violations, sign_in_through_the_form
from tests.browser.test_accessibility_sweep import STICKING_OUT
from tests.browser.test_surveys import open_survey
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

# Controls smaller than 44 x 44 px. A checkbox or radio button counts with its label, which
# is what a finger presses; screen-reader-only text (the skip link until it has the focus,
# the robots' field) is not on the screen.
SMALL_TARGETS = """() => {
  const small = [];
  for (const el of document.querySelectorAll(
      'a, button, input, select, textarea, [role=button]')) {
    if (el.type === 'hidden' || el.closest('[aria-hidden="true"]')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    let target = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length) {
      target = el.labels[0];
    }
    const box = target.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;
    if (box.width < 44 || box.height < 44) {
      const name = (target.innerText || el.name || el.id || '').trim().slice(0, 40);
      const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
      small.push(`${el.tagName.toLowerCase()} "${name}" ${size}`);
    }
  }
  return small;
}"""


def focused(page, selector: str, timeout: float = 5000) -> bool:
    """Whether the focus is on the element, waiting for a script that moves it (a loaded
    machine can run the page's script after the test first looks)."""
    if not timeout:
        return page.evaluate("(s) => document.activeElement.matches(s)", selector)
    try:
        page.wait_for_function(
            "(s) => document.activeElement && document.activeElement.matches(s)",
            arg=selector,
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


def tab_to(page, selector: str, *, backwards=False, limit=60):
    """Press Tab (or Shift+Tab) until the element the selector names has the focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page, selector, timeout=0):
            return
    raise AssertionError(f"{key} never reached {selector}")


# --- By keyboard alone -----------------------------------------------------------------


def test_resident_sends_feedback_in_spanish_by_keyboard(phone_page, screenshot):
    page = phone_page
    page.goto("/feedback/")
    assert page.get_by_role("heading", name="Tell us about a concern").is_visible()

    # The skip link comes first, then the language switch.
    page.keyboard.press("Tab")
    assert focused(page, ".skip-link") and page.locator(".skip-link").is_visible()
    tab_to(page, "a[hreflang=es]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/feedback/?lang=es")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Cuéntenos una inquietud").is_visible()

    # Sent empty: the summary at the top has the focus and leads to each field.
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.get_by_text("Revise sus respuestas").is_visible()
    assert focused(page, "#error-summary")
    assert page.title().startswith("Error:")
    screenshot(page, "public-feedback-errors-es-keyboard")
    page.keyboard.press("Tab")
    assert focused(page, "#error-summary a[href='#id_category']")
    page.keyboard.press("Enter")
    assert focused(page, "#id_category")
    assert page.locator("#id_category").get_attribute("aria-invalid") == "true"
    assert "Este campo es obligatorio." in page.locator("#id_category_error").inner_text()

    # The resident answers, field after field.
    page.keyboard.type("Ruido")
    assert page.locator("#id_category").input_value() == "noise"
    page.keyboard.press("Tab")
    assert focused(page, "#id_area")
    page.keyboard.type("Parque Cedar Grove")
    page.keyboard.press("Tab")
    assert focused(page, "#id_summary")
    page.keyboard.type("Música alta de noche")
    page.keyboard.press("Tab")
    assert focused(page, "#id_description")
    page.keyboard.type("Música muy alta hasta las 3 de la mañana.")
    tab_to(page, "#id_email")
    page.keyboard.type("vecina@example.org")
    tab_to(page, "#id_consent_to_contact")
    page.keyboard.press("Space")
    assert page.locator("#id_consent_to_contact").is_checked()
    # Back one field and forward again: Shift+Tab works the same way.
    tab_to(page, "#id_phone", backwards=True)
    tab_to(page, "#id_consent_to_contact")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url("**/feedback/received/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("heading", name="Gracias").is_visible()
    assert page.get_by_text("Su inquietud llegó al departamento.").is_visible()
    reference = page.locator(".reference-number").inner_text()
    screenshot(page, "public-feedback-received-es-keyboard")
    concern = Concern.objects.get(reference=reference)
    assert (concern.category, concern.language, concern.area) == (
        "noise",
        "es",
        "Parque Cedar Grove",
    )
    assert concern.consent_to_contact and concern.contact_email == "vecina@example.org"


def test_resident_answers_a_survey_in_spanish_by_keyboard(phone_page, cro, chief, screenshot):
    survey = open_survey(cro, chief)
    q = {question.code: question for question in survey.questions.all()}
    page = phone_page
    page.goto(f"/s/{survey.slug}/")
    tab_to(page, "a[hreflang=es]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{survey.slug}/?lang=es")
    assert page.get_by_role("heading", name="Encuesta comunitaria").is_visible()

    def choose(code, number):
        """Into the question's buttons with Tab; an arrow moves the choice, Space takes it."""
        tab_to(page, f"#id_q{q[code].pk}_1")
        if number == 1:
            page.keyboard.press("Space")
        for _ in range(number - 1):
            page.keyboard.press("ArrowRight")
        assert page.locator(f"#id_q{q[code].pk}_{number}").is_checked()

    for code, number in (
        ("std-overall", 4),
        ("std-competence", 4),
        ("std-competence-response", 3),
        ("std-attitude-respect", 5),
        ("std-attitude-fair", 1),
        ("std-trust", 4),
        ("std-trust-report", 2),
    ):
        choose(code, number)
    # Several choices: each box is its own stop, Space ticks it.
    tab_to(page, f"#id_q{q['std-safety-concerns'].pk}_4")
    page.keyboard.press("Space")
    tab_to(page, f"#id_q{q['std-recommend'].pk}")
    page.keyboard.type("Más patrullas a pie en el parque.")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    # The one unanswered question is named at the top and reached from there.
    page.locator("#form-errors").wait_for()
    assert focused(page, "#form-errors")
    page.keyboard.press("Tab")
    assert focused(page, f"#form-errors a[href='#id_q{q['std-safety'].pk}_1']")
    page.keyboard.press("Enter")
    assert focused(page, f"#id_q{q['std-safety'].pk}_1")
    screenshot(page, "public-survey-errors-es-keyboard")
    page.keyboard.press("ArrowRight")
    assert page.locator(f"#id_q{q['std-safety'].pk}_2").is_checked()
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(rf"/s/{survey.slug}/thanks/"))
    assert page.get_by_role("heading", name="Gracias").is_visible()
    screenshot(page, "public-survey-thanks-es-keyboard")
    response = Response.objects.get()
    assert response.language == "es"
    stored = {a.question.code: a.value or a.text for a in Answer.objects.filter(response=response)}
    assert stored["std-overall"] == 4 and stored["std-safety"] == 2
    assert stored["std-recommend"] == "Más patrullas a pie en el parque."


# --- Every public page, on a phone and on a desktop ------------------------------------


@pytest.fixture
def public_pages(cro, chief, officer):
    """Each public page as (name, how to open it in a language)."""
    survey = open_survey(cro, chief)
    forum = survey_services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    closed = open_survey(cro, chief, title="Water-bill survey")
    survey_services.close_survey(survey=closed, by=cro)
    Report.objects.create(
        kind=Report.Kind.TRANSPARENCY,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        status=Report.Status.APPROVED,
        data={
            "received": 1234,
            "resolved": 1180,
            "activities": 42,
            "by_category": [
                ["Traffic", 700],
                ["Quality of life", 530],
                ["Officer conduct or bias", "fewer than 5"],
            ],
            "by_kind": [
                ["Community forum", 30],
                [
                    "Immigration-status outreach to family-violence or sexual-assault providers",
                    "fewer than 5",
                ],
            ],
        },
        narratives={
            "introduction": "What residents told us this year.",
            "introduction_es": "Lo que nos dijeron los residentes este año.",
        },
        created_by=cro,
        decided_by=chief,
        decided_at=timezone.now(),
    )
    resident = ConcernFactory(
        contact_email="r@example.org",
        area="Cedar Grove apartments, building C, third floor, behind the laundry room",
    )
    stop = f"/stop/{stop_token(resident)}/"
    status_link = f"/status/?ref={resident.reference}&code={private_code(resident)}"

    def goto(url):
        return lambda page, lang: page.goto(f"{url}?lang={lang}")

    def feedback_errors(page, lang):
        page.goto(f"/feedback/?lang={lang}")
        page.locator("#id_area").fill("Main Street")
        page.locator("button[type=submit]").click()
        page.locator("#error-summary").wait_for()

    def feedback_received(page, lang):
        page.goto(f"/feedback/?lang={lang}")
        page.locator("#id_category").select_option("noise")
        page.locator("#id_area").fill("Cedar Grove apartments")
        page.locator("#id_summary").fill("Loud music on Saturdays")
        page.locator("#id_description").fill("Music until 3 am every Saturday.")
        page.locator("button[type=submit]").click()
        page.locator(".reference-number").wait_for()

    def survey_errors(page, lang):
        page.goto(f"{survey.public_url()}?lang={lang}")
        page.locator("button[type=submit]").click()
        page.locator("#form-errors").wait_for()

    def stopped(page, lang):
        page.goto(f"{stop}?lang={lang}")
        page.locator("button[type=submit]").click()
        page.locator(".alert-success").wait_for()

    def status_found(page, lang):
        # The email's link, then the bare address showing the concern.
        page.goto(f"{status_link}&lang={lang}")
        page.wait_for_url("**/status/?lang=*")

    def not_allowed(page, lang):
        sign_in_through_the_form(page, officer)
        page.goto(f"/reports/?lang={lang}")

    def server_error(name, status):
        html = loader.get_template(name).render()

        def open_it(page, lang):
            page.route(
                f"**/{name}",
                lambda route: route.fulfill(status=status, content_type="text/html", body=html),
            )
            page.goto(f"/{name}")

        return open_it

    return [
        ("feedback", goto("/feedback/")),
        ("feedback-errors", feedback_errors),
        ("feedback-received", feedback_received),
        ("transparency", goto("/transparency/")),
        ("transparency-year", goto("/transparency/2025/")),
        ("survey", goto(survey.public_url())),
        ("survey-errors", survey_errors),
        ("survey-forum", goto(forum.public_url())),
        ("survey-thanks", goto(f"/s/{survey.slug}/thanks/")),
        ("survey-closed", goto(closed.public_url())),
        ("status", goto("/status/")),
        ("status-found", status_found),
        ("stop", goto(stop)),
        ("stop-done", stopped),
        ("not-found", goto("/no-such-page/")),
        ("not-allowed", not_allowed),
        ("server-error", server_error("500.html", 500)),
        ("unavailable", server_error("503.html", 503)),
    ]


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_every_public_page_fits_and_passes_axe(
    browser, live_server, csp_violations, public_pages, screenshot, device
):
    viewport = PHONE if device == "phone" else DESKTOP
    problems = {}
    for lang in ("en", "es"):
        for name, open_page in public_pages:
            context = browser.new_context(
                base_url=live_server.url,
                viewport=viewport,
                is_mobile=device == "phone",
                has_touch=device == "phone",
            )
            context.set_default_timeout(15_000)
            page = csp_violations(context.new_page())
            try:
                open_page(page, lang)
                found = []
                expected = "en" if name in ("server-error", "unavailable") else lang
                if page.locator("html").get_attribute("lang") != expected:
                    found.append(f"html lang is not {expected}")
                if name in ("server-error", "unavailable"):
                    assert page.locator("div[lang=es]").is_visible()
                if (wide := page.evaluate(STICKING_OUT)) is not None:
                    found.append(f"scrolls sideways: {wide}")
                if device == "phone":
                    found += page.evaluate(SMALL_TARGETS)
                found += serious_axe_violations(page)
                screenshot(page, f"public-{name}-{lang}-{device}")
                if device == "phone":
                    page.set_viewport_size({"width": 390, "height": PHONE["height"]})
                    if (wide := page.evaluate(STICKING_OUT)) is not None:
                        found.append(f"scrolls sideways: {wide}")
                if found:
                    problems[f"{name} ({lang})"] = found
            finally:
                context.close()
    assert problems == {}


def test_sign_in_page_fits_a_phone(phone_page):
    """The staff sign-in page, where residents also land, does not scroll sideways."""
    page = phone_page
    found = []
    page.goto("/accounts/login/")
    for width in (360, 390):
        page.set_viewport_size({"width": width, "height": PHONE["height"]})
        if (wide := page.evaluate(STICKING_OUT)) is not None:
            found.append(wide)
    assert found == []
