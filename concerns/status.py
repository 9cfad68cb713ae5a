"""Where a resident's concern stands: the private code and the lookup behind `/status/`.

A resident holds two things: the reference (CR-2026-0123), which says nothing secret and
is quoted on the phone, and a private code, which proves they are the one who raised it.
The code is not stored: it is a keyed hash (HMAC-SHA256) of the concern's random
`public_id` under a key derived from DJANGO_SECRET_KEY for this purpose alone, written as
ten characters of an alphabet with no 0/O or 1/I ("K7MXQ-3RWPA", 50 bits). Because it is
derived, no column holds it and every concern has one, old ones too; the price is that
rotating DJANGO_SECRET_KEY changes every code: the codes in emails already sent stop
working (the reference still works on the phone) unless the old key stays listed in
Django's SECRET_KEY_FALLBACKS, whose keys are still accepted here (pages and emails give
the code under the current key).

A check is refused before it is looked at once the client (its address, or its IPv6 /64)
has had `FAILED_TRIES_PER_HOUR` wrong answers in the last hour (the one rate limiter,
accounts/ratelimit.py), and every wrong answer is in the audit trail, with the reference
typed but never the code. A wrong code and an unknown reference get the same answer and
take the same work, so the page says nothing about which references exist.

What a check shows is `PublicStatus`: the status in three public words, the public note,
the category, and the dates of the public steps. Never a name, a contact, the source, the
place, the description, an internal note or who works on it. A conduct or bias concern
shows its status and dates only (001 IV.C: what happens to such a complaint is not told
in notes the public reads).
"""

import datetime as dt
import hmac
import math
import re
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from accounts import ratelimit
from accounts.lockout import client_key
from audit import trail as audit
from audit.models import AuditEvent
from concerns.models import Concern, ConcernUpdate
from concerns.references import REFERENCE

# Ten characters of 32 that cannot be misread for one another (no 0/O, no 1/I), shown in
# two groups of five; the surveys' invitation codes use the same alphabet.
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# The key's purpose: the same DJANGO_SECRET_KEY gives an unrelated key to anything else.
KEY_PURPOSE = "crd.concerns.status-code"
# Stands in for an unknown reference, so that it costs the same hash and comparison.
NOBODY = uuid.UUID(int=0)

SCOPE = "status-check"  # the rate limiter's name for this door
FAILED_TRIES_PER_HOUR = 10
# How long a result stays on the page after a check, in this browser only (the session).
SHOWN_FOR = dt.timedelta(minutes=30)
SESSION_KEY = "status_check"

NOT_FOUND = _(
    "We could not find a concern with that reference and code. Check both against the "
    "email or the page that gave them to you, and try again."
)


# --- The code ---------------------------------------------------------------------------


def _code_of(public_id: uuid.UUID, secret: str | None = None) -> str:
    digest = salted_hmac(KEY_PURPOSE, str(public_id), secret=secret, algorithm="sha256").digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * CODE_LENGTH)
    chars = [ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH))]
    return "".join(chars)


def private_code(concern: Concern) -> str:
    """The concern's private code as a resident reads it: "K7MXQ-3RWPA"."""
    raw = _code_of(concern.public_id)
    return f"{raw[:5]}-{raw[5:]}"


def clean_code(typed: str) -> str:
    """What was typed, as the code's characters: spaces, dashes and dots dropped, upper
    case (a code read out over the phone is often written down in lower case)."""
    return re.sub(r"[\s\-.·]", "", typed or "").upper()


def clean_reference(typed: str) -> str:
    """A reference as the allocator writes it, or "" for anything else: "cr 2026 0123" is
    CR-2026-0123. The number is kept as typed (an imported reference may have more
    zeros); `_variants` also tries it written with four digits."""
    text = (typed or "").strip().upper()
    parts = re.findall(r"\d+", text)
    if len(parts) != 2 or not text.startswith("CR") or len(text) > 40:
        return ""
    reference = f"CR-{parts[0]}-{parts[1]}"
    return reference if REFERENCE.match(reference) else ""


