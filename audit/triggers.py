"""The database triggers the audit trail rests on (audit/trail.py says what it records).

- `crd_audit_row` on every model's table records each INSERT, UPDATE and DELETE.
- `crd_audit_append_only` refuses UPDATE and DELETE on the trail and its seals, and
  `crd_audit_no_truncate` refuses TRUNCATE; archiving entries older than a year
  (`manage.py archive_audit`) lifts the first inside one transaction, as the owner.
- `crd_audit_stamp` dates each event by the database's clock unless the table's owner
  gives a date (a restore, a test): the application's role cannot backdate one.

They are created after every `migrate`; `missing_triggers()` says which are gone or off,
and the daily check of the trail reports it (audit/chain.py).
"""

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections

from audit.roles import AUDIT_TABLE, CHECK_TABLE, SEAL_TABLE

ROW_TRIGGER = "crd_audit_row"
APPEND_ONLY_TRIGGER = "crd_audit_append_only"
TRUNCATE_TRIGGER = "crd_audit_no_truncate"
STAMP_TRIGGER = "crd_audit_stamp"
# The trail and its seals only grow (audit/chain.py seals the trail).
APPEND_ONLY_TABLES = (AUDIT_TABLE, SEAL_TABLE)

# Tables whose rows are not records: the session store, the task queue and the workers'
# heartbeats (desk/health.py), django-axes' own sign-in logs (failed sign-ins and lockouts
# are audited as events instead), the rate limiter's counts, and the trail itself.
NOT_AUDITED = {
    AUDIT_TABLE,
    SEAL_TABLE,
    CHECK_TABLE,
    "django_session",
    "django_tasks_database_dbtaskresult",
    "desk_workerbeat",
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

-- An event's time is the database's, unless the table's owner (a restore, a test) gives
-- one: the role the application runs as cannot date an event in the past or the future.
CREATE OR REPLACE FUNCTION crd_audit_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.at IS NULL
        OR NEW.at < transaction_timestamp() - interval '1 minute'
        OR NEW.at > clock_timestamp() + interval '1 minute')
       AND NOT pg_has_role(
           current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        NEW.at := statement_timestamp();
    END IF;
    RETURN NEW;
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
        # Derived rows the database keeps (core/tallies.py): the trail records their source.
        if not getattr(model, "audited", True):
            continue
        columns = {f.column for f in meta.local_concrete_fields}
        hidden = sorted(c for c in columns if c in HIDDEN_COLUMNS)
        tables[meta.db_table] = (meta.pk.column, hidden)
    return tables


def existing_tables(using: str = DEFAULT_DB_ALIAS) -> set[str]:
    """The tables there are now: after migrating an app backwards, some models have none."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
            "AND relnamespace = to_regnamespace(current_schema())::oid"
        )
        return {name for (name,) in cursor.fetchall()}


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Create or refresh the trail's functions and triggers; returns the tables covered.
    Idempotent: run after every migrate, so a new model's table is covered at once."""
    existing = existing_tables(using)
    tables = {t: columns for t, columns in audited_tables().items() if t in existing}
    conn = connections[using]
    with conn.cursor() as cursor:
        # The functions are always refreshed (cheap); the triggers only when one is missing.
        cursor.execute(FUNCTIONS_SQL)
        if not missing_triggers(using):
            return len(tables)
        for table, (pk, hidden) in tables.items():
            arguments = ", ".join(_literal(a) for a in [pk, *hidden])
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {ROW_TRIGGER} "  # noqa: S608 - names from models
                f"AFTER INSERT OR UPDATE OR DELETE ON {_quote(table)} "
                f"FOR EACH ROW EXECUTE FUNCTION crd_audit_row({arguments})"
            )
        for table in (t for t in APPEND_ONLY_TABLES if t in existing):
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {APPEND_ONLY_TRIGGER} "
                f"BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION crd_audit_refuse()"
            )
            if settings.CRD_AUDIT_GUARD_TRUNCATE:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION crd_audit_refuse()"
                )
        if AUDIT_TABLE in existing:
            cursor.execute(
                f"CREATE OR REPLACE TRIGGER {STAMP_TRIGGER} BEFORE INSERT ON {AUDIT_TABLE} "
                "FOR EACH ROW EXECUTE FUNCTION crd_audit_stamp()"
            )
    return len(tables)


def expected_triggers(existing: set[str]) -> list[tuple[str, str]]:
    """(table, trigger) for every trigger the trail depends on, on the tables there are."""
    wanted = [(table, ROW_TRIGGER) for table in audited_tables() if table in existing]
    for table in APPEND_ONLY_TABLES:
        wanted.append((table, APPEND_ONLY_TRIGGER))
        if settings.CRD_AUDIT_GUARD_TRUNCATE:
            wanted.append((table, TRUNCATE_TRIGGER))
    wanted.append((AUDIT_TABLE, STAMP_TRIGGER))
    return [(table, name) for table, name in wanted if table in existing]


def missing_triggers(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What is missing or switched off of the triggers the trail depends on, one sentence
    each: an edit to a table whose trigger is gone goes unrecorded."""
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t "
            "JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = ANY(%s) AND NOT t.tgisinternal AND c.relnamespace = "
            "to_regnamespace(current_schema())::oid",
            [[ROW_TRIGGER, APPEND_ONLY_TRIGGER, TRUNCATE_TRIGGER, STAMP_TRIGGER]],
        )
        present = {(table, name): enabled for table, name, enabled in cursor.fetchall()}
    problems = []
    for table, name in expected_triggers(existing_tables(using)):
        state = present.get((table, name))
        if state is None:
            problems.append(f"trigger {name} on {table} is missing.")
        elif state == "D":
            problems.append(f"trigger {name} on {table} is disabled.")
    return problems


def install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    # Sent for each app once every migration has run, so every table exists by then.
    install_triggers(using)
