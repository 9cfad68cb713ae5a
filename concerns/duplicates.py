"""The same thing reported more than once (issue 22): linking a new report to its lead at
intake, the CRO's merge, and the likely lead kept for the CRO when no one was there to ask
(the lookalikes are found by concerns/lookalikes.py).

A merged report points to its lead (`Concern.duplicate_of`) and is closed as a duplicate:
its status becomes "resolved" with a "Merged" line saying where the work goes on, so every
open figure, queue and reminder leaves it out without knowing about duplicates. Its status
does not follow the lead's afterwards: the lead is the one record of the work, and its
residents hear when the lead is resolved (services.tell_residents). Reports count the lead
once (ConcernQuerySet.counted) and say how many reports it gathered.

Conduct or bias concerns are never offered, linked or merged: each complaint is examined on
its own (001 IV.C).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from concerns.lookalikes import candidates_for
from concerns.models import Concern, ConcernUpdate
from concerns.rules import can_view
from concerns.services import record_line
from core.conflicts import still_as_shown
from core.permissions import Permission, require

S = Concern.Status
K = ConcernUpdate.Kind
CONDUCT = Concern.Category.CONDUCT_BIAS

LEAD_IS_DUPLICATE = _(
    "%(reference)s is itself merged into %(lead)s: merge into %(lead)s instead, so that no "
    "report points to another duplicate."
)
CONDUCT_NOT_MERGED = _(
    "%(reference)s is an officer conduct or bias concern: each such complaint is examined on "
    "its own and is never merged with others (001 IV.C)."
)
ALREADY_MERGED = _("%(reference)s is already merged into %(lead)s. Undo that merge first.")
SELF_MERGE = _("%(reference)s is the concern that leads: name the other reports to merge into it.")
UNKNOWN_REFERENCE = _("There is no concern %(reference)s that you can see. Check the reference.")
NOTHING_TO_MERGE = _("Name at least one other concern to merge into this one.")
LEAD_RESOLVED = _(
    "%(reference)s is resolved: reopen it first, or choose an open concern to lead, so that "
    "the residents of the merged reports hear when it is resolved."
)
NOT_A_DUPLICATE = _("This concern is not merged into another.")
LEAD_CHANGED = _(
    "%(reference)s was changed after you opened it, so nothing was merged. Check it as it is "
    "now, then merge again."
)


# --- Linking and merging --------------------------------------------------------------


def _refuse(message, concern: Concern, **more) -> ValidationError:
    return ValidationError(message % {"reference": concern.reference, **more})


def _check_pair(lead: Concern, other: Concern) -> None:
    for c in (lead, other):
        if c.category == CONDUCT:
            raise _refuse(CONDUCT_NOT_MERGED, c)
    if lead.duplicate_of_id is not None:
        raise _refuse(LEAD_IS_DUPLICATE, lead, lead=lead.duplicate_of.reference)


def _close_as_duplicate(concern: Concern, lead: Concern) -> None:
    """Points the concern to its lead and closes it, the row locked by the caller. An open
    one becomes resolved now (the constraint `concern_resolved_at_with_status` wants the
    moment); one already resolved keeps its own resolution."""
    concern.duplicate_of = lead
    concern.possible_duplicate_of = None
    concern.merged_at = timezone.now()
    concern.revision += 1
    if concern.status != S.RESOLVED:
        concern.status = S.RESOLVED
        concern.resolved_at = concern.merged_at
    concern.save(
        update_fields=[
            "duplicate_of",
            "possible_duplicate_of",
            "merged_at",
            "revision",
            "status",
            "resolved_at",
            "updated_at",
        ]
    )


@transaction.atomic
def link(*, concern: Concern, lead: Concern, by) -> Concern:
    """At intake the officer said "this is the same as CR-…": the concern just logged points
    to the lead at once. No permission beyond logging (the officer logged it and may see the
    lead); a lead that is itself merged gives way to its own lead, so no chain forms."""
    require(by, Permission.LOG_CONCERN)
    lead = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("duplicate_of")
        .get(pk=lead.pk)
    )
    if lead.duplicate_of_id is not None:
        lead = Concern.objects.select_for_update().get(pk=lead.duplicate_of_id)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if not can_view(by, concern=lead):
        raise ValidationError(UNKNOWN_REFERENCE % {"reference": lead.reference})
    if concern.pk == lead.pk:
        raise _refuse(SELF_MERGE, lead)
    _check_pair(lead, concern)
    if concern.duplicate_of_id == lead.pk:
        return concern
    if concern.duplicate_of_id is not None:
        raise _refuse(ALREADY_MERGED, concern, lead=concern.duplicate_of.reference)
    _close_as_duplicate(concern, lead)
    record_line(
        concern,
        K.MERGED,
        by,
        gettext("Logged as another report of %(lead)s: the work goes on there.")
        % {"lead": lead.reference},
    )
    record_line(
        lead,
        K.REPORTED_AGAIN,
        by,
        gettext("Reported again by %(name)s (%(reference)s).")
        % {"name": by.display_name, "reference": concern.reference},
    )
    return concern


@transaction.atomic
def merge(*, by, lead: Concern, others, revision: int | None = None) -> list[Concern]:
    """The CRO chose the concern that leads and the reports of the same thing: each of them
    points to the lead and is closed as a duplicate, with a line on its timeline and one on
    the lead's. A report that led others brings them along (no chains). Sending the same
    merge twice merges once: reports already merged into this lead are left as they are.
    `revision` is the lead's as the page showed it."""
    require(by, Permission.MERGE_CONCERNS)
    ids = sorted({lead.pk, *(o.pk for o in others)})
    # Locked in the order of their ids, so that two merges never wait on each other.
    locked = {
        c.pk: c
        for c in Concern.objects.select_for_update(of=("self",))
        .select_related("duplicate_of")
        .filter(pk__in=ids)
        .order_by("pk")
    }
    lead = locked[lead.pk]
    others = [locked[o.pk] for o in others if o.pk != lead.pk]
    if len(ids) == 1:
        raise _refuse(SELF_MERGE, lead)
    if lead.duplicate_of_id is not None:
        raise _refuse(LEAD_IS_DUPLICATE, lead, lead=lead.duplicate_of.reference)
    todo = [o for o in others if o.duplicate_of_id != lead.pk]
    if not todo:
        return []
    still_as_shown(lead, revision, lambda: _refuse(LEAD_CHANGED, lead))
    if lead.status == S.RESOLVED:
        raise _refuse(LEAD_RESOLVED, lead)
    for other in todo:
        _check_pair(lead, other)
        if other.duplicate_of_id is not None:
            raise _refuse(ALREADY_MERGED, other, lead=other.duplicate_of.reference)
    for other in todo:
        _close_as_duplicate(other, lead)
        record_line(
            other,
            K.MERGED,
            by,
            gettext(
                "Merged into %(lead)s as another report of the same thing: the work goes on "
                "there, and a resident who asked for updates hears when it is resolved."
            )
            % {"lead": lead.reference},
        )
        moved = list(other.duplicates.select_for_update().values_list("reference", flat=True))
        if moved:
            # No chains: the reports this one gathered now point to the new lead.
            Concern.objects.filter(duplicate_of=other).update(
                duplicate_of=lead, updated_at=timezone.now()
            )
            record_line(
                other,
                K.MERGED,
                by,
                gettext("Its reports %(references)s now point to %(lead)s.")
                % {"references": ", ".join(moved), "lead": lead.reference},
            )
        record_line(
            lead,
            K.MERGED,
            by,
            gettext("%(reference)s merged into this concern%(more)s.")
            % {
                "reference": other.reference,
                "more": gettext(", with its reports %(references)s")
                % {"references": ", ".join(moved)}
                if moved
                else "",
            },
        )
    return todo


