"""Fictional outreach demo data: organizations, ~300 activities over 15 months in every
kind, participants with waivers, materials in every state, training needs, recognition
and officers' community input. Used only by `manage.py seed_demo`."""

import datetime as dt
import io
import random
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.areas import resolve
from accounts.demo_areas import demo_area
from accounts.demo_places import demo_point
from accounts.models import User
from outreach.models import (
    CommunityInputReport,
    CommunityOrganization,
    Material,
    OutreachActivity,
    Participant,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)

K = CommunityOrganization.Kind
A = OutreachActivity.Kind

ORGANIZATIONS = [
    ("Maple Heights Neighborhood Watch", K.NEIGHBORHOOD_WATCH, "Maple Heights", True),
    ("Oak Hollow Neighborhood Watch", K.NEIGHBORHOOD_WATCH, "Oak Hollow", True),
    ("Pinecrest Block Captains", K.NEIGHBORHOOD_WATCH, "Pinecrest neighborhood", False),
    ("Cedar Grove Tenants Watch", K.NEIGHBORHOOD_WATCH, "Cedar Grove apartments", True),
    ("Main Street Business Watch", K.BUSINESS_WATCH, "Main Street business district", True),
    ("Westgate Merchants Watch", K.BUSINESS_WATCH, "Westgate shopping center", False),
    ("Riverbend Rotary Club", K.CIVIC, "Downtown", False),
    ("League of Riverbend Voters", K.CIVIC, "Citywide", False),
    ("Riverbend Seniors Council", K.CIVIC, "Citywide", False),
    ("Grace Community Church", K.FAITH, "Sunset Boulevard corridor", False),
    ("Riverbend Islamic Center", K.FAITH, "Old Mill District", False),
    ("St. Anne's Parish", K.FAITH, "Maple Heights", False),
    ("Lincoln Elementary School", K.SCHOOL, "Lincoln Elementary School", False),
    ("Riverbend High School", K.SCHOOL, "Harbor Road", False),
    ("Westside Middle School", K.SCHOOL, "Beat 5 (north side)", False),
    ("Riverbend Chamber of Commerce", K.BUSINESS_ASSOCIATION, "Downtown", False),
    ("Harbor Road Business Association", K.BUSINESS_ASSOCIATION, "Harbor Road", False),
    ("Riverbend Food Pantry", K.SOCIAL_SERVICE, "Old Mill District", False),
    ("Youth Hope Mentoring", K.SOCIAL_SERVICE, "Citywide", False),
    ("Safe Harbor Family Violence Center", K.FAMILY_VIOLENCE, "Confidential location", False),
    ("Riverbend Sexual Assault Program", K.SEXUAL_ASSAULT, "Citywide", False),
    ("Community Advisory Committee", K.ADVISORY_COMMITTEE, "Citywide", True),
    ("Willow Creek Trail Friends", K.OTHER, "Willow Creek trail", True),
    ("Riverbend Skate Park Parents", K.OTHER, "Riverside Park", False),
    ("Sunset Boulevard Residents Association", K.CIVIC, "Sunset Boulevard corridor", False),
]

TITLES = {
    A.SAFETY_CLASS: "Bicycle safety class",
    A.SECURITY_INSPECTION: "Home security inspection",
    A.SAFETY_PRESENTATION: "Workplace safety presentation",
    A.ORGANIZATION_MEETING: "Monthly meeting",
    A.WEEKLY_INCIDENT_REPORT: "Weekly police incident report",
    A.CITIZENS_ACADEMY: "Citizen's Academy session",
    A.MEDIA_CONTACT: "Interview with the Riverbend Gazette",
    A.CITY_COLLABORATION: "Joint walk-through with Public Works",
    A.AGENCY_COLLABORATION: "Joint operation with the county sheriff",
    A.FORUM: "Community forum on traffic safety",
    A.COFFEE_WITH_CHIEF: "Coffee with the Chief",
    A.OPEN_HOUSE: "Police headquarters open house",
    A.SOCIAL_MEDIA: "Safety tips posted on social media",
    A.PUBLICATION: "Article in the City newsletter",
    A.SCHOOL_VISIT: "Lunch with students",
    A.FOOT_PATROL: "Foot patrol",
    A.COUNCIL_MEETING: "Police Commission meeting",
    A.ADVISORY_MEETING: "Community advisory committee meeting",
    A.CIVIC_RELIGIOUS: "Community festival",
    A.IMMIGRATION_OUTREACH: "Outreach on U visas and victims' rights",
    A.PERSONNEL_BRIEFING: "Roll-call briefing on community relations",
    A.GROUP_FORMATION_ADVICE: "Advice on starting a group",
    A.OTHER: "Community clean-up",
}