def _variants(reference: str) -> list[str]:
    """The reference, and the same written as the allocator does ("CR-2026-123" is
    CR-2026-0123)."""
    year, number = REFERENCE.match(reference).groups()
    return list(dict.fromkeys([reference, f"CR-{year}-{int(number):04d}"]))


# --- What a resident sees ---------------------------------------------------------------

# Short words that other pages translate for their own places: this page's are its own.
PUBLIC_WORDS = {
    "received": pgettext_lazy("status page", "Received"),
    "in_progress": pgettext_lazy("status page", "In progress"),
    "resolved": pgettext_lazy("status page", "Resolved"),
}
PUBLIC_MEANING = {
    "received": _("We have your concern. A member of the department will look at it."),
    "in_progress": _("The department is working on your concern."),
    "resolved": _("The department has finished its work on your concern."),
}
# The timeline lines that mean someone began work on it (the status moved on): their
# first date is when "in progress" began. Notes, assignments and corrections are not
# public steps.
STARTED = (
    ConcernUpdate.Kind.ESCALATED,
    ConcernUpdate.Kind.FORWARDED,
    ConcernUpdate.Kind.RECOMMENDATION,
    ConcernUpdate.Kind.ROUTED,
    ConcernUpdate.Kind.REFERRED,
    ConcernUpdate.Kind.PROGRESS,
)
STEP_NAMES = {
    "received": pgettext_lazy("status page", "Received"),
    "in_progress": pgettext_lazy("status page", "Work began"),
    "reopened": pgettext_lazy("status page", "Reopened"),
    "resolved": pgettext_lazy("status page", "Resolved"),
    "joined": pgettext_lazy("status page", "Joined with other reports of the same thing"),
}
JOINED = _(
    "Other residents reported the same thing. The department works on all the reports as "
    "one and tells each resident who asked when it is resolved."
)


@dataclass
class PublicStatus:
    reference: str
    status: str  # received, in_progress or resolved
    category: str = ""  # its label; empty for a conduct or bias concern
    note: str = ""  # the public note; empty for a conduct or bias concern
    steps: list[tuple[str, dt.date]] = field(default_factory=list)  # (label, date), in order
    joined: str = ""  # what it means when the concern was merged into another

    @property
    def words(self) -> str:
        return str(PUBLIC_WORDS[self.status])

    @property
    def meaning(self) -> str:
        return str(PUBLIC_MEANING[self.status])


def public_status_word(status: str) -> str:
    if status == Concern.Status.RESOLVED:
        return "resolved"
    if status == Concern.Status.RECEIVED:
        return "received"
    return "in_progress"


# Only what the page may show is read from the database (the rest is never in memory).
SHOWN_FIELDS = (
    "pk",
    "reference",
    "public_id",
    "status",
    "category",
    "public_note",
    "date_received",
    "resolved_at",
    "duplicate_of_id",
    "merged_at",
)


