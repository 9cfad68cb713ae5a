"""The audit trail (CJIS 5.4, ASVS V7; issue: security and audit).

Three sources write to one append-only table, `audit.AuditEvent`:

- **Row changes**: a PostgreSQL trigger on every model's table records each INSERT, UPDATE
  and DELETE, so `bulk_create`, `QuerySet.update()`, cascades and hand-written SQL are
  caught as well as `save()`. Who did it comes from settings the web request puts on its
  database connection just before each write (`AuditContext`): the member's id and
  username, the client address and the request path. Writes made outside a request (the
  task worker, the hourly sweep, `manage.py`) carry no member.
- **Sign-in events**: sign-in, failed sign-in, lockout, unlock, sign-out, password and
  second-factor changes, from Django's, django-axes' and django-otp's signals.
- **Reading**: every PDF, CSV or spreadsheet a page hands out, and every view of a
  concern's confidential source details.

The triggers, and those that keep the table append-only, are in audit/triggers.py; the
seals that make it tamper-evident in audit/chain.py; the database roles in audit/roles.py.
"""

import logging
import threading
from contextlib import suppress

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from audit.triggers import install_after_migrate
from core.web import client_address

logger = logging.getLogger(__name__)

# Settings on the database connection that tell the trigger who is acting.
GUC_ACTOR = "crd.actor_id"
GUC_NAME = "crd.actor_name"
GUC_CLIENT = "crd.client"
GUC_PATH = "crd.path"


# --- Who is acting: settings on the connection, put there just before each write --------

WRITE_VERBS = ("INSERT", "UPDATE", "DELETE")


def _valid_address(address: str) -> str:
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(address)
    except Exception:  # noqa: BLE001 - a malformed header is simply not recorded
        return ""
    return address


def request_context(request) -> dict[str, str]:
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        GUC_ACTOR: str(user.pk) if signed_in else "",
        GUC_NAME: user.get_username() if signed_in else "",
        GUC_CLIENT: _valid_address(client_address(request)),
        # A view whose path holds a secret (a calendar link) says what to write instead.
        GUC_PATH: f"{request.method} {getattr(request, 'audit_path', request.path)}"[:500],
    }


class _Writer:
    """An execute wrapper: before each INSERT, UPDATE or DELETE, tell the connection who
    is acting. Inside a transaction the settings are local to it; in autocommit they are
    kept for the session and cleared when the request ends. Sent on the driver's own
    cursor, so query counts in tests and debug tools are unchanged."""

    def __init__(self, request):
        self.request = request

    def __call__(self, execute, sql, params, many, context):
        if sql.lstrip()[:6].upper() in WRITE_VERBS and "django_session" not in sql[:80]:
            local = context["connection"].in_atomic_block
            self._send(context["cursor"].cursor, request_context(self.request), local)
            self.sent = True
        return execute(sql, params, many, context)

    sent = False

    @staticmethod
    def _send(raw_cursor, values: dict[str, str], local: bool):
        raw_cursor.execute(
            "SELECT set_config(%s, %s, %s), set_config(%s, %s, %s), "
            "set_config(%s, %s, %s), set_config(%s, %s, %s)",
            [x for name, value in values.items() for x in (name, value, local)],
        )

    def clear(self):
        """Forget the member once the request is over (the connection serves others)."""
        if self.sent and connection.connection is not None:
            blank = dict.fromkeys((GUC_ACTOR, GUC_NAME, GUC_CLIENT, GUC_PATH), "")
            with suppress(Exception), connection.connection.cursor() as raw:
                self._send(raw, blank, connection.in_atomic_block)


# Every file a page hands out, and how the trail names it (issue 21, finding 7). Not
# recorded: pages, 311 data, and static files (WhiteNoise answers before this middleware).
EXPORT_TYPES = {
    "application/pdf": "PDF",
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/zip": "ZIP",
    "text/calendar": "Calendar",
    "image/png": "Image",
    "image/jpeg": "Image",
}


_serving = threading.local()


class AuditContext:
    """Puts the acting member on every write of the request, and records every PDF, CSV or
    spreadsheet handed out. Remembers the request for events raised deep in a model's
    save() (a password change)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        writer = _Writer(request)
        _serving.request = request
        try:
            with connection.execute_wrapper(writer):
                response = self.get_response(request)
                if response.status_code == 200:
                    content_type = response.get("Content-Type", "").split(";")[0].strip()
                    if content_type in EXPORT_TYPES:
                        record(
                            AuditEvent.Action.EXPORT,
                            request=request,
                            detail=_export_detail(response, content_type),
                        )
        finally:
            _serving.request = None
            writer.clear()
        return response


def _export_detail(response, content_type) -> str:
    """Kind and file name ("PDF x.pdf"), and the view's `response.audit_detail`, if any."""
    disposition = response.get("Content-Disposition", "")
    name = disposition.split("filename=")[-1].strip('"') if "filename=" in disposition else ""
    extra = getattr(response, "audit_detail", "")
    return " ".join(p for p in (EXPORT_TYPES[content_type], name, extra) if p)[:500]


