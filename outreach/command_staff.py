"""Command staff at community meetings (004 §2.0: "Regardless of workload, the Chief of
Police and all command staff are also expected to attend community meetings"; 002
§300.4(g): "Attending Village council and other community meetings").

One home for the two rules the page and the annual report share: who is command staff,
and which kinds of activity are community meetings. Every figure is one SQL query,
whatever the number of members or meetings.
"""

import datetime as dt

from django.contrib.auth.models import Group
from django.db.models import Count, Exists, F, Max, OuterRef, Q, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from core.roles import Role
from outreach.models import OutreachActivity

A = OutreachActivity.Kind
# Only a meeting that took place counts; a scheduled one is not attended yet (002 §300.7).
HELD = OutreachActivity.Status.HELD

# Meetings with residents and their groups, where the community speaks and the command
# listens: not patrols, publications, inspections, collaborations with other agencies, or
# briefings of the department's own personnel.
COMMUNITY_MEETING_KINDS = frozenset(
    {
        A.ORGANIZATION_MEETING,
        A.FORUM,
        A.COFFEE_WITH_CHIEF,
        A.OPEN_HOUSE,
        A.COUNCIL_MEETING,
        A.ADVISORY_MEETING,
        A.CIVIC_RELIGIOUS,
        A.GROUP_FORMATION_ADVICE,
    }
)

# How many of each member's latest meetings the page lists by name.
RECENT_MEETINGS = 5

_Attended = OutreachActivity.officers.through


def command_staff():
    """Members an administrator marked command staff, and whoever holds the Chief role
    (004 §2.0 names the Chief first): the Chief needs no box ticked."""
    chief = Group.objects.filter(name=Role.CHIEF.value, user=OuterRef("pk"))
    return User.objects.filter(Q(is_command_staff=True) | Exists(chief))


def _meetings(start: dt.date, end: dt.date) -> Q:
    return Q(date__range=(start, end), kind__in=COMMUNITY_MEETING_KINDS)


def attendance_by_member(start: dt.date, end: dt.date) -> list:
    """Each command-staff member with the community meetings they attended in the period
    (listed among the activity's officers) and the last one's date: active members
    always, former members only if they attended (one query)."""
    # A join from the member reaches past OutreachActivity.objects, so it says "held" itself.
    in_period = Q(
        outreach_activities__date__range=(start, end),
        outreach_activities__kind__in=COMMUNITY_MEETING_KINDS,
        outreach_activities__status=HELD,
    )
    return list(
        command_staff()
        .annotate(
            meetings=Count("outreach_activities", filter=in_period, distinct=True),
            last_meeting=Max("outreach_activities__date", filter=in_period),
        )
        .filter(Q(is_active=True) | Q(meetings__gt=0))
        .order_by("-meetings", "last_name", "first_name", "pk")
    )


def meetings_attended(start: dt.date, end: dt.date) -> int:
    """Community meetings in the period at which at least one command-staff member was
    present: a meeting two of them attended counts once (one query)."""
    present = _Attended.objects.filter(
        outreachactivity=OuterRef("pk"), user__in=command_staff().values("pk")
    )
    # OutreachActivity.objects counts held activities only.
    return OutreachActivity.objects.filter(_meetings(start, end), Exists(present)).count()


def recent_meetings(member_ids: list[int], start: dt.date, end: dt.date) -> dict:
    """The latest RECENT_MEETINGS meetings of each member in the period, by member id,
    numbered per member in SQL (one query, however many members)."""
    rows = (
        _Attended.objects.filter(
            user_id__in=member_ids,
            outreachactivity__date__range=(start, end),
            outreachactivity__kind__in=COMMUNITY_MEETING_KINDS,
            outreachactivity__status=HELD,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("user_id")],
                order_by=[F("outreachactivity__date").desc(), F("outreachactivity_id").desc()],
            )
        )
        .filter(rank__lte=RECENT_MEETINGS)
        .order_by("user_id", "rank")
        .values(
            "user_id",
            "outreachactivity_id",
            "outreachactivity__date",
            "outreachactivity__title",
            "outreachactivity__kind",
        )
    )
    found: dict = {}
    for r in rows:
        found.setdefault(r["user_id"], []).append(
            {
                "pk": r["outreachactivity_id"],
                "date": r["outreachactivity__date"],
                "title": r["outreachactivity__title"],
                "kind": r["outreachactivity__kind"],
            }
        )
    return found
