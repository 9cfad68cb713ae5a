"""Concerns brought in from a spreadsheet (imports.specs; registered in ready())."""

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from concerns import references
from concerns.intake import receive_many
from concerns.models import Concern, ConcernUpdate
from concerns.summaries import SUMMARY_MAX
from imports.engine import at_noon, unique
from imports.specs import Column, Problem, Spec
from outreach.imports import NO_ORGANIZATION, organization_names

K = ConcernUpdate.Kind


def _concern_columns():
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
        Column(
            "summary",
            _("Summary"),
            max_length=SUMMARY_MAX,
            help=_("What it is about, in one line; left empty, the description's first sentence."),
        ),
        Column("description", _("What the concern is"), "long", required=True),
        Column("suggestions", _("Suggestions and alternate courses of action"), "long"),
        Column("priority", _("Priority"), "choice", False, Concern.Priority, default="normal"),
        Column("status", _("Status"), "choice", False, Concern.Status, default="received"),
        Column("resolved_on", _("Resolved on"), "date", default=None),
        Column(
            "organization",
            _("Community organization"),
            "lookup",
            default=None,
            lookup=organization_names,
            not_found=NO_ORGANIZATION,
        ),
        Column("reporter_name", _("Employee who took it"), max_length=160),
        Column("reporter_dsn", _("Employee's DSN"), max_length=20),
        Column("public_note", _("Public note"), max_length=500),
    ]


def _check_concern(row, number, problems, context):
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
        if not references.REFERENCE.match(reference.upper()):
            problems.append(
                Problem(
                    number,
                    gettext("Reference"),
                    gettext("“%(reference)s” is not like CR-2019-0042.") % {"reference": reference},
                )
            )
            return
        row["reference"] = reference.upper()
        unique(
            row,
            number,
            problems,
            context,
            column=Column("reference", gettext("Reference")),
            existing=lambda v: Concern.objects.filter(reference=v).exists(),
        )


def _create_concerns(rows, by, log) -> int:
    """The rows as concerns, in one batch through intake's rules (concerns/intake.py)."""
    by_dsn = {
        u.dsn: u
        for u in User.objects.filter(dsn__in={r["reporter_dsn"] for r in rows if r["reporter_dsn"]})
    }
    concerns, lines = [], []
    for row in rows:
        reporter = by_dsn.get(row["reporter_dsn"])
        concern = Concern(
            reference=row["reference"] or "",
            date_received=row["date_received"],
            source_type=row["source_type"],
            source_name=row["source_name"],
            source_contact=row["source_contact"],
            category=row["category"],
            nature=row["nature"],
            area=row["area"],
            summary=row["summary"],
            description=row["description"],
            suggestions=row["suggestions"],
            priority=row["priority"],
            status=row["status"],
            resolved_at=at_noon(row["resolved_on"]) if row["resolved_on"] else None,
            organization_id=row["organization"],
            reported_by=reporter,
            reporter_name=row["reporter_name"] or (reporter.display_name if reporter else ""),
            reporter_dsn=row["reporter_dsn"],
            public_note=row["public_note"],
            import_log=log,
        )
        own = [(K.RECEIVED, None, gettext("Received (imported record)."))]
        if concern.resolved_at:
            own.append((K.RESOLVED, None, gettext("Resolved (imported record).")))
        own.append(
            (
                K.IMPORTED,
                by,
                gettext("Imported from %(file)s (row %(row)s) by %(name)s.")
                % {"file": log.file_name, "row": row["line"], "name": by.display_name},
            )
        )
        concerns.append(concern)
        lines.append(own)
    receive_many(concerns, lines=lines)
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


# What each template column is read from, in the columns' order.
EXPORTED = (
    "reference",
    "date_received",
    "source_type",
    "source_name",
    "source_contact",
    "category",
    "nature",
    "area",
    "summary",
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
RESOLVED = EXPORTED.index("resolved_at")


def _export_concerns():
    rows = (
        Concern.objects.order_by("date_received", "id")
        .values_list(*EXPORTED)
        .iterator(chunk_size=2000)
    )
    for row in rows:
        row = list(row)
        row[RESOLVED] = timezone.localdate(row[RESOLVED]) if row[RESOLVED] else ""
        yield row


def spec() -> Spec:
    return Spec(
        "concerns",
        _("Concerns"),
        _concern_columns(),
        _create_concerns,
        _export_concerns,
        _check_concern,
        list_url="concerns:list",
        position=10,
    )
