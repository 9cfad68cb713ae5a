"""The headers today's mail providers look for (notifications/mail.py): the agency's name as
the sender, a Message-ID at the site's domain, the agency's Reply-To, and on a resident's
message List-Unsubscribe with one-click (RFC 8058) that the stop link honours."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import parseaddr

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Agency
from concerns.models import Concern
from notifications.models import ResidentOptOut
from notifications.notify import stop_token
from tests.factories import AgencyFactory, UserFactory
from tests.notifications.test_notifications import _public

pytestmark = pytest.mark.django_db

SITE = "https://crd.riverbend.example.org"
# A stop link is signed with the second it was made; the clock stands still so the link the
# test makes is the one the message carries, whichever second the message was sent in.
NOW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def site(settings):
    settings.CRD_SITE_URL = SITE
    settings.CRD_MAIL_DOMAIN = "crd.riverbend.example.org"
    settings.DEFAULT_FROM_EMAIL = "community-relations@crd.riverbend.example.org"
    with time_machine.travel(NOW, tick=False):
        AgencyFactory(
            name="Riverbend Police Department", reply_to="relations@riverbend.example.org"
        )
        yield


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def _sent_to_resident(client, on_commit):
    with on_commit():
        assert _public(client).status_code == 302
    (sent,) = mail.outbox
    return sent, sent.message()


def test_a_residents_message_names_the_agency_and_offers_one_click_unsubscribe(client, on_commit):
    sent, message = _sent_to_resident(client, on_commit)
    assert parseaddr(message["From"]) == (
        "Riverbend Police Department Community Relations",
        "community-relations@crd.riverbend.example.org",
    )
    assert message["Message-ID"].endswith("@crd.riverbend.example.org>")
    assert "localhost" not in message["Message-ID"]
    assert message["Reply-To"] == "relations@riverbend.example.org"
    concern = Concern.objects.get()
    stop = SITE + reverse("resident-stop", args=[stop_token(concern)])
    assert message["List-Unsubscribe"] == f"<{stop}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert stop in sent.body  # the same link the message shows at its foot


def test_the_mail_programs_one_click_post_stops_the_messages_without_a_cookie(client, on_commit):
    _sent_to_resident(client, on_commit)
    url = reverse("resident-stop", args=[stop_token(Concern.objects.get())])
    provider = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token: as Gmail posts
    provider.get(url)
    assert not ResidentOptOut.objects.exists()  # opening the link stops nothing
    response = provider.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ResidentOptOut.objects.count() == 1
    forged = provider.post(reverse("resident-stop", args=["forged"]), {})
    assert forged.status_code == 404 and ResidentOptOut.objects.count() == 1


def test_staff_messages_carry_no_unsubscribe_and_no_reply_to_when_none_is_given(on_commit):
    from notifications.notify import notify

    Agency.objects.filter(pk=1).update(reply_to="")
    person = UserFactory(email="sgt@riverbend.example.org")
    with on_commit():
        # Sent at once by default: a supervisor hears of an escalation by email.
        notify("concern_escalated", [person], title="A concern was escalated", url="/")
    (sent,) = mail.outbox
    message = sent.message()
    assert message["List-Unsubscribe"] is None and message["Reply-To"] is None
    assert message["Message-ID"].endswith("@crd.riverbend.example.org>")
    assert parseaddr(message["From"])[0] == "Riverbend Police Department Community Relations"


@pytest.mark.parametrize(
    ("site", "sender"),
    [
        ("https://crd.riverbend.example.org", "community-relations@crd.riverbend.example.org"),
        ("http://127.0.0.1:8000", "community-relations@localhost"),
    ],
)
def test_the_sender_address_follows_the_sites_domain_unless_set(site, sender):
    env = {**os.environ, "CRD_SITE_URL": site, "DJANGO_DEBUG": "true"}
    env.pop("DJANGO_DEFAULT_FROM_EMAIL", None)
    code = "from django.conf import settings; print(settings.DEFAULT_FROM_EMAIL)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == sender
