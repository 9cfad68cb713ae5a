from pathlib import Path

import pytest

from accounts.roles import Role
from tests.factories import UserFactory


def pytest_configure(config):
    """Compile the translations when a .po file is newer than its .mo (`make test` does it
    too; this covers a bare `pytest`). Once, in the controller, not in every xdist worker."""
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
def media_root(settings, tmp_path):
    """Uploaded files (designs, logos) go to a temporary folder, never the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background tasks (PDF rendering) run at once in tests, in the same process."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Sign-ins in tests need not cost a production hash each (the lockout tests make
    dozens); the hasher itself is Django's and is not what these tests prove."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
