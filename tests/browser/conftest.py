"""Browser journeys: a live server driven by Playwright in Debian's headless Chromium.

Playwright's own browser downloads are not used (the network here is closed): the tests
launch /usr/bin/chromium. Without it they are skipped with a message saying how to
install it, unless CRD_REQUIRE_BROWSER is set (CI), where a missing browser fails.
"""

import os
import shutil
from pathlib import Path

import pytest

from tests.factories import TEST_PASSWORD

CHROMIUM = os.environ.get("CRD_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# for setup are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = (
            f"Chromium not found at {CHROMIUM}. Install it with `apt-get install -y chromium` "
            "(or set CRD_CHROMIUM) to run the browser tests."
        )
        if os.environ.get("CRD_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations():
    """Every page a journey opens reports Content-Security-Policy violations here; a
    journey fails if the browser refused anything (an inline style or script slipped in)."""
    found: list[str] = []

    def watch(page):
        page.on(
            "console",
            lambda message: (
                found.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        return page

    yield watch
    assert found == [], "\n".join(found)


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = csp_violations(context.new_page())
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, csp_violations):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 360, "height": 780},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    context.set_default_timeout(15_000)
    page = csp_violations(context.new_page())
    yield page
    context.close()


def current_code(user) -> str:
    """The code the user's authenticator shows now (a test phone is set up if none is)."""
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    # A code may serve once per 30 seconds; journeys sign in more often than that.
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_through_the_form(page, user, password=TEST_PASSWORD):
    """The real sign-in form, then the second factor where the role requires one."""
    from accounts.mfa import mfa_required

    code = current_code(user) if mfa_required(user) else None
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if code is not None:
        page.wait_for_url("**/accounts/two-factor/**")
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    return page


@pytest.fixture
def login(page):
    """`login(user)` signs the page in through the real login form."""

    def _login(user, password=TEST_PASSWORD, target=page):
        return sign_in_through_the_form(target, user, password)

    return _login


@pytest.fixture
def page_as(browser, live_server, csp_violations):
    """`page_as(user)`: a fresh browser window signed in as that user."""
    contexts = []

    def _open(user, password=TEST_PASSWORD):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = csp_violations(context.new_page())
        return sign_in_through_the_form(page, user, password)

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/browser/artifacts/ for a person to look at."""

    def _shot(page, name):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shot


def serious_axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
