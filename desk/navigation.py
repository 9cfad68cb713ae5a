"""The main navigation: each entry shows only to users holding its permission.

The menu is on every page, so its HTML is built once per language, set of grants and active
entry, and kept (`menu_html`): a page then spends nothing on its twenty-odd links, where
reversing and rendering them cost about 3 ms of CPU per request (docs/PERFORMANCE.md)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.html import text
from core.permissions import Permission, permissions_for
from outreach.input_due import holds_duty


@dataclass(frozen=True)
class NavItem:
    label: str  # lazily translated
    url_name: str
    permission: Permission
    # Items with a group are shown together in one dropdown named after it.
    group: str = ""
    # Shown only when this also holds for the user (one query at most, kept per request).
    only_if: Callable[[object], bool] | None = None


NAVIGATION: list[NavItem] = [
    NavItem(_("Home"), "home", Permission.VIEW_HOME),
    NavItem(_("Inbox"), "inbox", Permission.VIEW_INBOX),
    NavItem(_("Log a concern"), "concerns:new", Permission.LOG_CONCERN),
    NavItem(_("All concerns"), "concerns:list", Permission.VIEW_ALL_CONCERNS, _("Concerns")),
    NavItem(_("My concerns"), "concerns:mine", Permission.LOG_CONCERN, _("Concerns")),
    NavItem(
        _("Possible duplicates"),
        "concerns:possible-duplicates",
        Permission.MERGE_CONCERNS,
        _("Concerns"),
    ),
    NavItem(_("Roll-call briefing"), "briefing", Permission.VIEW_BRIEFING, _("Concerns")),
    NavItem(_("Reports"), "reports:list", Permission.VIEW_REPORTS),
    NavItem(_("Surveys"), "surveys:list", Permission.VIEW_SURVEYS, _("Outreach")),
    NavItem(
        _("Recommendations"),
        "reports:recommendations",
        Permission.VIEW_RECOMMENDATIONS,
        _("Outreach"),
    ),
    NavItem(_("Activities"), "outreach:activities", Permission.LOG_ACTIVITY, _("Outreach")),
    NavItem(_("Programs"), "programs:list", Permission.VIEW_PROGRAMS, _("Outreach")),
    NavItem(
        _("Program evaluations"), "programs:schedule", Permission.VIEW_EVALUATIONS, _("Outreach")
    ),
    NavItem(
        _("Organizations"), "outreach:organizations", Permission.VIEW_ORGANIZATIONS, _("Outreach")
    ),
    NavItem(
        _("Give-away materials"), "outreach:materials", Permission.VIEW_MATERIALS, _("Outreach")
    ),
    NavItem(
        _("Training needs"), "outreach:training", Permission.VIEW_TRAINING_NEEDS, _("Outreach")
    ),
    NavItem(_("Recognition"), "outreach:recognition", Permission.VIEW_RECOGNITION, _("Outreach")),
    # Whoever holds a crime prevention, school resource or safety duty, whatever their role
    # (003 1.b).
    NavItem(
        _("Quarterly input"),
        "outreach:community-input",
        Permission.SUBMIT_COMMUNITY_INPUT,
        _("Outreach"),
        only_if=holds_duty,
    ),
    NavItem(
        _("Officers' community input"),
        "outreach:reporting",
        Permission.VIEW_REPORTING_STATUS,
        _("Outreach"),
    ),
    NavItem(
        _("Command staff at meetings"),
        "outreach:command-staff",
        Permission.VIEW_DASHBOARD,
        _("Outreach"),
    ),
    NavItem(
        _("Departments and units"),
        "concerns:departments",
        Permission.MANAGE_DEPARTMENTS,
        _("Setup"),
    ),
    NavItem(_("Agency profile"), "accounts:agency", Permission.EDIT_AGENCY, _("Setup")),
    NavItem(_("Closures and holidays"), "accounts:closures", Permission.EDIT_AGENCY, _("Setup")),
    NavItem(_("Areas"), "accounts:areas", Permission.MANAGE_AREAS, _("Setup")),
    NavItem(_("Import records"), "imports:home", Permission.IMPORT_RECORDS, _("Setup")),
    NavItem(_("Locked accounts"), "accounts:locked", Permission.UNLOCK_ACCOUNTS, _("Setup")),
    NavItem(_("Audit trail"), "audit:trail", Permission.VIEW_AUDIT, _("Setup")),
    NavItem(
        _("City 311 keys"), "concerns:open311-keys", Permission.MANAGE_OPEN311_KEYS, _("Setup")
    ),
]


def _shown(user) -> tuple[frozenset, tuple[bool, ...]]:
    """What decides the menu for this user: their grants, and each entry's own condition."""
    granted = permissions_for(user)
    # Asked only where the grant holds: an entry's condition may cost a query.
    return granted, tuple(
        item.permission in granted and item.only_if(user)
        for item in NAVIGATION
        if item.only_if is not None
    )


