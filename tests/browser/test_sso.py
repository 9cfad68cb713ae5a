"""The CRO signs in with the department's directory (a real OpenID Connect provider on its
own port): the desk's button, the directory's page, and back at the desk signed in, with
the second factor the directory asked for and the role its group gives (issue 25)."""

import pytest

from accounts.models import DirectoryGroup
from audit.models import AuditEvent
from core.roles import Role
from tests.browser.conftest import serious_axe_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.real_clock]


def at_the_directory(page, directory, username: str, password: str) -> None:
    """The directory's own sign-in page, as the person fills it in."""
    page.wait_for_url(f"{directory.url}/login/**")
    page.get_by_label("Name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_the_cro_signs_in_with_the_directory(
    page, live_server, directory, sso_settings, screenshot
):
    sso_settings.CRD_OIDC_NAME = "the county directory"
    directory.allow_return_to(f"{live_server.url}/accounts/sso/callback/")
    DirectoryGroup.objects.create(name="CRD-Community", role=Role.CRO, unit="Community Affairs")
    password = directory.person(
        "nakamura",
        given_name="Emi",
        family_name="Nakamura",
        email="e.nakamura@example.org",
        groups=["CRD-Community"],
        employee_id="3310",
        title="Lt.",
        second_factor=True,
    )

    page.goto("/concerns/")
    page.wait_for_url("**/accounts/login/**")
    assert serious_axe_violations(page) == []
    screenshot(page, "sso-login")
    page.get_by_role("link", name="Sign in with the county directory").click()

    at_the_directory(page, directory, "nakamura", password)

    page.wait_for_url(f"{live_server.url}/concerns/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert page.get_by_text("Emi Nakamura").first.is_visible()
    login = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert login.actor_name == "nakamura"
    assert "second factor by the directory" in login.detail


def test_someone_in_no_mapped_group_is_told_why_on_a_phone(
    phone_page, live_server, directory, sso_settings, screenshot
):
    directory.allow_return_to(f"{live_server.url}/accounts/sso/callback/")
    DirectoryGroup.objects.create(name="CRD-Patrol", role=Role.OFFICER)
    password = directory.person("dalton", groups=["Records"], employee_id="3311")
    page = phone_page
    page.goto("/accounts/login/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "sso-login-phone")
    page.get_by_role("link", name="Sign in with your department account").click()
    at_the_directory(page, directory, "dalton", password)
    page.wait_for_url(f"{live_server.url}/accounts/sso/callback/**")
    alert = page.get_by_role("alert")
    assert "in no group that gives a role" in alert.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_axe_violations(page) == []
    screenshot(page, "sso-refused-phone")
    page.get_by_role("link", name="Back to the sign-in page").click()
    page.wait_for_url("**/accounts/login/")
