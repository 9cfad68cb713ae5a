"""Who hears of what, and how: the catalogue of events and the one `notify()` every service
calls.

A service calls `notify()` inside its own transaction: the in-app notifications and the
outgoing emails are rows written with the action, so they exist exactly when the action
does. The emails are sent after commit by a background task (`notifications.tasks`); nothing in
a request waits on a mail server, and a failure to write a notification is logged, never
raised, so an action never fails because of its notice (DESIGN §5, issue: notifications).

Titles say what happened in a few words (a reference, a step, who took it). They never
carry a concern's source name or contact, its description, or the text of a note: the page
they link to decides what the reader may see.

Emails say less than titles. A subject crosses mail servers and shows on a phone's locked
screen, and the first line of the body is the preview beside it: both carry only a fixed,
neutral line for the kind of event and the reference, never a category, a person or a
place ("A concern needs your attention (CR-2026-0300)"; issue 21, finding 5). The title
stays in the app, behind the sign-in.
"""

import contextvars
import logging
import re
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from core.permissions import ROLE_PERMISSIONS, Permission
from core.roles import Role
from core.web import keyed_hash
from notifications.models import (
    Delivery,
    Notification,
    NotificationPreference,
    OutboundEmail,
    ResidentOptOut,
)

log = logging.getLogger(__name__)

R = Role


@dataclass(frozen=True)
class Event:
    label: str
    default: str
    roles: frozenset  # whose preferences page offers the choice
    fixed: bool = False  # always at once: the person cannot move it to a digest


EVENTS: dict[str, Event] = {
    "concern_escalated": Event(
        _("A concern an officer of my unit escalated"),
        Delivery.IMMEDIATE,
        frozenset({R.SUPERVISOR}),
    ),
    "concern_forwarded": Event(
        _("A concern forwarded to the Community Relations Officer"),
        Delivery.IMMEDIATE,
        frozenset({R.CRO}),
    ),
    "concern_routed": Event(
        _("A concern routed to a unit I command"), Delivery.IMMEDIATE, frozenset(R)
    ),
    "routing_unacknowledged": Event(
        _("A routing not acknowledged within two working days"),
        Delivery.IMMEDIATE,
        frozenset({R.CRO}),
    ),
    "referral_overdue": Event(
        _("A referral to another department past its answer date"),
        Delivery.DIGEST,
        frozenset({R.CRO}),
    ),
    "concern_assigned": Event(_("A concern assigned to me"), Delivery.IMMEDIATE, frozenset(R)),
    "conduct_concern": Event(
        _("An officer conduct or bias concern logged"),
        Delivery.IMMEDIATE,
        frozenset({R.CHIEF, R.SUPERVISOR}),
        fixed=True,
    ),
    "approval_waiting": Event(
        _("Something submitted for my approval"), Delivery.IMMEDIATE, frozenset({R.CHIEF})
    ),
    "approval_decided": Event(
        _("A decision on something I submitted"), Delivery.IMMEDIATE, frozenset({R.CRO})
    ),
    "due_soon": Event(
        _("A report or program evaluation due in five days"), Delivery.DIGEST, frozenset({R.CRO})
    ),
    "overdue": Event(
        _("A report or program evaluation overdue"), Delivery.IMMEDIATE, frozenset({R.CRO, R.CHIEF})
    ),
    "training_forwarded": Event(
        _("A training need forwarded to the Training Officer"),
        Delivery.IMMEDIATE,
        frozenset({R.TRAINING_OFFICER}),
    ),
    "event_not_ready": Event(
        _("Waivers or criminal-history checks missing a week before an event"),
        Delivery.IMMEDIATE,
        frozenset({R.CRO}),
    ),
    "community_input": Event(  # supervisors hear of it too, at this default
        _("My quarterly community input coming due or overdue"),
        Delivery.IMMEDIATE,
        frozenset({R.OFFICER}),
    ),
}


# What an email says of each kind of event, in its subject and its first line. A conduct
# concern reads like any other concern: the kind itself must not tell what it is about.
EMAIL_LINES: dict[str, str] = {
    "concern_escalated": _("A concern needs your attention"),
    "concern_forwarded": _("A concern needs your attention"),
    "conduct_concern": _("A concern needs your attention"),
    "concern_routed": _("A concern was routed to your unit"),
    "concern_assigned": _("A concern was assigned to you"),
    "routing_unacknowledged": _("A routing has not been acknowledged"),
    "referral_overdue": _("An answer to a referral is overdue"),
    "approval_waiting": _("Something is waiting for your decision"),
    "approval_decided": _("A decision was made on something you submitted"),
    "due_soon": _("A report or evaluation is due soon"),
    "overdue": _("A report or evaluation is overdue"),
    "training_forwarded": _("A training need was forwarded to you"),
    "event_not_ready": _("An event needs your attention"),
    "community_input": _("Quarterly community input is due"),
}
# A concern's reference (concerns.references makes them; notifications sits below it).
REFERENCE = re.compile(r"\bCR-\d{4}-\d{1,7}\b")


