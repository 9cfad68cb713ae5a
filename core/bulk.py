"""Bulk loading for the benchmark seeders: SQL literals for generated INSERT ... SELECT
statements, and dropping and rebuilding secondary indexes around a large load."""

import time


def sql_array(values) -> str:
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)
    return f"ARRAY[{quoted}]"


def sql_literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def skip_foreign_key_checks(cursor) -> bool:
    """Every id written here was just read from the tables it points to, so checking 4.6
    million foreign keys one trigger at a time proves nothing. A superuser (the embedded
    server's and the benchmark's) can skip them for this transaction; others check them."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SET LOCAL session_replication_role = replica")
    return True


def drop_indexes(cursor, tables: list[str]) -> list[str]:
    """Drop the secondary indexes of the tables (not those behind constraints); return the
    statements that rebuild them."""
    cursor.execute(
        """
        SELECT i.indexname, i.indexdef FROM pg_indexes i
        WHERE i.tablename = ANY(%s)
          AND i.indexname NOT IN (
              SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)
          )
        """,
        [tables, tables],
    )
    rows = cursor.fetchall()
    for name, _ in rows:
        cursor.execute(f'DROP INDEX "{name}"')  # noqa: S608 - names read from pg_indexes
    return [definition for _, definition in rows]


def rebuild_indexes(cursor, dropped: list[str], *, fk_checks_skipped: bool, log=print) -> None:
    """Build again what drop_indexes() dropped, once the rows are in."""
    if not dropped:
        return
    started = time.monotonic()
    if not fk_checks_skipped:
        # Django's foreign keys are deferred; check them now so indexes can be built.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for statement in dropped:
        cursor.execute(statement)
    log(f"  {len(dropped)} indexes rebuilt in {time.monotonic() - started:.1f} s")