PEOPLE = ["Ana Ruiz", "Ben Cole", "Chloe Park", "Dev Patel", "Eli Moss", "Fay Wong", "Gus Hale"]


# The demo town's places, shared by the organizations, activities and concerns.
AREAS = [
    "Maple Heights",
    "Riverside Park",
    "Old Mill District",
    "400 block of Elm Street",
    "Harbor Road and 5th Avenue",
    "Lincoln Elementary School",
    "Beat 3 (downtown)",
    "Beat 5 (north side)",
    "Cedar Grove apartments",
    "Westgate shopping center",
    "Oak Hollow",
    "Main Street business district",
    "Sunset Boulevard corridor",
    "Willow Creek trail",
    "Pinecrest neighborhood",
]


def _png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 300), "#0f2a4a")
    draw = ImageDraw.Draw(image)
    draw.rectangle([20, 20, 460, 280], outline="#c9a227", width=6)
    draw.text((60, 130), "RIVERBEND POLICE - BE SAFE, BE SEEN", fill="white")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    if CommunityOrganization.objects.filter(name=ORGANIZATIONS[0][0]).exists():
        return {"organizations": 0, "activities": 0}
    rng = random.Random(300)  # noqa: S311 - fictional data  # nosec B311
    today = timezone.localdate()
    officers = [users["officer"], users["officer2"], users["supervisor"], users["cro"]]
    cro, chief = users["cro"], users["chief"]

    organizations = []
    for name, kind, area, helped in ORGANIZATIONS:
        organizations.append(
            CommunityOrganization.objects.create(
                name=name,
                kind=kind,
                area=area,
                defined_area=demo_area(area),
                helped_establish=helped,
                contact_name=rng.choice(PEOPLE),
                contact_phone=f"(555) 010-{rng.randint(1000, 9999)}",
                liaison_officer=rng.choice(officers),
            )
        )
    # One organization the unit has lost touch with: no activity at all.
    organizations[-1].notes = "No contact since the association changed its board."
    organizations[-1].save(update_fields=["notes"])

    kinds = list(A)
    activities = []
    for i in range(300):
        kind = kinds[i % len(kinds)]
        date = today - dt.timedelta(days=rng.randint(0, 455))
        organization = rng.choice(organizations[:-1]) if rng.random() < 0.7 else None
        if kind == A.IMMIGRATION_OUTREACH:
            organization = rng.choice(organizations[19:21])
        people = rng.sample(officers, k=rng.randint(1, 2))
        activity = OutreachActivity.objects.create(
            kind=kind,
            date=date,
            title=TITLES[kind] + (f" with {organization.name}" if organization else ""),
            organization=organization,
            area=(
                place := organization.area if organization else rng.choice(["Downtown", "Beat 3"])
            ),
            **(point := demo_point(place, i)),
            # A point decides the area by the rule every door uses; else the matched one.
            defined_area=(
                resolve(place, latitude=point["latitude"], longitude=point["longitude"])
                if point
                else demo_area(place)
            ),
            attendance=rng.randint(0, 80),
            staff_hours=Decimal(rng.choice(["1.0", "1.5", "2.0", "3.0", "4.5"])),
            materials_cost=Decimal(rng.choice(["0", "0", "25.00", "60.00", "120.00"])),
            summary="Answered questions and collected concerns from residents.",
            **_patrol(kind, i, users["supervisor"]),
            waivers_required=kind in (A.CITIZENS_ACADEMY, A.OPEN_HOUSE),
            background_check_required=kind == A.CITIZENS_ACADEMY,
            logged_by=people[0],
        )
        activity.officers.set(people)
        activities.append(activity)

    # Participants with waivers; a few not yet ready, so the warnings show.
    academies = [a for a in activities if a.kind == A.CITIZENS_ACADEMY]
    for activity in academies[:6]:
        for j, name in enumerate(PEOPLE[:5]):
            minor = j == 4
            Participant.objects.create(
                activity=activity,
                name=name,
                is_minor=minor,
                guardian_name="Rosa Ruiz" if minor else "",
                waiver_signed_on=activity.date if j != 3 else None,
                background_check=Participant.Check.CLEARED if j < 3 else Participant.Check.PENDING,
            )

    _foot_patrols(users, today)
    _scheduled_academy(users, today)
    _materials(cro, chief, rng, activities, today)
    _training(users, today)
    _recognition(users, cro, today)
    _reporting(users, today)
    return {"organizations": len(organizations), "activities": len(activities)}


