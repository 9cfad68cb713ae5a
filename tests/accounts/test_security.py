"""Sign-in protections: the lock on a username (failures from many clients), unlocking,
session limits, passwords, and the security headers and cookies on a real response."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_SEEN, SIGNED_IN
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
LOCKED_WORDS = b"This account is locked"


def fail(client, username, times, *, clients=1):
    """`times` wrong passwords, spread over `clients` addresses (a lock needs failures
    from CRD_LOCK_CLIENTS of them: one address alone only meets delays)."""
    for n in range(times):
        response = client.post(
            LOGIN,
            {"username": username, "password": "not-the-password"},
            REMOTE_ADDR=f"10.0.0.{n % clients + 1}",
        )
        assert response.status_code in (200, 403, 429)
    return response


def lock(client, username):
    from django.conf import settings

    return fail(client, username, settings.CRD_LOCK_CLIENTS, clients=settings.CRD_LOCK_CLIENTS)


def sign_in(client, user):
    return client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})


def test_failures_from_five_clients_lock_the_username_even_with_the_right_password(client, officer):
    response = fail(client, officer.username, 4, clients=4)
    assert b"The username or password is not right" in response.content
    locked = fail(client, officer.username, 1, clients=1)  # 10.0.0.1 again: still four
    assert locked.status_code == 200
    locked = lock(client, officer.username)
    assert locked.status_code == 403 and LOCKED_WORDS in locked.content
    response = sign_in(client, officer)
    assert response.status_code == 403 and LOCKED_WORDS in response.content
    assert client.get(reverse("home")).status_code == 302  # not signed in


def test_the_lock_follows_the_username_from_any_address(client, officer):
    for n in range(5):
        client.post(
            LOGIN,
            {"username": officer.username, "password": "wrong"},
            REMOTE_ADDR=f"10.0.0.{n + 1}",
        )
    response = client.post(
        LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 403


def test_an_unknown_username_locks_the_same_way(client):
    response = lock(client, "no-such-person")
    assert response.status_code == 403 and LOCKED_WORDS in response.content


def test_failures_more_than_15_minutes_apart_do_not_add_up(client, officer):
    fail(client, officer.username, 4, clients=4)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = client.post(
        LOGIN, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 200  # one client within the window, not five
    assert sign_in(client, officer).status_code == 302


def test_a_successful_sign_in_starts_the_count_again(client, officer):
    fail(client, officer.username, 4, clients=4)
    assert sign_in(client, officer).status_code == 302
    client.post(reverse("accounts:logout"))
    assert fail(client, officer.username, 4, clients=4).status_code == 200
    assert sign_in(client, officer).status_code == 302


@pytest.mark.parametrize("unlocker", ["cro", "chief"])
def test_the_cro_or_the_chief_unlocks_and_the_member_signs_in(
    client, client_for, officer, personas, unlocker
):
    lock(client, officer.username)
    staff = client_for(personas[unlocker])
    page = staff.get(reverse("accounts:locked"))
    assert page.status_code == 200 and officer.username in page.content.decode()
    response = staff.post(reverse("accounts:locked"), {"username": officer.username})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    staff.post(reverse("accounts:logout"))
    assert sign_in(client, officer).status_code == 302


def test_an_administrator_unlocks_too(client_for):
    admin = UserFactory(username="s-admin", is_superuser=True, is_staff=True)
    assert client_for(admin).get(reverse("accounts:locked")).status_code == 200


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "outsider"])
def test_others_may_not_see_or_unlock(client_for, personas, persona, other_officer, client):
    lock(client, other_officer.username)
    staff = client_for(personas[persona])
    assert staff.get(reverse("accounts:locked")).status_code == 403
    assert (
        staff.post(reverse("accounts:locked"), {"username": other_officer.username}).status_code
        == 403
    )
    assert AccessAttempt.objects.filter(username=other_officer.username).exists()


def test_anonymous_is_sent_to_login_from_the_locked_list(client):
    response = client.get(reverse("accounts:locked"))
    assert response.status_code == 302 and LOGIN in response.url


# --- Sessions -------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_thirty_minutes_without_a_request_signs_out(client, officer):
    sign_in(client, officer)
    _age_session(client, **{LAST_SEEN: 29 * 60})
    assert client.get(reverse("home")).status_code == 200
    _age_session(client, **{LAST_SEEN: 31 * 60})
    response = client.get(reverse("concerns:mine"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "next=/concerns/mine/" in response.url
    page = client.get(response.url).content.decode()
    assert "signed out after 30 minutes without activity" in page


def test_twelve_hours_after_signing_in_signs_out_even_when_active(client, officer):
    sign_in(client, officer)
    _age_session(client, **{SIGNED_IN: 12 * 3600 + 60, LAST_SEEN: 10})
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "12 hours after signing in" in client.get(response.url).content.decode()


def test_a_deactivated_account_is_signed_out_at_its_next_request(client, officer):
    sign_in(client, officer)
    assert client.get(reverse("home")).status_code == 200
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


# --- Passwords ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Short-pass1", "at least 12 characters"),
        ("x" * 110 + "Long-passphrase-1234567890", "at most 128 characters"),
        ("password1234", "too common"),
    ],
)
def test_password_rules(client, officer, new, message):
    sign_in(client, officer)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert message in response.content.decode()


def test_changing_the_password_asks_for_the_current_one(client, officer):
    sign_in(client, officer)
    new = "river-bend-lantern-orchard"
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    ok = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert ok.status_code == 302


# --- Headers and cookies --------------------------------------------------------------


def test_security_headers_and_cookies_on_a_real_response(client, officer):
    page = client.get(LOGIN)
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    csrf = page.cookies["csrftoken"]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = sign_in(client, officer)
    session = response.cookies["sessionid"]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == 12 * 3600


def test_a_content_security_policy_allows_nothing_inline(client, officer):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_page_template_carries_inline_script_style_or_handlers():
    """PDFs (rendered on the server) and emails (read in mail programs) may; pages may not."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        relative = path.relative_to(root).as_posix()
        if "/pdf/" in f"/{relative}" or "/email/" in f"/{relative}":
            continue
        text = path.read_text()
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle=", r"\son[a-z]+="):
            if re.search(pattern, text):
                offenders.append(f"{relative}: {pattern}")
    assert offenders == []


def test_staff_free_text_fields_warn_against_criminal_justice_information(client_for, officer):
    page = client_for(officer).get(reverse("concerns:new")).content.decode()
    # Once, as the description's help (issue 23: it used to repeat under each free-text box).
    assert page.count("Do not enter criminal-justice information") == 1
    warning = page.index("Do not enter criminal-justice information")
    assert page.index('name="description"') < warning < page.index('name="summary"')


def test_one_client_trying_many_usernames_is_slowed_down(client, officer, settings):
    for n in range(settings.CRD_SIGNIN_CLIENT_LIMIT):
        client.post(LOGIN, {"username": f"guess-{n}", "password": "wrong"})
    response = sign_in(client, officer)
    assert response.status_code == 429
    assert "Too many failed sign-ins from this connection" in response.content.decode()
    other = client.post(
        LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 302  # another connection is not affected
