import pytest

from accounts.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_locked_after_five_failures_is_unlocked_by_the_cro(page, page_as, screenshot):
    AgencyFactory()
    officer = UserFactory(username="l-officer", roles=[Role.OFFICER])
    cro = UserFactory(username="l-cro", rank="Lt.", roles=[Role.CRO])

    # Five wrong passwords; the sixth try, with the right one, meets the lock.
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
    assert page.get_by_role("heading", name="This account is locked").is_visible()

    # The CRO finds the account in Setup and unlocks it.
    desk = page_as(cro)
    nav = desk.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Setup").click()
    nav.get_by_role("link", name="Locked accounts").click()
    desk.wait_for_url("**/accounts/locked/")
    assert serious_axe_violations(desk) == []
    screenshot(desk, "locked-accounts")
    desk.get_by_role("button", name=f"Unlock {officer.username}").click()
    assert desk.get_by_text(f"“{officer.username}” is unlocked").is_visible()
    assert desk.get_by_role("heading", name="No account is locked").is_visible()

    # The officer signs in.
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Good to see you", exact=False).is_visible()
