import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import User
from core.roles import Role
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    admin = UserFactory(username="root", dsn="9999", is_staff=True, is_superuser=True)
    sign_in(client, admin)
    return client


def test_admin_creates_user_with_dsn_and_roles(admin_client_):
    groups = Group.objects.filter(name__in=[Role.OFFICER.value, Role.TRAINING_OFFICER.value])
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newhire",
            "first_name": "Nia",
            "last_name": "Park",
            "email": "nia@police.test",
            "dsn": "4321",
            "rank": "Officer",
            "unit": "Patrol",
            "groups": [g.pk for g in groups],
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
            "_save": "Save",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="newhire")
    assert user.dsn == "4321"
    assert user.has_role(Role.OFFICER, Role.TRAINING_OFFICER)
    assert set(user.role_names) == {Role.OFFICER.value, Role.TRAINING_OFFICER.value}


def test_admin_refuses_user_without_dsn(admin_client_):
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nodsn",
            "dsn": "",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="nodsn").exists()
    assert response.content.decode().count("Every department member needs a DSN") == 1


def test_admin_refuses_duplicate_dsn(admin_client_):
    UserFactory(dsn="1234")
    response = admin_client_.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "dup",
            "dsn": "1234",
            "password1": "a-long-enough-passphrase",
            "password2": "a-long-enough-passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "User with this DSN already exists." in response.content.decode()


def test_admin_user_list_shows_roles(admin_client_, officer, django_assert_max_num_queries):
    # 12, plus the unread count and the failed-email count every page shows an administrator.
    with django_assert_max_num_queries(14):
        response = admin_client_.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "Officer" in response.content.decode()


def test_admin_closed_to_non_staff(client_for, cro):
    response = client_for(cro).get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url