def _patrol(kind, i: int, supervisor) -> dict:
    """A foot patrol's times and who was told (002 §300.3(d)); every one told everyone."""
    if kind != A.FOOT_PATROL:
        return {}
    return {
        "start_time": dt.time(9 + i % 9, 30),
        "end_time": dt.time(11 + i % 9, 0),
        "supervisor_notified": True,
        "notified_supervisor": supervisor,
        "dispatch_notified_start": True,
        "dispatch_notified_end": True,
    }


def _foot_patrols(users, today):
    """Last week's foot patrols on Main Street; one never told dispatch it had ended."""
    rows = [
        (6, dt.time(10, 0), dt.time(12, 0), True, ""),
        (4, dt.time(16, 30), dt.time(18, 0), True, ""),
        (2, dt.time(19, 0), dt.time(21, 15), False, "Radio battery died near the end."),
    ]
    for days_ago, start, end, told_end, note in rows:
        patrol = OutreachActivity.objects.create(
            kind=A.FOOT_PATROL,
            date=today - dt.timedelta(days=days_ago),
            start_time=start,
            end_time=end,
            title="Foot patrol on Main Street",
            area="Main Street business district",
            defined_area=demo_area("Main Street business district"),
            staff_hours=Decimal("2.0"),
            summary="Walked the business district and talked with shop owners.",
            supervisor_notified=True,
            notified_supervisor=users["supervisor"],
            dispatch_notified_start=True,
            dispatch_notified_end=told_end,
            notice_note=note,
            logged_by=users["officer"],
        )
        patrol.officers.set([users["officer"]])


def _scheduled_academy(users, today):
    """Next month's Citizen's Academy, planned ahead with people registered: one whose
    check did not clear and one still without a waiver (002 §300.7)."""
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    academy = OutreachActivity.objects.create(
        kind=A.CITIZENS_ACADEMY,
        status=OutreachActivity.Status.SCHEDULED,
        date=first + dt.timedelta(days=9),
        start_time=dt.time(18, 0),
        end_time=dt.time(21, 0),
        title="Citizen's Academy, spring class",
        area="Police headquarters",
        summary="Eight evenings on patrol, investigations, dispatch and the courts.",
        waivers_required=True,
        background_check_required=True,
        logged_by=users["cro"],
    )
    academy.officers.set([users["cro"]])
    C = Participant.Check
    registered = [
        ("Helen Ortiz", today - dt.timedelta(days=5), C.CLEARED),
        ("Marcus Bell", today - dt.timedelta(days=3), C.CLEARED),
        ("Priya Nair", today - dt.timedelta(days=4), C.NOT_CLEARED),
        ("Tom Grady", None, C.CLEARED),
        ("Lena Fischer", today - dt.timedelta(days=1), C.PENDING),
    ]
    for name, waiver, check in registered:
        Participant.objects.create(
            activity=academy, name=name, waiver_signed_on=waiver, background_check=check
        )


