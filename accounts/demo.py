"""Fictional demo agency and one account per role. Used only by `manage.py seed_demo`."""

import datetime as dt

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import demo_areas, demo_places
from accounts.models import Agency, Closure, DirectoryGroup, User
from core.roles import Role

# The demo accounts whose role needs a second factor share one authenticator key, published
# in the README (base32 OJUX MZLS MJSW 4ZBN MRSW 23ZN GIYD ENRB): add it to any authenticator
# app to sign in as them. Demo accounts sign in only while DEBUG is on.
DEMO_TOTP_KEY = b"riverbend-demo-2026!".hex()
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published in the README, DEBUG only  # nosec B105

# username, first, last, DSN, rank, unit, roles
DEMO_USERS = [
    ("officer", "Dana", "Whitfield", "4101", "Officer", "Patrol", [Role.OFFICER]),
    ("officer2", "Luis", "Ortega", "4102", "Officer", "Patrol", [Role.OFFICER]),
    ("supervisor", "Marcus", "Reyes", "3102", "Sgt.", "Patrol", [Role.SUPERVISOR]),
    ("cro", "Priya", "Natarajan", "2203", "Lt.", "Community Relations Unit", [Role.CRO]),
    ("chief", "Eleanor", "Brooks", "1001", "Chief", "Office of the Chief", [Role.CHIEF]),
    ("training", "Tomas", "Lindqvist", "2407", "Sgt.", "Training Unit", [Role.TRAINING_OFFICER]),
    (
        "multi",
        "Jordan",
        "Okafor",
        "3310",
        "Lt.",
        "Investigations",
        [Role.SUPERVISOR, Role.TRAINING_OFFICER],
    ),
]


def seed_closures(year: int) -> int:
    """The city's two extra closing days of the year: the day after Thanksgiving (the
    fourth Thursday of November) and Christmas Eve when it falls on a weekday."""
    first = dt.date(year, 11, 1)
    thanksgiving = first + dt.timedelta(days=(3 - first.weekday()) % 7 + 21)
    days = {thanksgiving + dt.timedelta(days=1): "Day after Thanksgiving: city offices closed"}
    christmas_eve = dt.date(year, 12, 24)
    if christmas_eve.weekday() < 5:
        days[christmas_eve] = "Christmas Eve: city offices closed"
    return sum(
        Closure.objects.get_or_create(day=day, defaults={"name": name})[1]
        for day, name in days.items()
    )


# The directory groups an IT office would map for single sign-on (docs/DEPLOYMENT.md):
# they do nothing until CRD_OIDC_ISSUER names a directory, and show the administrator
# what a mapping looks like.
DEMO_DIRECTORY_GROUPS = [
    ("RPD-Patrol", Role.OFFICER, "Patrol"),
    ("RPD-Patrol-Sergeants", Role.SUPERVISOR, "Patrol"),
    ("RPD-Community-Relations", Role.CRO, "Community Relations"),
    ("RPD-Office-of-the-Chief", Role.CHIEF, "Office of the Chief"),
    ("RPD-Training", Role.TRAINING_OFFICER, "Training"),
    ("RPD-Investigations", "", "Investigations"),
]


def seed(stdout=None) -> dict:
    created = {"agency": 0, "users": 0, "areas": 0, "addresses": 0}
    agency = Agency.objects.filter(pk=1).first()
    if agency is None:
        Agency.objects.create(
            pk=1,
            name="Riverbend Police Department",
            address="200 Civic Center Drive, Riverbend",
            phone="(555) 010-4400",
            website="https://police.riverbend.example",
            chief_name="Eleanor Brooks",
            reply_to="community.relations@police.riverbend.example",
            holiday_country="US",
            holiday_subdivision="IL",
        )
        created["agency"] = 1
    created["closures"] = seed_closures(timezone.localdate().year)

    groups = {g.name: g for g in Group.objects.filter(name__in=[r.value for r in Role])}
    for username, first, last, dsn, rank, unit, roles in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "dsn": dsn,
                "rank": rank,
                "unit": unit,
                "email": f"{username}@police.riverbend.example",
                "is_demo": True,
            },
        )
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            created["users"] += 1
        user.groups.add(*(groups[r.value] for r in roles))

    admin, was_created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Site",
            "last_name": "Administrator",
            "dsn": "9001",
            "is_staff": True,
            "is_superuser": True,
            "is_demo": True,
            "email": "admin@police.riverbend.example",
        },
    )
    if was_created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
        created["users"] += 1
    _demo_authenticators()
    for name, role, unit in DEMO_DIRECTORY_GROUPS:
        DirectoryGroup.objects.get_or_create(name=name, defaults={"role": role, "unit": unit})
    created["areas"] = demo_areas.seed()
    created["addresses"] = demo_places.seed_addresses()
    return created


def _demo_authenticators() -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.mfa import mfa_required

    for user in User.objects.filter(is_demo=True):
        if mfa_required(user) and not TOTPDevice.objects.filter(user=user).exists():
            TOTPDevice.objects.create(
                user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True
            )
