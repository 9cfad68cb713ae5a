"""The second factor in the trail and under the limits (issue 21, finding 7): "signed in"
is written once the code is given, every refused code is recorded, and refused codes
count toward the same delays and lock as wrong passwords."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import lockout
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, AgencyFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa-verify")
MANAGE = reverse("accounts:mfa-manage")
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
A = AuditEvent.Action


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


@pytest.fixture
def phone(cro):
    return TOTPDevice.objects.create(user=cro, name="Phone", confirmed=True)


def current_code(device) -> str:
    """The code the phone shows now, with django-otp's own one-use and wait-after-a-wrong
    -code rules reset (they are django-otp's, tested there)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password(client, user, address="10.0.0.1"):
    response = client.post(
        LOGIN, {"username": user.username, "password": TEST_PASSWORD}, REMOTE_ADDR=address
    )
    assert response.status_code == 302
    return response


def actions(user):
    return list(
        AuditEvent.objects.filter(actor_id=user.pk)
        .exclude(action__in=[A.INSERT, A.UPDATE, A.DELETE])
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_signed_in_is_written_after_the_code_not_after_the_password(client, cro, phone):
    with time_machine.travel(NOON, tick=False):
        password(client, cro)
        assert actions(cro) == [A.LOGIN_PENDING]
        client.post(VERIFY, {"code": current_code(phone), "next": "/"}, REMOTE_ADDR="10.0.0.1")
    assert actions(cro) == [A.LOGIN_PENDING, A.LOGIN]
    assert AuditEvent.objects.get(action=A.LOGIN).detail == "Code given"


def test_without_a_second_factor_signed_in_is_written_at_the_password(client, officer):
    password(client, officer)
    assert actions(officer) == [A.LOGIN]


def test_a_refused_code_is_recorded(client, cro, phone):
    with time_machine.travel(NOON, tick=False):
        password(client, cro)
        wrong = client.post(VERIFY, {"code": "000000", "next": "/"}, REMOTE_ADDR="10.0.0.1")
    assert wrong.status_code == 400
    event = AuditEvent.objects.get(action=A.MFA_FAILED)
    assert event.actor_id == cro.pk and event.client_address == "10.0.0.1"
    assert event.detail == "Sign-in: second-factor code refused"
    assert A.LOGIN not in actions(cro)


def test_refused_codes_meet_the_delay_and_a_new_password_does_not_reset_it(client, cro, phone):
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(3):
            client.post(reverse("accounts:logout"))
            password(client, cro)  # the password again: it must not wipe the count
            client.post(VERIFY, {"code": "000000", "next": "/"}, REMOTE_ADDR="10.0.0.1")
        refused = client.post(
            VERIFY, {"code": current_code(phone), "next": "/"}, REMOTE_ADDR="10.0.0.1"
        )
        assert refused.status_code == 429 and refused["Retry-After"] == "2"
        assert not client.session.get("otp_device_id")
        clock.shift(2)
        ok = client.post(VERIFY, {"code": current_code(phone), "next": "/"}, REMOTE_ADDR="10.0.0.1")
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action=A.MFA_FAILED).count() == 3


def test_refused_codes_from_many_clients_lock_the_username(client, cro, phone, settings):
    settings.CRD_LOCK_CLIENTS = 3
    with time_machine.travel(NOON, tick=False):
        for n in range(3):
            client.post(reverse("accounts:logout"))
            password(client, cro, address=f"192.0.2.{n}")
            last = client.post(VERIFY, {"code": "000000"}, REMOTE_ADDR=f"192.0.2.{n}")
        assert lockout.is_locked(cro.username)
        assert last.status_code == 403 and b"This account is locked" in last.content
        again = client.post(VERIFY, {"code": current_code(phone)}, REMOTE_ADDR="192.0.2.9")
    assert again.status_code == 403
    assert "_auth_user_id" not in client.session  # signed out half-way
    assert AuditEvent.objects.filter(action=A.LOCKOUT, actor_name=cro.username).count() == 1


def test_a_refused_code_at_re_authentication_is_recorded_and_counted(client_for, cro):
    client = client_for(cro)
    device = TOTPDevice.objects.get(user=cro, confirmed=True)
    with time_machine.travel(NOON, tick=False):
        refused = client.post(
            MANAGE, {"password": TEST_PASSWORD, "code": "000000", "action": "codes"}
        )
        assert refused.status_code == 400
        assert AuditEvent.objects.get(action=A.MFA_FAILED).detail.startswith("Re-authentication")
        wrong_password = client.post(
            MANAGE, {"password": "nope", "code": current_code(device), "action": "codes"}
        )
        assert wrong_password.status_code == 400
        assert AuditEvent.objects.filter(action=A.LOGIN_FAILED).count() == 1
        client.post(MANAGE, {"password": "nope", "code": "1", "action": "codes"})
        delayed = client.post(
            MANAGE, {"password": TEST_PASSWORD, "code": current_code(device), "action": "codes"}
        )
    assert delayed.status_code == 429
    assert "Wait 2 seconds" in delayed.content.decode()
