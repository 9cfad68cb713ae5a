"""Fictional demo concerns: about 200 over the past 15 months, in every status.

They are made through the same service functions the app uses, so that every timeline is
real, then their dates are moved back to when they would have happened.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.demo_areas import demo_area
from accounts.demo_places import demo_point
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

# How a CRO would sum each story up in a list, a few wordings each so that a list of demo
# concerns does not read as the same line over and over.
SUMMARIES = {
    "Cars speed through the school zone at pick-up time.": [
        "Cars speeding past the elementary school at pick-up time",
        "Speeding in the school zone between 2:30 and 3:30",
        "Parents worried about fast traffic at school pick-up",
    ],
    "Drivers run the stop sign at the four-way intersection.": [
        "Drivers rolling through the four-way stop",
        "Stop sign ignored at the four-way intersection",
    ],
    "Trucks park overnight on the residential street and block driveways.": [
        "Trucks parked overnight blocking driveways",
        "Overnight truck parking on a residential street",
    ],
    "Cars block the fire lane outside the grocery store.": [
        "Fire lane blocked outside the grocery store",
        "Shoppers parking in the grocery store fire lane",
    ],
    "Three street lights have been out for weeks along the walking path.": [
        "Three street lights out along the walking path",
        "Walking path dark for weeks: lights out",
    ],
    "The park is completely dark after 9 pm.": [
        "Park completely dark after 9 pm",
        "No lighting in the park at night",
    ],
    "Loud music from a house party most weekends past midnight.": [
        "Weekend house parties with loud music past midnight",
        "Late-night music from the same house most weekends",
    ],
    "Delivery trucks idle and unload at 4 am behind the stores.": [
        "Delivery trucks unloading at 4 am behind the stores",
        "Early-morning truck noise behind the shopping strip",
    ],
    "Residents see what looks like hand-to-hand sales near the bus stop.": [
        "Suspected drug sales near the bus stop",
        "Residents report hand-to-hand sales at the bus stop",
    ],
    "Several cars broken into overnight in the apartment lot.": [
        "Car break-ins overnight in the apartment lot",
        "String of vehicle break-ins at the apartments",
    ],
    "Packages are being stolen from porches on the block.": [
        "Package thefts from porches on the block",
        "Porch pirates taking deliveries",
    ],
    "Neighbors are frightened after a robbery near the corner store.": [
        "Neighbors shaken after robbery near the corner store",
        "Fear of walking to the corner store after a robbery",
    ],
    "Teenagers gather at the skate park with nothing to do after school.": [
        "Teens with nothing to do at the skate park after school",
        "After-school crowd at the skate park",
    ],
    "People are sleeping in the library doorway in the cold.": [
        "People sleeping in the library doorway in the cold",
        "Homeless residents sheltering at the library entrance",
    ],
    "Graffiti keeps appearing on the underpass.": [
        "Graffiti keeps coming back on the underpass",
        "New tags on the underpass every week",
    ],
    "An abandoned house is attracting trespassers.": [
        "Trespassers in an abandoned house",
        "Vacant house drawing people at night",
    ],
    "A resident feels an officer spoke to him disrespectfully during a traffic stop.": [
        "Resident says officer was disrespectful at a traffic stop",
        "Complaint about an officer's manner during a stop",
    ],
    "It took a long time for an officer to respond to a minor accident.": [
        "Slow response to a minor accident",
        "Long wait for an officer after a fender-bender",
    ],
    "The front desk was closed when a resident came to file a report.": [
        "Front desk closed when a resident came to file a report",
        "Resident turned away by a closed front desk",
    ],
    "Residents would like a crime-prevention presentation for seniors.": [
        "Seniors asking for a crime-prevention talk",
        "Request for a safety presentation at the senior center",
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
            # Chosen by count, not by the random generator: the demo stays the same demo.
            wordings = SUMMARIES[description]
            summary = wordings[made % len(wordings)]
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
                    "area": (place := rng.choice(AREAS)),
                    # A point decides the area by the rule every door uses; without one,
                    # the area the CRO matched for the typed place.
                    **(point := demo_point(place, made)),
                    "defined_area": None if point else demo_area(place),
                    "summary": summary,
                    "description": description,
                    "suggestions": suggestion,
                    "priority": rng.choice(["normal"] * 6 + ["high", "low", "urgent"]),
                },
            )
            _drive(concern, target, officer, supervisor, cro, chief, rng, departments, units)
            _backdate(concern, received, rng)
            made += 1
    _waiting_on_traffic(users, today)
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
        routing = services.route_to_unit(
            concern=concern, by=cro, unit=rng.choice(units), note="Please take this on."
        )
        # Most units acknowledge; one routing in five is left waiting (overdue by now: 000
        # §III.5). Chosen by the reference, not the random generator: the demo stays the same.
        commander = routing.unit.commander
        if commander and int(concern.reference.rsplit("-", 1)[1]) % 5:
            services.acknowledge_routing(routing=routing, by=commander)
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


def _office_hours(moment: dt.datetime) -> dt.datetime:
    """The moment, or the next morning's if it falls in the evening or the night."""
    local = timezone.localtime(moment)
    if local.hour < 8:
        local = local.replace(hour=8 + local.hour % 3)
    elif local.hour >= 18:
        local = (local + dt.timedelta(days=1)).replace(hour=9 + local.hour % 3)
    return local


