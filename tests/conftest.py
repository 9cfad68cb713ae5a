import datetime as dt
import os
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from redis import Redis

from core import queues
from core.roles import Role
from tests.factories import UserFactory

# The test directory for single sign-on (a real OpenID Connect provider): `directory` and
# `sso_settings`, for tests/sso and the browser journey.
pytest_plugins = ["tests.sso.directory"]

# The instants where a rule that reads the clock goes wrong if it mixes local time and UTC,
# counts months or years by hand, or forgets a leap day or a daylight-saving change: 23:30
# in the agency's time zone (America/Chicago, already the next day in UTC) on the last day
# of a year, the first day of one, a leap day, and both days the clocks change.
EDGE_INSTANTS = {
    "new-years-eve": (2026, 12, 31),
    "new-years-day": (2027, 1, 1),
    "leap-day": (2028, 2, 29),
    "clocks-forward": (2027, 3, 14),
    "clocks-back": (2027, 11, 7),
}


def pytest_addoption(parser):
    parser.addoption(
        "--edge-dates",
        action="store_true",
        help="Run every collected test once at each of the edge instants "
        "(tests/conftest.py EDGE_INSTANTS), the clock set there and ticking.",
    )


def pytest_generate_tests(metafunc):
    # Every test, not a chosen few: a test that reads the clock without knowing it (a
    # factory's default "today", a database default of now()) is the one that breaks.
    # A test that seeds the whole demo (most of a minute) runs at the first instant only,
    # New Year's Eve, where the demo's report periods and due dates turn over; so does one
    # that starts its own servers, whose clock the instants do not move, and one that
    # checks what a service on the real clock signed (it keeps the real clock).
    if metafunc.config.getoption("edge_dates"):
        instants = list(EDGE_INSTANTS)
        marker = metafunc.definition.get_closest_marker
        if marker("whole_demo") or marker("servers") or marker("real_clock"):
            instants = instants[:1]
        metafunc.fixturenames.append("edge_instant")
        metafunc.parametrize("edge_instant", instants, ids=instants)


@pytest.fixture(autouse=True)
def _clock_at_edge_instant(request):
    """Under --edge-dates, the test runs with the clock set to its edge instant (first
    among the fixtures, so the rows they make are dated there too)."""
    callspec = getattr(request.node, "callspec", None)
    name = callspec.params.get("edge_instant") if callspec else None
    if name is None or request.node.get_closest_marker("real_clock"):
        yield
        return
    zone = ZoneInfo("America/Chicago")
    instant = dt.datetime(*EDGE_INSTANTS[name], 23, 30, tzinfo=zone)
    with time_machine.travel(instant, tick=True):
        yield


