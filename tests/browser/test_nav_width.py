"""The main navigation on a 1,024 px laptop: expanded (no menu button), on one line and
not wider than the screen, for every role, the ones with the most entries included."""

import pytest

from core.roles import Role
from tests.browser.conftest import ARTIFACTS, sign_in_through_the_form
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

# As the demo has them (accounts/demo.py), plus a person holding every role and the site
# administrator (every permission, and "Administration" in the person's menu): the widest
# menus there are. The names are long ones on purpose.
PEOPLE = {
    "officer": {
        "rank": "Officer",
        "first_name": "Dana",
        "last_name": "Whitfield",
        "roles": [Role.OFFICER],
    },
    "supervisor": {
        "rank": "Sgt.",
        "first_name": "Marcus",
        "last_name": "Reyes",
        "roles": [Role.SUPERVISOR],
    },
    "cro": {"rank": "Lt.", "first_name": "Priya", "last_name": "Natarajan", "roles": [Role.CRO]},
    "chief": {
        "rank": "Chief",
        "first_name": "Eleanor",
        "last_name": "Brooks",
        "roles": [Role.CHIEF],
    },
    "training": {
        "rank": "Sgt.",
        "first_name": "Tomas",
        "last_name": "Lindqvist",
        "roles": [Role.TRAINING_OFFICER],
    },
    "multi": {
        "rank": "Lt.",
        "first_name": "Jordan",
        "last_name": "Okafor",
        "roles": [Role.SUPERVISOR, Role.TRAINING_OFFICER],
    },
    "every-role": {
        "rank": "Capt.",
        "first_name": "Alexandra",
        "last_name": "Montgomery-Whitfield",
        "roles": list(Role),
    },
    "admin": {
        "rank": "",
        "first_name": "Site",
        "last_name": "Administrator",
        "is_staff": True,
        "is_superuser": True,
    },
}

MEASURE = """() => {
  const nav = document.querySelector('.app-navbar');
  const toggler = nav.querySelector('.navbar-toggler');
  const tops = '.navbar-nav > .nav-item, .notif-dropdown, .navbar-brand';
  const items = [...nav.querySelectorAll(tops)];
  const box = nav.querySelector('.container-xl').getBoundingClientRect();
  return {
    togglerShown: toggler !== null && getComputedStyle(toggler).display !== 'none',
    collapseShown: getComputedStyle(nav.querySelector('#main-nav')).display !== 'none',
    labels: items.map(el => el.textContent.trim().replace(/\\s+/g, ' ')),
    itemTops: [...nav.querySelectorAll('.navbar-nav > .nav-item')].map(el => el.offsetTop),
    centres: items.map(el => {
      const r = el.getBoundingClientRect();
      return r.top + r.height / 2;
    }),
    rights: items.map(el => el.getBoundingClientRect().right),
    lefts: items.map(el => el.getBoundingClientRect().left),
    containerRight: box.right,
    navHeight: nav.getBoundingClientRect().height,
    headerWidth: document.querySelector('header').scrollWidth,
  };
}"""


@pytest.mark.parametrize("who", list(PEOPLE))
def test_navigation_fits_one_line_on_a_laptop(page, who):
    AgencyFactory(name="Riverbend Police Department")
    user = UserFactory(username=f"nav-{who}", dsn="3310", **PEOPLE[who])
    sign_in_through_the_form(page, user)
    ARTIFACTS.mkdir(exist_ok=True)
    # 1,024 px is the narrowest laptop; at 1,200 px the brand's name comes back.
    for width in (1024, 1200, 1366, 1440):
        page.set_viewport_size({"width": width, "height": 768})
        page.goto("/")
        m = page.evaluate(MEASURE)
        name = f"nav-{width}-{who}"
        page.locator(".app-navbar").screenshot(path=str(ARTIFACTS / f"{name}.png"))

        assert not m["togglerShown"], f"{name}: the menu button shows, the navigation collapsed"
        assert m["collapseShown"], name
        # Brand, menus, the bell and the person's menu: every top-level entry on one line.
        assert len(m["labels"]) >= 4, (name, m["labels"])
        assert len(set(m["itemTops"])) == 1, (name, m["itemTops"])
        centres = [round(c) for c in m["centres"]]
        assert max(centres) - min(centres) <= 4, (
            name,
            list(zip(m["labels"], centres, strict=False)),
        )
        assert m["navHeight"] < 72, (name, m["navHeight"])
        # Nothing sticks out of the bar or makes the header scroll sideways.
        rights = list(zip(m["labels"], m["rights"], strict=False))
        assert max(m["rights"]) <= m["containerRight"] + 1, (name, rights)
        assert min(m["lefts"]) >= 0, name
        assert m["headerWidth"] <= width, (name, m["headerWidth"])
