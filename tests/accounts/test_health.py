import json

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_ok_when_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    # The first probe starts the audit trail's daily check (run at once in tests).
    body = json.loads(response.content)
    assert (body["status"], body["database"], body["audit"], body["failing"]) == (
        "ok",
        "ok",
        "ok",
        [],
    )
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.parametrize("name", ["healthz", "healthz-web"])
def test_healthz_503_when_database_is_unreachable(client, django_db_blocker, monkeypatch, name):
    # Point the connection at a port where nothing listens: a real connection failure.
    with django_db_blocker.unblock():
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")
        try:
            response = client.get(reverse(name))
        finally:
            connection.close()
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "error",
        "database": "error",
        "failing": ["database"],
    }


@pytest.mark.parametrize("name", ["healthz", "healthz-web"])
def test_healthz_is_get_only(client, db, name):
    assert client.post(reverse(name)).status_code == 405
