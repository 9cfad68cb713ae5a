import pytest
from playwright.sync_api import expect

from core.roles import Role
from tests.browser.conftest import serious_axe_violations
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


ROLE_HEADINGS = [
    (Role.OFFICER, "As Officer"),
    (Role.SUPERVISOR, "As Supervisor"),
    (Role.CRO, "As Community Relations Officer"),
    (Role.CHIEF, "As Chief"),
    (Role.TRAINING_OFFICER, "As Training Officer"),
]


def test_each_role_signs_in_and_sees_its_home(page, login, screenshot):
    AgencyFactory(name="Riverbend Police Department")
    for role, heading in ROLE_HEADINGS:
        user = UserFactory(username=f"b-{role.name.lower()}", roles=[role])
        login(user)
        assert page.get_by_role("heading", name=heading).is_visible()
        assert (
            page.get_by_role("contentinfo")
            .get_by_text("Riverbend Police Department · Community Relations")
            .is_visible()
        )
        screenshot(page, f"home-{role.name.lower()}")
        # Sign out through the user menu, as a person would.
        page.get_by_role("button", name=user.display_name).click()
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/accounts/login/")


def test_login_page_has_no_serious_accessibility_violations(page, screenshot):
    page.goto("/accounts/login/")
    screenshot(page, "login")
    assert serious_axe_violations(page) == []


def test_wrong_password_shows_message_and_keeps_username(page, db):
    UserFactory(username="b-typo", roles=[Role.OFFICER])
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("b-typo")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    # Waits for the answer (a bare is_visible() right after the click raced it under load).
    expect(page.get_by_text("The username or password is not right")).to_be_visible()
    expect(page.get_by_label("Username")).to_have_value("b-typo")


def test_home_at_phone_width_has_no_sideways_scroll(phone_page, login, screenshot):
    user = UserFactory(username="b-phone", roles=[Role.CRO])
    login(user, target=phone_page)
    assert phone_page.get_by_role("heading", name="As Community Relations Officer").is_visible()
    screenshot(phone_page, "home-cro-phone")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360
