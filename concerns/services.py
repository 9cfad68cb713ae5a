"""Writes for concerns: one function per step of the workflow (001 IV.B, DESIGN §2).

Each step checks who may take it (a 403 when not) and from which status (a clear
ValidationError when not), locks the concern row so that two clicks cannot both act, and
appends a line to the timeline. The table of steps (concerns/steps.py) is the single
statement of both checks and of where each step moves the concern; the concern's page
offers what `steps.available()` gives, from the same rows.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from concerns import conduct as conduct_rules
from concerns import steps
from concerns.models import (
    Concern,
    ConcernUpdate,
    Department,
    Referral,
    Routing,
    Unit,
)
from concerns.placing import place_again
from concerns.steps import performs
from core.conflicts import EditConflict, changed_since, fingerprint, shown_value, still_as_shown
from core.permissions import Permission, require
from core.roles import Role
from notifications.notify import email_resident, holders, notify, unit_supervisors

S = Concern.Status
K = ConcernUpdate.Kind

TEXT_REQUIRED = _("Write a few words: this goes into the concern's timeline.")
ALREADY_ACKNOWLEDGED = _("This routing has already been acknowledged.")
ALREADY_ANSWERED = _("The response to this referral has already been recorded.")
FUTURE_DATE = _("The date cannot be in the future.")
RESPONSE_BEFORE_REFERRAL = _("The response cannot come before the referral was made.")
INACTIVE_DEPARTMENT = _("That department is no longer on the referral list.")
INACTIVE_UNIT = _("That unit is no longer active.")
ASSIGNEE_WITHOUT_ROLE = _("A concern can only be assigned to an active member who holds a role.")
SAME_ASSIGNEE = _("The concern is already assigned to that person.")
MERGED_NOT_REOPENED = _(
    "This concern is merged into another, where the work goes on: reopen that one, or undo "
    "the merge to have this one stand on its own again."
)
CONCERN_CHANGED = _(
    "This concern was changed after you opened it{by}, so your changes were not saved. "
    "What you typed is still in the form below."
)
STEP_CONCERN_CHANGED = _(
    "This concern was changed after you opened it{by}, so this step was not taken. "
    "What you typed is still in the form below."
)
NOW_STORED = _("{label} is now: “{value}”")
SAVE_AGAIN = _("Check what changed, then save again to keep your version.")
SEND_AGAIN = _("Check the concern as it is now, then send again if the step still applies.")


def _locked(concern: Concern) -> Concern:
    """Re-read the row under a lock: a second click waits, then sees the new status."""
    return Concern.objects.select_for_update().get(pk=concern.pk)


def _text(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(TEXT_REQUIRED)
    return value


def record_line(concern, kind, by, text="") -> ConcernUpdate:
    return ConcernUpdate.objects.create(concern=concern, kind=kind, author=by, text=text)


def tell_residents(concern: Concern) -> None:
    """The resolution notice: to the resident of the concern and to each resident whose
    report was merged into it (concerns/duplicates.py), where they consented to updates;
    email_resident checks consent and opt-outs again for each."""
    email_resident(concern, "resolved")
    merged = concern.duplicates.filter(consent_to_contact=True).exclude(contact_email="")
    for duplicate in merged.order_by("pk"):
        email_resident(duplicate, "resolved")


def _advance(name: str, concern: Concern) -> None:
    """Move the concern where the step's row says (concerns/steps.py)."""
    status = steps.target(name, concern)
    if status is not None:
        _move(concern, status)


def _move(concern: Concern, status: str) -> None:
    fields = ["status", "resolved_at", "updated_at"]
    if concern.status != status:
        # A page showing the old status is now stale (the row is locked: no race here).
        concern.revision += 1
        fields.append("revision")
    concern.status = status
    concern.resolved_at = timezone.now() if status == S.RESOLVED else None
    concern.save(update_fields=fields)


# --- Stale pages ----------------------------------------------------------------------


def _changed_by(concern: Concern) -> str:
    """' (by <name> on <date> at <time>)': from the timeline line of the last step that
    changed the concern itself (notes and acknowledgments do not)."""
    last = (
        concern.updates.exclude(kind__in=[K.NOTE, K.ACKNOWLEDGED])
        .select_related("author")
        .order_by("-created_at", "-id")
        .first()
    )
    if last is None:
        return ""
    when = timezone.localtime(last.created_at)
    moment = {"date": date_format(when, "F j, Y"), "time": date_format(when, "H:i")}
    if last.author:
        return gettext(" (by %(name)s on %(date)s at %(time)s)") % {
            "name": last.author.display_name,
            **moment,
        }
    return gettext(" (on %(date)s at %(time)s)") % moment


