"""Fictional demo data for the command staff's attendance at community meetings (004 §2.0)
and for the duties of 000 III.2 and III.8: the Chief at every Coffee with the Chief and at
some forums and council meetings, a lieutenant marked command staff at some watch and
advisory-committee meetings, roll-call briefings of personnel on community relations, and
advice to a neighborhood watch while it forms. Used only by `manage.py seed_demo`, after
outreach.demo (whose activities it joins)."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.demo_areas import demo_area
from accounts.models import User
from outreach.models import CommunityOrganization, OutreachActivity

A = OutreachActivity.Kind
K = CommunityOrganization.Kind

FORMING = "Birch Lane Neighborhood Watch"
# The lieutenant the demo marks command staff (Investigations; accounts.demo).
LIEUTENANT = "multi"

BRIEFINGS = [
    (20, "Roll-call briefing: every officer's part in community relations"),
    (110, "Training on handling residents' concerns at the door"),
    (250, "Roll-call briefing: what residents said in the last survey"),
    (380, "Training for new civilian staff on community relations"),
]
ADVICE = [
    (
        40,
        "First meeting of the Birch Lane watch: how to start",
        "Explained how a watch is "
        "organised, suggested a block-captain list and a monthly meeting, and left the "
        "Neighborhood Watch starter pack.",
    ),
    (
        75,
        "Birch Lane watch: choosing a chair and a phone tree",
        "Advised on electing a chair "
        "and a secretary, and on a phone tree that reaches every block by evening.",
    ),
    (
        160,
        "Advice to the Sunset Boulevard tenants forming a group",
        "Advised the tenants on "
        "registering as an association and on inviting the beat officer to their meetings.",
    ),
]


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    if CommunityOrganization.objects.filter(name=FORMING).exists():
        return {"command staff": 0, "meetings attended": 0, "briefings": 0, "advice": 0}
    rng = random.Random(24)  # noqa: S311 - fictional data  # nosec B311
    today = timezone.localdate()
    chief, lieutenant, cro = users["chief"], users[LIEUTENANT], users["cro"]
    # The Chief counts by role; the lieutenant because an administrator ticked the box.
    lieutenant.is_command_staff = True
    lieutenant.save(update_fields=["is_command_staff"])

    attended = 0
    meetings = OutreachActivity.objects.filter(
        kind__in=[
            A.COFFEE_WITH_CHIEF,
            A.FORUM,
            A.COUNCIL_MEETING,
            A.ORGANIZATION_MEETING,
            A.ADVISORY_MEETING,
        ]
    ).order_by("date", "pk")
    for activity in meetings:
        if activity.kind == A.COFFEE_WITH_CHIEF or (
            activity.kind in (A.FORUM, A.COUNCIL_MEETING) and rng.random() < 0.6
        ):
            activity.officers.add(chief)
            attended += 1
        if activity.kind in (A.ORGANIZATION_MEETING, A.ADVISORY_MEETING) and rng.random() < 0.35:
            activity.officers.add(lieutenant)
            attended += 1

    members = [users[n] for n in ("officer", "officer2", "supervisor", "training")]
    for days, title in BRIEFINGS:
        briefing = OutreachActivity.objects.create(
            kind=A.PERSONNEL_BRIEFING,
            date=today - dt.timedelta(days=days),
            title=title,
            area="Police headquarters",
            attendance=len(members),
            staff_hours=Decimal("1.0"),
            summary="Why every member, sworn or not, shares in the department's standing "
            "with the community, and how to pass on what residents say.",
            logged_by=cro,
        )
        briefing.officers.set(members[: rng.randint(2, len(members))])

    forming = CommunityOrganization.objects.create(
        name=FORMING,
        kind=K.NEIGHBORHOOD_WATCH,
        area="Maple Heights",
        defined_area=demo_area("Maple Heights"),
        helped_establish=True,
        contact_name="Gus Hale",
        contact_phone="(555) 010-7312",
        liaison_officer=cro,
        notes="Forming: the residents asked for advice on starting a watch.",
    )
    tenants = CommunityOrganization.objects.get(name="Sunset Boulevard Residents Association")
    for (days, title, advised), organization in zip(
        ADVICE, [forming, forming, tenants], strict=True
    ):
        advice = OutreachActivity.objects.create(
            kind=A.GROUP_FORMATION_ADVICE,
            date=today - dt.timedelta(days=days),
            title=title,
            organization=organization,
            area=organization.area,
            defined_area=organization.defined_area,
            attendance=rng.randint(6, 18),
            staff_hours=Decimal("1.5"),
            summary=advised,
            logged_by=cro,
        )
        advice.officers.set([cro, lieutenant] if days == 40 else [cro])
    return {
        "command staff": 1,
        "meetings attended": attended,
        "briefings": len(BRIEFINGS),
        "advice": len(ADVICE),
    }
