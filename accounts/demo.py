"""Fictional demo agency and one account per role. Used only by `manage.py seed_demo`."""

from django.contrib.auth.models import Group

from accounts import demo_areas, demo_places
from accounts.models import Agency, User
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
        )
        created["agency"] = 1

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
