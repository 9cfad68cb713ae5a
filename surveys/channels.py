"""The ways a survey reaches people beyond its open link, and the writes that set them up:
the single-use link emailed to each outside agency head (001 IV.D.3), the survey's link
posted on social media, and the batches of paper forms the CRO types in (004 §2: the
water bill and the forums are separate mechanisms, so their forms are told apart).

Responses themselves are stored by `services.submit_response`, whatever the channel."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency
from core.permissions import Permission, require
from notifications.notify import queue_email, site_url
from surveys.models import AgencyType, Invitation, PaperBatch, SocialLink, Survey

NOT_AGENCY_SURVEY = _("Invitations by email are for outside agencies' surveys.")
NOT_APPROVED = _("Add links and invitations once the Chief has approved the survey.")
NOT_FOR_AGENCIES = _(
    "Outside agencies answer only through the links sent to their heads: this survey has "
    "no other channel."
)
ALREADY_INVITED = _("This agency head has already been invited to this survey.")


def link_hash(token: str) -> str:
    """Only the hash of an agency's link is kept: the link itself travels in the email."""
    return hashlib.sha256(f"agency-link:{token}".encode()).hexdigest()


def invitation_for(token: str) -> Invitation | None:
    """The agency invitation behind a link, used or not (None if there is none)."""
    return (
        Invitation.objects.select_related("survey")
        .filter(code_hash=link_hash(token))
        .exclude(agency_name="")
        .first()
    )


def _require_approved(survey: Survey) -> None:
    if survey.status != Survey.Status.APPROVED:
        raise ValidationError(NOT_APPROVED)


@transaction.atomic
def invite_agency(
    *,
    survey: Survey,
    by,
    agency_name: str,
    agency_type: str,
    head_name: str,
    head_email: str,
    language: str = "en",
) -> Invitation:
    """Invite one agency head and email them their single-use link (sent after commit by
    the outbound email path, and kept in its outbox)."""
    require(by, Permission.MANAGE_SURVEYS)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if not survey.invitation_only:
        raise ValidationError(NOT_AGENCY_SURVEY)
    _require_approved(survey)
    if agency_type not in AgencyType.values:
        raise ValidationError({"agency_type": gettext("Choose the kind of agency.")})
    email = head_email.strip().lower()
    if survey.invitations.filter(head_email__iexact=email).exists():
        raise ValidationError({"head_email": ALREADY_INVITED})
    token = secrets.token_urlsafe(24)
    invitation = Invitation.objects.create(
        survey=survey,
        code_hash=link_hash(token),
        agency_name=agency_name.strip(),
        agency_type=agency_type,
        head_name=head_name.strip(),
        head_email=email,
        language=language if language in ("en", "es") else "en",
        sent_at=timezone.now(),
    )
    _email_link(invitation, token)
    return invitation


def _email_link(invitation: Invitation, token: str) -> None:
    survey, agency = invitation.survey, Agency.load()
    with translation.override(invitation.language):
        link = site_url(reverse("surveys:agency-answer", args=[token]))
        queue_email(
            to=invitation.head_email,
            kind="survey_agency_invitation",
            subject=gettext("Your view of our personnel: %(agency)s") % {"agency": agency.name},
            template="surveys/email/agency_invitation",
            context={
                "agency": agency,
                "head_name": invitation.head_name,
                "agency_name": invitation.agency_name,
                "title": survey.title_in(invitation.language),
                "closes_on": survey.closes_on,
                "link": f"{link}?lang={invitation.language}",
            },
        )


@transaction.atomic
def add_social_link(*, survey: Survey, by, name: str) -> SocialLink:
    require(by, Permission.MANAGE_SURVEYS)
    _require_approved(survey)
    if survey.invitation_only:
        raise ValidationError(NOT_FOR_AGENCIES)
    if not name.strip():
        raise ValidationError({"name": gettext("Say where the link is posted.")})
    return SocialLink.objects.create(survey=survey, name=name.strip())


@transaction.atomic
def start_paper_batch(
    *, survey: Survey, by, label: str, source: str, received_on: dt.date
) -> PaperBatch:
    """A new stack of paper forms to type in: where it came from and when."""
    require(by, Permission.ENTER_PAPER_RESPONSES)
    if survey.invitation_only:
        raise ValidationError(NOT_FOR_AGENCIES)
    if survey.status not in (Survey.Status.APPROVED, Survey.Status.CLOSED):
        raise ValidationError(NOT_APPROVED)
    if source not in PaperBatch.Source.values:
        raise ValidationError({"source": gettext("Choose where the forms came from.")})
    if not label.strip():
        raise ValidationError({"label": gettext("Name the batch, e.g. Water bill, March 2026.")})
    return PaperBatch.objects.create(
        survey=survey, label=label.strip(), source=source, received_on=received_on, created_by=by
    )


def agency_notice(invitation) -> str:
    """Said on the form instead of "Your answers are anonymous": an agency head's answers
    are recorded under the agency's name and kind (001 IV.D.3), never the person's."""
    return gettext(
        "You answer for %(agency)s: your answers are recorded under your agency's name "
        "and kind, not under your own name. This link works once."
    ) % {"agency": invitation.agency_name}