def _backdate(concern, received, rng):
    """Move the timeline back to the days after the concern was received; the routing and
    referral records take the moments of their own lines, so a referral is made after the
    escalation before it and answered after it was made."""
    start = timezone.make_aware(dt.datetime.combine(received, dt.time(9, 0)))
    now = timezone.now()
    step = dt.timedelta(hours=rng.randint(6, 60))
    moment = start
    when = {}
    for i, update in enumerate(concern.updates.order_by("id")):
        # Logged when received; each later step in office hours, the way people work.
        if i:
            moment = min(_office_hours(moment + step), now)
        ConcernUpdate.objects.filter(pk=update.pk).update(created_at=moment)
        when.setdefault(update.kind, moment)
    Concern.objects.filter(pk=concern.pk).update(created_at=start)
    Concern.objects.filter(pk=concern.pk, status=Concern.Status.RESOLVED).update(resolved_at=moment)
    K = ConcernUpdate.Kind
    routed = when.get(K.ROUTED, start + step)
    Routing.objects.filter(concern=concern).update(routed_at=routed)
    Routing.objects.filter(concern=concern, acknowledged_at__isnull=False).update(
        acknowledged_at=when.get(K.ACKNOWLEDGED, routed + dt.timedelta(hours=3))
    )
    referred = timezone.localdate(when.get(K.REFERRED, start))
    for referral in Referral.objects.filter(concern=concern).select_related("department"):
        Referral.objects.filter(pk=referral.pk).update(
            referred_on=referred,
            due_on=referred + dt.timedelta(days=referral.department.response_days),
        )
        if referral.responded_on:
            answered = timezone.localdate(when.get(K.RESPONSE, moment))
            Referral.objects.filter(pk=referral.pk).update(responded_on=max(answered, referred))


WAITING_ON_TRAFFIC = "Trucks run the stop sign on the 400 block of Elm Street every morning"


def _waiting_on_traffic(users, today):
    """Issue 24 (000 §III.5): a concern routed to Traffic fourteen months ago that Traffic
    never acknowledged. Its page, the concern list's filter and the dashboard show it as
    overdue; the sweep still reminds the CRO of it once a week."""
    received = today - dt.timedelta(days=425)
    officer, cro = users["officer"], users["cro"]
    concern, _ = intake.log_concern(
        by=officer,
        data={
            "date_received": received,
            "source_type": Concern.SourceType.CITIZEN,
            "source_name": "A resident of Elm Street",
            "source_contact": "(555) 010-4417",
            "category": C.TRAFFIC,
            "nature": Concern.Nature.ACTUAL,
            "area": (place := "400 block of Elm Street"),
            **(point := demo_point(place, 0)),
            "defined_area": None if point else demo_area(place),
            "summary": WAITING_ON_TRAFFIC,
            "description": (
                "Delivery trucks roll through the stop sign on the 400 block of Elm Street "
                "between 6 and 8 in the morning. Children cross there to the bus stop."
            ),
            "suggestions": "Enforcement in the morning, and ask the depot to brief its drivers.",
            "priority": "high",
        },
    )
    services.escalate_concern(concern=concern, by=officer, note="Needs traffic enforcement.")
    services.forward_concern(concern=concern, by=users["supervisor"], note="For the CRO.")
    services.assign_concern(concern=concern, by=cro, assignee=cro)
    services.recommend_action(concern=concern, by=cro, text="Morning enforcement on Elm Street.")
    traffic = Unit.objects.get(name="Traffic")
    services.route_to_unit(concern=concern, by=cro, unit=traffic, note="Please take this on.")
    services.record_progress(concern=concern, by=cro, text="Asked Traffic for a plan; no reply.")
    _backdate(concern, received, random.Random(24))  # noqa: S311 - fictional data  # nosec B311
    return concern