def _materials(cro, chief, rng, activities, today):
    design = _png()
    states = [
        ("Reflective bicycle stickers", Material.Source.PURCHASED, "", "approved"),
        ("Junior officer badges", Material.Source.PURCHASED, "", "approved"),
        ("Home security checklist leaflet", Material.Source.PURCHASED, "", "submitted"),
        ("Coloring books", Material.Source.DONATED, "Riverbend Rotary Club", "submitted"),
        ("Water bottles with logo", Material.Source.DONATED, "Harbor Road Bakery", "rejected"),
        ("Safety whistles", Material.Source.PURCHASED, "", "draft"),
    ]
    for name, source, donor, state in states:
        material = Material.objects.create(
            name=name,
            source=source,
            donor=donor,
            quantity=rng.choice([200, 500, 1000]),
            cost=Decimal("0") if donor else Decimal(rng.choice(["180.00", "450.00"])),
            created_by=cro,
            design_type="image/png",
            description="For school visits and community events.",
        )
        material.design.save(f"{name.lower().replace(' ', '-')}.png", ContentFile(design))
        if state == "draft":
            continue
        material.status = state
        material.submitted_at = timezone.now() - dt.timedelta(days=rng.randint(3, 40))
        if state in ("approved", "rejected"):
            material.decided_by = chief
            material.decided_at = material.submitted_at + dt.timedelta(days=2)
            if state == "rejected":
                material.chief_comment = "The donor's logo is larger than ours; resize it."
        material.save()
        if state == "approved":
            material.distributions.create(
                date=today - dt.timedelta(days=10),
                quantity=50,
                activity=rng.choice(activities),
                recorded_by=cro,
            )


def _training(users, today):
    T = TrainingNeed
    rows = [
        (
            T.Topic.COMMUNICATION,
            "De-escalation at traffic stops",
            T.Source.CITIZEN_INTERVIEWS,
            "identified",
        ),
        (
            T.Topic.DIVERSITY,
            "Serving residents with limited English",
            T.Source.SURVEYS,
            "identified",
        ),
        (
            T.Topic.ENFORCEMENT_EFFECTS,
            "Explaining parking enforcement",
            T.Source.SUPERVISORS,
            "forwarded",
        ),
        (
            T.Topic.COMMUNITY_POLICING,
            "Problem-solving with watch groups",
            T.Source.SUPERVISORS,
            "scheduled",
        ),
        (
            T.Topic.PARTNERSHIPS,
            "Working with service providers",
            T.Source.INTERNAL_AFFAIRS,
            "delivered",
        ),
    ]
    for topic, detail, source, status in rows:
        need = T.objects.create(
            topic=topic,
            topic_detail=detail,
            source=source,
            description="Residents and supervisors say this comes up at community meetings.",
            identified_by=users["supervisor"],
            status=status,
        )
        if status != "identified":
            need.forwarded_at = timezone.now() - dt.timedelta(days=30)
        if status in ("scheduled", "delivered"):
            need.scheduled_for = today + dt.timedelta(days=14 if status == "scheduled" else -7)
        if status == "delivered":
            need.delivered_on = today - dt.timedelta(days=7)
        need.save()


def _recognition(users, cro, today):
    Recognition.objects.create(
        member=users["officer"],
        reason="Organized the Oak Hollow watch group's first meeting and kept it going.",
        date=today - dt.timedelta(days=40),
        recognized_by=cro,
    )
    Recognition.objects.create(
        community_member="Rosa Ruiz, Cedar Grove Tenants Watch",
        reason="Brought tenants and officers together after a string of car break-ins.",
        date=today - dt.timedelta(days=12),
        recognized_by=cro,
    )


def _reporting(users, today):
    on_time = ReportingAssignment.objects.create(
        officer=users["officer2"],
        duty=ReportingAssignment.Duty.SCHOOL_RESOURCE,
        since=today - dt.timedelta(days=400),
    )
    CommunityInputReport.objects.create(
        assignment=on_time,
        submitted_on=today - dt.timedelta(days=20),
        concerns_heard="Parents worry about speeding at pick-up time on Elm Street.",
        suggestions="A crossing guard at Elm and 5th.",
    )
    overdue = ReportingAssignment.objects.create(
        officer=users["officer"],
        duty=ReportingAssignment.Duty.CRIME_PREVENTION,
        since=today - dt.timedelta(days=400),
    )
    CommunityInputReport.objects.create(
        assignment=overdue,
        submitted_on=today - dt.timedelta(days=130),
        concerns_heard="Car break-ins at Cedar Grove; residents want better lighting.",
    )