@functools.lru_cache(maxsize=512)
def _urls(granted: frozenset, conditions: tuple[bool, ...], prefix: str) -> tuple:
    """The entries shown and their addresses, for one set of grants and conditions."""
    held = iter(conditions)
    return tuple(
        (item, reverse(item.url_name))
        for item in NAVIGATION
        if (item.only_if is None or next(held)) and item.permission in granted
    )


def _active(items, path: str) -> str | None:
    """The longest URL that prefixes the path is the active one ("/" only on itself)."""
    matches = [url for _, url in items if path == url or (url != "/" and path.startswith(url))]
    return max(matches, key=len, default=None)


def items_for(user, path: str = "") -> list[dict]:
    items = _urls(*_shown(user), get_script_prefix())
    return _entries(items, _active(items, path))


def _entries(items, active: str | None) -> list[dict]:
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


def menu_html(user, path: str) -> SafeString:
    """The menu's list items for this user on this page, built once per language, grants
    and active entry."""
    granted, conditions = _shown(user)
    prefix = get_script_prefix()
    active = _active(_urls(granted, conditions, prefix), path)
    return _menu(granted, conditions, prefix, active, get_language())


CURRENT = ' aria-current="page"'


def _link(css: str, entry: dict) -> str:
    on = entry["active"]
    return (
        f'<a class="{css}{" active" if on else ""}" href="{text(entry["url"])}"'
        f"{CURRENT if on else ''}>{text(entry['label'])}</a>"
    )


@functools.lru_cache(maxsize=2048)
def _menu(granted, conditions, prefix, active, language: str) -> SafeString:
    html = []
    for entry in _entries(_urls(granted, conditions, prefix), active):
        if not entry.get("children"):
            html.append(f'<li class="nav-item">{_link("nav-link", entry)}</li>')
            continue
        html.append(
            '<li class="nav-item dropdown"><button class="nav-link dropdown-toggle btn btn-link'
            f'{" active" if entry["active"] else ""}" data-bs-toggle="dropdown" '
            f'aria-expanded="false">{text(entry["label"])}</button><ul class="dropdown-menu">'
        )
        html.extend(f"<li>{_link('dropdown-item', child)}</li>" for child in entry["children"])
        html.append("</ul></li>")
    return mark_safe("".join(html))  # noqa: S308 - every value escaped by text()  # nosec B308 B703


# What the layout links to on every page (templates/base.html), by the name it reads them.
LAYOUT_LINKS = {
    "home": "home",
    "login": "accounts:login",
    "logout": "accounts:logout",
    "two_factor": "accounts:mfa-manage",
    "password": "accounts:password-change",  # nosec B105 - a URL name, not a password
    "admin": "admin:index",
    "calendar": "calendar:settings",
    "notifications": "notifications:list",
    "notifications_menu": "notifications:menu",
    "notification_settings": "notifications:settings",
    "outbox": "notifications:outbox",
}


@functools.lru_cache(maxsize=8)
def layout_links(prefix: str) -> dict[str, str]:
    """The layout's addresses, reversed once: ten `{% url %}` were a third of a millisecond
    of every page."""
    return {key: reverse(name) for key, name in LAYOUT_LINKS.items()}


def forget_menus(setting: str = "", **kwargs) -> None:
    """The kept menus and addresses, dropped when the URLs or the languages change (a test
    overriding ROOT_URLCONF or LANGUAGES; a deployment changes them only with a restart)."""
    if setting in ("ROOT_URLCONF", "LANGUAGES", "LANGUAGE_CODE", ""):
        _urls.cache_clear()
        _menu.cache_clear()
        layout_links.cache_clear()
