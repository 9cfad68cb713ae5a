"""The link walk (issue 23): no link leads a person to "Page not found" or "Forbidden".

For each role (and a visitor), the walk starts from every page the authorization matrix
(tests/security/test_authorization.py) answers that persona 200, with the records that
module builds, and follows every link into the site as the same persona, signed in past
the second factor, page after page, until no new link is left. Every link must answer:
no 403, no 404, no other error (a closed survey's public address answers 410, its page
saying so, and passes), and no redirect to a login page (a page that was offered but is
closed to the person). Redirects are followed otherwise. No page outside the admin site
offers Django's "---------" as the first line of a pick-list: every blank choice says what
to do in words (core/widgets.py).

How the links are chosen:

- An `<a href>` into the site (relative, or naming the test server); mailto:, tel:,
  javascript: and bare #fragments are not links to pages, static files are not checked,
  and the sign-out is a form, never followed.
- A link is fetched once per persona for each path and each set of query-string keys:
  `/concerns/?status=open` and `/concerns/?status=closed` are one filter of one list, the
  first met is followed; `/concerns/CR-2026-0001/` and `/concerns/CR-2026-0002/` are two
  records, both followed (whether a record opens is exactly what the walk checks). The
  matrix builds a few records of each kind, so this keeps the walk short.
- Only pages answered as HTML are read for more links; a CSV, a PDF or an image is
  fetched and its answer checked, nothing more. Every GET in the site is safe (changes
  are POSTs), so the walk may follow anything it finds; the one GET that marks something,
  opening a notification, marks it read in a transaction rolled back after the test.
- Staff start from their own pages, the visitor from the public ones (feedback, status,
  surveys, transparency, sign-in); a staff persona does not start again from a public
  page, but follows its links when a staff page offers one. A staff user who holds no role
  walks too: the links every page shows (the top bar, the account menu) must hold for them.
- A link to a stored file's own address (under MEDIA_URL) is a failure without a request:
  stored files are served only through views that check who asks.
"""

import time
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import Resolver404, resolve, reverse

from concerns.status import private_code
from core.widgets import DJANGO_BLANK
from tests.conftest import IMMEDIATE_TASKS, sign_in
from tests.security.test_authorization import ROLES, TABLE, build_records, url_kwargs

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", *ROLES, "staff_no_role")
TEST_HOSTS = {"testserver", "localhost", "127.0.0.1"}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
NEVER_FOLLOWED = ("accounts:logout", "admin:logout")
# A closed survey's public address answers 410 with a page saying it is closed: the staff
# page that shows the address still names it, and the page is what a resident would see.
GONE = 410
# Named URLs that answer no page to read for links: files, feeds, fragments and JSON.
NOT_PAGES = {
    "accounts:agency-logo",
    "accounts:member-lookup",
    "audit:export",
    "briefing-pdf",
    "calendar:feed",
    "concerns:attachment",
    "concerns:attachment-thumbnail",
    "concerns:export",
    "dashboard-pdf",
    "healthz",
    "healthz-web",
    "imports:export",
    "imports:template",
    "notifications:menu",
    "outreach:activity-export",
    "outreach:activity-lookup",
    "outreach:material-design",
    "outreach:organization-lookup",
    "programs:export",
    "reports:listing",
    "reports:pdf",
    "surveys:results-csv",
    "transparency-pdf",
    "transparency-year-pdf",
}


def public(name: str) -> bool:
    return TABLE[name]["anonymous"] == 200


def start_names(persona: str) -> list[str]:
    """The named pages the persona opens (200 in the matrix): a visitor's public pages, a
    member's own; the Open311 API is JSON for machines, not pages."""
    return sorted(
        name
        for name in TABLE
        if TABLE[name][persona] == 200
        and name not in NOT_PAGES
        and not name.startswith("open311:")
        and (persona == "anonymous") == public(name)
    )


def start_paths(persona: str, r) -> list[str]:
    paths = [reverse(name, kwargs=url_kwargs(name, r)) for name in start_names(persona)]
    if persona == "anonymous":
        # The sign-in page, and the status page showing the resident's concern (its email's
        # link, which leads to the bare address with the answer kept in the session).
        concern = r.resident_concern
        link = f"{reverse('status')}?ref={concern.reference}&code={private_code(concern)}"
        paths += [reverse("accounts:login"), link]
    return paths


class Links(HTMLParser):
    """The href of every <a> in a page, in order."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href is not None:
                self.hrefs.append(href.strip())


def links_on(html: str, page: str) -> list[str]:
    """The page's links into the site, as paths with their query strings."""
    parser = Links()
    parser.feed(html)
    found = []
    for href in parser.hrefs:
        if not href or href.startswith("#"):
            continue
        parts = urlsplit(urljoin(f"http://testserver{page}", href))
        if parts.scheme not in ("http", "https") or parts.hostname not in TEST_HOSTS:
            continue  # mailto:, tel:, javascript:, another site
        if parts.path.startswith(f"/{settings.STATIC_URL.lstrip('/')}"):
            continue
        if url_name(parts.path) in NEVER_FOLLOWED:
            continue
        found.append(f"{parts.path}?{parts.query}" if parts.query else parts.path)
    return found


