"""What every signed-in page reads first, each with a query compiled once (core/prepared.py):
its session (core/sessions.py), the person, the second factor the session proved
(accounts.mfa.SecondFactor), and the menu's facts. The answers are Django's and
django-otp's own: an expired session is no session, another person's or an unconfirmed
device proves nothing, and a device id that names nothing is no device, never an error."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.sessions import SessionStore
from outreach.input_due import holds_duty
from outreach.models import ReportingAssignment
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_saved_session_is_read_back_and_an_expired_one_is_not():
    store = SessionStore()
    store["kept"] = "yes"
    store.save()
    assert SessionStore(store.session_key).load() == {"kept": "yes"}
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # a new one is made on the next save, as Django's
    assert SessionStore("no-such-session-key-at-all").load() == {}
    assert SessionStore().load() == {}  # no key at all, as Django's


def test_the_session_engine_is_the_compiled_one(client, cro):
    sign_in(client, cro)
    assert type(client.session).__module__ == "core.sessions"
    assert client.get(reverse("concerns:list")).status_code == 200


def _with_device(client, persistent_id: str):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()


def _verified(client) -> bool:
    response = client.get(reverse("notifications:list"))
    assert response.status_code in (200, 302)
    return response.wsgi_request.user.is_verified()


def _djangos_own_refused(monkeypatch):
    """django-otp's own reading fails: a device found was read by its compiled query."""

    def refused(*args, **kwargs):
        raise AssertionError("read by django-otp's own query")

    monkeypatch.setattr(Device, "from_persistent_id", refused)


def test_the_proved_device_is_read_for_each_kind(client, chief, monkeypatch):
    _djangos_own_refused(monkeypatch)
    client.force_login(chief)
    totp = TOTPDevice.objects.create(user=chief, name="Phone", confirmed=True)
    _with_device(client, totp.persistent_id)
    assert _verified(client)
    static = StaticDevice.objects.create(user=chief, name="Recovery codes", confirmed=True)
    _with_device(client, static.persistent_id)
    assert _verified(client)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "persistent_id",
    [
        "otp_totp.totpdevice/999999",
        "otp_totp.totpdevice/abc",
        "otp_totp.totpdevice/²",
        "otp_totp.totpdevice/99999999999999999999999",
        "otp_totp.totpdevice/0",
        "otp_static.nosuchdevice/1",
        "nonsense",
    ],
)
def test_a_device_id_that_names_nothing_proves_nothing(client, chief, persistent_id, monkeypatch):
    if persistent_id.startswith("otp_totp."):
        _djangos_own_refused(monkeypatch)
    client.force_login(chief)
    _with_device(client, persistent_id)
    response = client.get(reverse("home"))
    # The Chief is sent to give a code, and the session forgets the id (django-otp's rule).
    assert response.status_code == 302
    assert "/accounts/two-factor/" in response["Location"]
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_another_persons_or_an_unconfirmed_device_proves_nothing(client, chief):
    client.force_login(chief)
    someone = UserFactory(username="someone-else")
    theirs = TOTPDevice.objects.create(user=someone, name="Theirs", confirmed=True)
    _with_device(client, theirs.persistent_id)
    assert client.get(reverse("home")).status_code == 302
    unconfirmed = TOTPDevice.objects.create(user=chief, name="New phone", confirmed=False)
    _with_device(client, unconfirmed.persistent_id)
    assert client.get(reverse("home")).status_code == 302
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_removed_device_stops_proving_at_once(client, chief):
    sign_in(client, chief)
    assert client.get(reverse("home")).status_code == 200
    TOTPDevice.objects.filter(user=chief).delete()
    assert client.get(reverse("home")).status_code == 302


def test_the_reporting_duty_is_read_once_a_request(officer, django_assert_num_queries):
    assert holds_duty(officer) is False
    fresh = type(officer).objects.get(pk=officer.pk)
    duty = ReportingAssignment.Duty.values[0]
    ReportingAssignment.objects.create(officer=fresh, duty=duty, since=dt.date(2026, 1, 5))
    with django_assert_num_queries(1):
        assert holds_duty(fresh) is True
        assert holds_duty(fresh) is True
    ReportingAssignment.objects.filter(officer=fresh).update(is_active=False)
    assert holds_duty(type(officer).objects.get(pk=officer.pk)) is False