@transaction.atomic
def unmerge(*, by, concern: Concern, revision: int | None = None) -> Concern:
    """The CRO undoes a merge: the report stands on its own again, reopened (it was closed
    only because it was merged), with a line on both timelines."""
    require(by, Permission.MERGE_CONCERNS)
    concern = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("duplicate_of")
        .get(pk=concern.pk)
    )
    if concern.duplicate_of_id is None:
        raise ValidationError(NOT_A_DUPLICATE)
    still_as_shown(concern, revision, lambda: _refuse(LEAD_CHANGED, concern))
    lead = concern.duplicate_of
    concern.duplicate_of = None
    concern.merged_at = None
    concern.status = S.REOPENED
    concern.resolved_at = None
    concern.revision += 1
    concern.save(
        update_fields=[
            "duplicate_of",
            "merged_at",
            "status",
            "resolved_at",
            "revision",
            "updated_at",
        ]
    )
    text = gettext("%(reference)s is no longer merged into %(lead)s.") % {
        "reference": concern.reference,
        "lead": lead.reference,
    }
    record_line(concern, K.UNMERGED, by, text)
    record_line(lead, K.UNMERGED, by, text)
    return concern


# --- Doors with no one to ask ---------------------------------------------------------


def note_likely_lead(concern: Concern, *, by=None) -> Concern | None:
    """The public form and 311 (no `by`): residents are never shown other people's concerns,
    so the likeliest lead is kept for the CRO instead, with a line on the new concern's
    timeline; the CRO merges or dismisses it (the possible-duplicates queue). A door with a
    person offered the candidates already (offer_for), and an import is history."""
    if by is not None or concern.category == CONDUCT or concern.duplicate_of_id:
        return None
    found = candidates_for(concern, limit=1)
    if not found:
        return None
    lead = found[0].concern
    Concern.objects.filter(pk=concern.pk).update(possible_duplicate_of=lead)
    concern.possible_duplicate_of = lead
    record_line(
        concern,
        K.POSSIBLE_DUPLICATE,
        None,
        gettext("May be the same as %(lead)s: for the Community Relations Officer to decide.")
        % {"lead": lead.reference},
    )
    return lead