def _label(name: str) -> str:
    return capfirst(Concern._meta.get_field(name).verbose_name)


def _stored(concern: Concern, name: str) -> str:
    if name == "assignee":
        return concern.assignee.display_name if concern.assignee else gettext("nobody")
    display = getattr(concern, f"get_{name}_display", None)
    return shown_value(display() if display else getattr(concern, name))


# What a refused step reports as it is now.
STEPPED = ("status", "assignee")


def _step_conflict(concern: Concern) -> EditConflict:
    lines = [STEP_CONCERN_CHANGED.format(by=_changed_by(concern))]
    lines += [NOW_STORED.format(label=_label(n), value=_stored(concern, n)) for n in STEPPED]
    lines.append(SEND_AGAIN)
    return EditConflict(lines, revision=concern.revision, seen="")


def _still_as_shown(concern: Concern, revision: int | None) -> None:
    """The concern may have been resolved and reopened, or given to someone else, since the
    page was opened."""
    still_as_shown(concern, revision, lambda: _step_conflict(concern))


# --- The workflow ---------------------------------------------------------------------


@performs("escalate")
@transaction.atomic
def escalate_concern(*, concern: Concern, by, note: str = "") -> Concern:
    """Beyond the officer's authority: to a supervisor (001 IV.B.2)."""
    concern = _locked(concern)
    steps.check("escalate", by, concern)
    _advance("escalate", concern)
    record_line(concern, K.ESCALATED, by, note.strip())
    notify(
        "concern_escalated",
        unit_supervisors(concern.reported_by),
        title=gettext("%(reference)s escalated by %(name)s for a supervisor's review")
        % {"reference": concern.reference, "name": by.display_name},
        url=concern.get_absolute_url(),
        by=by,
    )
    return concern


@performs("resolve-as-officer")
@transaction.atomic
def resolve_as_officer(*, concern: Concern, by, resolution: str) -> Concern:
    """Within the officer's authority: resolved on the spot (001 IV.B.1)."""
    concern = _locked(concern)
    steps.check("resolve-as-officer", by, concern)
    resolution = _text(resolution)
    _advance("resolve-as-officer", concern)
    record_line(concern, K.RESOLVED, by, resolution)
    tell_residents(concern)
    return concern


@performs("forward")
@transaction.atomic
def forward_concern(*, concern: Concern, by, note: str = "") -> Concern:
    """The supervisor passes it to the Community Relations Officer (001 IV.B.2.a)."""
    concern = _locked(concern)
    steps.check("forward", by, concern)
    _advance("forward", concern)
    record_line(concern, K.FORWARDED, by, note.strip())
    notify(
        "concern_forwarded",
        holders(Role.CRO),
        title=gettext("%(reference)s forwarded to the Community Relations Officer by %(name)s")
        % {"reference": concern.reference, "name": by.display_name},
        url=concern.get_absolute_url(),
        by=by,
    )
    return concern


@performs("recommend")
@transaction.atomic
def recommend_action(*, concern: Concern, by, text: str) -> Concern:
    """A recommended action for the concern (000 VI.9, 001 IV.A.3)."""
    concern = _locked(concern)
    steps.check("recommend", by, concern)
    text = _text(text)
    _advance("recommend", concern)
    record_line(concern, K.RECOMMENDATION, by, text)
    return concern


@performs("route")
@transaction.atomic
def route_to_unit(*, concern: Concern, by, unit: Unit, note: str = "") -> Routing:
    """Relay the concern to a unit of the department, accurately and on time (000 III.5)."""
    concern = _locked(concern)
    steps.check("route", by, concern)
    if not unit.is_active:
        raise ValidationError(INACTIVE_UNIT)
    routing = Routing.objects.create(concern=concern, unit=unit, routed_by=by)
    _advance("route", concern)
    text = gettext("Routed to %(unit)s.") % {"unit": unit.name} + (
        f" {note.strip()}" if note.strip() else ""
    )
    record_line(concern, K.ROUTED, by, text)
    notify(
        "concern_routed",
        [unit.commander],
        title=gettext("%(reference)s routed to %(unit)s by %(name)s: please acknowledge it")
        % {"reference": concern.reference, "unit": unit.name, "name": by.display_name},
        url=concern.get_absolute_url(),
        by=by,
    )
    return routing


