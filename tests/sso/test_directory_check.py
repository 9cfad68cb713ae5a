"""Between sign-ins, the directory's word ends an account (accounts/sso_refresh.py): the
hourly sweep asks the real test directory about each account's refresh token and its
groups, and deactivates the account it no longer stands behind."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts import sso
from accounts.models import DirectoryGroup, DirectoryLink, User
from accounts.sso_refresh import check_accounts
from audit.models import AuditEvent
from core.roles import Role
from notifications.reminders import sweep
from tests.sso.test_sign_in import through_directory

pytestmark = [pytest.mark.django_db, pytest.mark.real_clock]
LATER = dt.timedelta(hours=2)


@pytest.fixture
def signed_in(client, sso_settings, directory):
    """A patrol officer signed in through the directory, and their browser."""
    DirectoryGroup.objects.create(name="CRD-Patrol", role=Role.OFFICER)
    password = directory.person("castillo", groups=["CRD-Patrol"], employee_id="9101")
    assert through_directory(client, "castillo", password).status_code == 302
    return User.objects.get(dsn="9101")


def test_the_refresh_token_is_kept_sealed(signed_in):
    link = DirectoryLink.objects.get(user=signed_in)
    opened = sso.unseal(link.refresh_token)
    assert opened and opened not in link.refresh_token
    assert link.checked_at is not None


def test_a_person_the_directory_still_knows_is_left_alone(signed_in):
    before = DirectoryLink.objects.get(user=signed_in)
    now = timezone.now() + LATER
    assert check_accounts(now) == 0
    after = DirectoryLink.objects.get(user=signed_in)
    assert after.checked_at == now
    # The directory gave a new refresh token for the old one.
    assert sso.unseal(after.refresh_token) != sso.unseal(before.refresh_token)
    assert User.objects.get(pk=signed_in.pk).is_active
    # Checked a moment ago: not asked again until the hour is up.
    assert check_accounts(now + dt.timedelta(minutes=30)) == 0
    assert DirectoryLink.objects.get(user=signed_in).checked_at == now


def test_removed_from_the_directory_the_account_ends_and_its_session_with_it(
    client, signed_in, directory
):
    assert client.get("/concerns/").status_code == 200
    directory.remove("castillo")
    assert check_accounts(timezone.now() + LATER) == 1
    user = User.objects.get(pk=signed_in.pk)
    assert not user.is_active
    link = DirectoryLink.objects.get(user=user)
    assert link.deactivated_at is not None and link.refresh_token == ""
    assert list(
        AuditEvent.objects.filter(action=AuditEvent.Action.DIRECTORY_ENDED).values_list(
            "actor_name", "detail"
        )
    ) == [
        (
            "castillo",
            "castillo: the directory refused its refresh token (invalid_grant); the account "
            "was deactivated",
        )
    ]
    assert client.get("/concerns/").status_code == 302


def test_out_of_the_mapped_groups_the_account_ends_at_the_sweep(signed_in, directory):
    directory.person("castillo", groups=["All staff"], employee_id="9101")
    counts = sweep(timezone.now() + LATER)
    assert counts["directory accounts ended"] == 1
    assert not User.objects.get(pk=signed_in.pk).is_active
    detail = AuditEvent.objects.get(action=AuditEvent.Action.DIRECTORY_ENDED).detail
    assert "no longer has them in a group that gives a role" in detail


def test_a_directory_out_of_reach_changes_nothing(signed_in, settings):
    settings.CRD_OIDC_ISSUER = "http://127.0.0.1:9/o"
    sso.cache.delete(sso.DISCOVERY_KEY)
    assert check_accounts(timezone.now() + LATER) == 0
    assert User.objects.get(pk=signed_in.pk).is_active


def test_a_token_sealed_under_another_secret_key_is_dropped(signed_in, settings):
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert check_accounts(timezone.now() + LATER) == 0
    link = DirectoryLink.objects.get(user=signed_in)
    assert link.refresh_token == "" and User.objects.get(pk=signed_in.pk).is_active


def test_without_single_sign_on_nothing_is_asked(settings, db):
    settings.CRD_OIDC_ISSUER = ""
    assert check_accounts(timezone.now()) == 0
