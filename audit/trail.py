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

A second trigger refuses UPDATE and DELETE on the table itself. Archiving entries older
than a year (`manage.py archive_audit`) lifts it inside one transaction, as the table's
owner, after writing them to a file (docs/SECURITY.md).
"""

import logging
import threading
from contextlib import suppress

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from audit.models import AuditEvent
from core.web import client_address

logger = logging.getLogger(__name__)

AUDIT_TABLE = "audit_auditevent"
ROW_TRIGGER = "crd_audit_row"
APPEND_ONLY_TRIGGER = "crd_audit_append_only"

# Tables whose rows are not records: the session store, the task queue, django-axes' own
# sign-in logs (failed sign-ins and lockouts are audited as events instead), the rate
# limiter's counts, and the trail itself.
NOT_AUDITED = {
    AUDIT_TABLE,
    "django_session",
    "django_tasks_database_dbtaskresult",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "accounts_ratelimithit",
}
# Columns whose values never enter the trail (a change to one is recorded as "changed"):
# password hashes, second-factor secrets, and the digests of shown-once secrets.
HIDDEN_COLUMNS = (
    "password",
    "key",
    "token",
    "code_hash",
    "token_hash",
    "key_hash",
    "address_hash",
)
HIDDEN_VALUE = "(changed)"

# Settings on the database connection that tell the trigger who is acting.
GUC_ACTOR = "crd.actor_id"
GUC_NAME = "crd.actor_name"
GUC_CLIENT = "crd.client"
GUC_PATH = "crd.path"

# Written out in full (no formatting): the names match the constants above.
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION crd_audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    pk text := TG_ARGV[0];
    hidden text[] := coalesce(TG_ARGV[1:TG_NARGS - 1], '{}');
    old_full jsonb;
    new_full jsonb;
    diff jsonb;
    column_name text;
BEGIN
    IF TG_OP <> 'INSERT' THEN old_full := to_jsonb(OLD); END IF;
    IF TG_OP <> 'DELETE' THEN new_full := to_jsonb(NEW); END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, jsonb_build_array(o.value, n.value)) INTO diff
        FROM jsonb_each(new_full - hidden) AS n
        JOIN jsonb_each(old_full - hidden) AS o USING (key)
        WHERE n.value IS DISTINCT FROM o.value;
        FOREACH column_name IN ARRAY hidden LOOP
            IF (new_full -> column_name) IS DISTINCT FROM (old_full -> column_name) THEN
                diff := coalesce(diff, '{}'::jsonb)
                    || jsonb_build_object(column_name, '(changed)');
            END IF;
        END LOOP;
        IF diff IS NULL THEN
            RETURN NULL;  -- nothing changed: nothing to record
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        diff := new_full - hidden;
    ELSE
        diff := old_full - hidden;
    END IF;
    INSERT INTO audit_auditevent
        (at, action, actor_id, actor_name, client_address, path, record_type, record_id,
         changes, detail)
    VALUES (
        statement_timestamp(),
        lower(TG_OP),
        nullif(current_setting('crd.actor_id', true), '')::bigint,
        coalesce(current_setting('crd.actor_name', true), ''),
        nullif(current_setting('crd.client', true), '')::inet,
        coalesce(current_setting('crd.path', true), ''),
        TG_TABLE_NAME,
        coalesce(new_full ->> pk, old_full ->> pk, ''),
        diff,
        ''
    );
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION crd_audit_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'The audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
"""


def audited_tables() -> dict[str, tuple[str, list[str]]]:
    """Every model table the trail covers: {table: (primary key column, hidden columns)}."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in NOT_AUDITED:
            continue
        columns = {f.column for f in meta.local_concrete_fields}
        hidden = sorted(c for c in columns if c in HIDDEN_COLUMNS)
        tables[meta.db_table] = (meta.pk.column, hidden)
    return tables


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Create or refresh the trail's functions and triggers; returns the tables covered.
    Idempotent: run after every migrate, so a new model's table is covered at once."""
    tables = audited_tables()
    conn = connections[using]
    with conn.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND c.relname = ANY(%s) AND NOT t.tgisinternal",
            [ROW_TRIGGER, list(tables)],
        )
        (present,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [APPEND_ONLY_TRIGGER])
        (guarded,) = cursor.fetchone()
        # The functions are always refreshed (cheap); the triggers only when one is missing.
        cursor.execute(FUNCTIONS_SQL)
        if present == len(tables) and guarded == 1:
            return len(tables)
        for table, (pk, hidden) in tables.items():
            arguments = ", ".join(_literal(a) for a in [pk, *hidden])
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {ROW_TRIGGER} "  # noqa: S608 - names from models
                f"AFTER INSERT OR UPDATE OR DELETE ON {_quote(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION crd_audit_row({arguments})"
            )
        cursor.execute(
            f"CREATE OR REPLACE TRIGGER {APPEND_ONLY_TRIGGER} "
            f"BEFORE UPDATE OR DELETE ON {AUDIT_TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION crd_audit_refuse()"
        )
    return len(tables)


def _install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # Sent for each app once every migration has run, so every table exists by then.
    install_triggers(using)


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
        GUC_PATH: f"{request.method} {request.path}"[:500],
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


EXPORT_TYPES = (
    "application/pdf",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


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
    disposition = response.get("Content-Disposition", "")
    name = disposition.split("filename=")[-1].strip('"') if "filename=" in disposition else ""
    kind = {"application/pdf": "PDF", "text/csv": "CSV"}.get(content_type, "Excel")
    return f"{kind} {name}".strip()[:500]


# --- Events the application records ----------------------------------------------------


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


@receiver(user_logged_in, dispatch_uid="audit-login")
def _logged_in(sender, request, user, **kwargs):
    record(AuditEvent.Action.LOGIN, request=request, user=user)


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
    request = getattr(_serving, "request", None)
    return {"request": request} if request is not None else {}


def connect_signals():
    from axes.signals import user_locked_out
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    post_migrate.connect(_install_after_migrate, sender=apps.get_app_config("audit"))
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
