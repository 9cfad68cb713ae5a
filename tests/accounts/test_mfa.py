"""Two-factor sign-in: who must use it, setting it up, signing in with a code or a recovery
code, the admin site behind it, and changing it only after proving it is you again."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Agency
from tests.factories import TEST_PASSWORD, AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:mfa-setup")
VERIFY = reverse("accounts:mfa-verify")


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory()


def password_only(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def code_for(device) -> str:
    """The current code; the one-use and wait-after-a-wrong-code rules are reset so a test
    need not sleep (they are django-otp's, and tested there)."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def unthrottle(user):
    """A wrong code makes every device wait a second or more before the next try."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (StaticDevice, TOTPDevice):
        model.objects.filter(user=user).update(
            throttling_failure_count=0, throttling_failure_timestamp=None
        )


@pytest.mark.parametrize("persona", ["supervisor", "cro", "chief"])
def test_the_chief_the_cro_and_supervisors_must_set_it_up(client, personas, persona):
    password_only(client, personas[persona])
    response = client.get(reverse("concerns:list"))
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fconcerns%2F"


@pytest.mark.parametrize("persona", ["officer", "training_officer"])
def test_others_need_not_unless_the_agency_says_so(client, personas, persona):
    password_only(client, personas[persona])
    assert client.get(reverse("home")).status_code == 200
    Agency.objects.filter(pk=1).update(mfa_for_everyone=True)
    from django.core.cache import cache

    cache.clear()  # as saving the agency profile does
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_administrators_and_the_admin_site_are_behind_it(client):
    admin = UserFactory(username="m-admin", is_superuser=True, is_staff=True)
    password_only(client, admin)
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_setting_it_up_with_the_first_code(client, chief):
    password_only(client, chief)
    page = client.get(SETUP)
    text = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in text  # the QR code, CSP-safe
    # Nothing else is on offer until the code is given: no menu, no bell.
    assert ">Inbox<" not in text and 'id="notif-menu"' not in text
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', text)[1]
    device = TOTPDevice.objects.get(user=chief, confirmed=False)
    import base64

    assert base64.b32decode(key.replace(" ", "")) == device.bin_key
    wrong = client.post(SETUP, {"code": "000000", "next": "/"})
    assert wrong.status_code == 400 and "That code is not right" in wrong.content.decode()
    done = client.post(SETUP, {"code": code_for(device), "next": "/"})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    codes = re.findall(r'<li class="col">([a-z0-9]+)</li>', done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200


def test_signing_in_with_a_code_and_with_a_recovery_code_once(client, cro):
    device = TOTPDevice.objects.create(user=cro, name="Phone", confirmed=True)
    from accounts.mfa import make_recovery_codes

    recovery = make_recovery_codes(cro)
    password_only(client, cro)
    response = client.get(reverse("reports:list"))
    assert response.url == f"{VERIFY}?next=%2Freports%2F"
    wrong = client.post(VERIFY, {"code": "123456", "next": "/reports/"})
    assert wrong.status_code == 400
    ok = client.post(VERIFY, {"code": code_for(device), "next": "/reports/"})
    assert ok.status_code == 302 and ok.url == "/reports/"
    assert client.get("/reports/").status_code == 200

    client.post(reverse("accounts:logout"))
    password_only(client, cro)
    unthrottle(cro)
    used = client.post(VERIFY, {"code": recovery[0], "next": "/"})
    assert used.status_code == 302
    assert StaticToken.objects.filter(device__user=cro).count() == 9
    client.post(reverse("accounts:logout"))
    password_only(client, cro)
    unthrottle(cro)
    again = client.post(VERIFY, {"code": recovery[0], "next": "/"})
    assert again.status_code == 400  # a recovery code serves once


def test_a_next_address_elsewhere_is_ignored(client, cro):
    device = TOTPDevice.objects.create(user=cro, name="Phone", confirmed=True)
    password_only(client, cro)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_changing_it_asks_for_the_password_and_a_code(client_for, chief):
    from accounts.mfa import make_recovery_codes

    client = client_for(chief)
    old = make_recovery_codes(chief)
    device = TOTPDevice.objects.get(user=chief, confirmed=True)
    manage = reverse("accounts:mfa-manage")
    assert client.get(manage).status_code == 200
    refused = client.post(
        manage, {"password": "wrong", "code": code_for(device), "action": "codes"}
    )
    assert refused.status_code == 400
    assert "The password or the code is not right" in refused.content.decode()
    fresh = client.post(
        manage, {"password": TEST_PASSWORD, "code": code_for(device), "action": "codes"}
    )
    assert fresh.status_code == 200
    assert not StaticToken.objects.filter(token=old[0]).exists()
    replaced = client.post(
        manage, {"password": TEST_PASSWORD, "code": code_for(device), "action": "replace"}
    )
    assert replaced.status_code == 302 and replaced.url == SETUP
    assert not TOTPDevice.objects.filter(user=chief, confirmed=True).exists()
    assert client.get(reverse("home")).url.startswith(SETUP)  # set up again before anything


def test_the_agency_turns_it_on_for_everyone(client_for, chief):
    response = client_for(chief).post(
        reverse("accounts:agency"),
        {
            "name": "Testville Police Department",
            "monthly_due_day": 10,
            "quarterly_due_days": 15,
            "semi_annual_due_days": 30,
            "annual_due_days": 31,
            "mfa_for_everyone": "on",
        },
    )
    assert response.status_code == 302
    assert Agency.load().mfa_for_everyone
