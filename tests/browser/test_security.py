import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_locked_after_five_failures_is_unlocked_by_the_cro(
    page, page_as, screenshot, settings
):
    # A lock needs failures from several clients (accounts.lockout); the browser is one.
    settings.CRD_LOCK_CLIENTS = 1
    AgencyFactory()
    officer = UserFactory(username="l-officer", roles=[Role.OFFICER])
    cro = UserFactory(username="l-cro", rank="Lt.", roles=[Role.CRO])

    # Wrong passwords until the lock; the next try, with the right one, meets it.
    page.goto("/accounts/login/")
    for _ in range(5):
        page.get_by_label("Username").fill(officer.username)
        page.get_by_label("Password").fill("not-my-password")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if page.get_by_role("heading", name="This account is locked").count():
            break
        assert page.get_by_text("The username or password is not right").is_visible()
        page.goto("/accounts/login/")
    assert page.get_by_role("heading", name="This account is locked").is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "account-locked")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="This account is locked")).to_be_visible()

    # The CRO finds the account in Setup and unlocks it.
    desk = page_as(cro)
    nav = desk.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Setup").click()
    nav.get_by_role("link", name="Locked accounts").click()
    desk.wait_for_url("**/accounts/locked/")
    assert serious_axe_violations(desk) == []
    screenshot(desk, "locked-accounts")
    desk.get_by_role("button", name=f"Unlock {officer.username}").click()
    expect(desk.get_by_text(f"“{officer.username}” is unlocked")).to_be_visible()
    assert desk.get_by_role("heading", name="No account is locked").is_visible()

    # The officer signs in.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Good to see you", exact=False).is_visible()


def test_the_chief_sets_up_an_authenticator_then_signs_in_with_a_code(page, screenshot):
    import base64
    import re

    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    AgencyFactory()
    chief = UserFactory(username="m-chief", rank="Chief", roles=[Role.CHIEF])

    def code(key: bytes) -> str:
        TOTPDevice.objects.filter(user=chief).update(
            last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
        )
        return f"{totp(key):06d}"

    # The password first; the Chief's role needs a second factor, so the set-up page opens.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(chief.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.get_by_role("img", name=re.compile("QR code")).is_visible()
    assert serious_axe_violations(page) == []
    screenshot(page, "mfa-setup")
    # The phone reads the key (here, from the page, as someone typing it would).
    key = base64.b32decode(page.locator("#totp-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    assert page.get_by_role("list", name="Recovery codes").get_by_role("listitem").count() == 10
    assert serious_axe_violations(page) == []
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/")

    # Signed out and back in: password, then the code from the app.
    page.get_by_role("button", name=chief.display_name).click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_label("Username").fill(chief.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    page.get_by_label("Code").fill(code(key))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Good to see you", exact=False).is_visible()
