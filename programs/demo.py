"""Fictional demo programs: the outreach programs 004 §2 endorses, with sessions and
evaluations in every state. Used only by `manage.py seed_demo`."""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from outreach.models import OutreachActivity
from programs.forms import last_half_year
from programs.models import Program, ProgramEvaluation, add_months, session_totals

C = Program.Category
A = OutreachActivity.Kind

# name, category, status, activity kind whose demo activities become its sessions
PROGRAMS = [
    ("Community forums", C.MEETINGS, "active", A.FORUM),
    ("Coffee with the Chief", C.MEETINGS, "active", A.COFFEE_WITH_CHIEF),
    ("Open house", C.EVENTS, "active", A.OPEN_HOUSE),
    ("Police Activities League", C.YOUTH, "active", None),
    ("DARE", C.EDUCATION, "suspended", None),
    ("Citizens Police Academy", C.EDUCATION, "active", A.CITIZENS_ACADEMY),
    ("Mentorship for at-risk youth", C.MENTORSHIP, "active", None),
    ("Blue Santa", C.CHARITY, "active", None),
    ("Infant seat installation checks", C.SAFETY, "active", A.SAFETY_CLASS),
    ("VIN etching", C.CRIME_PREVENTION, "discontinued", None),
    ("Back to school: shopping with a cop", C.CHARITY, "approved", None),
    ("Run for the Heroes 5K", C.EVENTS, "proposed", None),
    ("Lunch with students", C.YOUTH, "active", A.SCHOOL_VISIT),
]


def seed(stdout=None) -> dict:
    if Program.objects.filter(name=PROGRAMS[0][0]).exists():
        return {"programs": 0, "evaluations": 0}
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    cro, chief = users["cro"], users["chief"]
    rng = random.Random(5)  # noqa: S311 - fictional data  # nosec B311
    today = timezone.localdate()
    programs = []
    for name, category, status, kind in PROGRAMS:
        program = Program.objects.create(
            name=name,
            category=category,
            objectives=f"Bring officers and residents together through {name.lower()}.",
            schedule=rng.choice(["Monthly", "Quarterly", "Each school term", "Once a year"]),
            coordinator=rng.choice([cro, users["officer"], users["supervisor"]]),
            proposed_by=cro,
            status=status,
        )
        if status != "proposed":
            program.approved_by = chief
            program.approved_at = timezone.now() - dt.timedelta(days=420)
        if status in ("active", "suspended", "discontinued"):
            program.active_since = today - dt.timedelta(days=400)
        program.save()
        # Only a program that has run holds sessions: none for one proposed or approved
        # and not yet started.
        if program.active_since and kind:
            OutreachActivity.objects.filter(
                kind=kind, program__isnull=True, date__gte=program.active_since
            ).update(program=program)
        elif program.active_since:
            _sessions(program, users, rng, today)
        programs.append(program)
    return {"programs": len(programs), "evaluations": _evaluations(programs, cro, chief, today)}


def _sessions(program, users, rng, today):
    for _ in range(rng.randint(3, 8)):
        session = OutreachActivity.objects.create(
            kind=A.OTHER,
            date=today - dt.timedelta(days=rng.randint(5, 395)),
            title=f"{program.name} session",
            program=program,
            area="Riverside Park",
            attendance=rng.randint(8, 60),
            staff_hours=Decimal(rng.choice(["2.0", "3.0", "4.0"])),
            materials_cost=Decimal(rng.choice(["0", "40.00", "150.00"])),
            summary="Session held as planned.",
            logged_by=users["officer"],
        )
        session.officers.set([users["officer"]])


OUTCOMES = {
    "Community forums": "Forums drew residents from every beat; parking and speeding led the "
    "questions, and two concerns were resolved at the meeting.",
    "Coffee with the Chief": "Small, relaxed groups; business owners raised shoplifting and "
    "asked for more foot patrols downtown.",
    "Citizens Police Academy": "Eighteen graduates; the scenario nights scored best and the "
    "legal update scored lowest.",
    "Infant seat installation checks": "Forty-one seats checked, twenty-six corrected on site.",
    "Lunch with students": "Students asked about careers and online safety; teachers want a "
    "session each term.",
    "Blue Santa": "Gifts reached 63 families referred by the schools and the food pantry.",
}


def _evaluations(programs, cro, chief, today) -> int:
    start, end = last_half_year(today)
    earlier_start, earlier_end = add_months(start, -6), start - dt.timedelta(days=1)
    by_name = {p.name: p for p in programs}
    plan = [
        ("Community forums", earlier_start, earlier_end, "accepted"),
        ("Community forums", start, end, "accepted"),
        ("Coffee with the Chief", start, end, "submitted"),
        ("Citizens Police Academy", start, end, "returned"),
        ("Infant seat installation checks", start, end, "draft"),
        ("Lunch with students", start, end, "accepted"),
        ("Blue Santa", earlier_start, earlier_end, "accepted"),
        # Police Activities League and Open house: never evaluated, so overdue.
    ]
    for name, period_start, period_end, state in plan:
        program = by_name[name]
        evaluation = ProgramEvaluation(
            program=program,
            period_start=period_start,
            period_end=period_end,
            evaluator=cro,
            rating=4 if state != "returned" else 3,
            criteria="Attendance against last period, participants' comments, objectives met.",
            outcomes=OUTCOMES.get(name, "Attendance held steady and the sessions ran as planned."),
            recommendation="continue" if state != "returned" else "changes",
            alterations="" if state != "returned" else "Move sessions to evenings.",
            status=state,
        )
        totals = session_totals(evaluation.period_sessions())
        evaluation.sessions = totals["sessions"]
        evaluation.attendance = totals["attendance"]
        evaluation.staff_hours = totals["staff_hours"]
        evaluation.materials_cost = totals["materials_cost"]
        # Submitted twelve days after the half ended, decided five days later: in that order
        # and never after today.
        submitted = min(
            timezone.make_aware(
                dt.datetime.combine(period_end + dt.timedelta(days=12), dt.time(10))
            ),
            timezone.now() - dt.timedelta(days=6),
        )
        if state != "draft":
            evaluation.submitted_at = submitted
        if state in ("accepted", "returned"):
            evaluation.decided_by = chief
            evaluation.decided_at = submitted + dt.timedelta(days=5)
            if state == "returned":
                evaluation.chief_comment = "Add the participants' feedback from the exit survey."
        evaluation.save()
    return len(plan)
