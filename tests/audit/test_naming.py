"""The audit trail names records as people do (issue 23): "Concern CR-2026-0075", "Authenticator
app of Lt. Priya Natarajan", never "Concern (concerns) 75" or "Totp device (otp_totp) 1"; in
one query per kind of record on the page, however many entries it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from audit.views import record_types
from tests.factories import ActivityFactory, ConcernFactory

pytestmark = pytest.mark.django_db
AUDIT = reverse("audit:trail")


def _page(client) -> str:
    return client.get(AUDIT).content.decode()


def test_records_are_named_by_what_people_call_them(client_for, chief, officer):
    concern = ConcernFactory(reference="CR-2026-0075", reported_by=officer)
    device = TOTPDevice.objects.create(user=officer, name="Phone", confirmed=True)
    activity = ActivityFactory(title="Coffee with a cop", logged_by=officer)
    page = _page(client_for(chief))
    assert "Concern CR-2026-0075" in page
    assert f"Authenticator app of {officer.display_name}" in page
    assert "Activity “Coffee with a cop” of" in page
    assert f"Account of {officer.display_name}" in page
    assert f"Concern {concern.pk}<" not in page and "(concerns)" not in page
    assert "Totp device" not in page and f"device {device.pk}" not in page
    assert activity.pk  # named above by its title, not its number


def test_a_removed_record_keeps_its_kind_and_number(client_for, chief):
    AuditEvent.objects.create(
        action=AuditEvent.Action.DELETE, record_type="concerns_concern", record_id="999999"
    )
    assert "Concern 999999" in _page(client_for(chief))


def test_the_kinds_in_the_search_read_as_words():
    labels = dict(record_types())
    assert labels["concerns_concern"] == "Concern"
    assert all("(concerns)" not in label for label in labels.values())


def test_naming_costs_one_query_per_kind_on_the_page(client_for, chief, officer):
    client = client_for(chief)
    ConcernFactory(reported_by=officer)
    client.get(AUDIT)
    with CaptureQueriesContext(connection) as few:
        client.get(AUDIT)
    for _ in range(30):
        ConcernFactory(reported_by=officer)
    with CaptureQueriesContext(connection) as many:
        client.get(AUDIT)
    assert len(many) == len(few)