@transaction.atomic
def acknowledge_routing(*, routing: Routing, by) -> Routing:
    """The unit's commander confirms the concern reached them."""
    routing = (
        Routing.objects.select_for_update().select_related("unit", "concern").get(pk=routing.pk)
    )
    require(by, Permission.ACKNOWLEDGE_ROUTING, routing=routing)
    if routing.acknowledged_at is not None:
        raise ValidationError(ALREADY_ACKNOWLEDGED)
    routing.acknowledged_at = timezone.now()
    routing.acknowledged_by = by
    routing.save(update_fields=["acknowledged_at", "acknowledged_by"])
    record_line(
        routing.concern,
        K.ACKNOWLEDGED,
        by,
        gettext("%(unit)s acknowledged the concern.") % {"unit": routing.unit.name},
    )
    return routing


@performs("refer")
@transaction.atomic
def refer_concern(
    *, concern: Concern, by, department: Department, referred_on: dt.date, note: str = ""
) -> Referral:
    """Another city department or agency can better remedy it (000 VI.9)."""
    concern = _locked(concern)
    steps.check("refer", by, concern)
    if not department.is_active:
        raise ValidationError(INACTIVE_DEPARTMENT)
    if referred_on > timezone.localdate():
        raise ValidationError({"referred_on": FUTURE_DATE})
    referral = Referral.objects.create(
        concern=concern,
        department=department,
        referred_on=referred_on,
        due_on=referred_on + dt.timedelta(days=department.response_days),
        referred_by=by,
    )
    _advance("refer", concern)
    text = gettext("Referred to %(department)s.") % {"department": department.name} + (
        f" {note.strip()}" if note.strip() else ""
    )
    record_line(concern, K.REFERRED, by, text)
    return referral


@transaction.atomic
def record_referral_response(
    *, referral: Referral, by, response: str, responded_on: dt.date
) -> Referral:
    """What the other department answered. When nothing else is awaited, work goes on."""
    referral = Referral.objects.select_for_update().select_related("department").get(pk=referral.pk)
    concern = _locked(referral.concern)
    require(by, Permission.WORK_CONCERN, concern=concern)
    if referral.responded_on is not None:
        raise ValidationError(ALREADY_ANSWERED)
    response = _text(response)
    if responded_on > timezone.localdate():
        raise ValidationError({"responded_on": FUTURE_DATE})
    if responded_on < referral.referred_on:
        raise ValidationError({"responded_on": RESPONSE_BEFORE_REFERRAL})
    referral.response = response
    referral.responded_on = responded_on
    referral.response_recorded_by = by
    referral.save(update_fields=["response", "responded_on", "response_recorded_by"])
    still_awaiting = concern.referrals.filter(responded_on__isnull=True).exists()
    if concern.status == S.REFERRED and not still_awaiting:
        _move(concern, S.IN_PROGRESS)
    record_line(
        concern,
        K.RESPONSE,
        by,
        gettext("%(department)s responded: %(response)s")
        % {"department": referral.department.name, "response": response},
    )
    return referral


@performs("progress")
@transaction.atomic
def record_progress(*, concern: Concern, by, text: str) -> Concern:
    """A statement of progress toward correcting the concern (001 IV.A.4)."""
    concern = _locked(concern)
    steps.check("progress", by, concern)
    text = _text(text)
    _advance("progress", concern)
    record_line(concern, K.PROGRESS, by, text)
    return concern


@performs("assign")
@transaction.atomic
def assign_concern(*, concern: Concern, by, assignee: User, revision: int | None = None) -> Concern:
    concern = _locked(concern)
    steps.check("assign", by, concern)
    _still_as_shown(concern, revision)
    if not assignee.is_active or not assignee.has_role(*Role):
        raise ValidationError(ASSIGNEE_WITHOUT_ROLE)
    if concern.assignee_id == assignee.pk:
        raise ValidationError(SAME_ASSIGNEE)
    concern.assignee = assignee
    concern.revision += 1
    concern.save(update_fields=["assignee", "revision", "updated_at"])
    record_line(
        concern, K.ASSIGNED, by, gettext("Assigned to %(name)s.") % {"name": assignee.display_name}
    )
    notify(
        "concern_assigned",
        [assignee],
        title=gettext("%(reference)s assigned to you by %(name)s")
        % {"reference": concern.reference, "name": by.display_name},
        url=concern.get_absolute_url(),
        by=by,
    )
    return concern


