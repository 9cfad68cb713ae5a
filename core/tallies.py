"""Tallies: counts the database keeps exact as rows change, so that a dashboard reads a few
hundred rows instead of a decade's (issue 26).

A tally is a table of (key columns, n). Statement triggers on the counted table append the
change of each INSERT, UPDATE and DELETE as signed rows (+n for what came in, -n for what
went), grouped by key: appending never waits on another transaction's lock, so two officers
saving at once never queue behind one summary row, and nothing is lost when either rolls
back (its rows go with it). A reader adds up n per key. `compact()` (the hourly sweep) folds
each key's rows into one, in one statement, keeping what was appended meanwhile.

The triggers fire whatever the session (ENABLE ALWAYS): a bulk load that switches ordinary
triggers off (seed_volume skips the audit trail's) still keeps the tallies. `install()` runs
after every migrate, refreshes the functions and, where a trigger is missing, creates it and
rebuilds its tally from the counted table under a lock. `differences()` compares a tally with
a full recount; the tests hold every tally to it after each kind of change.

Each domain app describes its tallies (`Tally`) and registers them in its ready(); this
module knows no table of its own.
"""

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, transaction

PREFIX = "crd_tally"
COMPACT_LOCK = 0x7A11  # pg_try_advisory_xact_lock key: one compaction at a time


@dataclass(frozen=True)
class Tally:
    """A count of `source`'s rows by key. `keys` maps each tally column to its SQL over a
    source row (alias `r`); `where` says which rows count. `sql`, when given, replaces the
    plain grouped count: a SELECT of (key columns..., n) over a row set named {rows} (and
    `change` then says what a statement changes: surveys' responses per dimension)."""

    table: str
    source: str
    keys: dict[str, str]
    where: str = "TRUE"
    sql: str = ""
    # The change a statement brings, where it is not the count of the rows it touched:
    # {"ins" | "del" | "upd": a SELECT of (key columns..., n) over new_rows and old_rows}.
    change: dict[str, str] = field(default_factory=dict)
    # Other tables whose changes alter what this tally counts (a question's dimension):
    # {table: statements run after an UPDATE on it (old_rows, new_rows) that recount the
    # affected part}.
    also: dict[str, str] = field(default_factory=dict)

    @property
    def columns(self) -> str:
        return ", ".join(self.keys)

    def counted(self, rows: str, sign: str = "") -> str:
        """The change `rows` (a transition table or the source) brings, keyed."""
        if self.sql:
            return self.sql.format(rows=rows, sign=sign)
        exprs = ", ".join(f"{expr} AS {name}" for name, expr in self.keys.items())
        return (
            f"SELECT {exprs}, {sign or ''}count(*) AS n FROM {rows} r "  # nosec B608
            f"WHERE {self.where} GROUP BY {', '.join(str(i + 1) for i in range(len(self.keys)))}"
        )


REGISTRY: list[Tally] = []


def register(tally: Tally) -> None:
    if all(t.table != tally.table for t in REGISTRY):
        REGISTRY.append(tally)


def _name(tally: Tally, op: str) -> str:
    return f"{PREFIX}_{tally.table}_{op}"


def _bodies(tally: Tally) -> dict[str, str]:
    """Each trigger function's body, by function name: append the statement's change,
    keyed; and for each other table the tally follows, recount what it changed."""
    changes = {
        "ins": tally.counted("new_rows"),
        "del": tally.counted("old_rows", "-"),
        "upd": (
            f"SELECT {tally.columns}, sum(n) AS n FROM ("  # nosec B608
            f"{tally.counted('new_rows')} UNION ALL {tally.counted('old_rows', '-')}"
            f") d GROUP BY {tally.columns}"
        ),
        **tally.change,
    }
    bodies = {
        _name(tally, op): f" BEGIN INSERT INTO {tally.table} ({tally.columns}, n) "  # nosec B608
        f"SELECT {tally.columns}, n FROM ({select}) d WHERE n <> 0; RETURN NULL; END "
        for op, select in changes.items()
    }
    for other, body in tally.also.items():
        bodies[_name(tally, other)] = f" BEGIN {body}; RETURN NULL; END "
    return bodies


def _functions_sql(tally: Tally) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $fn${body}$fn$"
        for name, body in _bodies(tally).items()
    ]


