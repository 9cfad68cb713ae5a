"""Fictional demo data for the quarterly community input (003 1.b): the training sergeant,
who holds no Officer role, is also the department's safety officer and has missed the
last quarter's input. He finds "Quarterly input" in his menu and the CRO sees him overdue.
Used only by `manage.py seed_demo`, after outreach.demo."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from outreach.input_due import Quarter
from outreach.models import CommunityInputReport, ReportingAssignment

HOLDER = "training"  # Sgt. Tomas Lindqvist, Training Officer (accounts.demo)


def last_missed_quarter(today: dt.date) -> Quarter:
    """The latest quarter whose input was due before today."""
    quarter = Quarter.of(today)
    while quarter.due >= today:
        quarter = Quarter.of(quarter.start - dt.timedelta(days=1))
    return quarter


def seed(stdout=None) -> dict:
    holder = User.objects.filter(is_demo=True, username=HOLDER).first()
    if holder is None or holder.reporting_assignments.exists():
        return {"reporting duties": 0, "input reports": 0}
    today = timezone.localdate()
    missed = last_missed_quarter(today)
    before = Quarter.of(missed.start - dt.timedelta(days=1))
    earlier = Quarter.of(before.start - dt.timedelta(days=1))
    duty = ReportingAssignment.objects.create(
        officer=holder, duty=ReportingAssignment.Duty.SAFETY, since=earlier.start
    )
    reports = [
        (
            earlier.end - dt.timedelta(days=3),
            "Staff at the recreation center asked for a talk on fire safety in the gym, "
            "and parents raised the dark path behind the pool.",
            "A lighting survey of the path with Parks.",
        ),
        (
            before.end + dt.timedelta(days=2),
            "Seniors at the Maple Heights center worry about phone scams and icy "
            "sidewalks on the way to the bus stop.",
            "A scam-awareness session at the center before winter.",
        ),
    ]
    for day, heard, suggestion in reports:
        CommunityInputReport.objects.create(
            assignment=duty, submitted_on=day, concerns_heard=heard, suggestions=suggestion
        )
    return {"reporting duties": 1, "input reports": len(reports)}