def pytest_configure(config):
    """Compile the translations when a .po file is newer than its .mo (`make test` does it
    too; this covers a bare `pytest`). Once, in the controller, not in every xdist worker.

    Django empties the database between transactional tests with TRUNCATE, which the audit
    trail's guard refuses: the test databases go without it (tests/audit/test_tamper.py
    puts it back to try it)."""
    from django.conf import settings

    settings.CRD_AUDIT_GUARD_TRUNCATE = False
    if hasattr(config, "workerinput"):
        return
    for po in Path(__file__).resolve().parent.parent.joinpath("locale").rglob("*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            import django
            from django.core.management import call_command

            django.setup()
            call_command("compilemessages", ignore_patterns=[".venv/*"], verbosity=0)
            return


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The embedded server runs the application as a role that owns nothing (audit/roles.py);
    the suite creates its databases, and roles to attack the trail with, so it runs as the
    server's superuser, without the owner split (tests/audit/test_tamper.py sets one up)."""
    from django.conf import settings
    from django.db import connections

    admin = getattr(settings, "CRD_DATABASE_ADMIN_USER", None)
    if admin:
        connections["default"].close()
        connections["default"].settings_dict["USER"] = admin
        settings.CRD_OWNER_DATABASE = None


@pytest.fixture
def officer(db):
    return UserFactory(username="t-officer", rank="Officer", roles=[Role.OFFICER])


@pytest.fixture
def other_officer(db):
    return UserFactory(username="t-officer2", rank="Officer", roles=[Role.OFFICER])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="t-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])


@pytest.fixture
def cro(db):
    return UserFactory(
        username="t-cro", rank="Lt.", unit="Community Relations Unit", roles=[Role.CRO]
    )


@pytest.fixture
def chief(db):
    return UserFactory(
        username="t-chief", rank="Chief", unit="Office of the Chief", roles=[Role.CHIEF]
    )


@pytest.fixture
def training_officer(db):
    return UserFactory(
        username="t-training", rank="Sgt.", unit="Training", roles=[Role.TRAINING_OFFICER]
    )


@pytest.fixture
def outsider(db):
    """Signed in, active, but holding no role."""
    return UserFactory(username="t-outsider", rank="Clerk", unit="Records")


@pytest.fixture
def personas(officer, supervisor, cro, chief, training_officer, outsider):
    return {
        "officer": officer,
        "supervisor": supervisor,
        "cro": cro,
        "chief": chief,
        "training_officer": training_officer,
        "outsider": outsider,
    }


def sign_in(client, user):
    """Sign the test client in as the user, past the second factor where the user's role
    requires one (a confirmed authenticator, proved for this session), as after a code."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.mfa import mfa_required

    client.force_login(user)
    if mfa_required(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client):
    """`client_for(user)` returns the test client signed in as that user."""

    def _login(user):
        return sign_in(client, user)

    return _login


@pytest.fixture(autouse=True)
def fresh_cache():
    """The dashboard keeps slow figures in the cache: each test starts without them."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _language_reset():
    """A public page switches the thread's language to the resident's (Spanish, say); in a
    server the next request sets its own, but a test that calls code directly after one
    would read Spanish labels. Each test starts and ends in the site's language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files (designs, logos) go to a temporary folder, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


# Tasks run at once, in the test's own process, on every queue (core/queues.py).
IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": list(queues.ALL),
    }
}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (PDF rendering) run at once in tests, in the same process."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture
def database_tasks(settings):
    """Tasks wait in the database queue for a worker, as in production (core/queues.py)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.backend.DatabaseBackend",
            "QUEUES": list(queues.ALL),
        }
    }


# The queue the tests that use `queued_tasks` run against: "database" (the default), or
# "redis" (CI's last pass), where only those tests are collected.
TEST_TASKS_BACKEND = os.environ.get("CRD_TEST_TASKS_BACKEND", "database")
TEST_TASKS_REDIS_URL = os.environ.get("CRD_TEST_TASKS_REDIS_URL", "redis://127.0.0.1:6379/14")


def pytest_collection_modifyitems(config, items):
    if TEST_TASKS_BACKEND != "redis":
        return
    other = [item for item in items if "queued_tasks" not in getattr(item, "fixturenames", ())]
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = [item for item in items if item not in other]


@pytest.fixture
def queued_tasks(settings, database_tasks):
    """Tasks wait for a real worker in the queue CRD_TEST_TASKS_BACKEND names: the
    database's, or Redis's (django-tasks-rq; CRD_TEST_TASKS_REDIS_URL, db 14, each further
    xdist worker one db lower, emptied before and after each test). Returns its name."""
    if TEST_TASKS_BACKEND != "redis":
        yield "database"
        return
    url = urlsplit(TEST_TASKS_REDIS_URL)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    url = url._replace(path=f"/{int(url.path.strip('/') or 0) - worker}").geturl()
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_rq.backend.RQBackend",
            "QUEUES": list(queues.ALL),
        }
    }
    settings.RQ_QUEUES = {name: {"URL": url, "DEFAULT_TIMEOUT": 600} for name in queues.ALL}
    server = Redis.from_url(url)
    server.flushdb()
    yield "redis"
    server.flushdb()
    server.close()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Sign-ins in tests need not cost a production hash each (the lockout tests make
    dozens); the hasher itself is Django's and is not what these tests prove."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