@performs("resolve")
@transaction.atomic
def resolve_concern(
    *, concern: Concern, by, resolution: str, revision: int | None = None
) -> Concern:
    concern = _locked(concern)
    steps.check("resolve", by, concern)
    _still_as_shown(concern, revision)
    resolution = _text(resolution)
    _advance("resolve", concern)
    record_line(concern, K.RESOLVED, by, resolution)
    tell_residents(concern)
    return concern


@performs("reopen")
@transaction.atomic
def reopen_concern(*, concern: Concern, by, reason: str, revision: int | None = None) -> Concern:
    concern = _locked(concern)
    if concern.duplicate_of_id is not None:
        # Merged into a lead, the work goes on there (concerns/duplicates.py); the step is
        # not offered on its page (steps._may_reopen), this says why to anyone who posts it.
        raise ValidationError(MERGED_NOT_REOPENED)
    steps.check("reopen", by, concern)
    _still_as_shown(concern, revision)
    reason = _text(reason)
    _advance("reopen", concern)
    record_line(concern, K.REOPENED, by, reason)
    return concern


@performs("note")
@transaction.atomic
def add_note(*, concern: Concern, by, text: str) -> ConcernUpdate:
    concern = _locked(concern)
    steps.check("note", by, concern)
    return record_line(concern, K.NOTE, by, _text(text))


# --- Corrections ----------------------------------------------------------------------


# What the CRO may correct after intake. The source and the reporting employee are a
# record of what was said and by whom, and stay as taken.
@performs("edit")
@transaction.atomic
def edit_concern(*, concern: Concern, by, data: dict, revision: int, seen: str = "") -> Concern:
    """Correct a concern's details. `revision` and `seen` are what the form was shown: a
    save over someone else's change to these fields is refused and names what they changed.

    The write is one conditional UPDATE on the revision, so of two saves from the same
    revision exactly one is applied. Sending the same form twice changes the concern once.
    """
    concern = Concern.objects.select_related("assignee").get(pk=concern.pk)
    steps.check("edit", by, concern)
    data = {name: data[name] for name in Concern.EDITABLE_FIELDS if name in data}
    # Into or out of "Officer conduct or bias": the rule of intake (001 IV.C, conduct.py).
    recategorised = conduct_rules.recategorising(concern, data, by)
    changes = {name: value for name, value in data.items() if getattr(concern, name) != value}
    place_again(concern, data, changes)
    if not changes:
        # Nothing to write: a second send of a saved form, or the same correction as
        # someone else's.
        return concern
    if concern.revision != revision:
        if others := _changed_by_others(concern, data, seen):
            raise _edit_conflict(concern, others)
        # Only the status or the assignee moved on: nothing on this form is overwritten.
        revision = concern.revision
    if recategorised:
        changes.update(conduct_rules.status_change(concern, data["category"]))
    updated = Concern.objects.filter(pk=concern.pk, revision=revision).update(
        **changes, revision=F("revision") + 1, updated_at=timezone.now()
    )
    if not updated:
        # Saved by someone else between our read and this write.
        concern = Concern.objects.select_related("assignee").get(pk=concern.pk)
        raise _edit_conflict(concern, _changed_by_others(concern, data, seen) or list(changes))
    record_line(
        concern,
        K.EDITED,
        by,
        gettext("Changed: %(fields)s.")
        % {"fields": ", ".join(_label(n).lower() for n in changes if n != "status")},
    )
    concern.refresh_from_db()
    if recategorised:
        conduct_rules.record_recategorised(concern, by)
    return concern


def _changed_by_others(concern: Concern, data: dict, seen: str) -> list[str]:
    """The fields of the form whose stored value is not what the form showed; without a
    fingerprint, those whose stored value is not what was sent."""
    stored = {name: getattr(concern, name) for name in data}
    if seen:
        return changed_since(seen, stored)
    return [name for name, value in stored.items() if value != data[name]]


def _edit_conflict(concern: Concern, names: list[str]) -> EditConflict:
    lines = [CONCERN_CHANGED.format(by=_changed_by(concern))]
    lines += [NOW_STORED.format(label=_label(n), value=_stored(concern, n)) for n in names]
    lines.append(SAVE_AGAIN)
    return EditConflict(
        lines, revision=concern.revision, seen=fingerprint(concern.editable_values())
    )


# --- Reference lists ------------------------------------------------------------------


@transaction.atomic
def save_department(*, by, form) -> Department:
    require(by, Permission.MANAGE_DEPARTMENTS)
    return form.save()


@transaction.atomic
def save_unit(*, by, form) -> Unit:
    require(by, Permission.MANAGE_DEPARTMENTS)
    return form.save()
