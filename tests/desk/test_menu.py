"""The main menu's HTML (desk/navigation.py `menu_html`) is built once per language, set of
grants and active entry, and kept: what each member sees must still be theirs, on the page
they are on, in their language."""

import pytest
from django.utils import translation

from desk.navigation import items_for, menu_html

pytestmark = pytest.mark.django_db


def links(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('href="')[1:]]


def test_each_member_gets_the_entries_of_their_own_grants(officer, cro, chief):
    for user in (officer, cro, chief):
        expected = [
            child["url"]
            for entry in items_for(user, "/")
            for child in entry.get("children", [entry])
        ]
        assert links(menu_html(user, "/")) == expected
    assert links(menu_html(officer, "/")) != links(menu_html(cro, "/"))
    assert "/audit/" not in "".join(links(menu_html(officer, "/")))


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
