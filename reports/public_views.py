"""The public transparency report (002 300.8), for anyone, without signing in.

- `/transparency/`: every published year, newest first, with its headline figures.
- `/transparency/<year>/`: that year's report (the latest approved version of the year).
- `/transparency/<year>/en.pdf` and `/transparency/<year>/es.pdf`: its PDF in English or
  Spanish; the page links the one in its own language (the Spanish one once rendered).
- `/transparency/<pk>.pdf`: the English file of one approved version, as linked before
  the pages by year existed.

A year is published once the Chief approves its report, and only after it has ended
(`Report.objects.published()`); an earlier year stays published when a later one is. The
pages are in English or Spanish as the resident chooses (concerns' public_language).
"""

import datetime as dt

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext

from concerns.views import public_language, remember_language
from reports.builders._areas import in_reader_words
from reports.models import Report

PDF_LANGUAGES = ("en", "es")


def public_figures(data: dict) -> dict:
    """The frozen figures as the reader reads them: names through the catalogue, counts with
    the language's thousands separator, "fewer than 5" in words of the language."""

    def count(value):
        if isinstance(value, int):
            return number_format(value, force_grouping=True)
        if isinstance(value, str) and value.startswith("fewer than "):
            return gettext("fewer than %(count)s") % {"count": value.removeprefix("fewer than ")}
        return value

    figures = {key: count(value) for key, value in data.items() if not isinstance(value, list)}
    for key in ("by_category", "by_kind"):
        figures[key] = [[gettext(label), count(n)] for label, n in data.get(key, [])]
    figures["by_group"] = [
        [gettext(label), count(n), [gettext(c) for c in cats]]
        for label, n, cats in data.get("by_group", [])
    ]
    if area := data.get("by_area"):
        figures["by_area"] = in_reader_words(area)
    return figures


def trends(reports) -> list[dict]:
    """The year's totals of every published year, oldest first, as the reader reads them."""
    rows = []
    for report in sorted(reports, key=lambda r: r.period_start):
        data = report.data or {}
        figures = public_figures(data)
        rows.append(
            {
                "year": report.period_start.year,
                "raw": data.get("received"),
                **{k: figures.get(k) for k in ("received", "resolved", "activities")},
            }
        )
    # Each year's bar, to scale from zero against the largest year (none for a suppressed one).
    top = max((r["raw"] for r in rows if isinstance(r["raw"], int)), default=0)
    for row in rows:
        raw = row.pop("raw")
        row["percent"] = round(100 * raw / top) if isinstance(raw, int) and top else None
    return rows


def introduction(report: Report, language: str) -> tuple[str, str]:
    """The CRO's introduction in the page's language when one was written, else the
    English one; with the language it is written in (the page marks it)."""
    if language == "es" and report.narratives.get("introduction_es", "").strip():
        return report.narratives["introduction_es"], "es"
    return report.narratives.get("introduction", ""), "en"


def pdf_language(report: Report, language: str) -> str:
    """The PDF a page in `language` links: its own language's once rendered."""
    return "es" if language == "es" and report.pdf_es_sha256 else "en"


@login_not_required
def transparency(request):
    """Every published year, newest first: its figures at a glance, its page and its PDF."""
    language = public_language(request)
    reports = list(Report.objects.published())
    years = [
        {
            "report": report,
            "year": report.period_start.year,
            "data": public_figures(report.data or {}),
            "pdf_language": pdf_language(report, language),
        }
        for report in reports
    ]
    response = render(
        request,
        "reports/transparency.html",
        {"years": years, "trends": trends(reports), "language": language},
    )
    return remember_language(response, language)


@login_not_required
def transparency_year(request, year):
    language = public_language(request)
    report = _published(year)
    text, text_language = introduction(report, language)
    published = list(Report.objects.published())
    response = render(
        request,
        "reports/transparency_year.html",
        {
            "report": report,
            "year": year,
            "data": public_figures(report.data or {}),
            "introduction": text,
            "introduction_language": text_language,
            "pdf_language": pdf_language(report, language),
            "other_years": [
                r.period_start.year for r in published if r.period_start != report.period_start
            ],
            "trends": trends(published),
            "language": language,
        },
    )
    return remember_language(response, language)


@login_not_required
def transparency_year_pdf(request, year, language):
    if language not in PDF_LANGUAGES:
        raise Http404
    report = _published(year)
    file, digest = (
        (report.pdf_es, report.pdf_es_sha256)
        if language == "es"
        else (
            report.pdf,
            report.pdf_sha256,
        )
    )
    if not digest:
        raise Http404
    return _pdf_response(file, f"transparency-{year}-{language}.pdf")


@login_not_required
def transparency_pdf(request, pk):
    """The English file of one approved version (the address the page used to link)."""
    report = get_object_or_404(Report.objects.published_versions(), pk=pk)
    if not report.pdf_sha256:
        raise Http404
    return _pdf_response(report.pdf, f"transparency-{report.period_label}.pdf")


def _published(year: int) -> Report:
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise Http404
    report = Report.objects.published().filter(period_start=dt.date(year, 1, 1)).first()
    if report is None:
        raise Http404
    return report


def _pdf_response(file, filename: str) -> FileResponse:
    response = FileResponse(file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
