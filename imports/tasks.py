"""Reading and checking an uploaded spreadsheet, and importing it, run in the background,
with their progress on the page that follows them. Nothing parses an upload in a web
request: a workbook built to cost minutes would hold a web thread that long."""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from core.queues import DOCUMENTS
from imports import files
from imports.engine import SHOWN_PROBLEMS, auto_mapping, check, finish, read_file, run_import
from imports.models import FileCheck, ImportLog
from imports.specs import Problem, specs

log = logging.getLogger(__name__)

GONE = gettext_lazy("The uploaded file is no longer here. Upload it again.")


def queue_check(*, stored_file: str, kind: str, file_name: str, by, mapping=None) -> FileCheck:
    """Check an uploaded file in the background, with the mapping chosen (None: match the
    file's columns by name). A new mapping starts the check of the same file again."""
    entry, created = FileCheck.objects.get_or_create(
        stored_file=stored_file,
        defaults={"kind": kind, "file_name": file_name[:200], "by": by},
    )
    if not created:
        entry.generation += 1
    entry.status = FileCheck.Status.QUEUED
    entry.mapping = mapping if mapping is not None else {}
    entry.save(update_fields=["generation", "status", "mapping"])
    # In the same transaction as the row it reads: the database backend stores the task
    # there too, so the worker sees both or neither.
    check_file.enqueue(entry.pk, entry.generation, mapping is None)
    entry.refresh_from_db()  # done already when tasks run at once (tests, demo)
    return entry


@task(queue_name=DOCUMENTS)
def check_file(check_id: int, generation: int, match_by_name: bool) -> None:
    """Read the file within the limits of imports.reading and check every row; saved only if
    no newer check of the file was asked for meanwhile."""
    mine = FileCheck.objects.filter(pk=check_id, generation=generation)
    if not mine.update(status=FileCheck.Status.RUNNING):
        return  # a newer mapping was asked for, or the file is gone
    entry = mine.get()
    try:
        dataset = read_file(files.read(entry.stored_file), entry.file_name)
    except ValidationError as error:  # too large, too many cells, unsafe, or unreadable
        mine.update(status=FileCheck.Status.UNREADABLE, error=" ".join(error.messages))
        return
    except FileNotFoundError:
        mine.update(status=FileCheck.Status.UNREADABLE, error=str(GONE))
        return
    spec = specs()[entry.kind]
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    mapping = auto_mapping(spec, headers) if match_by_name else dict(entry.mapping)
    result = check(spec, dataset, mapping)
    mine.update(
        status=FileCheck.Status.CHECKED,
        mapping=result.mapping,
        headers=headers,
        rows=len(result.rows),
        problems=len(result.problems),
        problem_list=[
            [p.row, str(p.column), str(p.message)] for p in result.problems[:SHOWN_PROBLEMS]
        ],
        preview=[{"line": row["line"], "cells": row["cells"]} for row in result.rows[:10]],
        error="",
    )


@task(queue_name=DOCUMENTS)
def import_file(log_id: int) -> None:
    """Import a checked spreadsheet in the background (imports.engine.run_import).

    The file was claimed when the import was asked for (its log holds it, imports.files.held);
    it is deleted from the storage once imported, and kept when refused, so the person can
    correct the column mapping and try again. Any failure leaves nothing saved."""
    claimed = ImportLog.objects.filter(pk=log_id, status=ImportLog.Status.QUEUED).update(
        status=ImportLog.Status.RUNNING, progress=1
    )
    if not claimed:
        return  # already run (a retried task) or never queued
    entry = ImportLog.objects.select_related("by").get(pk=log_id)
    try:
        dataset = read_file(files.read(entry.stored_file), entry.file_name)
        status = run_import(log=entry, dataset=dataset)
    except Exception as error:
        if isinstance(error, ValidationError):
            reason = " ".join(error.messages)
        elif isinstance(error, FileNotFoundError):
            reason = str(GONE)
        else:
            log.exception("Import %s failed", log_id)
            reason = _("The import stopped: %(error)s. Nothing was saved.") % {
                "error": f"{type(error).__name__}: {error}"
            }
        finish(entry, ImportLog.Status.REFUSED, [Problem(0, "", reason)], progress=100)
        status = ImportLog.Status.REFUSED
    if status == ImportLog.Status.IMPORTED:
        files.delete(entry.stored_file)
