"""Restore a backup written by `manage.py backup`, and prove it restored what was saved.

    manage.py restore --from /var/backups/crdesk/crd-backup-20260101T020000Z [--force]

In this order, stopping at the first problem:

1. The SHA-256 of `database.dump` and `media.tar.gz` must match the manifest, and every
   member of the archive must be a plain file or folder with a relative path that stays
   inside the storage: a damaged or tampered backup is refused before anything changes. The
   file storage must answer (a missing bucket is found here, not after the database).
2. The database must be empty, unless --force: restoring replaces what it holds.
3. `pg_restore --clean --if-exists --no-owner --single-transaction`: all or nothing. The
   audit triggers are restored after the rows (pg_dump puts them in post-data), so loading
   the rows records nothing in the trail and the trail's own rows come back as they were.
4. The files are put back into the storage that keeps uploads and PDFs (a local folder or a
   bucket, settings.STORAGES["default"]; desk/media_archive.py), each under its name.
5. The row count of every table, the applied migrations, the audit triggers and every
   approved report's PDF (its recorded SHA-256 and the file's bytes) are compared with the
   manifest and printed; any difference ends the command with an error.

Stop the web server and the task workers first: nothing should write while it runs.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from audit.roles import as_owner, grant_app_rights
from desk.management.commands.backup import (
    DUMP,
    FORMAT,
    MANIFEST,
    approved_reports,
    audit_trigger_count,
    connect,
    conninfo,
    file_sha256,
    migration_summary,
    row_counts,
    run_program,
    server_version,
)
from desk.media_archive import MEDIA, check_archive, check_reachable, place, restore_archive
from desk.pg_programs import dump_major, find_program

MISSING = "missing"


@dataclass(frozen=True)
class Comparison:
    """One line of the verification table."""

    what: str
    item: str
    expected: str
    found: str

    @property
    def matches(self) -> bool:
        return self.expected == self.found


def _ignore(text: str) -> None:
    pass


# --- Checks made before anything changes ------------------------------------------------


def read_manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    if not path.is_file():
        raise CommandError(
            f"{folder} is not a backup folder: {MANIFEST} is missing. Give the "
            "crd-backup-... folder that `manage.py backup` wrote."
        )
    try:
        manifest = json.loads(path.read_text())
    except ValueError as error:
        raise CommandError(f"{path} is damaged: it is not valid JSON ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise CommandError(
            f"{path} has format {manifest.get('format')!r}; this version reads format {FORMAT}."
        )
    return manifest


def verify_files(folder: Path, manifest: dict) -> None:
    for name in (DUMP, MEDIA):
        path = folder / name
        if not path.is_file():
            raise CommandError(f"The backup is incomplete: {path} is missing. Nothing changed.")
        expected = manifest["files"][name]["sha256"]
        if file_sha256(path) != expected:
            raise CommandError(
                f"The backup is damaged: the SHA-256 of {name} does not match the manifest. "
                "Nothing changed. Use another backup."
            )


def tables_with_rows(conn: psycopg.Connection) -> list[str]:
    """The tables of the database that hold at least one row (system schemas aside)."""
    tables = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' "
        "AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2"
    ).fetchall()
    holding = []
    for schema, table in tables:
        query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {}.{})").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        if conn.execute(query).fetchone()[0]:
            holding.append(table)
    return holding


# --- The restore ------------------------------------------------------------------------


def restore_backup(
    folder: Path,
    *,
    database: dict,
    storage,
    force: bool = False,
    write: Callable[[str], None] = _ignore,
) -> list[Comparison]:
    """Restore the backup in `folder` into `database` (a Django DATABASES entry) and its
    files into `storage` (a Django Storage); return the comparison with the manifest, line
    by line.

    Raises CommandError, having changed nothing, when the backup is damaged, the database
    holds data and force is false, or the programs do not fit the server."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    verify_files(folder, manifest)
    check_archive(folder / MEDIA)
    check_reachable(storage)
    write(f"The backup of {manifest['created_at']} is intact.")

    with connect(database, autocommit=True) as conn:
        version_num, _ = server_version(conn)
        source_major = int(manifest["database"]["server_version_num"]) // 10000
        target_major = version_num // 10000
        if target_major < source_major:
            raise CommandError(
                f"The backup comes from PostgreSQL {source_major}; this server is "
                f"PostgreSQL {target_major}. Restore into PostgreSQL {source_major} or later. "
                "Nothing changed."
            )
        # pg_restore cannot read an archive of a newer pg_dump, nor should it be older than
        # the server it writes to.
        dumped_with = dump_major(manifest["database"].get("pg_dump", "")) or source_major
        pg_restore, pg_restore_version = find_program("pg_restore", max(target_major, dumped_with))
        holding = tables_with_rows(conn)
    if holding and not force:
        shown = ", ".join(holding[:5]) + (", ..." if len(holding) > 5 else "")
        raise CommandError(
            f"The database {database.get('NAME')!r} already holds data ({len(holding)} tables "
            f"with rows: {shown}). Restoring replaces it: run again with --force, or restore "
            "into a new, empty database. Nothing changed."
        )

    write(f"Restoring the database into {database.get('NAME')!r} ...")
    try:
        run_program(
            [
                str(pg_restore),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                f"--dbname={conninfo(database)}",
                str(folder / DUMP),
            ],
            database,
            "pg_restore",
        )
    except CommandError as error:
        used = dump_major(pg_restore_version)
        if used == target_major:
            raise
        # A newer pg_restore may send settings an older server does not know.
        raise CommandError(
            f"{error} Nothing changed. pg_restore {used} was used, newer than the server "
            f"(PostgreSQL {target_major}): install postgresql-client-{target_major}"
            + (
                "."
                if dumped_with <= target_major
                else f", and a backup made with pg_dump {target_major}."
            )
        ) from error
    files = restore_archive(folder / MEDIA, storage)
    write(f"Restored {files} files into {place(storage)}.")
    return compare(manifest, database=database, storage=storage)


