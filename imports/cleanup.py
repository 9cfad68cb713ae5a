"""Housekeeping of the uploaded spreadsheets, run by the hourly sweep (registered in
ImportsConfig.ready())."""

import datetime as dt

from django.core.files.storage import default_storage

from imports import files
from imports.models import FileCheck, ImportLog

KEPT = dt.timedelta(days=1)


def clean_uploads(now: dt.datetime) -> int:
    """Spreadsheets uploaded for an import that never happened: gone after a day (the link
    to their check page expires then too), with the record of their check. The age is the
    storage's own time for the file (its modification time on disk, an object's
    LastModified in a bucket), so the rule is the same wherever the files are kept. A file
    whose import is waiting or running is left to that import, unless the import was asked
    for more than a day ago (a worker stopped in the middle leaves it "running")."""
    FileCheck.objects.filter(created_at__lt=now - KEPT).delete()
    importing = set(
        ImportLog.objects.filter(
            status__in=(ImportLog.Status.QUEUED, ImportLog.Status.RUNNING),
            created_at__gte=now - KEPT,
        ).values_list("stored_file", flat=True)
    )
    removed = 0
    for stored in files.waiting():
        if stored in importing:
            continue
        name = files.storage_name(stored)
        try:
            if default_storage.get_modified_time(name) >= now - KEPT:
                continue
        except FileNotFoundError:  # imported and deleted meanwhile
            continue
        default_storage.delete(name)
        removed += 1
    return removed