def _triggers_sql(tally: Tally) -> list[str]:
    events = {
        "ins": ("INSERT", "NEW TABLE AS new_rows"),
        "del": ("DELETE", "OLD TABLE AS old_rows"),
        "upd": ("UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    }
    out = []
    for op, (event, referencing) in events.items():
        name = _name(tally, op)
        out.append(
            f"CREATE OR REPLACE TRIGGER {name} AFTER {event} ON {tally.source} "
            f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        out.append(f"ALTER TABLE {tally.source} ENABLE ALWAYS TRIGGER {name}")
    for other in tally.also:
        name = _name(tally, other)
        out.append(
            f"CREATE OR REPLACE TRIGGER {name} AFTER UPDATE ON {other} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
        out.append(f"ALTER TABLE {other} ENABLE ALWAYS TRIGGER {name}")
    return out


def _trigger_names(tally: Tally) -> list[str]:
    return [_name(tally, op) for op in ("ins", "del", "upd", *tally.also)]


def _existing(cursor) -> tuple[set[str], set[str]]:
    cursor.execute(
        "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') "
        "AND relnamespace = to_regnamespace(current_schema())::oid"
    )
    tables = {name for (name,) in cursor.fetchall()}
    cursor.execute(
        "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s "
        "AND tgenabled = 'A'",
        [f"{PREFIX}_%"],
    )
    return tables, {name for (name,) in cursor.fetchall()}


def install(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Refresh every registered tally's functions; create the missing triggers and rebuild
    those tallies. Returns the tables rebuilt."""
    rebuilt = []
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        tables, triggers = _existing(cursor)
        for tally in REGISTRY:
            if not {tally.table, tally.source, *tally.also} <= tables:
                continue  # an app migrated backwards
            # A definition changed since the tally was counted (an open status added, a
            # key) makes its rows wrong: it is counted again, as a new one is.
            wanted = _bodies(tally)
            cursor.execute(
                "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s) "
                "AND pronamespace = to_regnamespace(current_schema())::oid",
                [list(wanted)],
            )
            same = dict(cursor.fetchall()) == wanted
            for statement in _functions_sql(tally):
                cursor.execute(statement)
            if same and set(_trigger_names(tally)) <= triggers:
                continue
            # No row of the counted table changes between the recount and the trigger.
            cursor.execute(f"LOCK TABLE {tally.source} IN SHARE ROW EXCLUSIVE MODE")
            for statement in _triggers_sql(tally):
                cursor.execute(statement)
            _rebuild(cursor, tally)
            rebuilt.append(tally.table)
    return rebuilt


def _rebuild(cursor, tally: Tally) -> None:
    cursor.execute(f"DELETE FROM {tally.table}")  # nosec B608
    cursor.execute(
        f"INSERT INTO {tally.table} ({tally.columns}, n) "  # nosec B608
        f"SELECT {tally.columns}, n FROM ({tally.counted(tally.source)}) d WHERE n <> 0"
    )


def rebuild(table: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Recount one tally from its table (a repair; `install()` does it for a new one)."""
    tally = _get(table)
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {tally.source} IN SHARE ROW EXCLUSIVE MODE")
        _rebuild(cursor, tally)


def compact(using: str = DEFAULT_DB_ALIAS) -> int:
    """Fold each key's rows into one in every tally; returns the rows removed. A row
    appended while this runs is not in its snapshot, so it stays, and the sum holds."""
    removed = 0
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPACT_LOCK])
        if not cursor.fetchone()[0]:
            return 0
        for tally in REGISTRY:
            cursor.execute(f"SELECT count(*) FROM {tally.table}")  # nosec B608
            before = cursor.fetchone()[0]
            cursor.execute(
                f"WITH gone AS (DELETE FROM {tally.table} RETURNING {tally.columns}, n) "  # nosec B608
                f"INSERT INTO {tally.table} ({tally.columns}, n) "
                f"SELECT {tally.columns}, sum(n) FROM gone GROUP BY {tally.columns} "
                "HAVING sum(n) <> 0"
            )
            removed += before - cursor.rowcount
    return removed


def differences(table: str, using: str = DEFAULT_DB_ALIAS) -> list[tuple]:
    """Keys where the tally and a full recount of its table disagree: (key..., kept,
    recounted). Empty when the tally is exact."""
    tally = _get(table)
    cols = tally.columns
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT {cols}, sum(kept), sum(recounted) FROM ("  # nosec B608
            f"SELECT {cols}, n AS kept, 0 AS recounted FROM {tally.table} UNION ALL "
            f"SELECT {cols}, 0, n FROM ({tally.counted(tally.source)}) f"
            f") x GROUP BY {cols} HAVING sum(kept) <> sum(recounted)"
        )
        return cursor.fetchall()


def _get(table: str) -> Tally:
    for tally in REGISTRY:
        if tally.table == table:
            return tally
    raise LookupError(f"No tally is registered for {table}.")


def install_after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    install(using)
