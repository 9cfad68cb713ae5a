"""Programs brought in from a spreadsheet (imports.specs; registered in ready())."""

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.engine import unique
from imports.specs import Column, Problem, Spec
from programs.models import Program


def _program_columns():
    return [
        Column("name", _("Name"), required=True, max_length=120),
        Column("category", _("Category"), "choice", True, Program.Category),
        Column("objectives", _("Objectives"), "long", required=True),
        Column("description", _("Description"), "long"),
        Column("schedule", _("Schedule"), max_length=160),
        Column("status", _("Status"), "choice", False, Program.Status, default="proposed"),
        Column("active_since", _("Active since"), "date", default=None),
    ]


def _check_program(row, number, problems, context):
    unique(
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
    fields = [c.name for c in _program_columns()]
    yield from Program.objects.order_by("name").values_list(*fields)


def spec() -> Spec:
    return Spec(
        "programs",
        _("Programs"),
        _program_columns(),
        _create_programs,
        _export_programs,
        _check_program,
        list_url="programs:list",
        position=40,
    )
