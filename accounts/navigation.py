"""The main navigation: each entry shows only to users holding its permission."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.permissions import Permission, permissions_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home", Permission.VIEW_HOME),
    NavItem("Log a concern", "concerns:new", Permission.LOG_CONCERN),
    NavItem("Concerns", "concerns:list", Permission.VIEW_ALL_CONCERNS),
    NavItem("My concerns", "concerns:mine", Permission.LOG_CONCERN),
    NavItem("Departments", "concerns:departments", Permission.MANAGE_DEPARTMENTS),
    NavItem("Agency profile", "accounts:agency", Permission.EDIT_AGENCY),
]


def items_for(user, path: str = "") -> list[dict]:
    granted = permissions_for(user)
    items = [(item, reverse(item.url_name)) for item in NAVIGATION if item.permission in granted]
    # The longest URL that prefixes the path is the active one ("/" only on itself).
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    return [{"label": item.label, "url": url, "active": url == active} for item, url in items]
