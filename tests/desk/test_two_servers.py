"""Two web servers behave as one (issue 25): two real servers on one database and one
Redis cache (CACHE_URL). A session opened on one holds on the other; the public form's
rate limit counts both; the Chief's "second factor for everyone" switched on through one is
enforced by the other at once, where each server's own memory would have kept the old
answer for a minute."""

import email.utils
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Agency
from concerns.models import Concern
from core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.reports.test_render_retry import Relay

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.servers]
CHECKOUT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CRD_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """One person's browser: its cookies go to whichever server it asks."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def get(self, url: str) -> tuple[int, str, str]:
        return self._open(urllib.request.Request(url))  # noqa: S310 - the test's servers

    def post(self, url: str, data: dict) -> tuple[int, str, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.get(url)[2])
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token.group(1)}, True)
        request = urllib.request.Request(url, data=body.encode(), method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str, str]:
        """(status, where it redirects, the page)."""
        try:
            with self.opener.open(request, timeout=30) as response:  # noqa: S310 - http only
                self.last_date = response.headers.get("Date")
                return response.status, "", response.read().decode()
        except urllib.error.HTTPError as answer:
            self.last_date = answer.headers.get("Date")
            return answer.code, answer.headers.get("Location", ""), answer.read().decode()


@pytest.fixture
def servers():
    """Two servers, each its own process, on the test database and one Redis database."""
    redis.Redis.from_url(REDIS_URL).flushdb()
    db = connection.settings_dict
    user = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    # Over TCP, whatever the server: the embedded one listens on a Unix socket only.
    relay = Relay(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"postgres://{user}@127.0.0.1:{relay.port}/{db['NAME']}",
        "CACHE_URL": REDIS_URL,
        "CRD_PUBLIC_FORM_HOURLY_LIMIT": "2",
    }
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=CHECKOUT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for port in ports
    ]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for base, process in zip(bases, processes, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/healthz/web", timeout=2).close()  # noqa: S310
                    break
                except OSError:
                    assert process.poll() is None, process.stderr.read()
                    assert time.monotonic() < deadline, f"{base} did not start"
                    time.sleep(0.3)
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        relay.cut()
        redis.Redis.from_url(REDIS_URL).flushdb()


def with_servers_hasher(user):
    """The tests hash passwords with MD5 for speed; the servers know only the real hashers."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(TEST_PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def sign_in(visitor: Visitor, base: str, user, device=None) -> None:
    status, where, _ = visitor.post(
        base + "/accounts/login/", {"username": user.username, "password": TEST_PASSWORD}
    )
    assert status == 302, (status, where)
    if device is not None:
        # The code for the server's clock, which the edge dates' travel does not move.
        status, _, _ = visitor.get(base + "/healthz/web")
        now = email.utils.parsedate_to_datetime(visitor.last_date).timestamp()
        code = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=6)
        code.time = now
        code = f"{code.token():06d}"
        status, where, _ = visitor.post(base + "/accounts/two-factor/", {"code": code})
        assert status == 302 and "two-factor" not in where, (status, where)


def feedback(n: int) -> dict:
    return {
        "category": "noise",
        "area": "Cedar Grove",
        "summary": f"Loud music at night ({n})",
        "description": "Music until 3 am.",
        "intake_token": str(uuid.uuid4()),
    }


def test_two_servers_share_sessions_limits_and_settings(servers):
    first, second = servers
    Agency.load()
    officer = with_servers_hasher(UserFactory(username="two-officer", roles=[Role.OFFICER]))
    chief = with_servers_hasher(UserFactory(username="two-chief", rank="Chief", roles=[Role.CHIEF]))
    device = TOTPDevice.objects.create(user=chief, name="Phone", confirmed=True)

    # A session opened on one server holds on the other.
    officer_browser = Visitor()
    sign_in(officer_browser, first, officer)
    assert officer_browser.get(second + "/")[0] == 200  # and the second factor is not asked

    # The public form's limit (2 an hour here) counts the submissions to both servers.
    resident = Visitor()
    assert resident.post(first + "/feedback/", feedback(1))[0] == 302
    assert resident.post(second + "/feedback/", feedback(2))[0] == 302
    status, _, page = resident.post(first + "/feedback/", feedback(3))
    assert status == 429 and "several messages from your connection" in page
    assert resident.post(second + "/feedback/", feedback(4))[0] == 429
    assert Concern.objects.count() == 2

    # The Chief turns on the second factor for everyone through the first server; the
    # second, which has just answered the officer without it, asks for it at once.
    chief_browser = Visitor()
    sign_in(chief_browser, first, chief, device)
    profile = {
        "name": "Testville Police Department",
        "monthly_due_day": 10,
        "quarterly_due_days": 15,
        "semi_annual_due_days": 30,
        "annual_due_days": 31,
        "holiday_country": "US",
        "mfa_for_everyone": "on",
    }
    status, where, _ = chief_browser.post(first + "/accounts/agency/", profile)
    assert status == 302, (status, where)
    assert Agency.load().mfa_for_everyone
    status, where, _ = officer_browser.get(second + "/")
    assert status == 302 and "/accounts/two-factor/" in where, (status, where)
