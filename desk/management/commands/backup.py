"""Back up the database and the uploaded files into one folder that `restore` can check.

    manage.py backup --out /var/backups/crdesk

writes /var/backups/crdesk/crd-backup-20260101T020000Z/ holding:

- `database.dump`: `pg_dump -Fc` of the default database;
- `media.tar.gz`: every file in the storage that keeps uploads and PDFs (a local folder or a
  bucket, settings.STORAGES["default"]; desk/media_archive.py), each under its stored name
  (an empty archive when there is nothing);
- `manifest.json`: when, from which server, the SHA-256 of both files, the applied
  migrations, the row count of every model table, the number of audit triggers, and the
  SHA-256 of every approved report's final PDF, keyed by the report's id.

The row counts and report hashes are read inside the very snapshot pg_dump saves (an
exported snapshot), so they match the dump exactly even while people keep working. The
files are archived after that snapshot: an approved report's PDF is written before its row
is committed and never changes, so every PDF the dump names is in the archive.

The folder is written under a hidden name and renamed once complete: a backup that failed
half-way never looks like a finished one. It holds every record, source details and the
audit trail included, so it is readable by its owner only.
"""

import datetime as dt
import hashlib
import json
import os
import shutil

# Runs pg_dump and pg_restore with argument lists, never through a shell.
import subprocess  # nosec B404
from collections.abc import Callable
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql
from psycopg.conninfo import make_conninfo

from audit.triggers import APPEND_ONLY_TRIGGER, ROW_TRIGGER
from desk.media_archive import MEDIA, check_reachable, place, write_archive
from desk.pg_programs import dump_major, find_program
from reports.models import Report

FORMAT = 1
DUMP = "database.dump"
MANIFEST = "manifest.json"
PREFIX = "crd-backup-"
# pg_restore cannot read a newer pg_dump's archive, and a newer pg_restore is not sure to
# load into an older server (18 into 15 fails on `SET transaction_timeout`).
NEWER_PG_DUMP = (
    "Warning: written with pg_dump {dump}, newer than the server (PostgreSQL {server}): it "
    "restores into PostgreSQL {dump} or later, perhaps not into this server. For backups that "
    "do, install postgresql-client-{server}."
)

# Keys of DATABASES[...]["OPTIONS"] that belong to Django or psycopg, not to libpq; every
# other option (sslmode, sslrootcert, connect_timeout, ...) is passed on to the programs.
DJANGO_ONLY_OPTIONS = {
    "isolation_level",
    "server_side_binding",
    "assume_role",
    "pool",
    "cursor_factory",
    "context",
}


def _ignore(text: str) -> None:
    pass


# --- Connecting: one description of the database for psycopg and the client programs ----


def connection_parameters(database: dict) -> dict:
    """libpq parameters of a Django database entry, without the password (which goes to the
    programs through PGPASSWORD, never on a command line others can read)."""
    options = {
        key: value
        for key, value in (database.get("OPTIONS") or {}).items()
        if key not in DJANGO_ONLY_OPTIONS and isinstance(value, str | int)
    }
    params = {
        "dbname": database.get("NAME") or "",
        "user": database.get("USER") or "",
        "host": database.get("HOST") or "",
        "port": str(database.get("PORT") or ""),
        **options,
    }
    return {key: value for key, value in params.items() if value != ""}


def conninfo(database: dict) -> str:
    return make_conninfo(**connection_parameters(database))


def program_environment(database: dict) -> dict[str, str]:
    environment = dict(os.environ)
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    return environment


def connect(database: dict, **kwargs) -> psycopg.Connection:
    password = database.get("PASSWORD")
    extra = {"password": str(password)} if password else {}
    try:
        return psycopg.connect(conninfo(database), **extra, **kwargs)
    except psycopg.OperationalError as error:
        raise CommandError(
            f"Could not connect to the database {database.get('NAME')!r}: {error}".strip()
        ) from error


def server_version(conn: psycopg.Connection) -> tuple[int, str]:
    """(server_version_num, server_version): (150020, '15.20 (Debian ...)')."""
    number = int(conn.execute("SHOW server_version_num").fetchone()[0])
    text = conn.execute("SHOW server_version").fetchone()[0]
    return number, text


