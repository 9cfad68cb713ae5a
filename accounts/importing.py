"""Bringing old spreadsheets in: concerns, community organizations, outreach activities and
programs, from CSV or Excel.

tablib reads the file (CSV or .xlsx); each kind declares its columns once (`SPECS`), and
that one declaration gives the template, the export, the column mapping, the checks and
the record each row becomes. A check runs over every row and says, in plain words, what is
wrong where (row number as the spreadsheet shows it, column, problem) before anything is
saved; the import itself runs the same checks again inside one transaction and saves all
rows or none. Each import is logged (who, when, file, counts), and every record it made
points back to that log; an imported concern's timeline says so.
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
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ImportLog, User
from accounts.notify import quiet
from accounts.permissions import Permission, require

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
SHOWN_PROBLEMS = 500

NOT_A_SPREADSHEET = _("Upload a CSV file (.csv) or an Excel workbook (.xlsx).")
TOO_BIG = _("The file is larger than 10 MB. Split it into smaller files and import each.")
TOO_MANY_ROWS = _(
    "The file has %(rows)s rows; at most 20,000 are imported at once. Split it into smaller "
    "files and import each."
)
UNREADABLE = _("The file could not be read as %(format)s: %(error)s")
EMPTY = _("The file has a header row but no records under it.")


@dataclasses.dataclass(frozen=True)
class Column:
    name: str  # the template's header
    label: str  # in plain words
    kind: str = "text"  # text, long, date, choice, int, decimal, bool, email, org, program, dsns
    required: bool = False
    choices: type[TextChoices] | None = None
    max_length: int = 0
    default: object = ""
    help: str = ""

    def allowed(self) -> str:
        if self.choices is None:
            return ""
        return ", ".join(str(label) for _value, label in self.choices.choices)


@dataclasses.dataclass
class Problem:
    row: int
    column: str
    message: str


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


@dataclasses.dataclass(frozen=True)
class Spec:
    kind: str
    label: str
    columns: list[Column]
    create: Callable  # (rows, by, log) -> int
    export: Callable  # () -> iterable of rows in column order
    extra_check: Callable | None = None  # (row, number, problems, context) -> None


# --- Reading ----------------------------------------------------------------------------


def read_file(data: bytes, file_name: str) -> tablib.Dataset:
    """The spreadsheet as a tablib Dataset with its header row. Raises ValidationError."""
    if len(data) > MAX_BYTES:
        raise ValidationError(TOO_BIG)
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    try:
        if extension == "csv":
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")  # Excel's "CSV" on Windows
            dataset = tablib.Dataset().load(text, format="csv")
        elif extension == "xlsx":
            if not data.startswith(b"PK"):
                raise ValidationError(NOT_A_SPREADSHEET)
            dataset = tablib.Dataset().load(data, format="xlsx")
        else:
            raise ValidationError(NOT_A_SPREADSHEET)
    except ValidationError:
        raise
    except Exception as error:  # tablib and openpyxl raise many kinds on a broken file
        label = "CSV" if extension == "csv" else gettext("an Excel workbook")
        raise ValidationError(UNREADABLE % {"format": label, "error": error}) from error
    if dataset.height > MAX_ROWS:
        raise ValidationError(TOO_MANY_ROWS % {"rows": f"{dataset.height:,}"})
    return dataset


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
    if column.kind in ("org", "program"):
        found = context[column.kind].get(text.lower())
        if found is None:
            if column.kind == "org":
                message = gettext(
                    "No community organization is named “%(text)s”. Import the community "
                    "organizations first, or correct the name."
                )
            else:
                message = gettext(
                    "No program is named “%(text)s”. Import the programs first, or correct the "
                    "name."
                )
            raise ValueError(message % {"text": text})
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


def _context() -> dict:
    from outreach.models import CommunityOrganization
    from programs.models import Program

    return {
        "org": {
            name.lower(): pk for pk, name in CommunityOrganization.objects.values_list("pk", "name")
        },
        "program": {name.lower(): pk for pk, name in Program.objects.values_list("pk", "name")},
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
    context = _context()
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


def _unique(row, number, problems, context, *, column: Column, existing: Callable):
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
        from accounts.tasks import import_file

        import_file.enqueue(log_id)

    transaction.on_commit(enqueue)
    return log


def _finish(log: ImportLog, status: str, problems: list[Problem], **fields) -> None:
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
    spec = specs()[log.kind]
    ImportLog.objects.filter(pk=log.pk).update(status=ImportLog.Status.RUNNING, progress=5)
    first = check(spec, dataset, dict(log.mapping))
    ImportLog.objects.filter(pk=log.pk).update(progress=40, rows=len(first.rows))
    if not first.ok:
        _finish(log, ImportLog.Status.REFUSED, first.problems, progress=100)
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
        _finish(log, ImportLog.Status.REFUSED, problems, progress=100)
        return ImportLog.Status.REFUSED
    _finish(log, ImportLog.Status.IMPORTED, [], progress=100, created=created)
    return ImportLog.Status.IMPORTED


def _at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))


# --- Concerns ---------------------------------------------------------------------------


def _concern_columns():
    from concerns.models import Concern

    return [
        Column(
            "reference",
            _("Reference"),
            max_length=20,
            help=_("CR-2019-0042; left empty, one is given."),
        ),
        Column("date_received", _("Date received"), "date", required=True),
        Column("source_type", _("Who raised it"), "choice", True, Concern.SourceType),
        Column("source_name", _("Name of the person or group"), max_length=120),
        Column("source_contact", _("Their phone or email"), max_length=200),
        Column("category", _("Category"), "choice", True, Concern.Category),
        Column("nature", _("Nature"), "choice", False, Concern.Nature, default="actual"),
        Column("area", _("Where"), required=True, max_length=160),
        Column("description", _("What the concern is"), "long", required=True),
        Column("suggestions", _("Suggestions and alternate courses of action"), "long"),
        Column("priority", _("Priority"), "choice", False, Concern.Priority, default="normal"),
        Column("status", _("Status"), "choice", False, Concern.Status, default="received"),
        Column("resolved_on", _("Resolved on"), "date", default=None),
        Column("organization", _("Community organization"), "org", default=None),
        Column("reporter_name", _("Employee who took it"), max_length=160),
        Column("reporter_dsn", _("Employee's DSN"), max_length=20),
        Column("public_note", _("Public note"), max_length=500),
    ]


REFERENCE = re.compile(r"^CR-(\d{4})-(\d{1,7})$")


def _check_concern(row, number, problems, context):
    from concerns.models import Concern

    today = timezone.localdate()
    received = row.get("date_received")
    if isinstance(received, dt.date) and received > today:
        problems.append(
            Problem(number, gettext("Date received"), gettext("The date is in the future."))
        )
    status = row.get("status")
    resolved = row.get("resolved_on")
    if status == "resolved" and not resolved:
        problems.append(
            Problem(
                number,
                gettext("Resolved on"),
                gettext("A resolved concern needs the date it was resolved."),
            )
        )
    if status != "resolved" and resolved:
        problems.append(
            Problem(
                number,
                gettext("Resolved on"),
                gettext("Only a resolved concern has a resolution date."),
            )
        )
    if isinstance(resolved, dt.date) and isinstance(received, dt.date) and resolved < received:
        problems.append(
            Problem(number, gettext("Resolved on"), gettext("It is before the date received."))
        )
    reference = row.get("reference")
    if reference:
        if not REFERENCE.match(reference.upper()):
            problems.append(
                Problem(
                    number,
                    gettext("Reference"),
                    gettext("“%(reference)s” is not like CR-2019-0042.") % {"reference": reference},
                )
            )
            return
        row["reference"] = reference.upper()
        _unique(
            row,
            number,
            problems,
            context,
            column=Column("reference", gettext("Reference")),
            existing=lambda v: Concern.objects.filter(reference=v).exists(),
        )


def _reserve_references(year: int, count: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO concerns_referencecounter (year, last) VALUES (%s, %s) "
            "ON CONFLICT (year) DO UPDATE SET last = concerns_referencecounter.last + %s "
            "RETURNING last",
            [year, count, count],
        )
        (last,) = cursor.fetchone()
    return [f"CR-{year}-{n:04d}" for n in range(last - count + 1, last + 1)]


def _keep_counter_ahead(references: list[str]) -> None:
    """Imported references keep their numbers; new ones must never reuse them."""
    highest: dict[int, int] = {}
    for reference in references:
        match = REFERENCE.match(reference)
        year, number = int(match[1]), int(match[2])
        highest[year] = max(highest.get(year, 0), number)
    with connection.cursor() as cursor:
        for year, number in highest.items():
            cursor.execute(
                "INSERT INTO concerns_referencecounter (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = GREATEST(concerns_referencecounter.last, "
                "EXCLUDED.last)",
                [year, number],
            )


def _create_concerns(rows, by, log) -> int:
    from concerns.models import Concern, ConcernUpdate

    by_dsn = {
        u.dsn: u
        for u in User.objects.filter(dsn__in={r["reporter_dsn"] for r in rows if r["reporter_dsn"]})
    }
    need: dict[int, int] = {}
    for row in rows:
        if not row["reference"]:
            need[row["date_received"].year] = need.get(row["date_received"].year, 0) + 1
    _keep_counter_ahead([r["reference"] for r in rows if r["reference"]])
    fresh = {year: iter(_reserve_references(year, n)) for year, n in need.items()}
    concerns = []
    for row in rows:
        reporter = by_dsn.get(row["reporter_dsn"])
        concerns.append(
            Concern(
                reference=row["reference"] or next(fresh[row["date_received"].year]),
                date_received=row["date_received"],
                source_type=row["source_type"],
                source_name=row["source_name"],
                source_contact=row["source_contact"],
                category=row["category"],
                nature=row["nature"],
                area=row["area"],
                description=row["description"],
                suggestions=row["suggestions"],
                priority=row["priority"],
                status=row["status"],
                resolved_at=_at_noon(row["resolved_on"]) if row["resolved_on"] else None,
                organization_id=row["organization"],
                reported_by=reporter,
                reporter_name=row["reporter_name"] or (reporter.display_name if reporter else ""),
                reporter_dsn=row["reporter_dsn"],
                public_note=row["public_note"],
                import_log=log,
            )
        )
    Concern.objects.bulk_create(concerns, batch_size=1000)
    K = ConcernUpdate.Kind
    updates = []
    for concern, row in zip(concerns, rows, strict=True):
        updates.append(
            ConcernUpdate(
                concern=concern, kind=K.RECEIVED, text=gettext("Received (imported record).")
            )
        )
        if concern.resolved_at:
            updates.append(
                ConcernUpdate(
                    concern=concern, kind=K.RESOLVED, text=gettext("Resolved (imported record).")
                )
            )
        updates.append(
            ConcernUpdate(
                concern=concern,
                kind=K.IMPORTED,
                author=by,
                text=gettext("Imported from %(file)s (row %(row)s) by %(name)s.")
                % {"file": log.file_name, "row": row["line"], "name": by.display_name},
            )
        )
    ConcernUpdate.objects.bulk_create(updates, batch_size=2000)
    # bulk_create stamps "now"; the history keeps its own dates (two set-based updates).
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE concerns_concernupdate u SET created_at = CASE u.kind "
            "WHEN 'received' THEN (c.date_received + time '12:00') AT TIME ZONE %s "
            "ELSE c.resolved_at END "
            "FROM concerns_concern c WHERE u.concern_id = c.id AND c.import_log_id = %s "
            "AND u.kind IN ('received', 'resolved')",
            [timezone.get_current_timezone_name(), log.pk],
        )
    return len(concerns)


def _export_concerns():
    from concerns.models import Concern

    rows = (
        Concern.objects.order_by("date_received", "id")
        .values_list(
            "reference",
            "date_received",
            "source_type",
            "source_name",
            "source_contact",
            "category",
            "nature",
            "area",
            "description",
            "suggestions",
            "priority",
            "status",
            "resolved_at",
            "organization__name",
            "reporter_name",
            "reporter_dsn",
            "public_note",
        )
        .iterator(chunk_size=2000)
    )
    for row in rows:
        row = list(row)
        row[12] = timezone.localdate(row[12]) if row[12] else ""
        yield row


# --- Organizations ------------------------------------------------------------------------


def _organization_columns():
    from outreach.models import CommunityOrganization as O

    return [
        Column("name", _("Name"), required=True, max_length=160),
        Column("kind", _("Kind"), "choice", True, O.Kind),
        Column("contact_name", _("Contact person"), max_length=120),
        Column("contact_phone", _("Contact phone"), max_length=40),
        Column("contact_email", _("Contact email"), "email"),
        Column("area", _("Area"), max_length=160),
        Column("helped_establish", _("The department helped establish it"), "bool", default=False),
        Column("is_active", _("Active"), "bool", default=True),
        Column("notes", _("Notes"), "long"),
    ]


def _check_organization(row, number, problems, context):
    from outreach.models import CommunityOrganization

    _unique(
        row,
        number,
        problems,
        context,
        column=Column("name", gettext("Name")),
        existing=lambda v: CommunityOrganization.objects.filter(name__iexact=v).exists(),
    )


def _create_organizations(rows, by, log) -> int:
    from outreach.models import CommunityOrganization

    fields = [c.name for c in _organization_columns()]
    made = CommunityOrganization.objects.bulk_create(
        [CommunityOrganization(**{f: r[f] for f in fields}, import_log=log) for r in rows],
        batch_size=1000,
    )
    return len(made)


def _export_organizations():
    from outreach.models import CommunityOrganization

    fields = [c.name for c in _organization_columns()]
    for row in CommunityOrganization.objects.order_by("name").values_list(*fields):
        row = list(row)
        row[6] = "yes" if row[6] else "no"
        row[7] = "yes" if row[7] else "no"
        yield row


# --- Activities ---------------------------------------------------------------------------


def _activity_columns():
    from outreach.models import OutreachActivity as A

    return [
        Column("date", _("Date"), "date", required=True),
        Column("kind", _("Kind"), "choice", True, A.Kind),
        Column("title", _("Title"), required=True, max_length=160),
        Column("area", _("Area"), max_length=160),
        Column("organization", _("Community organization"), "org", default=None),
        Column("program", _("Program"), "program", default=None),
        Column("attendance", _("Attendance"), "int", default=0),
        Column("staff_hours", _("Staff hours"), "decimal", default=Decimal("0")),
        Column("materials_cost", _("Cost of materials"), "decimal", default=Decimal("0")),
        Column("summary", _("Summary"), "long"),
        Column("officers", _("Officers' DSNs"), "dsns", default=()),
    ]


def _check_activity(row, number, problems, context):
    day = row.get("date")
    if isinstance(day, dt.date) and day > timezone.localdate() + dt.timedelta(days=366):
        problems.append(
            Problem(number, gettext("Date"), gettext("The date is more than a year ahead."))
        )


def _create_activities(rows, by, log) -> int:
    from outreach.models import OutreachActivity

    activities = OutreachActivity.objects.bulk_create(
        [
            OutreachActivity(
                date=r["date"],
                kind=r["kind"],
                title=r["title"],
                area=r["area"],
                organization_id=r["organization"],
                program_id=r["program"],
                attendance=r["attendance"],
                staff_hours=r["staff_hours"],
                materials_cost=r["materials_cost"],
                summary=r["summary"],
                logged_by=by,
                import_log=log,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    Through = OutreachActivity.officers.through
    Through.objects.bulk_create(
        [
            Through(outreachactivity_id=a.pk, user_id=u.pk)
            for a, r in zip(activities, rows, strict=True)
            for u in {u.pk: u for u in r["officers"]}.values()
        ],
        batch_size=2000,
    )
    return len(activities)


def _export_activities():
    from django.contrib.postgres.aggregates import StringAgg

    from outreach.models import OutreachActivity

    rows = (
        OutreachActivity.objects.order_by("date", "id")
        .annotate(dsns=StringAgg("officers__dsn", delimiter="; ", default=""))
        .values_list(
            "date",
            "kind",
            "title",
            "area",
            "organization__name",
            "program__name",
            "attendance",
            "staff_hours",
            "materials_cost",
            "summary",
            "dsns",
        )
        .iterator(chunk_size=2000)
    )
    yield from rows


# --- Programs -----------------------------------------------------------------------------


def _program_columns():
    from programs.models import Program as P

    return [
        Column("name", _("Name"), required=True, max_length=120),
        Column("category", _("Category"), "choice", True, P.Category),
        Column("objectives", _("Objectives"), "long", required=True),
        Column("description", _("Description"), "long"),
        Column("schedule", _("Schedule"), max_length=160),
        Column("status", _("Status"), "choice", False, P.Status, default="proposed"),
        Column("active_since", _("Active since"), "date", default=None),
    ]


def _check_program(row, number, problems, context):
    from programs.models import Program

    _unique(
        row,
        number,
        problems,
        context,
        column=Column("name", gettext("Name")),
        existing=lambda v: Program.objects.filter(name__iexact=v).exists(),
    )
    if row.get("active_since") and row.get("status") in ("proposed", "approved"):
        problems.append(
            Problem(
                number,
                gettext("Active since"),
                gettext("A proposed or approved program is not active yet."),
            )
        )


def _create_programs(rows, by, log) -> int:
    from programs.models import Program

    now = timezone.now()
    made = Program.objects.bulk_create(
        [
            Program(
                name=r["name"],
                category=r["category"],
                objectives=r["objectives"],
                description=r["description"],
                schedule=r["schedule"],
                status=r["status"],
                active_since=r["active_since"],
                proposed_by=by,
                # A program past "proposed" was approved before it came here.
                approved_by=by if r["status"] != "proposed" else None,
                approved_at=now if r["status"] != "proposed" else None,
                import_log=log,
            )
            for r in rows
        ],
        batch_size=1000,
    )
    return len(made)


def _export_programs():
    from programs.models import Program

    fields = [c.name for c in _program_columns()]
    yield from Program.objects.order_by("name").values_list(*fields)


K = ImportLog.Kind

SPECS: dict[str, Spec] = {}


def specs() -> dict[str, Spec]:
    """Built on first use: the columns read the apps' choices."""
    if not SPECS:
        SPECS.update(
            {
                K.CONCERNS: Spec(
                    K.CONCERNS,
                    K.CONCERNS.label,
                    _concern_columns(),
                    _create_concerns,
                    _export_concerns,
                    _check_concern,
                ),
                K.ORGANIZATIONS: Spec(
                    K.ORGANIZATIONS,
                    K.ORGANIZATIONS.label,
                    _organization_columns(),
                    _create_organizations,
                    _export_organizations,
                    _check_organization,
                ),
                K.ACTIVITIES: Spec(
                    K.ACTIVITIES,
                    K.ACTIVITIES.label,
                    _activity_columns(),
                    _create_activities,
                    _export_activities,
                    _check_activity,
                ),
                K.PROGRAMS: Spec(
                    K.PROGRAMS,
                    K.PROGRAMS.label,
                    _program_columns(),
                    _create_programs,
                    _export_programs,
                    _check_program,
                ),
            }
        )
    return SPECS


def template_dataset(spec: Spec) -> tablib.Dataset:
    return tablib.Dataset(headers=[c.name for c in spec.columns], title=spec.label[:31])
