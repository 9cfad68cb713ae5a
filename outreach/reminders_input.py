"""What the hourly sweep reminds of about officers' quarterly community input (003 1.b),
registered in OutreachConfig.ready(). When it is due: outreach/input_due.py.

- A week before the due date, the officer (once per quarter owed).
- The day after it, the officer and their supervisor (once per quarter owed).
- Every further week while it stays overdue, the officer alone (once per week).

Each notice carries a key with the officer and the due date, so the sweep may run every
hour, or twice, and each person hears of each stage once. An officer with several duties
sends one report for all (outreach.views.reporting): they hear of the duty owed soonest.

The officer's supervisor (GO 003 1.b: "make their immediate supervisors aware"): the
commander of the unit the officer's profile names (a unit of the concerns app, matched by name); if
that unit has no commander, the members with the Supervisor role in the same unit; if
there are none, the Community Relations Officer, who receives the input.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.permissions import Permission, permissions_for
from core.roles import Role
from notifications.notify import holders, notify
from notifications.reminders import day_text
from outreach import input_due

KIND = "community_input"


def supervisors_of(officer, *, commanders: dict, supervisors: list, cros: list) -> list:
    """The people told when this officer's input is overdue (see the module's docstring).
    `commanders` maps a lower-cased unit name to its commander."""
    unit = (officer.unit or "").strip().lower()
    commander = commanders.get(unit)
    if commander is not None and commander.pk != officer.pk:
        return [commander]
    same_unit = [
        s for s in supervisors if s.pk != officer.pk and (s.unit or "").strip().lower() == unit
    ]
    if unit and same_unit:
        return same_unit
    return [c for c in cros if c.pk != officer.pk]


def _owed_by_officer(today: dt.date) -> dict:
    """Each officer with an active duty, and the status of the duty owed soonest."""
    owed: dict = {}
    for assignment in input_due.active_assignments().filter(officer__is_active=True):
        status = input_due.status_of(assignment, today)
        current = owed.get(assignment.officer_id)
        if current is None or status.due < current[1].due:
            owed[assignment.officer_id] = (assignment.officer, status)
    return owed


def _commanders_by_unit() -> dict:
    """Each active unit's active commander, by the unit's name in lower case. Units belong to
    the concerns app, above this one: they are read through the account's reverse relation
    (`commanded_units`), never imported."""
    people = get_user_model().objects.filter(is_active=True, commanded_units__isnull=False)
    pairs = people.values_list("pk", "commanded_units__name", "commanded_units__is_active")
    found = {pk: None for pk, _name, _active in pairs}
    users = get_user_model().objects.in_bulk(list(found))
    return {name.strip().lower(): users[pk] for pk, name, active in pairs if active and pk in users}


def input_due_or_overdue(now: dt.datetime) -> int:
    today = timezone.localdate(now)
    owed = _owed_by_officer(today)
    if not owed:
        return 0
    commanders = _commanders_by_unit()
    supervisors, cros = list(holders(Role.SUPERVISOR)), list(holders(Role.CRO))
    form_url, status_url = reverse("outreach:community-input"), reverse("outreach:reporting")
    sent = 0
    for officer, status in owed.values():
        day = day_text(status.due)
        key = f"input:{officer.pk}:{status.due.isoformat()}"
        if status.due_soon:
            sent += len(
                notify(
                    KIND,
                    [officer],
                    title=_("Your quarterly community input is due %(day)s") % {"day": day},
                    url=form_url,
                    dedupe_key=f"{key}:due-soon",
                )
            )
            continue
        if not status.overdue:
            continue
        weeks = (status.days_overdue - 1) // 7  # 0 in the first week overdue
        stage = "overdue" if weeks == 0 else f"overdue-week-{weeks}"
        sent += len(
            notify(
                KIND,
                [officer],
                title=ngettext(
                    "Your quarterly community input is overdue by %(days)d day (due %(day)s)",
                    "Your quarterly community input is overdue by %(days)d days (due %(day)s)",
                    status.days_overdue,
                )
                % {"days": status.days_overdue, "day": day},
                url=form_url,
                dedupe_key=f"{key}:{stage}",
            )
        )
        # The supervisor hears once per quarter owed, not every week.
        for boss in supervisors_of(
            officer, commanders=commanders, supervisors=supervisors, cros=cros
        ):
            may_see = Permission.VIEW_REPORTING_STATUS in permissions_for(boss)
            sent += len(
                notify(
                    KIND,
                    [boss],
                    title=_("%(name)s's quarterly community input is overdue (due %(day)s)")
                    % {"name": officer.display_name, "day": day},
                    url=status_url if may_see else reverse("home"),
                    dedupe_key=f"{key}:supervisor",
                )
            )
    return sent