def run_program(args: list[str], database: dict, what: str) -> None:
    result = subprocess.run(  # noqa: S603 - argument list, no shell  # nosec B603
        args, env=program_environment(database), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{what} failed (exit {result.returncode}):\n{result.stderr.strip()}")


# --- What the manifest records, read the same way from a backup and from a restore -------


def model_tables() -> list[str]:
    """Every table the application's models keep (many-to-many tables included)."""
    tables = {
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def row_counts(conn: psycopg.Connection, tables: list[str]) -> dict[str, int | None]:
    """Exact row counts; None for a table that does not exist."""
    present = {
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
    }
    counts: dict[str, int | None] = {}
    for table in tables:
        if table not in present:
            counts[table] = None
            continue
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
        counts[table] = conn.execute(query).fetchone()[0]
    return counts


def migration_summary(conn: psycopg.Connection) -> dict[str, dict]:
    """Per app: how many migrations are applied and the last one applied."""
    summary: dict[str, dict] = {}
    if conn.execute("SELECT to_regclass('django_migrations')").fetchone()[0] is None:
        return summary
    for app, name in conn.execute("SELECT app, name FROM django_migrations ORDER BY app, id"):
        entry = summary.setdefault(app, {"applied": 0, "last": ""})
        entry["applied"] += 1
        entry["last"] = name
    return summary


def audit_trigger_count(conn: psycopg.Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgname IN (%s, %s) AND NOT tgisinternal",
        [ROW_TRIGGER, APPEND_ONLY_TRIGGER],
    ).fetchone()[0]


def approved_reports(conn: psycopg.Connection) -> dict[str, dict[str, str]]:
    """{report id: {"file": stored name, "sha256": the SHA-256 recorded at approval}} of
    every approved report whose final PDF is stored (the hash is written with the file)."""

    meta = Report._meta
    query = sql.SQL(
        "SELECT {id}, {pdf}, {sha} FROM {table} WHERE {status} = %s AND {sha} <> '' ORDER BY {id}"
    ).format(
        id=sql.Identifier(meta.pk.column),
        pdf=sql.Identifier(meta.get_field("pdf").column),
        sha=sql.Identifier(meta.get_field("pdf_sha256").column),
        status=sql.Identifier(meta.get_field("status").column),
        table=sql.Identifier(meta.db_table),
    )
    rows = conn.execute(query, [Report.Status.APPROVED]).fetchall()
    return {str(pk): {"file": name, "sha256": sha} for pk, name, sha in rows}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    amount = size / 1024
    for unit in ("KB", "MB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GB"


# --- The backup -------------------------------------------------------------------------


def create_backup(
    out_dir: Path,
    *,
    database: dict,
    storage,
    write: Callable[[str], None] = _ignore,
    now: dt.datetime | None = None,
) -> Path:
    """Write a complete backup folder under out_dir, with every file in `storage` (a Django
    Storage), and return its path."""
    now = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"{PREFIX}{stamp}"
    if final.exists():
        raise CommandError(f"{final} exists already: wait a second and run it again.")
    partial = out_dir / f".{PREFIX}{stamp}.partial"
    partial.mkdir(mode=0o700)
    try:
        manifest = _write_backup(partial, database=database, storage=storage, now=now, write=write)
        manifest_path = partial / MANIFEST
        manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        manifest_path.chmod(0o600)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _write_backup(folder: Path, *, database: dict, storage, now: dt.datetime, write) -> dict:
    dump_path = folder / DUMP
    check_reachable(storage)
    with connect(database, autocommit=True) as conn:
        version_num, version_text = server_version(conn)
        # Of the server's major version or newer: never an older one, which would refuse.
        major = version_num // 10000
        pg_dump, pg_dump_version = find_program("pg_dump", major)
        if dump_major(pg_dump_version) != major:
            write(NEWER_PG_DUMP.format(dump=dump_major(pg_dump_version), server=major))
        # One read-only snapshot for pg_dump and for everything the manifest counts: the
        # transaction stays open until pg_dump is done with it.
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.transaction():
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = row_counts(conn, model_tables())
            migrations = migration_summary(conn)
            if not migrations:
                raise CommandError(
                    f"The database {database.get('NAME')!r} has no application tables: "
                    "nothing to back up. Run `manage.py migrate` first."
                )
            triggers = audit_trigger_count(conn)
            reports = approved_reports(conn)
            run_program(
                [
                    str(pg_dump),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--file={dump_path}",
                    f"--dbname={conninfo(database)}",
                ],
                database,
                "pg_dump",
            )
    dump_path.chmod(0o600)
    media_path = folder / MEDIA
    files = write_archive(storage, media_path, write)
    media_path.chmod(0o600)
    return {
        "format": FORMAT,
        "created_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "database": {
            "name": database.get("NAME"),
            "server_version": version_text,
            "server_version_num": version_num,
            "pg_dump": pg_dump_version,
        },
        "media": {
            "root": place(storage),
            "default_storage": f"{type(storage).__module__}.{type(storage).__qualname__}",
            "files": files,
        },
        "files": {
            DUMP: {"bytes": dump_path.stat().st_size, "sha256": file_sha256(dump_path)},
            MEDIA: {"bytes": media_path.stat().st_size, "sha256": file_sha256(media_path)},
        },
        "migrations": migrations,
        "row_counts": counts,
        "audit_triggers": triggers,
        "approved_reports": reports,
    }


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump) and the uploaded files into a new folder "
        "crd-backup-<UTC time> under --out, with a manifest that `restore` checks."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", required=True, help="the folder that receives the backup folder"
        )

    def handle(self, *args, out, **options):
        database = settings.DATABASES["default"]
        folder = create_backup(
            Path(out),
            database=database,
            storage=storages["default"],
            write=self.stdout.write,
        )
        manifest = json.loads((folder / MANIFEST).read_text())
        self.stdout.write(f"Backup written to {folder}")
        for name in (DUMP, MEDIA, MANIFEST):
            self.stdout.write(f"  {name:<15} {human_size((folder / name).stat().st_size):>10}")
        tables = len(manifest["row_counts"])
        rows = sum(n or 0 for n in manifest["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{rows} rows in {tables} tables and {len(manifest['approved_reports'])} "
                "approved report PDFs recorded in the manifest."
            )
        )
