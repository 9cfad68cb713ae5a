"""Two database roles, so that the application cannot rewrite its own audit trail.

- The **owner** owns the database, its schema, every table and the trail's functions. It
  runs the migrations, `archive_audit` and `restore`; nothing else connects as it.
- The **application** role (DATABASE_URL) owns nothing. It reads and writes the records,
  but on the trail and its seals it may only SELECT and INSERT: no UPDATE, DELETE or
  TRUNCATE, and, owning no table, it can neither disable nor drop a trigger.

`manage.py setup_db_roles` creates both, hands every existing object to the owner and
grants the application its rights; after every `migrate` the grants are applied again, so
a new table is covered at once (audit.trail's post-migrate hook). `as_owner()` lends the
owner's credentials to the default connection for one command (DATABASE_MIGRATION_URL).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg import sql

# No model is imported here: the embedded server's start (config/embedded_db.py) sets the
# roles up before Django's apps are loaded.
AUDIT_TABLE = "audit_auditevent"
SEAL_TABLE = "audit_auditseal"
CHECK_TABLE = "audit_auditcheck"
# What the application may do to every table, and what it may not do to the trail.
APP_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
TRAIL_TABLES = (AUDIT_TABLE, SEAL_TABLE, CHECK_TABLE)
CONNECTION_KEYS = ("USER", "PASSWORD", "HOST", "PORT", "OPTIONS")


def owner_settings() -> dict | None:
    """The owner's connection settings (DATABASE_MIGRATION_URL), or None without a split."""
    return getattr(settings, "CRD_OWNER_DATABASE", None)


def app_role(using: str = DEFAULT_DB_ALIAS) -> str:
    return settings.DATABASES[using].get("USER", "")


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Connect as the owner for the duration (migrations, archiving, restores); yields the
    application role's name so grants can be given to it. Without a split (or when the
    connection already is the owner's) it changes nothing and yields ""."""
    owner = owner_settings()
    conn = connections[using]
    app = conn.settings_dict.get("USER", "")
    if not owner or owner.get("USER") == app:
        yield ""
        return
    saved = {key: conn.settings_dict.get(key) for key in CONNECTION_KEYS}
    conn.close()
    conn.settings_dict.update({k: owner[k] for k in CONNECTION_KEYS if owner.get(k) is not None})
    try:
        yield app
    finally:
        conn.close()
        conn.settings_dict.update(saved)


def _exists(cursor, role: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
    return cursor.fetchone() is not None


def _ensure_role(cursor, role: str, password: str | None, *, createdb: bool = False) -> bool:
    """Create a login role with no special powers; True when it was new."""
    created = not _exists(cursor, role)
    if created:
        cursor.execute(
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEROLE NOINHERIT {}").format(
                sql.Identifier(role), sql.SQL("CREATEDB" if createdb else "NOCREATEDB")
            )
        )
    if password:
        cursor.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password))
        )
    return created


def _owned_objects(cursor, schema: str) -> list[tuple[str, str]]:
    """(kind, qualified name) of every table, view, sequence and function in the schema."""
    cursor.execute(
        """
        SELECT CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                              WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
               format('%%I.%%I', n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i'
                          AND c.relkind = 'S')
        UNION ALL
        SELECT 'FUNCTION', p.oid::regprocedure::text
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %s
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        """,
        [schema, schema],
    )
    return cursor.fetchall()


def setup_roles(
    cursor,
    *,
    owner: str,
    app: str,
    database: str,
    owner_password: str | None = None,
    app_password: str | None = None,
    schema: str = "public",
) -> list[str]:
    """Create the roles (when missing), give every object to the owner and the rights to
    the application. Run as a superuser or a role with CREATEROLE that owns the database.
    Idempotent. Returns what it did, one line each."""
    if owner == app:
        raise ValueError("The owner and the application need two different roles.")
    done = []
    for role, password, createdb in ((owner, owner_password, True), (app, app_password, False)):
        if _ensure_role(cursor, role, password, createdb=createdb):
            done.append(f"created role {role}")
    cursor.execute(
        sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
            sql.Identifier(database), sql.Identifier(owner)
        )
    )
    cursor.execute(
        sql.SQL("ALTER SCHEMA {} OWNER TO {}").format(sql.Identifier(schema), sql.Identifier(owner))
    )
    moved = 0
    for kind, name in _owned_objects(cursor, schema):
        cursor.execute(
            sql.SQL("ALTER {} {} OWNER TO {}").format(
                sql.SQL(kind), sql.SQL(name), sql.Identifier(owner)
            )
        )
        moved += 1
    done.append(f"{moved} objects now owned by {owner}")
    cursor.execute(
        sql.SQL("GRANT CONNECT, TEMPORARY ON DATABASE {} TO {}").format(
            sql.Identifier(database), sql.Identifier(app)
        )
    )
    cursor.execute(sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(sql.Identifier(schema)))
    cursor.execute(
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(
            sql.Identifier(schema), sql.Identifier(app)
        )
    )
    for kind, rights in (("TABLES", APP_RIGHTS), ("SEQUENCES", "USAGE, SELECT")):
        cursor.execute(
            sql.SQL(
                "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON {} TO {}"
            ).format(
                sql.Identifier(owner),
                sql.Identifier(schema),
                sql.SQL(rights),
                sql.SQL(kind),
                sql.Identifier(app),
            )
        )
    grant_app_rights(cursor, app, schema=schema)
    done.append(f"{app} may read and write the records, and only add to the audit trail")
    return done


def grant_app_rights(cursor, app: str, *, schema: str = "public") -> None:
    """The application's rights on every table, the trail's limited to SELECT and INSERT.
    Run by the owner after every migrate (a new table gets its grant at once)."""
    role, space = sql.Identifier(app), sql.Identifier(schema)
    cursor.execute(
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
            sql.SQL(APP_RIGHTS), space, role
        )
    )
    cursor.execute(
        sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {} FROM {}").format(
            space, role
        )
    )
    cursor.execute(
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(space, role)
    )
    # Before the first migrate the trail's tables do not exist yet: the migrate after
    # creating them calls this again.
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r' "
        "AND relnamespace = to_regnamespace(%s)",
        [list(TRAIL_TABLES), schema],
    )
    present = [name for (name,) in cursor.fetchall()]
    if present:
        cursor.execute(
            sql.SQL("REVOKE UPDATE, DELETE ON {} FROM {}").format(
                sql.SQL(", ").join(sql.Identifier(t) for t in present), role
            )
        )
