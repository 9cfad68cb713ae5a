import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_page_is_public(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"Sign in" in response.content


def test_login_with_right_password_lands_on_home(client, officer):
    response = client.post(
        reverse("accounts:login"), {"username": officer.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_login_with_wrong_password_gives_no_hint_and_keeps_username(client, officer):
    response = client.post(
        reverse("accounts:login"), {"username": officer.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert b"The username or password is not right" in response.content
    assert f'value="{officer.username}"'.encode() in response.content
    unknown = client.post(reverse("accounts:login"), {"username": "nobody", "password": "wrong"})
    # The same words whether or not the username exists.
    assert b"The username or password is not right" in unknown.content


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
    assert "next=/" in response.url


def test_logout_is_post_only_and_signs_out(client, officer):
    client.force_login(officer)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_change_keeps_user_signed_in(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password-change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a-new-long-passphrase-42")
    assert client.get(reverse("home")).status_code == 200


def test_password_change_rejects_short_password(client, officer):
    client.force_login(officer)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content


def test_demo_account_cannot_sign_in_without_debug(client, settings):
    settings.DEBUG = False
    UserFactory(username="demo-user", is_demo=True)
    response = client.post(
        reverse("accounts:login"), {"username": "demo-user", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_demo_account_signs_in_with_debug(client, settings):
    settings.DEBUG = True
    UserFactory(username="demo-user", is_demo=True)
    response = client.post(
        reverse("accounts:login"), {"username": "demo-user", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert User.objects.get(username="demo-user").last_login is not None
