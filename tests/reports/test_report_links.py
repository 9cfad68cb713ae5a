"""Each figure on a report's page opens the records behind it, and each reference the
concern; the PDF prints figures and references without links."""

import datetime as dt
import re
from html import unescape

import pytest
import time_machine
from django.utils import timezone

from reports import pdf as report_pdf
from reports import services
from tests.factories import ActivityFactory, ConcernFactory

pytestmark = pytest.mark.django_db
AFTER_SEPTEMBER = timezone.make_aware(dt.datetime(2026, 10, 20, 12))


@pytest.fixture
def september(officer):
    for n, category in enumerate(["noise", "noise", "traffic"], start=1):
        ConcernFactory(
            reference=f"CR-2026-07{n:02d}",
            date_received=dt.date(2026, 9, n + 3),
            category=category,
            summary=f"Loud music on Birch Lane, night {n}",
            reported_by=officer,
        )
    ConcernFactory(reference="CR-2026-0800", date_received=dt.date(2026, 10, 1), category="noise")
    ActivityFactory(date=dt.date(2026, 9, 9), kind="foot_patrol")


def links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]+)"', html)]


@time_machine.travel(AFTER_SEPTEMBER, tick=False)
def test_a_category_count_opens_the_same_concerns(september, cro, client_for):
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    client = client_for(cro)
    page = client.get(report.get_absolute_url()).content.decode()
    noise = [h for h in links(page) if "category=noise" in h]
    assert noise, "the count of noise concerns links to the list"
    listed = client.get(noise[0]).content.decode()
    assert "CR-2026-0701" in listed and "CR-2026-0702" in listed
    assert "CR-2026-0703" not in listed and "CR-2026-0800" not in listed
    # The residents' own words stand beside the counts, and a reference opens its concern.
    assert "Loud music on Birch Lane, night 1" in page
    assert "/concerns/CR-2026-0701/" in links(page)
    assert any("kind=foot_patrol" in h and "date_from=2026-09-01" in h for h in links(page))


@time_machine.travel(AFTER_SEPTEMBER, tick=False)
def test_the_pdf_has_the_words_but_no_links(september, cro):
    report = services.generate_report(kind="monthly", day=dt.date(2026, 9, 1), by=cro)
    html = report_pdf.report_html(report)
    assert "Loud music on Birch Lane, night 1" in html
    assert not [h for h in links(html) if "/concerns/" in h]


@time_machine.travel(AFTER_SEPTEMBER, tick=False)
def test_each_program_of_the_half_opens_its_page(cro, client_for):
    from programs.models import Program
    from tests.factories import ProgramFactory

    program = ProgramFactory(
        name="Coffee with a Cop", status=Program.Status.ACTIVE, active_since=dt.date(2026, 1, 5)
    )
    report = services.generate_report(kind="semi_annual", day=dt.date(2026, 1, 1), by=cro)
    page = client_for(cro).get(report.get_absolute_url()).content.decode()
    assert program.get_absolute_url() in links(page)
    assert program.get_absolute_url() not in links(report_pdf.report_html(report))
