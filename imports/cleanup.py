"""Housekeeping of the imports folder, run by the hourly sweep (registered in
ImportsConfig.ready())."""

import datetime as dt
from pathlib import Path

from django.conf import settings

from imports.models import FileCheck


def clean_uploads(now: dt.datetime) -> int:
    """Spreadsheets uploaded for an import that never happened: gone after a day (the link
    to their check page expires then too), with the record of their check."""
    FileCheck.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    folder = Path(settings.MEDIA_ROOT) / "imports"
    if not folder.is_dir():
        return 0
    cutoff = now.timestamp() - 24 * 3600
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
