"""Imports run in the background, with their progress on the log."""

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from imports.engine import finish, read_file, run_import
from imports.files import pending_path
from imports.models import ImportLog
from imports.specs import Problem

log = logging.getLogger(__name__)


@task()
def import_file(log_id: int) -> None:
    """Import a checked spreadsheet in the background (imports.engine.run_import).

    The file was claimed by renaming it to `<name>.importing` when the import was asked
    for; it is deleted once imported, and given back its name when refused, so the person
    can correct the column mapping and try again. Any failure leaves nothing saved."""
    claimed = ImportLog.objects.filter(pk=log_id, status=ImportLog.Status.QUEUED).update(
        status=ImportLog.Status.RUNNING, progress=1
    )
    if not claimed:
        return  # already run (a retried task) or never queued
    entry = ImportLog.objects.select_related("by").get(pk=log_id)
    path = pending_path(entry.stored_file)
    taken = path.with_suffix(path.suffix + ".importing")
    try:
        dataset = read_file(taken.read_bytes(), entry.file_name)
        status = run_import(log=entry, dataset=dataset)
    except Exception as error:
        log.exception("Import %s failed", log_id)
        finish(
            entry,
            ImportLog.Status.REFUSED,
            [
                Problem(
                    0,
                    "",
                    _("The import stopped: %(error)s. Nothing was saved.")
                    % {"error": f"{type(error).__name__}: {error}"},
                )
            ],
            progress=100,
        )
        status = ImportLog.Status.REFUSED
    if status == ImportLog.Status.IMPORTED:
        taken.unlink(missing_ok=True)
    elif taken.exists():
        taken.rename(path)