def public_status(concern: Concern) -> PublicStatus:
    """What the resident sees of their concern (two queries, with the concern's). A concern
    merged into another that leads (concerns/duplicates.py) shows the lead's progress, its
    note and its resolution under the resident's own reference: one query more."""
    followed = concern
    if concern.duplicate_of_id is not None:
        followed = Concern.objects.only(*SHOWN_FIELDS).get(pk=concern.duplicate_of_id)
    status = public_status_word(followed.status)
    dates = ConcernUpdate.objects.filter(concern_id=followed.pk).aggregate(
        started=Min("created_at", filter=Q(kind__in=STARTED)),
        reopened=Max("created_at", filter=Q(kind=ConcernUpdate.Kind.REOPENED)),
    )
    steps = [("received", concern.date_received)]
    if followed is not concern and concern.merged_at:
        steps.append(("joined", timezone.localdate(concern.merged_at)))
    if dates["started"] and status != "received":
        steps.append(("in_progress", timezone.localdate(dates["started"])))
    if dates["reopened"] and followed.status != Concern.Status.RECEIVED:
        steps.append(("reopened", timezone.localdate(dates["reopened"])))
    if status == "resolved" and followed.resolved_at:
        steps.append(("resolved", timezone.localdate(followed.resolved_at)))
    steps.sort(key=lambda step: step[1])  # a lead's work may predate this report
    shown = PublicStatus(
        reference=concern.reference,
        status=status,
        steps=[(str(STEP_NAMES[name]), day) for name, day in steps],
        joined=str(JOINED) if followed is not concern else "",
    )
    if not concern.is_conduct:
        shown.category = str(dict(Concern.Category.choices).get(concern.category, ""))
        shown.note = followed.public_note
    return shown


# --- The check --------------------------------------------------------------------------


class TooManyTries(Exception):
    """The client has had its wrong answers for the hour; nothing was looked at."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def message(self) -> str:
        # In minutes (at least one); the department can always answer on the phone.
        minutes = max(1, math.ceil(self.seconds / 60))
        return ngettext(
            "Too many wrong tries from your connection in the last hour. Please try again "
            "in %(minutes)d minute, or call the department: they can tell you where your "
            "concern stands.",
            "Too many wrong tries from your connection in the last hour. Please try again "
            "in %(minutes)d minutes, or call the department: they can tell you where your "
            "concern stands.",
            minutes,
        ) % {"minutes": minutes}


def check(request, *, reference: str, code: str) -> Concern | None:
    """The concern the reference and code open, or None (and the wrong answer counted and
    recorded). Raises TooManyTries before looking at anything when the client is over
    its limit."""
    client = client_key(request)
    failures, first, _last = ratelimit.recent(SCOPE, client)
    if failures >= FAILED_TRIES_PER_HOUR:
        raise TooManyTries(math.ceil((first + ratelimit.HOUR - timezone.now()).total_seconds()))
    wanted = clean_reference(reference)
    concern = None
    if wanted:
        variants = _variants(wanted)
        found = {
            c.reference: c
            for c in Concern.objects.only(*SHOWN_FIELDS).filter(reference__in=variants)
        }
        concern = next((found[v] for v in variants if v in found), None)
    public_id = concern.public_id if concern else NOBODY
    typed = clean_code(code).encode()[:64]
    # Every key is tried, whatever matches first: the same work for every answer.
    matches = False
    for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]:
        matches |= hmac.compare_digest(_code_of(public_id, secret).encode(), typed)
    if concern is not None and matches:
        return concern
    ratelimit.record(SCOPE, client)
    failures += 1
    # The reference as the allocator would write it (never the raw text, never the code).
    detail = f"Status page: reference and code did not match ({wanted or 'not a reference'})"
    if failures >= FAILED_TRIES_PER_HOUR:
        detail += f"; {failures} wrong answers in the hour, further tries refused"
    audit.record(AuditEvent.Action.LOGIN_FAILED, request=request, detail=detail)
    return None


def remember(request, concern: Concern) -> None:
    """Keep the result in this browser's session for a while (the page's address then
    carries no code)."""
    request.session[SESSION_KEY] = {
        "id": concern.pk,
        "until": (timezone.now() + SHOWN_FOR).isoformat(),
    }


def remembered(request) -> Concern | None:
    kept = request.session.get(SESSION_KEY)
    if not isinstance(kept, dict):
        return None
    try:
        until = dt.datetime.fromisoformat(kept["until"])
    except (KeyError, TypeError, ValueError):
        until = None
    if until is None or until < timezone.now():
        forget(request)
        return None
    return Concern.objects.only(*SHOWN_FIELDS).filter(pk=kept.get("id")).first()


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)
