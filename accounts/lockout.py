"""Sign-in under attack: a delay per username and client, a ceiling per client, and a lock
on a username only when many clients fail for it (docs/ARCHITECTURE.md, security).

An outsider who knows the Chief's username must not be able to lock the Chief out from one
address, so failures are counted per (client, username): after CRD_SIGNIN_FREE_FAILURES of
them each further try from that client for that username waits 2, 4, 8 ... seconds, at
most CRD_SIGNIN_MAX_DELAY_SECONDS, and is answered 429 without looking at the password.
One client's failures, whatever the usernames, stop at CRD_SIGNIN_CLIENT_LIMIT per
CRD_FAILURE_WINDOW_MINUTES (a whole station shares one address, so the ceiling is high).
A username is locked from everywhere only when CRD_LOCK_CLIENTS different clients failed
for it within that window (someone guessing from many machines), and the lock ends by
itself CRD_LOCK_MINUTES later, or sooner by an unlock.

What counts as a failure: a wrong password at either sign-in page, at re-authentication
and at the password change, and a wrong second-factor code (`failed()`). Only a complete
sign-in (the code too where one is due) starts the count again (`succeeded()`).

django-axes keeps the rows (one per username, client network and browser, plus one row
that records a lock), refuses a locked username in every authenticate(), and offers
`manage.py axes_reset`. Every lock, unlock and reset is written to the audit trail: the
handler's delete hook sees rows removed by any command, the admin or a shell.
"""

import contextlib
import contextvars
import datetime as dt
import getpass
import ipaddress
import math
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import ngettext

from accounts import ratelimit
from audit import trail as audit
from audit.models import AuditEvent
from core.web import client_address, keyed_hash

CLIENT_SCOPE = "sign-in"
PAIR_SCOPE = "sign-in-pair"
# The row that records a lock: no address, this in place of a browser's name.
LOCK_MARK = "(username locked)"


def client_network(request) -> str | None:
    """The client as counted: its address, or for IPv6 its /64 (whoever holds one address
    of a /64 holds them all). None when there is no valid address."""
    try:
        ip = ipaddress.ip_address(client_address(request))
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address)
    return str(ip)


def client_key(request) -> str:
    return keyed_hash(client_network(request) or "")


def pair_key(request, username: str) -> str:
    return keyed_hash(f"{client_network(request) or ''}\n{username}")


