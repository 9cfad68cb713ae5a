"""What an email shows before it is opened (issue 21, finding 5): its subject and the first
line of its body cross mail servers and show on a phone's locked screen, so they never name
a category, a person or a place. And the outbox, which lists residents' addresses, is for
administrators only, whatever the mode."""

import datetime as dt
import re
import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from concerns import intake as concern_intake
from concerns import services as concern_services
from concerns.models import Concern
from core.roles import Role
from notifications import reminders
from notifications.models import Delivery, NotificationPreference, OutboundEmail
from notifications.notify import EMAIL_LINES, EVENTS, notify
from outreach import services as outreach_services
from outreach.models import Participant
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    MaterialFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

AREA = "1432 Larkspur Lane"
RESIDENT = "Zebulon Quartermain"
AGENCY = "Testville Police Department"
REFERENCE = "CR-2026-0300"


@pytest.fixture(autouse=True)
def agency(db):
    return AgencyFactory(name=AGENCY, phone="(555) 010-0000")


# Names no email's own words can be: Faker's are now and then an English word (an
# Officer Page, a Sgt. Case), and "the details are on the page" would then read as a leak.
UNMISTAKABLE = {
    "officer": ("Thaddeus", "Quennellworth"),
    "supervisor": ("Isadora", "Vantongeren"),
    "cro": ("Perpetua", "Hallorangue"),
    "chief": ("Lucius", "Abernathwyn"),
    "training_officer": ("Wilhelmina", "Ostrovskaya"),
}


@pytest.fixture(autouse=True)
def unmistakable_names(request):
    for persona, (first, last) in UNMISTAKABLE.items():
        if persona in request.fixturenames:
            person = request.getfixturevalue(persona)
            type(person).objects.filter(pk=person.pk).update(first_name=first, last_name=last)
            person.first_name, person.last_name = first, last


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def category_labels() -> list[str]:
    labels = []
    for language in ("en", "es"):
        with translation.override(language):
            labels += [str(label) for label in Concern.Category.labels]
    return labels


def forbidden(*people) -> list[str]:
    """Every category label (both languages), the place, and the people's names."""
    names = [RESIDENT, AREA, "Larkspur"]
    for person in people:
        names += [person.first_name, person.last_name, person.display_name]
    return category_labels() + [n for n in names if n]


def shown_before_opening(message) -> str:
    """The subject and the preview: the first lines of the text body."""
    return message.subject + "\n" + "\n".join(message.body.splitlines()[:3])


def everything(message) -> str:
    return message.subject + message.body + "".join(a[0] for a in message.alternatives)


def assert_names_nothing(text: str, words: list[str]):
    for word in words:
        assert not re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE), (word, text[:300])


# --- Every kind, whatever its title holds -----------------------------------------------


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_kind_of_email_names_no_category_person_or_place(kind, on_commit):
    recipient = UserFactory(username=f"t-{kind[:20]}", first_name="Ophelia", last_name="Brandt")
    actor = UserFactory(username="t-actor", first_name="Maximilian", last_name="Okonkwo")
    NotificationPreference.objects.create(  # the digest kinds too, by email at once
        user=recipient, kind=kind, delivery=Delivery.IMMEDIATE
    )
    # A title as a careless caller might write it: everything that must not travel.
    title = (
        f"Officer conduct or bias concern {REFERENCE} about {RESIDENT} at {AREA}, "
        f"narcotics, violent crime, youth, escalated by {actor.display_name}"
    )
    with on_commit():
        notify(kind, [recipient], title=title, url="/concerns/", by=actor)
    (message,) = mail.outbox
    words = forbidden(recipient, actor)
    assert_names_nothing(everything(message), words)
    line = str(EMAIL_LINES[kind])
    assert message.subject == f"{line} ({REFERENCE}) · {AGENCY}"
    assert message.body.splitlines()[0] == f"{line} ({REFERENCE})"
    # The in-app title keeps what the reader needs, behind the sign-in.
    assert recipient.notifications.get().title == title[:200]


def test_every_kind_has_a_neutral_line():
    assert set(EMAIL_LINES) == set(EVENTS)
    for line in EMAIL_LINES.values():
        assert_names_nothing(str(line), category_labels())


def test_a_conduct_concern_reads_like_any_other_concern(on_commit):
    chief = UserFactory(username="t-chief-n", roles=[Role.CHIEF])
    title = f"{REFERENCE} escalated"
    with on_commit():
        notify("conduct_concern", [chief], title=title, url="/")
        notify("concern_escalated", [chief], title=title, url="/")
    conduct, escalated = mail.outbox
    assert conduct.subject == escalated.subject
    assert conduct.body == escalated.body


# --- The real events, end to end --------------------------------------------------------


