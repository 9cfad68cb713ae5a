"""Telling a community organization what became of a concern it raised (001 III.C.5: "a
system of communication that will insure a departmental response to information obtained
from any community organization").

What the organization hears is what a resident hears: the public status and the public
note of the status page (concerns/status.py), and, once the concern is resolved, the same
resolution notice by email (notifications.notify.email_resident, its wording, template,
language, opt-out and stop link). Only the Community Relations Officer sends it, by hand,
from the organization's page: the contact of an organization is the CRO's liaison
(001 III.C.1), and an outcome is a thing worth a look before it leaves the department.

Consent, as for residents, is "a contact was given and agreed": the organization gave the
address in the liaison registry as the one the department may write to, and the stop link
at the foot of every message withdraws it (a ResidentOptOut of the address), after which
nothing more is sent to it. Each send writes one timeline line on the concern, which is
also what the organization's page reads to say "told on"; a second click finds that line
under the concern's lock and sends nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns import status
from concerns.models import Concern, ConcernUpdate
from core.permissions import Permission, require
from notifications.notify import email_resident

K = ConcernUpdate.Kind

# Who may send it: the CRO alone holds the organizations' registry (core/permissions.py).
TELL_PERMISSION = Permission.MANAGE_ORGANIZATIONS

NO_ORGANIZATION = _("No community organization raised this concern.")
NO_EMAIL = _(
    "%(organization)s has no email address for its contact. Add one to the organization, "
    "then tell them the outcome."
)
NOT_RESOLVED = _(
    "%(reference)s is not resolved yet: the organization is told the outcome once it is."
)
NOT_SENT = _(
    "The message to %(organization)s was not sent: their address asked for no more "
    "messages from the department, or the message could not be prepared. Tell them by "
    "phone instead."
)

# The columns the outcome is read from, for the concern and for the lead it was merged into.
OUTCOME_FIELDS = ("id", "reference", "category", "status", "public_note", "resolved_at")


@dataclass(frozen=True)
class Outcome:
    """What the public sees of a concern, as the status page tells it."""

    word: str  # received, in_progress or resolved (status.PUBLIC_WORDS)
    note: str  # the public note; empty for a conduct or bias concern (001 IV.C)
    resolved_at: dt.datetime | None  # of the concern followed, when resolved

    @property
    def words(self) -> str:
        return str(status.PUBLIC_WORDS[self.word])

    @property
    def resolved(self) -> bool:
        return self.word == "resolved"


def outcome_of(concern: Concern, lead: Concern | None = None) -> Outcome:
    """The status page's answer (status.public_status) read from rows already loaded: a
    concern merged into a lead follows the lead's status and note, and a conduct or bias
    concern shows no note. public_status costs a query per concern (its dates), which a
    list cannot pay; tests/outreach/test_organization_responses.py holds the two to the
    same answers."""
    followed = lead if concern.duplicate_of_id is not None and lead is not None else concern
    return Outcome(
        word=status.public_status_word(followed.status),
        note="" if concern.is_conduct else followed.public_note,
        resolved_at=followed.resolved_at if followed.status == Concern.Status.RESOLVED else None,
    )


def last_told():
    """A subquery: when the organization was last told the outcome of the concern."""
    return Subquery(
        ConcernUpdate.objects.filter(concern=OuterRef("pk"), kind=K.ORGANIZATION_TOLD)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )


def told_since(told_at: dt.datetime | None, outcome: Outcome) -> bool:
    """Told after the latest resolution: a concern reopened and resolved again since the
    message has a new outcome to tell."""
    return bool(told_at and outcome.resolved_at and told_at >= outcome.resolved_at)


@dataclass(frozen=True)
class _Addressee:
    """The organization's contact in the place of the resident, for email_resident: the
    concern's reference and date, the organization's address, and the concern's language.
    The address was given to the department for this (the liaison registry): consent."""

    reference: str
    date_received: dt.date
    contact_email: str
    language: str
    consent_to_contact: bool = True


def contact_words(organization) -> str:
    """ "Rita Chen, rita@example.org", or the address alone."""
    parts = [organization.contact_name.strip(), organization.contact_email.strip()]
    return ", ".join(part for part in parts if part)


def record_outcome_sent(concern: Concern, organization, by, *, text: str = "") -> ConcernUpdate:
    """The timeline line of a message sent (the demo writes its history through it too)."""
    text = text or gettext("Outcome sent to %(organization)s (%(contact)s) by %(name)s") % {
        "organization": organization.name,
        "contact": contact_words(organization),
        "name": by.display_name,
    }
    return ConcernUpdate.objects.create(
        concern=concern, kind=K.ORGANIZATION_TOLD, author=by, text=text
    )


def _lead_of(concern: Concern) -> Concern | None:
    if concern.duplicate_of_id is None:
        return None
    return Concern.objects.only(*OUTCOME_FIELDS).get(pk=concern.duplicate_of_id)


@transaction.atomic
def tell_organization(*, concern: Concern, by) -> tuple[ConcernUpdate, bool]:
    """Email the organization that raised the concern that it is resolved. Returns the
    timeline line and whether a message went now (False: it had already been told of this
    resolution, by an earlier click, and nothing more is sent)."""
    require(by, TELL_PERMISSION)
    # The lock: a second click waits here, then finds the first one's line.
    concern = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=concern.pk)
    )
    organization = concern.organization
    if organization is None:
        raise ValidationError(NO_ORGANIZATION)
    outcome = outcome_of(concern, _lead_of(concern))
    if not outcome.resolved:
        raise ValidationError(NOT_RESOLVED, params={"reference": concern.reference})
    told = (
        concern.updates.filter(kind=K.ORGANIZATION_TOLD, created_at__gte=outcome.resolved_at)
        .order_by("-created_at", "-id")
        .first()
    )
    if told is not None:
        return told, False
    address = organization.contact_email.strip()
    if not address:
        raise ValidationError(NO_EMAIL, params={"organization": organization.name})
    addressee = _Addressee(
        reference=concern.reference,
        date_received=concern.date_received,
        contact_email=address,
        language=concern.language,
    )
    if email_resident(addressee, "resolved") is None:
        raise ValidationError(NOT_SENT, params={"organization": organization.name})
    return record_outcome_sent(concern, organization, by), True
