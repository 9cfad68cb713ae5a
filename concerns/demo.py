"""Fictional demo concerns: about 200 over the past 15 months, in every status.

They are made through the same service functions the app uses, so that every timeline is
real, then their dates are moved back to when they would have happened.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from concerns import intake, services
from concerns.models import Concern, ConcernUpdate, Department, Referral, Routing, Unit
from outreach.demo import AREAS
from outreach.models import OutreachActivity

C = Concern.Category


SOURCES = [
    (Concern.SourceType.CITIZEN, "A resident"),
    (Concern.SourceType.BUSINESS, "Shop owner"),
    (Concern.SourceType.WATCH_GROUP, "Maple Heights Neighborhood Watch"),
    (Concern.SourceType.CIVIC_FAITH, "Grace Community Church"),
    (Concern.SourceType.SCHOOL, "Lincoln Elementary principal"),
    (Concern.SourceType.OUTSIDE_AGENCY, "Riverbend Fire Department"),
    (Concern.SourceType.ELECTED_OFFICIAL, "Council member, Ward 2"),
    (Concern.SourceType.SOCIAL_MEDIA, "Comment on the department page"),
    (Concern.SourceType.MEDIA, "Riverbend Gazette reporter"),
    (Concern.SourceType.OFFICER_OBSERVATION, ""),
    (Concern.SourceType.SURVEY, "Annual survey comment"),
]

STORIES = {
    C.TRAFFIC: [
        (
            "Cars speed through the school zone at pick-up time.",
            "Radar trailer and directed enforcement 2:30-3:30 pm.",
        ),
        (
            "Drivers run the stop sign at the four-way intersection.",
            "Ask Traffic Engineering about a flashing sign.",
        ),
    ],
    C.PARKING: [
        (
            "Trucks park overnight on the residential street and block driveways.",
            "Enforce the overnight parking ordinance.",
        ),
        (
            "Cars block the fire lane outside the grocery store.",
            "Marked signs and periodic checks.",
        ),
    ],
    C.STREET_LIGHTING: [
        (
            "Three street lights have been out for weeks along the walking path.",
            "Refer to Public Works for repair.",
        ),
        ("The park is completely dark after 9 pm.", "Ask Parks about timers on the lights."),
    ],
    C.NOISE: [
        (
            "Loud music from a house party most weekends past midnight.",
            "Extra patrol on Friday and Saturday nights.",
        ),
        (
            "Delivery trucks idle and unload at 4 am behind the stores.",
            "Talk with the store managers.",
        ),
    ],
    C.NARCOTICS: [
        (
            "Residents see what looks like hand-to-hand sales near the bus stop.",
            "Share with Investigations; increase visibility.",
        ),
    ],
    C.PROPERTY_CRIME: [
        (
            "Several cars broken into overnight in the apartment lot.",
            "Lighting survey and a crime-prevention talk.",
        ),
        (
            "Packages are being stolen from porches on the block.",
            "Share package-theft prevention tips.",
        ),
    ],
    C.VIOLENT_CRIME: [
        (
            "Neighbors are frightened after a robbery near the corner store.",
            "Community meeting with Investigations.",
        ),
    ],
    C.YOUTH: [
        (
            "Teenagers gather at the skate park with nothing to do after school.",
            "Police Activities League outreach.",
        ),
    ],
    C.HOMELESSNESS: [
        (
            "People are sleeping in the library doorway in the cold.",
            "Connect with the outreach team and shelters.",
        ),
    ],
    C.QUALITY_OF_LIFE: [
        (
            "Graffiti keeps appearing on the underpass.",
            "Refer to Public Works for removal; watch group to report new tags.",
        ),
        ("An abandoned house is attracting trespassers.", "Code Enforcement inspection."),
    ],
    C.CONDUCT_BIAS: [
        (
            "A resident feels an officer spoke to him disrespectfully during a traffic stop.",
            "Supervisor review of the stop.",
        ),
    ],
    C.POLICE_SERVICE: [
        (
            "It took a long time for an officer to respond to a minor accident.",
            "Explain call priorities at the next watch meeting.",
        ),
        (
            "The front desk was closed when a resident came to file a report.",
            "Post the front-desk hours online.",
        ),
    ],
    C.OTHER: [
        (
            "Residents would like a crime-prevention presentation for seniors.",
            "Schedule a safety presentation.",
        ),
    ],
}

DEPARTMENTS = [
    ("Public Works", "Dana Hill", 10),
    ("Code Enforcement", "Ravi Shah", 14),
    ("Parks and Recreation", "Amy Cole", 14),
    ("Traffic Engineering", "Ben Ochoa", 21),
    ("Housing Services", "Lena Fox", 21),
    ("Riverbend School District", "Carla Dunn", 14),
]

# Target states and how many of each; every status appears.
PLAN = [
    ("resolved_by_officer", 30),
    ("received", 12),
    ("escalated", 12),
    ("forwarded", 14),
    ("action_recommended", 16),
    ("referred", 20),
    ("referred_overdue", 8),
    ("in_progress", 28),
    ("resolved", 50),
    ("reopened", 10),
]


def _reference_lists(users):
    for name, contact, days in DEPARTMENTS:
        Department.objects.get_or_create(
            name=name,
            defaults={"contact_name": contact, "response_days": days, "phone": "(555) 010-2000"},
        )
    for name, commander in [
        ("Patrol", users.get("supervisor")),
        ("Traffic", users.get("supervisor")),
        ("Investigations", users.get("multi")),
        ("Community Relations Unit", users.get("cro")),
    ]:
        Unit.objects.get_or_create(name=name, defaults={"commander": commander})


def seed(stdout=None) -> dict:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    _reference_lists(users)
    if Concern.objects.filter(reported_by__is_demo=True).exists():
        return {"concerns": 0}
    rng = random.Random(2026)  # noqa: S311 - fictional data  # nosec B311
    officers = [users["officer"], users["officer2"], users["supervisor"], users["training"]]
    cro, supervisor, chief = users["cro"], users["supervisor"], users["chief"]
    departments = list(Department.objects.all())
    units = list(Unit.objects.all())
    today = timezone.localdate()
    made = 0
    categories = list(STORIES)
    for target, count in PLAN:
        for _ in range(count):
            days_ago = rng.randint(0, 455)
            if target in ("received", "escalated", "forwarded"):
                days_ago = rng.randint(0, 20)
            if target == "referred":
                days_ago = rng.randint(0, 6)
            if target == "referred_overdue":
                days_ago = rng.randint(30, 90)
            received = today - dt.timedelta(days=days_ago)
            category = rng.choice(categories)
            if target in ("received", "resolved_by_officer"):
                # A conduct concern goes straight to supervisors (001 IV.C).
                category = rng.choice([c for c in categories if c != C.CONDUCT_BIAS])
            description, suggestion = rng.choice(STORIES[category])
            source_type, source_name = rng.choice(SOURCES)
            officer = rng.choice(officers)
            concern, _ = intake.log_concern(
                by=officer,
                data={
                    "date_received": received,
                    "source_type": source_type,
                    "source_name": source_name,
                    "source_contact": (
                        f"(555) 010-{rng.randint(0, 9999):04d}" if source_name else ""
                    ),
                    "category": category,
                    "nature": rng.choice(list(Concern.Nature)),
                    "area": rng.choice(AREAS),
                    "description": description,
                    "suggestions": suggestion,
                    "priority": rng.choice(["normal"] * 6 + ["high", "low", "urgent"]),
                },
            )
            _drive(concern, target, officer, supervisor, cro, chief, rng, departments, units)
            _backdate(concern, received, rng)
            made += 1
    # Concerns raised at outreach activities link back to them and their organization.
    activities = list(OutreachActivity.objects.filter(organization__isnull=False))
    if activities:
        for concern in Concern.objects.filter(reported_by__is_demo=True).order_by("id")[:40]:
            activity = rng.choice(activities)
            concern.activity = activity
            concern.organization = activity.organization
            concern.save(update_fields=["activity", "organization"])
    return {"concerns": made}


def _drive(concern, target, officer, supervisor, cro, chief, rng, departments, units):
    if target == "received":
        return
    if target == "resolved_by_officer":
        services.resolve_as_officer(
            concern=concern,
            by=officer,
            resolution="Explained the ordinance and the resident was satisfied.",
        )
        return
    if concern.status == Concern.Status.RECEIVED:
        services.escalate_concern(concern=concern, by=officer, note="Beyond what patrol can fix.")
    if target == "escalated":
        return
    services.forward_concern(concern=concern, by=supervisor, note="Forwarding for follow-up.")
    if target == "forwarded":
        return
    services.assign_concern(concern=concern, by=cro, assignee=cro)
    services.recommend_action(
        concern=concern, by=cro, text=concern.suggestions or "Directed patrol."
    )
    if target == "action_recommended":
        return
    if target in ("referred", "referred_overdue", "resolved", "reopened") and rng.random() < 0.8:
        services.refer_concern(
            concern=concern,
            by=cro,
            department=rng.choice(departments),
            referred_on=concern.date_received,
            note="Asked for an assessment and a date for the repair.",
        )
        if target in ("referred", "referred_overdue"):
            return
        referral = concern.referrals.first()
        services.record_referral_response(
            referral=referral,
            by=cro,
            response="Work order opened; crew scheduled.",
            responded_on=concern.date_received,
        )
    if target in ("referred", "referred_overdue"):
        return
    if rng.random() < 0.5:
        services.route_to_unit(
            concern=concern, by=cro, unit=rng.choice(units), note="Please take this on."
        )
    services.record_progress(
        concern=concern, by=cro, text="Directed patrol twice this week; fewer complaints."
    )
    if target == "in_progress":
        return
    services.resolve_concern(
        concern=concern, by=cro, resolution="The problem has been corrected; the resident was told."
    )
    if target == "reopened":
        services.reopen_concern(
            concern=concern, by=cro, reason="The resident reports it has started again."
        )


def _backdate(concern, received, rng):
    """Move the timeline back to the days after the concern was received."""
    start = timezone.make_aware(dt.datetime.combine(received, dt.time(9, 0)))
    now = timezone.now()
    step = dt.timedelta(hours=rng.randint(6, 60))
    moment = start
    for update in concern.updates.order_by("id"):
        moment = min(moment + step, now)
        ConcernUpdate.objects.filter(pk=update.pk).update(created_at=moment)
    Concern.objects.filter(pk=concern.pk).update(created_at=start)
    Concern.objects.filter(pk=concern.pk, status=Concern.Status.RESOLVED).update(resolved_at=moment)
    Routing.objects.filter(concern=concern).update(routed_at=start + step)
    for referral in Referral.objects.filter(concern=concern).select_related("department"):
        Referral.objects.filter(pk=referral.pk).update(
            referred_on=received,
            due_on=received + dt.timedelta(days=referral.department.response_days),
        )