def delay(failures: int) -> int:
    """Seconds to wait after `failures` failures for one username from one client."""
    free = settings.CRD_SIGNIN_FREE_FAILURES
    if failures < free:
        return 0
    return min(2 ** min(failures - free + 1, 30), settings.CRD_SIGNIN_MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class Refusal:
    """A try refused before any password or code is looked at (429, Retry-After)."""

    message: str
    retry_after: int
    status: int = 429

    def apply(self, response):
        response["Retry-After"] = str(self.retry_after)
        return response


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def refusal(request, username: str) -> Refusal | None:
    """Why this try may not be checked now, or None. Asked before every password or code
    check, so a refused try reveals nothing and counts nothing."""
    now = timezone.now()
    window = dt.timedelta(minutes=settings.CRD_FAILURE_WINDOW_MINUTES)
    used, first, _ = ratelimit.recent(CLIENT_SCOPE, client_key(request), window=window)
    if used >= settings.CRD_SIGNIN_CLIENT_LIMIT:
        minutes = math.ceil(_seconds(first + window - now) / 60)
        message = ngettext(
            "Too many failed sign-ins from this connection. Try again in %(minutes)d "
            "minute, or ask the Community Relations Officer or an administrator for help.",
            "Too many failed sign-ins from this connection. Try again in %(minutes)d "
            "minutes, or ask the Community Relations Officer or an administrator for help.",
            minutes,
        ) % {"minutes": minutes}
        return Refusal(message, _seconds(first + window - now))
    pair_window = dt.timedelta(minutes=settings.CRD_SIGNIN_PAIR_WINDOW_MINUTES)
    count, _, last = ratelimit.recent(PAIR_SCOPE, pair_key(request, username), window=pair_window)
    wait = delay(count)
    if wait and last + dt.timedelta(seconds=wait) > now:
        seconds = _seconds(last + dt.timedelta(seconds=wait) - now)
        message = ngettext(
            "Too many failed tries for this username from this connection. Wait "
            "%(seconds)d second, then try again.",
            "Too many failed tries for this username from this connection. Wait "
            "%(seconds)d seconds, then try again.",
            seconds,
        ) % {"seconds": seconds}
        return Refusal(message, seconds)
    return None


def _failures(username: str):
    return AccessAttempt.objects.filter(username=username).exclude(
        ip_address__isnull=True, user_agent=LOCK_MARK
    )


def _locks():
    since = timezone.now() - dt.timedelta(minutes=settings.CRD_LOCK_MINUTES)
    return AccessAttempt.objects.filter(
        ip_address__isnull=True, user_agent=LOCK_MARK, attempt_time__gt=since
    )


def is_locked(username: str) -> bool:
    return bool(username) and _locks().filter(username=username).exists()


def locked_usernames() -> list[dict]:
    """Each locked username: how many clients failed, when it was locked and when the lock
    ends by itself; the latest first."""
    duration = dt.timedelta(minutes=settings.CRD_LOCK_MINUTES)
    rows = _locks().order_by("-attempt_time").values("username", "failures_since_start")
    rows = rows.annotate(last=F("attempt_time"))
    return [
        {
            "username": row["username"],
            "failures": row["failures_since_start"],
            "last": row["last"],
            "until": row["last"] + duration,
        }
        for row in rows
    ]


def lockout_response(request, original_response=None, credentials=None):
    """The lock page, the same for every username (axes' middleware and the pages that
    check a code or a password use it)."""
    context = {"lock_minutes": settings.CRD_LOCK_MINUTES}
    return render(request, "accounts/locked_out.html", context, status=403)


def failed(request, username: str) -> None:
    """Count one failure of this client for this username, and lock the username when
    enough different clients have failed for it."""
    now = timezone.now()
    ratelimit.record(CLIENT_SCOPE, client_key(request))
    ratelimit.record(PAIR_SCOPE, pair_key(request, username))
    if not username:
        return
    username = username[:255]
    address = client_network(request)
    agent = request.META.get("HTTP_USER_AGENT", "")[:250]
    if address is None and agent == LOCK_MARK:
        agent += "?"  # a browser's name never passes for a lock
    with transaction.atomic():
        attempt, created = AccessAttempt.objects.select_for_update().get_or_create(
            username=username,
            ip_address=address,
            user_agent=agent,
            defaults={
                "get_data": "",
                "post_data": "",
                "http_accept": request.META.get("HTTP_ACCEPT", "")[:1025],
                "path_info": request.path[:255],
                "failures_since_start": 1,
            },
        )
        if not created:
            AccessAttempt.objects.filter(pk=attempt.pk).update(
                failures_since_start=F("failures_since_start") + 1,
                attempt_time=now,
                path_info=request.path[:255],
            )
        _lock_if_many_clients(request, username, now)


def _lock_if_many_clients(request, username: str, now) -> None:
    since = now - dt.timedelta(minutes=settings.CRD_FAILURE_WINDOW_MINUTES)
    recent = _failures(username).filter(attempt_time__gte=since)
    clients = recent.values("ip_address").distinct().count()
    if clients < settings.CRD_LOCK_CLIENTS or is_locked(username):
        return
    AccessAttempt.objects.update_or_create(
        username=username,
        ip_address=None,
        user_agent=LOCK_MARK,
        defaults={
            "attempt_time": now,
            "failures_since_start": clients,
            "get_data": "",
            "post_data": "",
            "http_accept": "",
            "path_info": request.path[:255],
        },
    )
    request.axes_locked_out = True  # axes' middleware answers this try with the lock page
    user_locked_out.send(
        "accounts", request=request, username=username, ip_address=client_network(request)
    )


def succeeded(request, username: str) -> None:
    """A complete sign-in: this username's failures are forgotten (a live lock stays: no
    sign-in gets past it)."""
    with housekeeping():
        _failures(username).delete()
    ratelimit.forget(PAIR_SCOPE, pair_key(request, username))


# --- Deletions the trail must hear of ---------------------------------------------------

_quiet = contextvars.ContextVar("crd_lockout_housekeeping", default=False)


@contextlib.contextmanager
def housekeeping():
    """Rows removed by the rules themselves (a sign-in, an expiry, the unlock page, which
    records its own event) are not resets."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def _system_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no name in the environment: say so
        return "unknown"


def record_removal(attempt: AccessAttempt) -> None:
    """A row removed from outside the rules: `manage.py axes_reset` (and its variants),
    the admin, a shell. A live lock is an unlock; any other row a reset of failures."""
    request = audit.current_request()
    actor = "" if request is not None else f"manage.py or shell ({_system_user()})"
    username = attempt.username or ""
    live = attempt.user_agent == LOCK_MARK and attempt.ip_address is None
    live = live and attempt.attempt_time > timezone.now() - dt.timedelta(
        minutes=settings.CRD_LOCK_MINUTES
    )
    if live:
        action, detail = AuditEvent.Action.UNLOCK, f"Unlocked {username}"
    else:
        action = AuditEvent.Action.LOCK_RESET
        detail = (
            f"Failed sign-ins of {username} forgotten "
            f"({attempt.failures_since_start} from {attempt.ip_address or 'no address'})"
        )
    if actor:
        detail += f", outside the app by {actor}"
    audit.record(action, request=request, username=actor, detail=detail)


class LockoutHandler(AxesDatabaseHandler):
    """django-axes, with the department's rules instead of axes' own count."""

    def is_locked(self, request, credentials=None) -> bool:
        return is_locked(get_client_username(request, credentials) or "")

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # A try refused because of a lock is not one more failure (it would extend it).
        if request is None or getattr(request, "axes_locked_out", False):
            return
        failed(request, get_client_username(request, credentials) or "")

    def user_logged_in(self, sender, request, user, **kwargs):
        with housekeeping():
            super().user_logged_in(sender, request, user, **kwargs)
        # With a second factor due, the password alone proves nothing yet (accounts.mfa
        # calls succeeded() after the code).
        if request is not None and not getattr(request, audit.SECOND_FACTOR_DUE, False):
            succeeded(request, user.get_username())

    def user_logged_out(self, sender, request, user, **kwargs):
        with housekeeping():
            super().user_logged_out(sender, request, user, **kwargs)

    def post_delete_access_attempt(self, instance, **kwargs):
        if not _quiet.get():
            record_removal(instance)
