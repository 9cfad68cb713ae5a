"""The forwarded client address (issue 21, finding 4): X-Forwarded-For is believed only
from a trusted proxy, so a forged header sent straight to the app changes neither the
client's key, nor a rate limit, nor the address in the audit trail; and `check --deploy`
says when a proxy count could be forged."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from accounts import checks, lockout
from audit.models import AuditEvent
from core.web import client_address, client_key
from tests.factories import TEST_PASSWORD

LOGIN = reverse("accounts:login")
NOON = dt.datetime(2026, 6, 10, 12, 0, tzinfo=dt.UTC)
WRONG = "not-the-password"  # noqa: S105 - a wrong password, on purpose


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_nginx(settings):
    """The set-up the finding tried: a proxy count of 1, and now the proxy's address."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = ["127.0.0.1", "::1"]


def test_a_forged_header_from_a_non_proxy_is_ignored(behind_nginx):
    forged = request_from("203.0.113.5", "198.51.100.77")
    assert client_address(forged) == "203.0.113.5"
    assert client_key(forged) == client_key(request_from("203.0.113.5"))
    assert lockout.client_key(forged) == lockout.client_key(request_from("203.0.113.5", "1.2.3.4"))


def test_the_proxy_s_entry_is_believed_and_entries_before_it_are_not(behind_nginx):
    # A client that sends its own X-Forwarded-For: nginx appends the address it saw.
    via_proxy = request_from("127.0.0.1", "198.51.100.77, 203.0.113.5")
    assert client_address(via_proxy) == "203.0.113.5"
    assert client_address(request_from("::1", "203.0.113.9")) == "203.0.113.9"
    assert client_address(request_from("127.0.0.1")) == "127.0.0.1"


def test_several_proxies_are_skipped_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    chain = request_from("10.0.0.2", "6.6.6.6, 203.0.113.5, 10.9.9.9")
    assert client_address(chain) == "203.0.113.5"
    assert client_address(request_from("10.0.0.2", "garbage, 10.1.1.1")) == "garbage"


def test_a_proxy_count_alone_keeps_its_old_meaning(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("127.0.0.1", "1.1.1.1, 203.0.113.5")) == "203.0.113.5"


@pytest.mark.django_db
def test_a_forged_header_neither_escapes_the_delay_nor_writes_the_audit_address(
    client, officer, behind_nginx
):
    """Finding 4: a forged X-Forwarded-For let a throttled client sign in, and chose the
    address written to the trail."""
    with time_machine.travel(NOON, tick=False):
        for n in range(3):
            client.post(
                LOGIN,
                {"username": officer.username, "password": WRONG},
                REMOTE_ADDR="203.0.113.5",
                HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
            )
        refused = client.post(
            LOGIN,
            {"username": officer.username, "password": TEST_PASSWORD},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR="192.0.2.200",
        )
    assert refused.status_code == 429
    addresses = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).values_list(
        "client_address", flat=True
    )
    assert set(addresses) == {"203.0.113.5"}
    assert not lockout.is_locked(officer.username)  # three "clients" were one


@pytest.mark.django_db
def test_a_forged_header_does_not_pass_the_feedback_form_limit(behind_nginx):
    """The public form's limit counts by the same key (concerns.services)."""
    from accounts import ratelimit

    keys = {client_key(request_from("203.0.113.5", f"198.51.100.{n}")) for n in range(8)}
    assert len(keys) == 1
    key = keys.pop()
    taken = [ratelimit.take("public-form", key, limit=5) for _ in range(8)]
    assert taken.count(True) == 5


# --- check --deploy ------------------------------------------------------------------------


def ids(settings_changes, settings):
    for name, value in settings_changes.items():
        setattr(settings, name, value)
    return sorted(problem.id for problem in checks.check_forwarded_address())


@pytest.mark.parametrize(
    ("listen", "expected"),
    [
        ("0.0.0.0:8000", ["accounts.E003"]),
        (":8000", ["accounts.E003"]),
        ("[::]:8000", ["accounts.E003"]),
        ("10.0.0.5:8001", ["accounts.E003"]),
        ("crdesk.example.org:8001", ["accounts.E003"]),
        ("127.0.0.1:8001", []),
        ("[::1]:8001", []),
        ("localhost:8001", []),
        ("unix:/run/crdesk/web.sock", []),
        ("", ["accounts.W001"]),
    ],
)
def test_a_proxy_count_with_a_reachable_address_is_an_error(settings, listen, expected):
    changes = {"TRUSTED_PROXY_COUNT": 1, "TRUSTED_PROXIES": [], "CRD_LISTEN_ADDRESS": listen}
    assert ids(changes, settings) == expected


def test_listing_the_proxies_is_safe_wherever_the_app_listens(settings):
    changes = {
        "TRUSTED_PROXY_COUNT": 1,
        "TRUSTED_PROXIES": ["127.0.0.1"],
        "CRD_LISTEN_ADDRESS": "0.0.0.0:8000",
    }
    assert ids(changes, settings) == []
    assert ids({"TRUSTED_PROXY_COUNT": 0, "CRD_LISTEN_ADDRESS": ""}, settings) == []


def test_bad_or_all_trusting_proxy_lists_are_errors(settings):
    assert ids({"TRUSTED_PROXIES": ["nginx", "10.0.0.1"]}, settings) == ["accounts.E001"]
    assert ids({"TRUSTED_PROXIES": ["0.0.0.0/0"]}, settings) == ["accounts.E002"]


def test_check_deploy_shows_it(settings, capsys):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXIES = []
    settings.CRD_LISTEN_ADDRESS = "0.0.0.0:8000"
    with pytest.raises(Exception, match="SystemCheckError|System check identified"):
        call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")
    settings.CRD_LISTEN_ADDRESS = "127.0.0.1:8001"
    call_command("check", "--deploy", "--fail-level", "ERROR", "--tag", "security")
