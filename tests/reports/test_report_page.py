"""The report's page as a document: days written as the rest of the product writes them,
references linked only for a reader who may open the concern, the final file's hash under
"Verify this file", bars to scale, and each narrative's box in its own section."""

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse

from reports import services
from reports.builders import build_for
from reports.models import Report
from reports.pdf import report_html
from reports.references import openable_references
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

ISO_DAY = re.compile(r"\b20\d\d-\d\d-\d\d\b")


class _Text(HTMLParser):
    """The words a reader sees (no attributes, no styles)."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture
def quarter(cro, officer):
    """A draft report of Q3 2026, written on December 3, with a concern on July 14."""
    ConcernFactory(
        reference="CR-2026-0714",
        date_received=dt.date(2026, 7, 14),
        category="noise",
        reported_by=officer,
    )
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), tick=False):
        return services.generate_report(kind="quarterly", day=dt.date(2026, 8, 1), by=cro)


def test_report_page_writes_every_day_as_the_product_does(client_for, cro, quarter):
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), tick=False):
        html = client_for(cro).get(quarter.get_absolute_url()).content.decode()
    text = visible_text(html)
    assert "Jul 14, 2026" in text  # the concern's day in the table
    assert "due Oct 15, 2026" in text  # the report's own due day
    assert not ISO_DAY.findall(text), ISO_DAY.findall(text)


def test_report_pdf_writes_days_as_the_page_does(quarter):
    text = visible_text(report_html(quarter))
    assert "Jul 14, 2026" in text
    assert "(Jul 1, 2026 – Sep 30, 2026)" in text
    assert not ISO_DAY.findall(text), ISO_DAY.findall(text)


def test_references_open_only_what_the_reader_may_open(officer, cro, chief):
    """The rule per role: an officer opens the concerns they logged, the CRO and the Chief
    every one; a reference of no concern (since merged away or deleted) opens for nobody."""
    other = UserFactory(username="p-officer-2")
    mine = ConcernFactory(reported_by=officer).reference
    theirs = ConcernFactory(reported_by=other).reference
    data = {
        "rows": [
            {"reference": mine},
            {"nested": [{"reference": theirs}]},
            {"reference": "CR-1999-0001"},
        ]
    }
    assert openable_references(officer, data) == {mine}
    assert openable_references(cro, data) == openable_references(chief, data) == {mine, theirs}


@pytest.mark.parametrize("persona", ["cro", "chief"])
def test_report_page_links_references_it_may_open_and_writes_the_others(
    client_for, personas, persona, quarter
):
    row = {"summary": "Noise", "category": "Noise", "nature": "", "area": "", "status": "Received"}
    data = build_for(quarter) | {
        "current_concerns": [
            row | {"reference": "CR-2026-0714", "date": "2026-07-14"},
            row | {"reference": "CR-1999-0001", "date": "2026-07-15"},
        ]
    }
    Report.objects.filter(pk=quarter.pk).update(data=data)
    html = client_for(personas[persona]).get(quarter.get_absolute_url()).content.decode()
    link = reverse("concerns:detail", args=["CR-2026-0714"])
    assert f'<a href="{link}">CR-2026-0714</a>' in html
    assert "CR-1999-0001" in html
    assert reverse("concerns:detail", args=["CR-1999-0001"]) not in html


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer"])
def test_report_page_refused_to_other_roles(client_for, personas, persona, quarter):
    assert client_for(personas[persona]).get(quarter.get_absolute_url()).status_code == 403


def test_report_page_sends_anonymous_to_sign_in(client, quarter):
    response = client.get(quarter.get_absolute_url())
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_final_file_hash_sits_under_verify_this_file(client_for, chief, quarter):
    digest = "ab" * 32
    quarter.pdf.save("q3-final.pdf", ContentFile(b"%PDF-1.7 final"), save=False)
    quarter.pdf_sha256 = digest
    quarter.save()
    html = client_for(chief).get(quarter.get_absolute_url()).content.decode()
    details = re.search(r"<details class=\"verify[^\"]*\">(.*?)</details>", html, re.S)
    assert details, "no Verify this file disclosure"
    assert '<details class="verify small mt-2" open' not in html  # closed until asked
    assert "Verify this file" in details.group(1) and "sha256sum" in details.group(1)
    assert html.count(digest) == 1 and digest in details.group(1)


def test_bars_are_drawn_to_scale_from_zero_whatever_the_order():
    html = render_to_string(
        "reports/_bars.html", {"rows": [["Noise", 3], ["Traffic", 6], ["Parking", 0]], "title": "T"}
    )
    widths = re.findall(r'<rect x="0" y="2" height="12" width="([0-9.]+)%"', html)
    assert widths == ["50.0", "100.0", "0.0"]
    counts = re.findall(r'<td class="num bar-count">(\d+)</td>', html)
    assert counts == ["3", "6", "0"]
    assert html.count('x1="0.5" x2="0.5"') == 3  # the zero line under every bar


def test_each_narrative_box_sits_in_its_section(client_for, cro, quarter):
    html = client_for(cro).get(quarter.get_absolute_url()).content.decode()
    assert 'id="report-narratives"' in html
    for section, key in (("s-current", "current"), ("s-progress", "progress")):
        body = html.split(f'<section id="{section}">', 1)[1].split("</section>", 1)[0]
        assert f'name="{key}"' in body and 'form="report-narratives"' in body
    # One "Save narratives" for the whole form (a "Save" under each box).
    assert html.count(">Save narratives<") == 1
    response = client_for(cro).post(
        reverse("reports:narratives", args=[quarter.pk]),
        {"revision": quarter.revision, "current": "Noise at night leads."},
    )
    assert response.status_code == 302
    quarter.refresh_from_db()
    assert quarter.narratives["current"] == "Noise at night leads."