# --- Events the application records ----------------------------------------------------

SECOND_FACTOR_DUE = "crd_second_factor_due"  # on a request whose password owes a code
SIGN_IN_DETAIL = "crd_sign_in_detail"  # how the person signed in, when not by password


def record(action, *, request=None, user=None, record=None, detail="", username=""):
    """Append one event. Never raises: a failure to audit is logged loudly, and the page
    the member asked for still answers."""
    try:
        values = {"action": action, "detail": str(detail)[:500]}
        if request is not None:
            context = request_context(request)
            values.update(
                actor_id=int(context[GUC_ACTOR]) if context[GUC_ACTOR] else None,
                actor_name=context[GUC_NAME],
                client_address=context[GUC_CLIENT] or None,
                path=context[GUC_PATH],
            )
        if user is not None:
            values.update(actor_id=user.pk, actor_name=user.get_username())
        elif username and not values.get("actor_name"):
            values["actor_name"] = username[:150]
        if record is not None:
            values.update(record_type=record._meta.db_table, record_id=str(record.pk))
        AuditEvent.objects.create(**values)
    except Exception:
        logger.exception("Could not write an audit event (%s)", action)


def current_request():
    """The request this thread serves, if any (events raised deep in a save or a delete)."""
    return getattr(_serving, "request", None)


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    # The sign-in page marks a password that still owes a second factor: "signed in" is
    # written after the code (accounts.mfa).
    pending = getattr(request, SECOND_FACTOR_DUE, False)
    record(
        AuditEvent.Action.LOGIN_PENDING if pending else AuditEvent.Action.LOGIN,
        request=request,
        user=user,
        detail=getattr(request, SIGN_IN_DETAIL, ""),
    )


@receiver(user_logged_out, dispatch_uid="audit-logout")
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "audit_detail", "") if request is not None else ""
    record(AuditEvent.Action.LOGOUT, request=request, user=user, detail=reason)


@receiver(user_login_failed, dispatch_uid="audit-failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    # The name typed is kept as typed: whether it exists is for the Chief to look up.
    username = str(credentials.get("username", ""))[:150]
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=username,
        detail=f"Username typed: {username}",
    )


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(
        AuditEvent.Action.LOCKOUT,
        request=request,
        username=username or "",
        detail=f"Locked after repeated failed sign-ins: {username}",
    )


def _user_saved(sender, instance, created, update_fields=None, **kwargs):
    # AbstractBaseUser.save() keeps the new raw password until after post_save. A save of
    # the password column alone is Django upgrading the hash at sign-in, not a change.
    rehash = update_fields is not None and set(update_fields) == {"password"}
    if getattr(instance, "_password", None) is not None and not created and not rehash:
        record(
            AuditEvent.Action.PASSWORD,
            record=instance,
            detail=f"Password changed for {instance.get_username()}",
            **_acting(),
        )


def _device_changed(sender, instance, created=None, update_fields=None, **kwargs):
    """A second factor turned on (an authenticator confirmed, recovery codes issued) or
    removed. The counters django-otp saves at every code are not changes."""
    if not instance.confirmed:
        return
    if created is None:
        what = "removed"
    elif created or (update_fields and "confirmed" in update_fields):
        what = "added"
    else:
        return
    label = "Recovery codes" if sender._meta.model_name == "staticdevice" else "Authenticator"
    owner = instance.user
    record(
        AuditEvent.Action.MFA,
        record=owner,
        detail=f"{label} {what} for {owner.get_username()}",
        **_acting(),
    )


def _acting() -> dict:
    return {"request": current_request()} if current_request() is not None else {}


def connect_signals():
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_migrate.connect(install_after_migrate, sender=apps.get_app_config("audit"))
    user_locked_out.connect(_locked_out, dispatch_uid="audit-lockout")
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="audit-password")
    for device in (TOTPDevice, StaticDevice):
        post_save.connect(_device_changed, sender=device, dispatch_uid=f"audit-{device}")
        post_delete.connect(_device_changed, sender=device, dispatch_uid=f"audit-d-{device}")


def source_viewed(request, concern) -> None:
    """A concern's confidential source details were shown to this member."""
    record(
        AuditEvent.Action.SOURCE_VIEWED,
        request=request,
        record=concern,
        detail=f"Source details of {concern.reference}",
    )
