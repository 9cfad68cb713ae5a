"""Sign-in under attack (issue 21, findings 3 and 4): failures counted per username and
client with growing delays, a ceiling per client high enough for a station, and a lock on
a username only for failures from many clients, which ends by itself."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts import lockout
from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
ADMIN_LOGIN = "/admin/login/"
LOCKED_WORDS = b"This account is locked"
WRONG = "not-the-password"  # noqa: S105 - a wrong password, on purpose
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
A = AuditEvent.Action


def attempt(client, username, password=WRONG, *, address="10.0.0.1", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_delays_grow_from_the_fourth_failure_and_are_capped(settings):
    settings.CRD_SIGNIN_FREE_FAILURES = 3
    settings.CRD_SIGNIN_MAX_DELAY_SECONDS = 300
    waits = [lockout.delay(n) for n in range(14)]
    assert waits == [0, 0, 0, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    assert lockout.delay(10_000) == 300


def test_a_delayed_try_is_answered_429_without_looking_at_the_password(client, chief):
    with time_machine.travel(NOON, tick=False) as clock:
        for _ in range(3):
            assert attempt(client, chief.username).status_code == 200
        failures = AuditEvent.objects.filter(action=A.LOGIN_FAILED).count()
        refused = attempt(client, chief.username, TEST_PASSWORD)
        assert refused.status_code == 429 and refused["Retry-After"] == "2"
        assert "Wait 2 seconds" in refused.content.decode()
        assert f'value="{chief.username}"' in refused.content.decode()
        # Not checked, so not counted or recorded, and not signed in.
        assert AuditEvent.objects.filter(action=A.LOGIN_FAILED).count() == failures
        assert "_auth_user_id" not in client.session
        clock.shift(2)
        assert attempt(client, chief.username, TEST_PASSWORD).status_code == 302


def test_an_outsider_at_one_address_cannot_lock_the_chief(client, chief):
    """Finding 3: 15 anonymous requests used to lock `chief` for good."""
    with time_machine.travel(NOON, tick=False) as clock:
        answers = []
        for _ in range(40):  # as fast as the delays allow, for about an hour
            response = attempt(client, chief.username, address="203.0.113.66")
            answers.append(response.status_code)
            clock.shift(int(response.get("Retry-After", 0)))
        assert LOCKED_WORDS not in response.content and 403 not in answers
        assert not lockout.is_locked(chief.username)
        assert not AuditEvent.objects.filter(action=A.LOCKOUT).exists()
        # The Chief, elsewhere, signs in at once.
        assert attempt(client, chief.username, TEST_PASSWORD, address="10.1.1.1").status_code == 302


def test_a_sign_in_forgets_the_failures_of_that_client(client, officer):
    with time_machine.travel(NOON, tick=False):
        for _ in range(2):
            attempt(client, officer.username)
        assert attempt(client, officer.username, TEST_PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))
        # Without the reset, the second of these would be the fourth failure: a 429.
        answers = [attempt(client, officer.username).status_code for _ in range(3)]
        assert answers == [200, 200, 200]


def fail_from_many(client, username, clients, url=LOGIN):
    return [
        attempt(client, username, address=f"198.51.100.{n + 1}", url=url) for n in range(clients)
    ]


def test_failures_from_many_clients_lock_the_username_and_the_lock_ends_by_itself(
    client, officer, settings
):
    settings.CRD_LOCK_CLIENTS = 5
    settings.CRD_LOCK_MINUTES = 30
    with time_machine.travel(NOON, tick=False) as clock:
        answers = fail_from_many(client, officer.username, 5)
        assert [r.status_code for r in answers] == [200, 200, 200, 200, 403]
        assert LOCKED_WORDS in answers[-1].content
        assert "ends by itself after 30 minutes" in answers[-1].content.decode()
        locked = attempt(client, officer.username, TEST_PASSWORD, address="10.9.9.9")
        assert locked.status_code == 403 and LOCKED_WORDS in locked.content
        assert AuditEvent.objects.filter(action=A.LOCKOUT).count() == 1  # refusals add none
        clock.shift(dt.timedelta(minutes=29))
        assert (
            attempt(client, officer.username, TEST_PASSWORD, address="10.9.9.9").status_code == 403
        )
        clock.shift(dt.timedelta(minutes=1, seconds=1))
        assert (
            attempt(client, officer.username, TEST_PASSWORD, address="10.9.9.9").status_code == 302
        )


def test_failures_from_fewer_clients_or_spread_out_do_not_lock(client, officer, settings):
    settings.CRD_LOCK_CLIENTS = 5
    with time_machine.travel(NOON, tick=False) as clock:
        fail_from_many(client, officer.username, 4)
        clock.shift(dt.timedelta(minutes=16))  # outside CRD_FAILURE_WINDOW_MINUTES
        attempt(client, officer.username, address="192.0.2.200")
        assert not lockout.is_locked(officer.username)


def test_an_unknown_username_locks_the_same_way(client, settings):
    settings.CRD_LOCK_CLIENTS = 3
    with time_machine.travel(NOON, tick=False):
        answers = fail_from_many(client, "no-such-person", 3)
    assert answers[-1].status_code == 403 and LOCKED_WORDS in answers[-1].content


def test_the_addresses_of_one_ipv6_network_count_as_one_client(client, officer, settings):
    settings.CRD_LOCK_CLIENTS = 2
    with time_machine.travel(NOON, tick=False):
        for n in range(1, 6):
            attempt(client, officer.username, address=f"2001:db8:1:1::{n}")
            attempt(client, "someone-else", address=f"2001:db8:1:1::{n}")
        assert not lockout.is_locked(officer.username)
        # ... and share one delay: the 4th try from that /64 waits.
        assert attempt(client, "third", address="2001:db8:1:1::a").status_code == 200
        assert attempt(client, officer.username, address="2001:db8:1:1::b").status_code == 429


def test_one_person_at_a_station_cannot_block_the_station(client, officer, other_officer):
    """Finding 4: one person's failures used to block a whole station for 15 minutes."""
    with time_machine.travel(NOON, tick=False) as clock:
        elapsed = 0
        while elapsed < 15 * 60:  # one person, one username, retrying the moment allowed
            response = attempt(client, "tired-fingers", address="10.20.30.40")
            wait = int(response.get("Retry-After", 1))
            clock.shift(wait)
            elapsed += wait
        colleague = attempt(client, officer.username, TEST_PASSWORD, address="10.20.30.40")
        assert colleague.status_code == 302


