"""Every lock, unlock and reset reaches the audit trail (issue 21, finding 3), the shell's
`manage.py axes_reset` and its variants included, whichever app's command Django runs."""

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command, get_commands
from django.urls import reverse
from django.utils import timezone

from accounts import lockout
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
A = AuditEvent.Action


@pytest.fixture(autouse=True)
def three_clients_lock(settings):
    settings.CRD_LOCK_CLIENTS = 3


def lock(client, username):
    for n in range(3):
        client.post(
            LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
    assert lockout.is_locked(username)


def test_the_command_that_runs_is_axes_own_and_its_reset_is_recorded(client, officer):
    assert get_commands()["axes_reset"] == "axes"  # a command of ours could never win
    with time_machine.travel(NOON, tick=False):
        lock(client, officer.username)
        call_command("axes_reset", stdout=None)
        assert not lockout.is_locked(officer.username)
    unlock = AuditEvent.objects.get(action=A.UNLOCK)
    assert unlock.detail.startswith(f"Unlocked {officer.username}, outside the app by manage.py")
    assert unlock.actor_name.startswith("manage.py or shell (")
    resets = AuditEvent.objects.filter(action=A.LOCK_RESET)
    assert resets.count() == 3  # one per client's row
    assert all(officer.username in event.detail for event in resets)


@pytest.mark.parametrize(
    "command",
    [
        lambda user: ("axes_reset_username", user),
        lambda user: ("axes_reset_ip_username", "198.51.100.2", user),
        lambda user: ("axes_reset_ip", "198.51.100.0"),
    ],
)
def test_each_variant_of_the_command_is_recorded(client, officer, command):
    with time_machine.travel(NOON, tick=False):
        lock(client, officer.username)
        before = AuditEvent.objects.filter(action__in=[A.UNLOCK, A.LOCK_RESET]).count()
        call_command(*command(officer.username), stdout=None)
    after = AuditEvent.objects.filter(action__in=[A.UNLOCK, A.LOCK_RESET]).count()
    assert after > before


def test_a_row_removed_in_the_admin_is_recorded_with_the_member(client, client_for, officer):
    from tests.factories import UserFactory

    with time_machine.travel(NOON, tick=False):
        lock(client, officer.username)
        admin = UserFactory(username="lock-admin", is_staff=True, is_superuser=True)
        staff = client_for(admin)
        marker = AccessAttempt.objects.get(username=officer.username, ip_address=None)
        url = reverse("admin:axes_accessattempt_delete", args=[marker.pk])
        assert staff.post(url, {"post": "yes"}).status_code == 302
    unlock = AuditEvent.objects.get(action=A.UNLOCK)
    assert unlock.actor_id == admin.pk and unlock.detail == f"Unlocked {officer.username}"


def test_the_unlock_page_records_one_unlock_and_the_lock_was_recorded(client, client_for, cro):
    with time_machine.travel(NOON, tick=False):
        lock(client, "chief-guess")
        page = client_for(cro).get(reverse("accounts:locked"))
        ends = timezone.localtime(NOON + dt.timedelta(minutes=30)).strftime("%H:%M")
        assert "chief-guess" in page.content.decode() and ends in page.content.decode()
        client_for(cro).post(reverse("accounts:locked"), {"username": "chief-guess"})
    assert AuditEvent.objects.filter(action=A.LOCKOUT, actor_name="chief-guess").count() == 1
    assert list(AuditEvent.objects.filter(action__in=[A.UNLOCK, A.LOCK_RESET])) == [
        AuditEvent.objects.get(action=A.UNLOCK, actor_id=cro.pk)
    ]


def test_a_sign_in_and_an_expired_lock_are_housekeeping_not_resets(client, officer):
    from tests.factories import TEST_PASSWORD

    with time_machine.travel(NOON, tick=False) as clock:
        client.post(LOGIN, {"username": officer.username, "password": "wrong"})
        client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD})
        assert not AccessAttempt.objects.filter(username=officer.username).exists()
        client.post(reverse("accounts:logout"))
        lock(client, "someone")
        clock.shift(dt.timedelta(minutes=31))
        # A sign-in clears expired rows (axes' own clean-up, with the lock's duration).
        client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD})
    assert not AccessAttempt.objects.filter(username="someone").exists()
    assert not AuditEvent.objects.filter(action__in=[A.UNLOCK, A.LOCK_RESET]).exists()