def email_line(kind: str, title: str) -> str:
    """The neutral line for this kind of event, with the concern's reference if the title
    gives one: all an email says of what happened."""
    line = str(EMAIL_LINES.get(kind, _("Something needs your attention")))
    found = REFERENCE.search(title)
    return f"{line} ({found[0]})" if found else line


# --- Who ------------------------------------------------------------------------------


def holders(*roles: Role):
    """Active members holding any of these roles."""
    return User.objects.filter(is_active=True, groups__name__in=[r.value for r in roles]).distinct()


def deciders(permission: Permission):
    """Whoever may decide this kind of record: the Chief, and any designee given the role."""
    return holders(*[role for role, perms in ROLE_PERMISSIONS.items() if permission in perms])


def unit_supervisors(officer: User | None):
    """The supervisors of the officer's unit; every supervisor when the unit has none (an
    escalation must reach someone)."""
    supervisors = holders(Role.SUPERVISOR)
    if officer is not None and officer.unit:
        same_unit = supervisors.filter(unit__iexact=officer.unit)
        if same_unit.exists():
            return same_unit
    return supervisors


def site_url(path: str) -> str:
    return settings.CRD_SITE_URL.rstrip("/") + path


# --- Notify ---------------------------------------------------------------------------

_quiet = contextvars.ContextVar("crd_notifications_quiet", default=False)


@contextmanager
def quiet():
    """Record nothing and send nothing (loading demo data or an import replays old events)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def delivery_for(users: list[User], kind: str) -> dict[int, str]:
    event = EVENTS[kind]
    if event.fixed:
        return {u.pk: event.default for u in users}
    chosen = dict(
        NotificationPreference.objects.filter(
            user__in=[u.pk for u in users], kind=kind
        ).values_list("user_id", "delivery")
    )
    return {u.pk: chosen.get(u.pk, event.default) for u in users}


def notify(
    kind: str,
    recipients: Iterable[User],
    *,
    title: str,
    url: str,
    by: User | None = None,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Tell these people that something happened. Never raises: a failure is logged and the
    caller's action goes on (it runs in a savepoint of the caller's transaction)."""
    if _quiet.get():
        return []
    try:
        with transaction.atomic():
            return _notify(
                kind, recipients, title=title, url=url, by=by, dedupe_key=dedupe_key, email=email
            )
    except Exception:
        log.exception("Could not record the %s notification %r", kind, title)
        return []


def _notify(kind, recipients, *, title, url, by, dedupe_key, email) -> list[Notification]:
    if kind not in EVENTS:
        raise ValueError(f"Unknown notification kind: {kind}")
    people: dict[int, User] = {}
    for user in recipients:
        if user is not None and user.is_active and (by is None or user.pk != by.pk):
            people.setdefault(user.pk, user)
    if dedupe_key and people:
        already = set(
            Notification.objects.filter(
                recipient__in=list(people), dedupe_key=dedupe_key
            ).values_list("recipient_id", flat=True)
        )
        for pk in already:
            people.pop(pk, None)
    if not people:
        return []
    users = list(people.values())
    chosen = delivery_for(users, kind)
    title = title[:200]
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=kind,
                title=title,
                url=url,
                actor=by,
                delivery=chosen[user.pk],
                dedupe_key=dedupe_key,
            )
            for user in users
        ]
    )
    agency = Agency.load()
    line = email_line(kind, title)
    for row, user in zip(rows, users, strict=True):
        if email and row.delivery == Delivery.IMMEDIATE and user.email:
            queue_email(
                to=user.email,
                recipient=user,
                kind=kind,
                subject=f"{line} · {agency.name}",
                template="notifications/email/staff",
                context={
                    "agency": agency,
                    "line": line,
                    "link": site_url(url),
                    "settings_link": site_url(reverse("notifications:settings")),
                },
            )
    return rows


# --- Email ----------------------------------------------------------------------------