def test_the_real_events_name_nothing_before_opening(
    officer, supervisor, cro, chief, training_officer, on_commit
):
    commander = UserFactory(
        username="t-lt-n", first_name="Rosalind", last_name="Featherstone", roles=[Role.SUPERVISOR]
    )
    unit = UnitFactory(name="Larkspur District", commander=commander)
    with on_commit():
        conduct, _ = concern_intake.log_concern(
            by=officer,
            data={
                "date_received": timezone.localdate(),
                "source_type": "citizen",
                "source_name": RESIDENT,
                "source_contact": "zq@example.org",
                "category": "conduct_bias",
                "nature": "actual",
                "area": AREA,
                "description": "Shoved at the diner.",
            },
        )
        ordinary, _ = concern_intake.log_concern(
            by=officer,
            data={
                "date_received": timezone.localdate(),
                "source_type": "citizen",
                "source_name": RESIDENT,
                "category": "narcotics",
                "nature": "actual",
                "area": AREA,
                "description": "Dealing at the corner.",
            },
        )
        concern_services.escalate_concern(concern=ordinary, by=officer)
        concern_services.forward_concern(concern=ordinary, by=supervisor)
        concern_services.route_to_unit(concern=ordinary, by=cro, unit=unit)
        concern_services.assign_concern(concern=ordinary, by=cro, assignee=officer)
        material = MaterialFactory(created_by=cro, name="Larkspur Lane magnets")
        outreach_services.submit_material(material=material, by=cro)
    kinds = set(OutboundEmail.objects.values_list("kind", flat=True))
    assert kinds >= {
        "conduct_concern",
        "concern_escalated",
        "concern_forwarded",
        "concern_routed",
        "concern_assigned",
        "approval_waiting",
    }
    words = forbidden(officer, supervisor, cro, chief, commander) + [unit.name, "magnets"]
    for message in mail.outbox:
        assert_names_nothing(everything(message), words)
    subjects = {m.subject for m in mail.outbox}
    assert f"A concern needs your attention ({conduct.reference}) · {AGENCY}" in subjects
    assert f"A concern was routed to your unit ({ordinary.reference}) · {AGENCY}" in subjects


def test_an_event_reminder_names_no_place_or_participant(cro, on_commit):
    today = timezone.localdate()
    soon = ActivityFactory(
        date=today + dt.timedelta(days=5),
        title="Coffee at Larkspur Lane",
        waivers_required=True,
    )
    Participant.objects.create(activity=soon, name=RESIDENT)
    with on_commit():
        reminders.sweep()
    (message,) = [m for m in mail.outbox if "event" in m.subject]
    assert message.subject == f"An event needs your attention · {AGENCY}"
    assert_names_nothing(everything(message), forbidden(cro))


def test_a_digest_lists_neutral_lines_with_the_references(officer, on_commit):
    sergeant = UserFactory(
        username="t-sgt-n", unit="Patrol", first_name="Ignatius", roles=[Role.SUPERVISOR]
    )
    NotificationPreference.objects.create(
        user=sergeant, kind="concern_escalated", delivery=Delivery.DIGEST
    )
    officer.unit = "Patrol"
    officer.save(update_fields=["unit"])
    concern, _ = concern_intake.log_concern(
        by=officer,
        data={
            "date_received": timezone.localdate(),
            "source_type": "citizen",
            "source_name": RESIDENT,
            "category": "youth",
            "nature": "actual",
            "area": AREA,
            "description": "Kids at the park.",
        },
    )
    concern_services.escalate_concern(concern=concern, by=officer)
    at_hour = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 0)))
    with on_commit():
        assert reminders.send_digests(at_hour) == 1
    (digest,) = mail.outbox
    assert f"A concern needs your attention ({concern.reference})" in digest.body
    assert_names_nothing(everything(digest), forbidden(officer, sergeant))


# --- Residents ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_residents_messages_say_only_the_reference(client, cro, on_commit, language):
    with on_commit():
        response = client.post(
            reverse("feedback"),
            {
                "category": "narcotics",
                "area": AREA,
                "summary": "Dealing on the corner",
                "description": "Dealing on the corner every night.",
                "name": RESIDENT,
                "email": "resident@example.org",
                "consent_to_contact": "on",
                "phone": "",
                "suggestions": "",
                "website": "",
                "intake_token": str(uuid.uuid4()),
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 302
    concern = Concern.objects.get()
    with on_commit():
        concern_services.resolve_concern(concern=concern, by=cro, resolution="Patrols added.")
    ack, resolved = [m for m in mail.outbox if m.to == ["resident@example.org"]]
    with translation.override(language):
        assert ack.subject == translation.gettext("We received your concern %(reference)s") % {
            "reference": concern.reference
        }
        assert resolved.subject == translation.gettext(
            "Your concern %(reference)s has been resolved"
        ) % {"reference": concern.reference}
    for message in (ack, resolved):
        assert_names_nothing(everything(message), forbidden())
        assert AGENCY not in message.subject


# --- The outbox ---------------------------------------------------------------------------

OUTBOX = [reverse("notifications:outbox"), "/notifications/outbox/{pk}/"]


@pytest.fixture
def queued(db):
    return OutboundEmail.objects.create(
        to="resident@example.org", kind="resident_ack", subject="s", body_text="t", body_html="h"
    )


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "cro", "chief", "training_officer", "outsider"]
)
def test_the_outbox_is_refused_to_every_role_in_every_mode(
    client_for, personas, outsider, settings, queued, persona, debug
):
    settings.DEBUG = debug
    user = outsider if persona == "outsider" else personas[persona]
    client = client_for(user)
    for url in OUTBOX:
        assert client.get(url.format(pk=queued.pk)).status_code == 403


@pytest.mark.parametrize("debug", [True, False])
def test_the_outbox_is_for_administrators_and_sends_visitors_to_sign_in(
    client_for, settings, queued, debug
):
    settings.DEBUG = debug
    for url in OUTBOX:
        response = Client().get(url.format(pk=queued.pk))
        assert response.status_code == 302 and "/accounts/login/" in response.url
    admin = UserFactory(username="t-admin-out", is_superuser=True, is_staff=True, dsn=None)
    client = client_for(admin)
    page = client.get(OUTBOX[0] + "?status=queued")
    assert page.status_code == 200 and "resident@example.org" in page.content.decode()
    assert client.get(OUTBOX[1].format(pk=queued.pk)).status_code == 200
