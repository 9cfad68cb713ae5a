"""request.user is the signed-in person's own object by the time a view runs: not the two
lazy wrappers Django and django-otp put around it, through which each of a page's few
hundred reads (each permission asked, each row's next step) went twice (issue 26)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from accounts.middleware import resolved
from accounts.models import User
from core.roles import Role
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def test_resolved_unwraps_nested_lazy_objects_evaluating_them_once():
    made = []

    def make():
        made.append(1)
        return {"name": "inner"}

    outer = SimpleLazyObject(lambda: SimpleLazyObject(make))
    assert resolved(outer) == {"name": "inner"}
    assert type(resolved(outer)) is dict
    assert made == [1]


def test_resolved_leaves_a_plain_object_as_it_is():
    thing = object()
    assert resolved(thing) is thing


def test_a_view_reads_the_user_itself_with_the_second_factor_proved(client, chief):
    sign_in(client, chief)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert type(user) is User
    assert user.pk == chief.pk
    # django-otp's fields survive the unwrapping: the Chief's code was proved.
    assert user.is_verified()
    assert response.context["user"] is user


def test_the_second_factor_not_yet_proved_still_sends_the_chief_to_give_a_code(client, chief):
    client.force_login(chief)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert type(response.wsgi_request.user) is User
    assert not response.wsgi_request.user.is_verified()


def test_an_anonymous_visitor_is_anonymous_and_sent_to_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert type(response.wsgi_request.user) is AnonymousUser


def test_signing_out_leaves_an_anonymous_visitor(client, officer):
    sign_in(client, officer)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not response.wsgi_request.user.is_authenticated


def test_the_sessions_person_comes_with_their_roles_in_one_query(chief):
    with CaptureQueriesContext(connection) as queries:
        user = User.signed_in(chief.pk)
        roles = user.role_names
    assert len(queries) == 1
    assert roles == frozenset(chief.groups.values_list("name", flat=True)) == {Role.CHIEF.value}


def test_an_inactive_person_holds_no_role_and_an_unknown_one_is_none(officer):
    officer.is_active = False
    officer.save()
    assert User.signed_in(officer.pk).role_names == frozenset()
    assert User.signed_in(officer.pk + 1000) is None


def test_a_signed_in_page_reads_the_roles_with_the_person(client, officer):
    sign_in(client, officer)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("concerns:mine"))
    assert response.status_code == 200
    users = [q["sql"] for q in queries.captured_queries if 'FROM "accounts_user"' in q["sql"]]
    assert any('"held_roles"' in sql for sql in users)
    # No query of its own for the roles (Django's would read auth_group joined to the
    # user's groups, and nothing else).
    alone = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "auth_group"."name"')
    ]
    assert alone == []