def compare(manifest: dict, *, database: dict, storage) -> list[Comparison]:
    lines: list[Comparison] = []
    with connect(database, autocommit=True) as conn:
        counts = row_counts(conn, sorted(manifest["row_counts"]))
        for table, expected in sorted(manifest["row_counts"].items()):
            found = counts.get(table)
            lines.append(
                Comparison(
                    "rows",
                    table,
                    MISSING if expected is None else str(expected),
                    MISSING if found is None else str(found),
                )
            )
        migrations = migration_summary(conn)
        for app in sorted(set(manifest["migrations"]) | set(migrations)):
            lines.append(
                Comparison(
                    "migrations",
                    app,
                    _migrations_text(manifest["migrations"].get(app)),
                    _migrations_text(migrations.get(app)),
                )
            )
        lines.append(
            Comparison(
                "audit triggers",
                "",
                str(manifest["audit_triggers"]),
                str(audit_trigger_count(conn)),
            )
        )
        restored = approved_reports(conn)

    def read(name: str) -> bytes:
        with storage.open(name, "rb") as handle:
            return handle.read()

    for report_id, saved in sorted(manifest["approved_reports"].items(), key=lambda i: int(i[0])):
        here = restored.get(report_id)
        lines.append(
            Comparison(
                "approved report",
                f"{report_id} recorded SHA-256",
                saved["sha256"],
                here["sha256"] if here else MISSING,
            )
        )
        lines.append(
            Comparison(
                "approved report",
                f"{report_id} PDF file",
                saved["sha256"],
                _file_hash(read, here["file"]) if here else MISSING,
            )
        )
    return lines


def _migrations_text(entry: dict | None) -> str:
    return f"{entry['applied']}, last {entry['last']}" if entry else MISSING


def _file_hash(read: Callable[[str], bytes], name: str) -> str:
    try:
        return hashlib.sha256(read(name)).hexdigest()
    except OSError:
        return MISSING


def comparison_table(lines: list[Comparison]) -> list[str]:
    """The comparison as aligned text, differences marked."""
    headers = ("what", "item", "backup", "restored", "")
    rows = [(c.what, c.item, c.expected, c.found, "" if c.matches else "DIFFERENT") for c in lines]
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [headers, *rows]
    ]


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `manage.py backup` into the configured database "
        "and file storage, then compare row counts and approved report PDFs with its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="source",
            required=True,
            help="the crd-backup-... folder to restore",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds data",
        )

    def handle(self, *args, source, force, **options):
        # As the tables' owner (DATABASE_MIGRATION_URL), who may drop and create them; the
        # application's role then gets its rights on what was restored.
        with as_owner() as app:
            lines = restore_backup(
                Path(source),
                database=settings.DATABASES["default"],
                storage=storages["default"],
                force=force,
                write=self.stdout.write,
            )
            if app:
                with connection.cursor() as cursor:
                    grant_app_rights(cursor, app)
        for line in comparison_table(lines):
            self.stdout.write(line)
        different = [c for c in lines if not c.matches]
        if different:
            raise CommandError(
                f"The restored data differs from the backup in {len(different)} places "
                "(marked DIFFERENT above)."
            )
        reports = sum(1 for c in lines if c.what == "approved report") // 2
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {sum(1 for c in lines if c.what == 'rows')} tables "
                f"and {reports} approved report PDFs match the backup."
            )
        )