def test_one_client_trying_many_usernames_meets_the_ceiling(client, officer, settings):
    settings.CRD_SIGNIN_CLIENT_LIMIT = 12
    with time_machine.travel(NOON, tick=False) as clock:
        for n in range(12):
            attempt(client, f"guess-{n}")
        refused = attempt(client, officer.username, TEST_PASSWORD)
        assert refused.status_code == 429 and refused["Retry-After"] == str(15 * 60)
        assert "Too many failed sign-ins from this connection" in refused.content.decode()
        other = attempt(client, officer.username, TEST_PASSWORD, address="10.1.1.1")
        assert other.status_code == 302  # another connection is not affected
        client.post(reverse("accounts:logout"))
        clock.shift(dt.timedelta(minutes=15, seconds=1))
        assert attempt(client, officer.username, TEST_PASSWORD).status_code == 302


# --- The admin site's sign-in (finding 4) ------------------------------------------------


def test_the_admin_sign_in_meets_the_same_delay(client):
    with time_machine.travel(NOON, tick=False):
        answers = [attempt(client, "admin", url=ADMIN_LOGIN).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert AuditEvent.objects.filter(action=A.LOGIN_FAILED, path="POST /admin/login/").count() == 3


def test_the_admin_sign_in_meets_the_ceiling_and_the_lock(client, settings):
    settings.CRD_SIGNIN_CLIENT_LIMIT = 4
    settings.CRD_LOCK_CLIENTS = 3
    with time_machine.travel(NOON, tick=False):
        for n in range(4):
            attempt(client, f"admin{n}", url=ADMIN_LOGIN, address="192.0.2.1")
        assert attempt(client, "x", url=ADMIN_LOGIN, address="192.0.2.1").status_code == 429
        answers = fail_from_many(client, "root", 3, url=ADMIN_LOGIN)
    assert answers[-1].status_code == 403 and LOCKED_WORDS in answers[-1].content


def test_the_admin_sign_in_takes_staff_to_the_admin(client, client_for):
    from tests.factories import UserFactory

    admin = UserFactory(username="site-admin", is_staff=True, is_superuser=True)
    response = attempt(client, admin.username, TEST_PASSWORD, url=ADMIN_LOGIN)
    assert response.status_code == 302 and response.url == "/admin/"
    client.post(reverse("accounts:logout"))
    signed_in = client_for(admin).get(ADMIN_LOGIN)
    assert signed_in.status_code == 302 and signed_in.url == "/admin/"
