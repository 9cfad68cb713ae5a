"""Move audit entries older than a date into a compressed CSV file, then out of the table.

    manage.py archive_audit --before 2025-01-01 --out /backups/audit-2024.csv.gz

Entries are kept at least a year: a date later than a year ago is refused. The file is
written and closed before anything is deleted; the deletion lifts the append-only trigger
for its own transaction only, so it needs the table owner's rights (docs/SECURITY.md).
"""

import csv
import datetime as dt
import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.roles import as_owner
from audit.triggers import APPEND_ONLY_TRIGGER, AUDIT_TABLE

KEEP_DAYS = 365
HEADER = [
    "id",
    "time_utc",
    "action",
    "person_id",
    "person",
    "client_address",
    "request",
    "record_type",
    "record_id",
    "detail",
    "changes",
]


class Command(BaseCommand):
    help = "Archive audit entries older than --before (at least a year old) to a .csv.gz file."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD, in UTC")
        parser.add_argument("--out", required=True, help="the .csv.gz file to write")
        parser.add_argument("--dry-run", action="store_true", help="write the file, delete nothing")

    def handle(self, *args, before, out, dry_run, **options):
        try:
            day = dt.date.fromisoformat(before)
        except ValueError as error:
            raise CommandError(f"--before {before!r} is not a date like 2025-01-01.") from error
        cutoff = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
        if cutoff > timezone.now() - dt.timedelta(days=KEEP_DAYS):
            raise CommandError(
                f"Entries are kept at least {KEEP_DAYS} days: choose a date before "
                f"{(timezone.now() - dt.timedelta(days=KEEP_DAYS)).date()}."
            )
        path = Path(out)
        if path.exists():
            raise CommandError(f"{path} exists already: choose another file.")
        entries = AuditEvent.objects.filter(at__lt=cutoff)
        last = entries.order_by("-id").values_list("id", flat=True).first()
        if last is None:
            self.stdout.write("Nothing older than that date.")
            return
        entries = entries.filter(id__lte=last)
        written = 0
        with gzip.open(path, "wt", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            for e in entries.order_by("id").iterator(chunk_size=5000):
                writer.writerow(
                    [
                        e.id,
                        e.at.astimezone(dt.UTC).isoformat(),
                        e.action,
                        e.actor_id or "",
                        e.actor_name,
                        e.client_address or "",
                        e.path,
                        e.record_type,
                        e.record_id,
                        e.detail,
                        json.dumps(e.changes, ensure_ascii=False) if e.changes else "",
                    ]
                )
                written += 1
        self.stdout.write(f"Wrote {written} entries to {path}.")
        if dry_run:
            return
        # The seals of the archived events stay: the chain still runs through them, and
        # `verify_audit` knows from this run's event which removed events were archived.
        with as_owner(), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
            cursor.execute(
                f"DELETE FROM {AUDIT_TABLE} WHERE at < %s AND id <= %s",  # noqa: S608  # nosec B608
                [cutoff, last],
            )
            deleted = cursor.rowcount
            cursor.execute(f"ALTER TABLE {AUDIT_TABLE} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")
            if deleted != written:
                raise CommandError(
                    f"{deleted} entries matched for deletion but {written} were written: "
                    "nothing was deleted. Run it again."
                )
        AuditEvent.objects.create(
            action=AuditEvent.Action.ARCHIVED,
            detail=f"{deleted} entries before {day} archived to {path.name}"[:500],
            changes={"before": cutoff.isoformat(), "through_id": last, "count": deleted},
        )
        self.stdout.write(self.style.SUCCESS(f"Removed {deleted} archived entries."))
