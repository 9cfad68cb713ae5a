"""The main menu's HTML (desk/navigation.py `menu_html`) is built once per language, set of
grants and active entry, and kept: what each member sees must still be theirs, on the page
they are on, in their language."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.permissions import has_permission
from desk.navigation import NAVIGATION, menu_html

pytestmark = pytest.mark.django_db


def links(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('href="')[1:]]


@pytest.mark.parametrize(
    "who", ["officer", "supervisor", "cro", "chief", "training_officer", "outsider"]
)
def test_each_member_gets_the_entries_of_their_own_grants(personas, who):
    """Every role's menu, against the navigation table read directly: each entry whose
    permission the member holds (and whose own condition holds), in the table's order."""
    user = personas[who]
    expected = [
        reverse(item.url_name)
        for item in NAVIGATION
        if has_permission(user, item.permission) and (item.only_if is None or item.only_if(user))
    ]
    # Asked twice: the second answer comes from what the first kept.
    assert links(menu_html(user, "/")) == expected
    assert links(menu_html(user, "/")) == expected
    if who == "outsider":
        assert expected == []
    else:
        assert reverse("home") in expected


def test_members_with_other_grants_never_share_a_menu(personas):
    officer, cro = personas["officer"], personas["cro"]
    assert links(menu_html(cro, "/")) != links(menu_html(officer, "/"))
    assert reverse("audit:trail") not in links(menu_html(officer, "/"))
    assert reverse("concerns:list") in links(menu_html(cro, "/"))
    assert reverse("concerns:list") not in links(menu_html(officer, "/"))


def test_the_active_entry_follows_the_page(cro):
    on_list = menu_html(cro, "/concerns/CR-2026-000001/")
    assert 'class="dropdown-item active" href="/concerns/" aria-current="page"' in on_list
    at_home = menu_html(cro, "/")
    assert 'class="nav-link active" href="/" aria-current="page"' in at_home
    assert 'aria-current="page"' not in at_home.replace(
        'class="nav-link active" href="/" aria-current="page"', ""
    )


def test_the_menu_is_in_the_members_language(cro):
    with translation.override("es"):
        spanish = menu_html(cro, "/")
    with translation.override("en"):
        english = menu_html(cro, "/")
    assert ">Home<" in english and ">Home<" not in spanish
    assert links(spanish) == links(english)


def test_the_menu_is_on_every_page_as_before(client_for, cro):
    html = client_for(cro).get("/concerns/").content.decode()
    menu = html.split('<ul class="navbar-nav me-auto main-nav-items">', 1)[1].split("</ul>\n")[0]
    assert 'aria-current="page">All concerns</a>' in menu
    assert '<button class="nav-link dropdown-toggle btn btn-link active"' in menu
