"""A report, the public transparency page and a survey's results on a phone: at 390 and
360 px wide nothing makes the whole page scroll sideways (wide tables scroll inside their
own region)."""

import datetime as dt

import pytest

from core.decisions import Decision
from reports import services
from reports.models import Report
from tests.factories import ActivityFactory, ConcernFactory
from tests.reports.test_transparency_public import publish
from tests.surveys.test_services import _required, open_survey, respond

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (390, 360)
OVERFLOW = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def assert_fits(page, path):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(path)
        scroll, client = page.evaluate(OVERFLOW)
        assert scroll <= client, f"{path} at {width} px: {scroll} px wide in {client}"


def test_report_transparency_and_survey_results_fit_a_phone(page_as, page, cro, chief, officer):
    # A quarter with enough to fill every table, one summary a long unbroken word.
    for day in range(1, 25):
        ConcernFactory(
            date_received=dt.date(2026, 7, day),
            category=("traffic", "noise", "narcotics", "police_service")[day % 4],
            summary="Supercalifragilisticexpialidociouslylongcomplaintwithoutspaces"
            if day == 3
            else f"Speeding near the school, week {day}",
            reported_by=officer,
        )
        ActivityFactory(date=dt.date(2026, 8, day), kind="forum", logged_by=officer)
    report = services.generate_report(kind="quarterly", day=dt.date(2026, 8, 1), by=cro)
    services.save_narratives(
        report=report, by=cro, narratives={"current": "Noise at night leads the quarter."}
    )
    services.submit_report(report=report, by=cro, late_reason="Waited for the figures.")
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    Report.objects.filter(pk=report.pk).update(pdf_sha256="ab" * 32)

    publish(cro, chief, 2024)
    publish(cro, chief, 2025)

    survey = open_survey(cro, chief)
    for _ in range(6):
        respond(survey, _required(survey) | {"std-recommend": "More patrols on foot"})

    staff = page_as(chief)
    assert_fits(staff, report.get_absolute_url())
    assert_fits(staff, f"/surveys/{survey.pk}/results/")
    assert_fits(staff, f"/surveys/{survey.pk}/")
    assert_fits(page, "/transparency/")
    assert_fits(page, "/transparency/2025/")
    assert_fits(page, "/transparency/2025/?lang=es")
