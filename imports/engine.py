"""Bringing old spreadsheets in, from CSV or Excel: the engine, which knows no app.

`imports.reading` reads the file (CSV or .xlsx) within limits of rows, cells and memory;
each kind (concerns, community organizations, outreach activities, programs) is declared by
its own app (`imports.specs`, registered in the app's ready()). A check runs over every
row and says, in plain words, what is wrong where (row number as the spreadsheet shows it,
column, problem) before anything is saved; the import itself runs the same checks again
inside one transaction and saves all rows or none. Each import is logged (who, when, file,
counts), and every record it made points back to that log; an imported concern's timeline
says so. Both the check and the import run in the background (imports.tasks).
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.permissions import Permission, require
from imports.models import ImportLog
from imports.reading import MAX_BYTES, read_file  # noqa: F401 (the engine's reading step)
from imports.specs import SPECS, Column, Problem, Spec
from notifications.notify import quiet

SHOWN_PROBLEMS = 500

EMPTY = _("The file has a header row but no records under it.")


@dataclasses.dataclass
class Check:
    """What a dry run found: the rows as they would be saved, and every problem."""

    kind: str
    rows: list[dict]
    problems: list[Problem]
    mapping: dict[str, str]
    headers: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _key(text) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(text or "").strip().lower()).strip("_")


def auto_mapping(spec: Spec, headers: list[str]) -> dict[str, str]:
    """Each column to the file's header of the same name or label, ignoring case and
    punctuation; unmatched columns map to nothing."""
    by_key = {_key(h): h for h in headers if h}
    mapping = {}
    for column in spec.columns:
        mapping[column.name] = by_key.get(_key(column.name)) or by_key.get(_key(column.label), "")
    return mapping


# --- Values -----------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y", "%Y/%m/%d", "%b %d, %Y", "%B %d, %Y")
TRUE = {"yes", "y", "true", "1", "x", "si", "sí"}
FALSE = {"no", "n", "false", "0", ""}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Our own exports guard cells against spreadsheet formulas with a leading quote.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        text = text[1:]
    return text


def convert(column: Column, raw, context: dict):
    """The value to save, or raise ValueError with the message a person reads."""
    if isinstance(raw, dt.datetime):
        raw = raw.date() if column.kind == "date" else raw
    text = _text(raw)
    if not text:
        if column.required:
            raise ValueError(gettext("This is required and the cell is empty."))
        return column.default
    if column.kind in ("text", "long"):
        if column.max_length and len(text) > column.max_length:
            raise ValueError(
                gettext("%(count)d characters; at most %(max)d fit. Shorten it.")
                % {"count": len(text), "max": column.max_length}
            )
        return text
    if column.kind == "date":
        if isinstance(raw, dt.date):
            return raw
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            gettext(
                "“%(text)s” is not a date. Write dates as 2024-03-15 (year-month-day) or "
                "03/15/2024."
            )
            % {"text": text}
        )
    if column.kind == "choice":
        wanted = text.lower()
        for value, label in column.choices.choices:
            if wanted in (value.lower(), label.lower()):
                return value
        raise ValueError(
            gettext("“%(text)s” is not one of the choices: %(choices)s.")
            % {"text": text, "choices": column.allowed()}
        )
    if column.kind == "int":
        try:
            number = int(Decimal(text.replace(",", "")))
        except (InvalidOperation, ValueError):
            raise ValueError(
                gettext("“%(text)s” is not a whole number.") % {"text": text}
            ) from None
        if number < 0:
            raise ValueError(gettext("A number of zero or more is expected."))
        return number
    if column.kind == "decimal":
        try:
            number = Decimal(text.replace(",", "").lstrip("$"))
        except InvalidOperation:
            raise ValueError(gettext("“%(text)s” is not a number.") % {"text": text}) from None
        if number < 0:
            raise ValueError(gettext("A number of zero or more is expected."))
        return number.quantize(Decimal("0.01"))
    if column.kind == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(gettext("“%(text)s” is neither yes nor no.") % {"text": text})
    if column.kind == "email":
        try:
            validate_email(text)
        except ValidationError:
            raise ValueError(
                gettext("“%(text)s” is not an email address.") % {"text": text}
            ) from None
        return text
    if column.kind == "lookup":
        found = context[column.name].get(text.lower())
        if found is None:
            raise ValueError(str(column.not_found) % {"text": text})
        return found
    if column.kind == "dsns":
        people = []
        for dsn in re.split(r"[;,\s]+", text):
            if not dsn:
                continue
            user = context["dsn"].get(dsn)
            if user is None:
                raise ValueError(gettext("No active member has the DSN “%(dsn)s”.") % {"dsn": dsn})
            people.append(user)
        return people
    raise AssertionError(column.kind)


# --- Checking ---------------------------------------------------------------------------


def _context(spec: Spec) -> dict:
    return {
        **{c.name: c.lookup() for c in spec.columns if c.lookup is not None},
        "dsn": {
            u.dsn: u
            for u in User.objects.filter(is_active=True, dsn__isnull=False).only("pk", "dsn")
        },
        "seen": {},
    }


def check(spec: Spec, dataset: tablib.Dataset, mapping: dict[str, str]) -> Check:
    """Every problem of every row, nothing saved."""
    headers = [str(h or "").strip() for h in (dataset.headers or [])]
    problems: list[Problem] = []
    missing = set()
    for column in spec.columns:
        chosen = mapping.get(column.name, "")
        if chosen and chosen not in headers:
            mapping[column.name] = chosen = ""
        if column.required and not chosen:
            missing.add(column.name)
            problems.append(
                Problem(
                    1,
                    column.label,
                    gettext(
                        "This column is required and the file has none matching it. Add it, or "
                        "choose which of the file's columns holds it."
                    ),
                )
            )
    if dataset.height == 0:
        return Check(spec.kind, [], [Problem(2, "", EMPTY)], mapping, headers)
    index = {h: i for i, h in enumerate(headers)}
    context = _context(spec)
    rows = []
    for offset, raw in enumerate(dataset, start=2):  # row 1 is the header
        if all(_text(v) == "" for v in raw):
            continue  # a blank line in the sheet
        row = {"line": offset, "cells": {}}
        for column in spec.columns:
            source = mapping.get(column.name)
            value = raw[index[source]] if source else None
            row["cells"][column.name] = _text(value)
            if column.name in missing:
                row[column.name] = None  # reported once, on the header
                continue
            try:
                row[column.name] = convert(column, value, context)
            except ValueError as error:
                problems.append(Problem(offset, column.label, str(error)))
        if spec.extra_check:
            spec.extra_check(row, offset, problems, context)
        rows.append(row)
    if not rows:
        problems.append(Problem(2, "", EMPTY))
    return Check(spec.kind, rows, problems, mapping, headers)


def unique(row, number, problems, context, *, column: Column, existing: Callable):
    """A value that must be new: not twice in the file, not already in the database."""
    value = row.get(column.name)
    if not value:
        return
    key = (column.name, str(value).lower())
    if key in context["seen"]:
        problems.append(
            Problem(
                number,
                column.label,
                gettext("“%(value)s” is also on row %(row)s.")
                % {"value": value, "row": context["seen"][key]},
            )
        )
        return
    context["seen"][key] = number
    if existing(value):
        problems.append(
            Problem(
                number, column.label, gettext("“%(value)s” is already recorded.") % {"value": value}
            )
        )


# --- Importing --------------------------------------------------------------------------

IMPORT_LOCK = 730_912  # pg advisory lock: one import saves at a time


def queue_import(*, spec: Spec, stored_file: str, mapping: dict, file_name: str, by) -> ImportLog:
    """Log the import and hand it to the task worker after commit; the page shows progress."""
    require(by, Permission.IMPORT_RECORDS)
    log = ImportLog.objects.create(
        kind=spec.kind,
        file_name=file_name[:200],
        by=by,
        status=ImportLog.Status.QUEUED,
        stored_file=stored_file,
        mapping=mapping,
    )
    log_id = log.pk

    def enqueue():
        from imports.tasks import import_file  # the task module imports this one

        import_file.enqueue(log_id)

    transaction.on_commit(enqueue)
    return log


def finish(log: ImportLog, status: str, problems: list[Problem], **fields) -> None:
    ImportLog.objects.filter(pk=log.pk).update(
        status=status,
        finished_at=timezone.now(),
        problems=len(problems),
        # Stored as JSON: the (possibly lazy) texts as plain strings.
        problem_list=[[p.row, str(p.column), str(p.message)] for p in problems[:SHOWN_PROBLEMS]],
        **fields,
    )


def run_import(*, log: ImportLog, dataset: tablib.Dataset) -> str:
    """All rows or none, with progress on the log. Returns the final status.

    Every row is checked first, outside the transaction, so the page can show how far it
    got; then, under one lock and in one transaction, the rows are checked again (the
    database may have changed meanwhile) and saved together."""
    spec = SPECS[log.kind]
    ImportLog.objects.filter(pk=log.pk).update(status=ImportLog.Status.RUNNING, progress=5)
    first = check(spec, dataset, dict(log.mapping))
    ImportLog.objects.filter(pk=log.pk).update(progress=40, rows=len(first.rows))
    if not first.ok:
        finish(log, ImportLog.Status.REFUSED, first.problems, progress=100)
        return ImportLog.Status.REFUSED
    by = log.by
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        result = check(spec, dataset, dict(log.mapping))
        if not result.ok:
            problems = result.problems
            created = None
        else:
            # Old events are not news: importing notifies nobody.
            with quiet():
                created = spec.create(result.rows, by, log)
    if created is None:
        finish(log, ImportLog.Status.REFUSED, problems, progress=100)
        return ImportLog.Status.REFUSED
    finish(log, ImportLog.Status.IMPORTED, [], progress=100, created=created)
    return ImportLog.Status.IMPORTED


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


def template_dataset(spec: Spec) -> tablib.Dataset:
    return tablib.Dataset(headers=[c.name for c in spec.columns], title=spec.label[:31])
