"""Accessibility sweep of the staff pages: accounts, concerns, notifications and outreach.

For each role, every page of these apps the role may open is visited in the browser and
checked with axe: no serious or critical violation. The pages are the ones the
authorization matrix (tests/security/test_authorization.py) answers 200 to for that role,
with the records that module builds, so a page added to the matrix is swept here too.
Downloads (CSV, PDF, images, templates), the calendar feed and the notification menu's
fragment are not pages; the menu is checked open, over the page, instead. The account
pages that are the same for everyone (password, two-factor) are checked once, for the
first role that opens them, to keep the sweep short.

No page is wider than a phone (issue 23): after axe, each page is laid out again at 360
and at 390 px wide and the page itself must not scroll sideways (a table may scroll inside
its own `.table-responsive` box). The failures name the elements that stick out.
"""

import pytest
from django.urls import reverse

from tests.browser.conftest import serious_axe_violations
from tests.security.test_authorization import ROLES, TABLE, build_records, url_kwargs

pytestmark = pytest.mark.django_db(transaction=True)

SWEPT = ("home", "accounts:", "imports:", "calendar:", "notifications:", "concerns:", "outreach:")
NOT_PAGES = {
    "accounts:agency-logo",
    "audit:export",
    "imports:template",
    "imports:export",
    "calendar:feed",
    "concerns:export",
    "briefing-pdf",
    "outreach:activity-export",
    "outreach:material-design",
    "concerns:attachment",  # a photo or a PDF, served as a file
    "concerns:attachment-thumbnail",
    "notifications:menu",  # a fragment of the top bar, checked open below
    "accounts:member-lookup",  # JSON for a pick-list's filter box
    "outreach:organization-lookup",  # JSON for a pick-list's filter box
    "outreach:activity-lookup",  # JSON for the activity picker
}
SAME_FOR_EVERY_ROLE = {
    "accounts:password-change",
    "accounts:password-changed",
    "accounts:mfa-setup",
    "accounts:mfa-manage",
}


DESKTOP = {"width": 1280, "height": 900}
PHONE_WIDTHS = (360, 390)

# The elements that stick out of the page at the window's width: those whose right edge
# passes it while their parent's does not (the outermost culprit), outside any box that
# scrolls or clips sideways itself.
STICKING_OUT = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const width = root.clientWidth;
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.right <= width + 1) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (parent.right > width + 1 || clipped(el)) continue;
    const classes = [...el.classList].slice(0, 3).map((c) => '.' + c).join('');
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 30);
    out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${classes} ` +
             `right ${Math.round(box.right)} px "${text}"`);
    if (out.length === 4) break;
  }
  return `${root.scrollWidth} px wide at ${width}: ${out.join('; ') || 'no single element'}`;
}"""


def wider_than_a_phone(page) -> list[str]:
    """How the page scrolls sideways at 360 and 390 px, if it does; the window is put back
    to the desktop size for the next page's axe run."""
    found = []
    for width in PHONE_WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        if (wide := page.evaluate(STICKING_OUT)) is not None:
            found.append(wide)
    page.set_viewport_size(DESKTOP)
    return found


def opens(persona: str, name: str) -> bool:
    return TABLE[name][persona] == 200


def pages_for(persona: str) -> list[str]:
    """The URL names of the swept apps that answer this persona a page (200)."""
    return sorted(
        name
        for name in TABLE
        if name.startswith(SWEPT)
        and name not in NOT_PAGES
        and opens(persona, name)
        and (
            name not in SAME_FOR_EVERY_ROLE
            or persona == next(role for role in ROLES if opens(role, name))
        )
    )


def test_every_role_has_pages_to_sweep():
    for persona in ROLES:
        assert "home" in pages_for(persona)
        assert "concerns:list" in pages_for(persona)
    assert len(pages_for("cro")) > 25
    swept = {name for persona in ROLES for name in pages_for(persona)}
    assert swept >= SAME_FOR_EVERY_ROLE


@pytest.mark.parametrize("persona", ROLES)
def test_staff_pages_have_no_serious_axe_violation(persona, page_as):
    records = build_records()
    page = page_as(records.users[persona])

    found: list[str] = []
    too_wide: list[str] = []
    for name in pages_for(persona):
        path = reverse(name, kwargs=url_kwargs(name, records))
        response = page.goto(path)
        assert response is not None and response.status == 200, f"{persona} {name}: {path}"
        found += [f"{name} ({path}): {v}" for v in serious_axe_violations(page)]
        too_wide += [f"{name} ({path}): {v}" for v in wider_than_a_phone(page)]

    # The notification menu, open over the page.
    page.goto("/")
    page.locator("#notif-menu").click()
    page.locator("#notif-menu-items .dropdown-header").wait_for()
    found += [f"notification menu: {v}" for v in serious_axe_violations(page)]

    report = found + ["Wider than a phone:" if too_wide else "", *too_wide]
    assert (found, too_wide) == ([], []), f"{persona}:\n" + "\n".join(report)
