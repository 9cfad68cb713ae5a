"""The audit trail's integrity, as administrators and monitoring see it (issue 21)."""

import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from audit.chain import seal_pending
from audit.models import AuditCheck, AuditEvent
from tests.factories import UserFactory

PAGE = reverse("audit:integrity")
HEALTH = reverse("healthz")


def _alter_a_sealed_event():
    event = AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, actor_name="real")
    seal_pending()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER crd_audit_append_only")
        cursor.execute("UPDATE audit_auditevent SET actor_name = 'other' WHERE id = %s", [event.pk])
        cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER crd_audit_append_only")
    return event


@pytest.mark.django_db
def test_healthz_starts_the_daily_check_and_reports_what_it_found(client):
    assert json.loads(client.get(HEALTH).content)["audit"] == "ok"
    assert AuditCheck.objects.count() == 1
    # A second probe the same day starts no second check.
    client.get(HEALTH)
    assert AuditCheck.objects.count() == 1
    _alter_a_sealed_event()
    AuditCheck.objects.all().update(at="2000-01-01T00:00:00Z")
    cache.clear()
    response = client.get(HEALTH)
    body = json.loads(response.content)
    assert response.status_code == 503
    assert (body["status"], body["audit"], body["failing"]) == ("error", "problems", ["audit"])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["chief", "admin"])
def test_the_chief_and_administrators_see_where_the_trail_was_altered(client_for, chief, who):
    reader = chief if who == "chief" else UserFactory(is_superuser=True, is_staff=True, dsn=None)
    event = _alter_a_sealed_event()
    client = client_for(reader)
    response = client.post(PAGE)
    assert response.status_code == 302 and response.url == PAGE
    page = client.get(PAGE).content.decode()
    assert "found problems" in page and f"(event {event.pk}): the event was altered" in page


@pytest.mark.django_db
def test_an_intact_trail_says_so(client_for, chief):
    client = client_for(chief)
    client.post(PAGE)
    assert "Intact at the last check" in client.get(PAGE).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "supervisor", "cro", "training_officer", "outsider"])
def test_no_one_else_reads_or_starts_the_check(client_for, personas, who):
    client = client_for(personas[who])
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE).status_code == 403
    assert not AuditCheck.objects.exists()


@pytest.mark.django_db
def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response.url