def queue_email(
    *,
    to: str,
    kind: str,
    subject: str,
    template: str,
    context: dict,
    recipient=None,
    key="",
    unsubscribe="",
) -> OutboundEmail | None:
    """Store the message (plain text and HTML) and send it after the transaction commits.
    `unsubscribe`: the stop link of a message to someone without an account."""
    email = OutboundEmail.objects.create(
        unsubscribe_url=unsubscribe,
        to=to,
        recipient=recipient,
        kind=kind,
        subject=" ".join(subject.split())[:250],
        body_text=render_to_string(f"{template}.txt", context).strip() + "\n",
        body_html=render_to_string(f"{template}.html", context),
        next_attempt_at=timezone.now(),
        dedupe_key=key,
    )
    email_id = email.pk
    transaction.on_commit(lambda: enqueue_delivery(email_id))
    return email


def enqueue_delivery(email_id: int, run_after=None) -> None:
    """Hand the message to the task worker. If even that fails, the hourly sweep finds the
    message still queued and sends it."""
    from notifications.tasks import deliver_email

    try:
        task = deliver_email
        if run_after is not None:
            from django_tasks import default_task_backend

            if not default_task_backend.supports_defer:
                return  # the sweep sends it when it is due
            task = deliver_email.using(run_after=run_after)
        task.enqueue(email_id)
    except Exception:
        log.exception("Could not queue email %s; the sweep will send it", email_id)


# --- Residents ------------------------------------------------------------------------


def address_hash(address: str) -> str:
    return keyed_hash(address.strip().lower())


STOP_SALT = "crd.resident-stop"


def stop_token(concern) -> str:
    """The resident's stop link: the keyed hash of their address and their language, signed.
    The link carries no address and no reference, and needs nothing of the concern to work."""
    return signing.dumps(
        {"h": address_hash(concern.contact_email), "l": concern.language}, salt=STOP_SALT
    )


def email_resident(concern, what: str, *, status_code: str = "") -> OutboundEmail | None:
    """The acknowledgment ("ack") or the resolution notice ("resolved") to a resident who
    gave an address and consent, in the language they used. Reference, dates and the
    department's contact only: no notes, no names, no details of the concern. The
    acknowledgment also gives the private code of the status page (concerns/status.py),
    and a link that carries both; the page moves the code out of its address at once."""
    address = (concern.contact_email or "").strip()
    if not address or not concern.consent_to_contact or _quiet.get():
        return None
    if ResidentOptOut.objects.filter(address_hash=address_hash(address)).exists():
        return None
    try:
        with transaction.atomic():
            agency = Agency.load()
            language = concern.language if concern.language in ("en", "es") else "en"
            with translation.override(language):
                stop = site_url(reverse("resident-stop", args=[stop_token(concern)]))
                context = {
                    "agency": agency,
                    "language": language,
                    "reference": concern.reference,
                    "received": concern.date_received,
                    "stop_link": stop,
                }
                if status_code:
                    query = {"ref": concern.reference, "code": status_code, "lang": language}
                    context["status_code"] = status_code
                    context["status_link"] = f"{site_url(reverse('status'))}?{urlencode(query)}"
                if what == "ack":
                    subject = translation.gettext("We received your concern %(reference)s")
                else:
                    subject = translation.gettext("Your concern %(reference)s has been resolved")
                # The reference alone: not even the agency's name shows on the resident's
                # locked screen (the sender and the message say who writes).
                subject = subject % {"reference": concern.reference}
                return queue_email(
                    to=address,
                    kind=f"resident_{what}",
                    subject=subject,
                    template=f"notifications/email/resident_{what}",
                    context=context,
                    unsubscribe=stop,
                )
    except Exception:
        log.exception("Could not queue the %s message for %s", what, concern.reference)
        return None


# --- Approvals ------------------------------------------------------------------------


def submitted_for_approval(record, *, what: str, permission: Permission, by: User) -> None:
    """Something waits for a decision: whoever may take it hears of it."""
    notify(
        "approval_waiting",
        deciders(permission),
        title=gettext("Waiting for your decision: %(what)s, from %(name)s")
        % {"what": what, "name": by.display_name},
        url=record.get_absolute_url(),
        by=by,
    )


def approval_decided(record, *, what: str, outcome: str, by: User, submitter) -> None:
    """The person who submitted it hears what was decided (the comment is on the page).
    `what` and `outcome` come translated: "program proposal “X”", "approved"."""
    what = str(what)
    notify(
        "approval_decided",
        [submitter],
        title=gettext("%(what)s %(outcome)s by %(name)s")
        % {"what": f"{what[:1].upper()}{what[1:]}", "outcome": outcome, "name": by.display_name},
        url=record.get_absolute_url(),
        by=by,
    )