@transaction.atomic
def dismiss_likely_lead(*, by, concern: Concern) -> Concern:
    """The CRO judged the likely lead not the same thing: the concern leaves the queue."""
    require(by, Permission.MERGE_CONCERNS)
    concern = Concern.objects.select_for_update().get(pk=concern.pk)
    if concern.possible_duplicate_of_id is None:
        return concern
    lead_reference = (
        Concern.objects.filter(pk=concern.possible_duplicate_of_id)
        .values_list("reference", flat=True)
        .first()
    )
    concern.possible_duplicate_of = None
    concern.save(update_fields=["possible_duplicate_of", "updated_at"])
    record_line(
        concern,
        K.NOTE,
        by,
        gettext("Not the same as %(lead)s.") % {"lead": lead_reference},
    )
    return concern


# What the possible-duplicates queue shows of a row's likely lead (_merge_queue_row.html).
LEAD_SHOWN = ("reference", "summary", "date_received", "status", "duplicate_of", "revision")


def possible_duplicates():
    """The CRO's queue: open concerns a door found a likely lead for, newest first (read
    through concern_possible_dup_idx, which holds only those rows)."""
    return (
        Concern.objects.filter(possible_duplicate_of__isnull=False, duplicate_of__isnull=True)
        .exclude(status=S.RESOLVED)
        .select_related("possible_duplicate_of")
        # As a list row reads it, and of the lead what the queue's last cell shows.
        .for_list("possible_duplicate_of", *(f"possible_duplicate_of__{f}" for f in LEAD_SHOWN))
        .order_by("-date_received", "-id")
    )
