"""The public transparency pages (002 300.8): every approved year stays public, with an
index; a year only once it has ended; English or Spanish as the resident chooses."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from core.decisions import Decision
from reports import services
from reports.models import Report

pytestmark = pytest.mark.django_db

DATA = {
    "received": 1234,
    "resolved": 1180,
    "open": 54,
    "referred": "fewer than 5",
    "activities": 42,
    "attendance": 2310,
    "by_category": [["Traffic", 700], ["Noise", 530]],
    "by_kind": [["Community forum", 30]],
}


def publish(cro, chief, year, *, narratives=None, data=None):
    """A year's report through the services: generated, submitted, approved. The years
    used here have ended whatever today's date is. The figures are set as if frozen."""
    report = services.generate_report(kind="transparency", day=dt.date(year, 6, 1), by=cro)
    if narratives:
        services.save_narratives(report=report, by=cro, narratives=narratives)
    services.submit_report(report=report, by=cro, late_reason="Published late.")
    Report.objects.filter(pk=report.pk).update(data=data or DATA)
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    return report


def with_files(report, *, spanish=True):
    """Stored files, as the renders leave them (the renders have their own tests)."""
    report.pdf.save(f"t-{report.pk}.pdf", ContentFile(b"%PDF-1.7 en"), save=False)
    report.pdf_sha256 = "a" * 64
    if spanish:
        report.pdf_es.save(f"t-{report.pk}-es.pdf", ContentFile(b"%PDF-1.7 es"), save=False)
        report.pdf_es_sha256 = "b" * 64
    report.save()
    return report


def test_every_approved_year_stays_public_with_an_index(client, cro, chief):
    first = publish(cro, chief, 2024, data=DATA | {"received": 900})
    index = client.get(reverse("transparency")).content.decode()
    assert "900" in index and reverse("transparency-year", args=[2024]) in index
    # Publishing the next year adds it; the earlier one never goes (it used to: the page
    # was built around the latest report alone, and 2025 left the page when 2026 came).
    publish(cro, chief, 2025)
    page = client.get(reverse("transparency"))
    assert page.status_code == 200  # without signing in
    html = page.content.decode()
    assert html.index('id="year-2025"') < html.index('id="year-2024"')  # newest first
    assert "1,234" in html and "900" in html
    for year in (2024, 2025):
        assert reverse("transparency-year", args=[year]) in html
        assert reverse("transparency-year-pdf", args=[year, "en"]) in html
        assert client.get(reverse("transparency-year", args=[year])).status_code == 200
    year_page = client.get(reverse("transparency-year", args=[2024])).content.decode()
    assert "Transparency report 2024" in year_page and "900" in year_page
    assert reverse("transparency-year", args=[2025]) in year_page  # the other years
    assert first.period_label in year_page


def test_a_year_shows_its_latest_approved_version(client, cro, chief):
    publish(cro, chief, 2025, narratives={"introduction": "First version."})
    publish(cro, chief, 2025, narratives={"introduction": "Second version."})
    # A third version waiting for the Chief, and a fourth in draft, are not public.
    third = services.generate_report(kind="transparency", day=dt.date(2025, 6, 1), by=cro)
    services.save_narratives(report=third, by=cro, narratives={"introduction": "Third."})
    services.submit_report(report=third, by=cro, late_reason="Late.")
    services.generate_report(kind="transparency", day=dt.date(2025, 6, 1), by=cro)
    html = client.get(reverse("transparency-year", args=[2025])).content.decode()
    assert "Second version." in html and "First version." not in html and "Third." not in html
    index = client.get(reverse("transparency")).content.decode()
    assert index.count('id="year-2025"') == 1


def test_a_draft_or_submitted_year_is_never_public(client, cro, chief):
    draft = services.generate_report(kind="transparency", day=dt.date(2024, 6, 1), by=cro)
    submitted = services.generate_report(kind="transparency", day=dt.date(2025, 6, 1), by=cro)
    services.submit_report(report=submitted, by=cro, late_reason="Late.")
    for report in (draft, submitted):
        with_files(report)
        year = report.period_start.year
        assert client.get(reverse("transparency-year", args=[year])).status_code == 404
        for language in ("en", "es"):
            url = reverse("transparency-year-pdf", args=[year, language])
            assert client.get(url).status_code == 404
        assert client.get(reverse("transparency-pdf", args=[report.pk])).status_code == 404
    assert "has not published" in client.get(reverse("transparency")).content.decode()


