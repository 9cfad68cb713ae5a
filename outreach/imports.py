"""Community organizations and outreach activities brought in from a spreadsheet
(imports.specs; registered in ready())."""

import datetime as dt
from decimal import Decimal

from django.contrib.postgres.aggregates import StringAgg
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.areas import Resolver
from imports.engine import unique
from imports.specs import Column, Problem, Spec
from outreach.models import CommunityOrganization, OutreachActivity
from outreach.models.activities import program_model

NO_ORGANIZATION = _(
    "No community organization is named “%(text)s”. Import the community organizations "
    "first, or correct the name."
)
NO_PROGRAM = _("No program is named “%(text)s”. Import the programs first, or correct the name.")


def organization_names() -> dict:
    return {n.lower(): pk for pk, n in CommunityOrganization.objects.values_list("pk", "name")}


def _program_names() -> dict:
    return {n.lower(): pk for pk, n in program_model().objects.values_list("pk", "name")}


def _organization_columns():
    return [
        Column("name", _("Name"), required=True, max_length=160),
        Column("kind", _("Kind"), "choice", True, CommunityOrganization.Kind),
        Column("contact_name", _("Contact person"), max_length=120),
        Column("contact_phone", _("Contact phone"), max_length=40),
        Column("contact_email", _("Contact email"), "email"),
        Column("area", _("Area"), max_length=160),
        Column("helped_establish", _("The department helped establish it"), "bool", default=False),
        Column("is_active", _("Active"), "bool", default=True),
        Column("notes", _("Notes"), "long"),
    ]


def _check_organization(row, number, problems, context):
    unique(
        row,
        number,
        problems,
        context,
        column=Column("name", gettext("Name")),
        existing=lambda v: CommunityOrganization.objects.filter(name__iexact=v).exists(),
    )


def _create_organizations(rows, by, log) -> int:
    fields = [c.name for c in _organization_columns()]
    place = Resolver.load()  # the one rule every door places a typed location by
    made = CommunityOrganization.objects.bulk_create(
        [
            CommunityOrganization(
                **{f: r[f] for f in fields}, defined_area=place(r["area"]), import_log=log
            )
            for r in rows
        ],
        batch_size=1000,
    )
    return len(made)


def _export_organizations():
    fields = [c.name for c in _organization_columns()]
    for row in CommunityOrganization.objects.order_by("name").values_list(*fields):
        row = list(row)
        row[6] = "yes" if row[6] else "no"
        row[7] = "yes" if row[7] else "no"
        yield row


def _activity_columns():
    return [
        Column("date", _("Date"), "date", required=True),
        Column("kind", _("Kind"), "choice", True, OutreachActivity.Kind),
        Column("title", _("Title"), required=True, max_length=160),
        Column("area", _("Area"), max_length=160),
        Column(
            "organization",
            _("Community organization"),
            "lookup",
            default=None,
            lookup=organization_names,
            not_found=NO_ORGANIZATION,
        ),
        Column(
            "program",
            _("Program"),
            "lookup",
            default=None,
            lookup=_program_names,
            not_found=NO_PROGRAM,
        ),
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
    place = Resolver.load()
    activities = OutreachActivity.objects.bulk_create(
        [
            OutreachActivity(
                date=r["date"],
                kind=r["kind"],
                title=r["title"],
                area=r["area"],
                defined_area=place(r["area"]),
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


def organization_spec() -> Spec:
    return Spec(
        "organizations",
        _("Community organizations"),
        _organization_columns(),
        _create_organizations,
        _export_organizations,
        _check_organization,
        list_url="outreach:organizations",
        position=20,
    )


def activity_spec() -> Spec:
    return Spec(
        "activities",
        _("Outreach activities"),
        _activity_columns(),
        _create_activities,
        _export_activities,
        _check_activity,
        list_url="outreach:activities",
        position=30,
    )
