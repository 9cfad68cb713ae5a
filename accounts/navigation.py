"""The main navigation: each entry shows only to users holding its permission."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.permissions import Permission, permissions_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission
    # The first path segment that marks the item active (e.g. "concerns").
    section: str = ""


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home", Permission.VIEW_HOME, section=""),
    NavItem("Agency profile", "accounts:agency", Permission.EDIT_AGENCY, section="accounts"),
]


def items_for(user, path: str = "") -> list[dict]:
    granted = permissions_for(user)
    first = path.strip("/").split("/", 1)[0]
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "active": (item.section == first) if item.section else path == "/",
        }
        for item in NAVIGATION
        if item.permission in granted
    ]