def test_a_running_year_is_not_public_even_if_approved(client, cro, chief):
    """A year approved before the rule existed (or with the clock wrong) waits for its end."""
    today = timezone.localdate()
    report = Report.objects.create(
        kind=Report.Kind.TRANSPARENCY,
        period_start=dt.date(today.year, 1, 1),
        period_end=dt.date(today.year, 12, 31),
        status=Report.Status.APPROVED,
        data=DATA,
        created_by=cro,
        decided_by=chief,
        decided_at=timezone.now(),
    )
    with_files(report)
    assert client.get(reverse("transparency-year", args=[today.year])).status_code == 404
    assert client.get(reverse("transparency-pdf", args=[report.pk])).status_code == 404
    assert str(today.year) not in client.get(reverse("transparency")).content.decode()


def test_the_spanish_page_shows_the_spanish_introduction(client, cro, chief):
    report = publish(
        cro,
        chief,
        2025,
        narratives={
            "introduction": "What residents told us this year.",
            "introduction_es": "Lo que nos dijeron los residentes este año.",
        },
    )
    with_files(report)
    url = reverse("transparency-year", args=[2025])
    es = client.get(url + "?lang=es").content.decode()
    assert '<html lang="es">' in es and "Informe de transparencia 2025" in es
    assert '<p class="prewrap">Lo que nos dijeron los residentes este año.</p>' in es
    assert "What residents told us" not in es
    assert "1\xa0234" in es and "menos de 5" in es and ">Tráfico<" in es
    # The Spanish PDF, in Spanish.
    assert reverse("transparency-year-pdf", args=[2025, "es"]) in es
    assert "Informe de 2025 (PDF)" in es
    en = client.get(url + "?lang=en").content.decode()
    assert '<p class="prewrap">What residents told us this year.</p>' in en
    assert "Lo que nos dijeron" not in en
    assert reverse("transparency-year-pdf", args=[2025, "en"]) in en


def test_without_a_spanish_introduction_the_english_one_is_marked(client, cro, chief):
    with_files(
        publish(cro, chief, 2025, narratives={"introduction": "What residents told us."}),
        spanish=False,
    )
    es = client.get(reverse("transparency-year", args=[2025]) + "?lang=es").content.decode()
    assert '<p class="prewrap" lang="en">What residents told us.</p>' in es
    # The Spanish file is not rendered yet: the English one, said to be in English.
    assert reverse("transparency-year-pdf", args=[2025, "en"]) in es
    assert "Informe de 2025 (PDF, en inglés)" in es and 'hreflang="en"' in es
    index = client.get(reverse("transparency") + "?lang=es").content.decode()
    assert "Informe de 2025 (PDF, en inglés)" in index


def test_the_pdfs_by_year_and_language(client, cro, chief):
    report = with_files(publish(cro, chief, 2025))
    english = client.get(reverse("transparency-year-pdf", args=[2025, "en"]))
    spanish = client.get(reverse("transparency-year-pdf", args=[2025, "es"]))
    assert b"".join(english.streaming_content) == b"%PDF-1.7 en"
    assert b"".join(spanish.streaming_content) == b"%PDF-1.7 es"
    assert spanish["Content-Type"] == "application/pdf"
    assert 'filename="transparency-2025-es.pdf"' in spanish["Content-Disposition"]
    assert client.get(reverse("transparency-year-pdf", args=[2025, "fr"])).status_code == 404
    assert client.get(reverse("transparency-year-pdf", args=[2023, "en"])).status_code == 404
    # The address by report the page used to link still answers.
    old = client.get(reverse("transparency-pdf", args=[report.pk]))
    assert b"".join(old.streaming_content) == b"%PDF-1.7 en"


def test_the_index_does_not_grow_in_queries_with_the_years(
    client, cro, chief, django_assert_max_num_queries
):
    publish(cro, chief, 2025)
    # The years (one query for all of them) and the agency's name.
    with django_assert_max_num_queries(2) as one:
        client.get(reverse("transparency"))
    for year in range(2015, 2025):
        publish(cro, chief, year)
    with django_assert_max_num_queries(2) as eleven:
        html = client.get(reverse("transparency")).content.decode()
    assert html.count('class="card shadow-sm mb-3"') == 11
    assert len(eleven.captured_queries) == len(one.captured_queries)
    # The year, the other years, the agency's name.
    with django_assert_max_num_queries(3):
        client.get(reverse("transparency-year", args=[2020]))
