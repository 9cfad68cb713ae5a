import json

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_ok_when_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    # The first probe starts the audit trail's daily check (run at once in tests).
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "audit": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_503_when_database_is_unreachable(client, django_db_blocker, monkeypatch):
    # Point the connection at a port where nothing listens: a real connection failure.
    with django_db_blocker.unblock():
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", "1")
        try:
            response = client.get(reverse("healthz"))
        finally:
            connection.close()
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "error", "database": "error"}


def test_healthz_is_get_only(client, db):
    assert client.post(reverse("healthz")).status_code == 405
