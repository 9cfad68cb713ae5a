"""The main navigation: each entry shows only to users holding its permission."""

from dataclasses import dataclass

from django.urls import reverse

from accounts.permissions import Permission, permissions_for


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: Permission
    # Items with a group are shown together in one dropdown named after it.
    group: str = ""


NAVIGATION: list[NavItem] = [
    NavItem("Home", "home", Permission.VIEW_HOME),
    NavItem("Inbox", "inbox", Permission.VIEW_INBOX),
    NavItem("Log a concern", "concerns:new", Permission.LOG_CONCERN),
    NavItem("All concerns", "concerns:list", Permission.VIEW_ALL_CONCERNS, "Concerns"),
    NavItem("My concerns", "concerns:mine", Permission.LOG_CONCERN, "Concerns"),
    NavItem("Roll-call briefing", "concerns:briefing", Permission.VIEW_BRIEFING, "Concerns"),
    NavItem("Reports", "reports:list", Permission.VIEW_REPORTS),
    NavItem("Surveys", "surveys:list", Permission.VIEW_SURVEYS, "Outreach"),
    NavItem(
        "Recommendations", "reports:recommendations", Permission.VIEW_RECOMMENDATIONS, "Outreach"
    ),
    NavItem("Activities", "outreach:activities", Permission.LOG_ACTIVITY, "Outreach"),
    NavItem("Programs", "programs:list", Permission.VIEW_PROGRAMS, "Outreach"),
    NavItem("Program evaluations", "programs:schedule", Permission.VIEW_EVALUATIONS, "Outreach"),
    NavItem("Organizations", "outreach:organizations", Permission.VIEW_ORGANIZATIONS, "Outreach"),
    NavItem("Give-away materials", "outreach:materials", Permission.VIEW_MATERIALS, "Outreach"),
    NavItem("Training needs", "outreach:training", Permission.VIEW_TRAINING_NEEDS, "Outreach"),
    NavItem("Recognition", "outreach:recognition", Permission.VIEW_RECOGNITION, "Outreach"),
    NavItem(
        "Officers' community input",
        "outreach:reporting",
        Permission.VIEW_REPORTING_STATUS,
        "Outreach",
    ),
    NavItem(
        "Departments and units", "concerns:departments", Permission.MANAGE_DEPARTMENTS, "Setup"
    ),
    NavItem("Agency profile", "accounts:agency", Permission.EDIT_AGENCY, "Setup"),
    NavItem("Import records", "imports:home", Permission.IMPORT_RECORDS, "Setup"),
    NavItem("Locked accounts", "accounts:locked", Permission.UNLOCK_ACCOUNTS, "Setup"),
    NavItem("Audit trail", "accounts:audit", Permission.VIEW_AUDIT, "Setup"),
    NavItem("City 311 keys", "concerns:open311-keys", Permission.MANAGE_OPEN311_KEYS, "Setup"),
]


def items_for(user, path: str = "") -> list[dict]:
    granted = permissions_for(user)
    items = [(item, reverse(item.url_name)) for item in NAVIGATION if item.permission in granted]
    # The longest URL that prefixes the path is the active one ("/" only on itself).
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    active = max(matches, key=len, default=None)
    entries: list[dict] = []
    groups: dict[str, dict] = {}
    for item, url in items:
        entry = {"label": item.label, "url": url, "active": url == active}
        if not item.group:
            entries.append(entry)
            continue
        if item.group not in groups:
            groups[item.group] = {"label": item.group, "children": [], "active": False}
            entries.append(groups[item.group])
        groups[item.group]["children"].append(entry)
        groups[item.group]["active"] |= entry["active"]
    # A group with one entry for this user is just that entry (an officer's "My concerns").
    return [e["children"][0] if len(e.get("children", ())) == 1 else e for e in entries]
