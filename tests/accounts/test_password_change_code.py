"""Changing the password (issue 21, finding 8): the current password and, when the account
has a second factor, a current code; wrong ones are recorded and counted like failed
sign-ins. The admin site's password change is the same page."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGE = reverse("accounts:password-change")
NEW = "a-new-long-passphrase-42"  # noqa: S105 - a test password
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
A = AuditEvent.Action


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


def current_code(device) -> str:
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def change(client, old=TEST_PASSWORD, code=None, url=CHANGE):
    data = {"old_password": old, "new_password1": NEW, "new_password2": NEW}
    if code is not None:
        data["code"] = code
    return client.post(url, data)


@pytest.fixture
def chief_client(client_for, chief):
    return client_for(chief), TOTPDevice.objects.get(user=chief, confirmed=True)


def test_with_a_second_factor_the_page_asks_for_a_code(chief_client, chief):
    client, device = chief_client
    assert 'name="code"' in client.get(CHANGE).content.decode()
    without = change(client)
    assert without.status_code == 200 and "This field is required" in without.content.decode()
    chief.refresh_from_db()
    assert chief.check_password(TEST_PASSWORD)
    assert change(client, code=current_code(device)).status_code == 302
    chief.refresh_from_db()
    assert chief.check_password(NEW)


def test_a_wrong_code_is_refused_recorded_and_counted(chief_client, chief):
    client, device = chief_client
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(3):
            refused = change(client, code="000000")
            assert refused.status_code == 200
            assert "That code is not right" in refused.content.decode()
        events = AuditEvent.objects.filter(action=A.MFA_FAILED)
        assert events.count() == 3 and events[0].actor_id == chief.pk
        assert events[0].detail == "Password change: second-factor code refused"
        delayed = change(client, code=current_code(device))
        assert delayed.status_code == 429 and delayed["Retry-After"] == "2"
        chief.refresh_from_db()
        assert chief.check_password(TEST_PASSWORD)
        clock.shift(2)
        assert change(client, code=current_code(device)).status_code == 302


def test_a_wrong_current_password_is_recorded_and_counted_and_spends_no_code(client_for, officer):
    client = client_for(officer)
    with time_machine.travel(NOON, tick=False):
        for _ in range(3):
            assert change(client, old="not-it").status_code == 200
        failed = AuditEvent.objects.filter(action=A.LOGIN_FAILED, actor_id=officer.pk)
        assert failed.count() == 3
        assert failed[0].detail == "Password change: the current password was not right"
        delayed = change(client)
    assert delayed.status_code == 429
    assert "Too many failed tries for this username" in delayed.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)


def test_without_a_second_factor_the_password_is_enough(client_for, officer):
    client = client_for(officer)
    assert 'name="code"' not in client.get(CHANGE).content.decode()
    assert change(client).status_code == 302


def test_the_admin_site_password_change_is_the_same_page(client_for):
    admin = UserFactory(username="p-admin", is_staff=True, is_superuser=True)
    client = client_for(admin)
    device = TOTPDevice.objects.get(user=admin, confirmed=True)
    page = client.get("/admin/password_change/")
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    assert change(client, url="/admin/password_change/").status_code == 200  # no code
    done = change(client, code=current_code(device), url="/admin/password_change/")
    assert done.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password(NEW)