def url_name(path: str) -> str:
    try:
        return resolve(path).view_name
    except Resolver404:
        return ""


def shape(link: str) -> tuple[str, frozenset]:
    """One link for each path and set of query keys (see the module's docstring)."""
    parts = urlsplit(link)
    return parts.path, frozenset(key for key, _ in parse_qsl(parts.query, keep_blank_values=True))


def answer(client, link: str) -> tuple[str | None, object]:
    """(what is wrong with the answer or None, the final response)."""
    if link.startswith(f"/{settings.MEDIA_URL.lstrip('/')}"):
        # Stored files are served only through views that check who asks, never here.
        return "a stored file's own address, which is never served", None
    try:
        response = client.get(link, follow=True)
    except Exception as error:  # noqa: BLE001 - a server error is a finding like a 404
        return f"raised {type(error).__name__}: {error}", None
    for target, _status in response.redirect_chain:
        if urlsplit(target).path in LOGIN_PATHS and urlsplit(link).path not in LOGIN_PATHS:
            return f"redirected to sign in ({target})", response
    if response.status_code >= 400 and response.status_code != GONE:
        return str(response.status_code), response
    return None, response


def is_html(response) -> bool:
    return response is not None and response.get("Content-Type", "").startswith("text/html")


def walk(client, starts: list[str]) -> tuple[int, int, list[str]]:
    """(pages read, links checked, failures as "page -> link: what")."""
    queue = deque((start, "(start)") for start in starts)
    seen = {shape(start) for start in starts}
    pages = links = 0
    failures = []
    while queue:
        link, found_on = queue.popleft()
        links += 1
        wrong, response = answer(client, link)
        if wrong:
            failures.append(f"{found_on} -> {link}: {wrong}")
            continue
        if not is_html(response):
            continue
        pages += 1
        page = response.request["PATH_INFO"]
        query = response.request.get("QUERY_STRING")
        here = f"{page}?{query}" if query else page
        html = response.content.decode()
        if DJANGO_BLANK in html and not page.startswith("/admin/"):
            failures.append(f"{here}: a pick-list offers {DJANGO_BLANK!r} instead of words")
        for found in links_on(html, page):
            if shape(found) not in seen:
                seen.add(shape(found))
                queue.append((found, here))
    return pages, links, failures


# --- The records: the matrix's, built once for the module ------------------------------------


@pytest.fixture(scope="module")
def walk_media(tmp_path_factory):
    return tmp_path_factory.mktemp("link-walk-media")


@pytest.fixture(autouse=True)
def media_root(settings, walk_media):
    """The records' files (a design, PDFs, an upload) live in one folder for the module."""
    settings.MEDIA_ROOT = walk_media


@pytest.fixture(scope="module")
def walk_records(django_db_setup, django_db_blocker, walk_media):
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=walk_media, TASKS=IMMEDIATE_TASKS),
        transaction.atomic(),
    ):
        records = build_records()
        yield records
        transaction.set_rollback(True)


@pytest.fixture
def records(walk_records, db):
    return walk_records


# --- The tests -------------------------------------------------------------------------------


def test_links_on_reads_links_into_the_site_only():
    html = """
      <a href="/concerns/?status=open#top">list</a> <a href="#main">skip</a>
      <a href="mailto:cro@police.test">mail</a> <a href="tel:5550100">call</a>
      <a href="https://example.org/">elsewhere</a> <a href="http://testserver/outreach/">here</a>
      <a href="/static/css/app.css">file</a> <a href="edit/">relative</a> <a>no href</a>
    """
    assert links_on(html, "/programs/4/") == [
        "/concerns/?status=open",
        "/outreach/",
        "/programs/4/edit/",
    ]


def test_shape_keeps_records_apart_and_folds_filter_values():
    assert shape("/concerns/?status=open") == shape("/concerns/?status=closed")
    assert shape("/concerns/?status=open") != shape("/concerns/?status=open&page=2")
    assert shape("/concerns/CR-2026-0001/") != shape("/concerns/CR-2026-0002/")


def test_walk_reports_a_link_that_is_not_found(records, client):
    """The walk can fail: a page whose link is a 404 is named with the link."""
    sign_in(client, records.users["cro"])
    missing = f"{reverse('outreach:activities')}999999/"
    html_page = reverse("outreach:activities")
    wrong, _ = answer(client, missing)
    assert wrong == "404"
    _pages, _links, failures = walk(client, [html_page, missing])
    assert f"(start) -> {missing}: 404" in failures
    _pages, _links, failures = walk(client.__class__(), [reverse("concerns:list")])
    assert failures[0].startswith("(start) -> /concerns/: redirected to sign in")


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_link_leads_to_a_closed_page(persona, records, client):
    if persona != "anonymous":
        sign_in(client, records.users[persona])
    started = time.monotonic()
    pages, links, failures = walk(client, start_paths(persona, records))
    seconds = time.monotonic() - started
    print(f"{persona}: {pages} pages read, {links} links checked in {seconds:.1f} s")
    assert pages > 5
    assert failures == [], f"{persona}: {len(failures)} broken links\n" + "\n".join(failures)
