"""The dashboard read as a Chief reads it (issue 23): charts that fill their column with
text of 12 units or more, each line named at its end instead of a legend, rating bars that
say what 1 and 5 mean, and a period picker that shows the custom dates only when asked."""

import datetime as dt
import re
import uuid
import xml.etree.ElementTree as ET

import pytest
import time_machine
from django.urls import reverse

from core.charts import column_chart, line_chart, percent_bars, spread
from desk.dashboard_surveys import ratings
from surveys.models import Answer, Question, Response, Survey
from tests.factories import ConcernFactory

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))  # noqa: S314  # our own chart's output


def texts(root, css_class=None) -> list[ET.Element]:
    return [t for t in root.iter(f"{SVG}text") if css_class is None or t.get("class") == css_class]


def test_each_line_is_named_at_its_end_and_no_legend_is_drawn():
    series = [("Traffic", [1, 4, 6]), ("Noise", [2, 2, None]), ("Parking", [0, 1, 2])]
    root = parse(line_chart(series, ["Jan", "Feb", "Mar"], "Concerns", top_value=None))
    labels = texts(root, "series-label")
    assert [t.text for t in labels] == ["Traffic", "Noise", "Parking"]
    assert not root.findall(f".//{SVG}g[@class='legend']")
    # Each name stands at the height of its line's last point, in the line's colour.
    lines = root.findall(f"{SVG}polyline")
    traffic_end_y = float(lines[0].get("points").split()[-1].split(",")[1])
    assert abs(float(labels[0].get("y")) - 12 * 0.35 - traffic_end_y) < 1
    assert labels[0].get("fill") == lines[0].get("stroke")
    # Solid for the first line, dashed for the next: told apart without colour.
    assert lines[0].get("stroke-dasharray") == "" and lines[1].get("stroke-dasharray")


def test_names_of_lines_ending_together_are_nudged_apart():
    series = [("Trust", [60, 66]), ("Overall", [58, 66]), ("Safety", [50, 65])]
    root = parse(line_chart(series, ["2025", "2026"], "Indexes", font=13))
    ys = sorted(float(t.get("y")) for t in texts(root, "series-label"))
    assert all(b - a >= 13 + 3 - 0.01 for a, b in zip(ys, ys[1:], strict=False))


def test_a_legend_takes_over_when_the_names_cannot_fit():
    series = [(f"Category {k}", [k, k]) for k in range(5)]
    root = parse(line_chart(series, ["a", "b"], "Crowded", height=60, top_value=None))
    assert texts(root, "series-label") == []
    assert len(root.findall(f".//{SVG}g[@class='legend']")) == 5


def test_spread_keeps_order_gap_and_bounds():
    assert sorted(spread([50, 50, 50], 10, 0, 100)) == [50, 60, 70]
    placed = spread([95, 99, 100], 10, 0, 100)
    assert placed == [80, 90, 100]
    assert spread([0, 0, 0], 10, 0, 15) is None
    assert spread([], 10, 0, 10) == []


def test_chart_text_is_at_least_the_font_asked_for():
    for svg in (
        line_chart([("A", [1, 2])], ["x", "y"], "t"),
        column_chart(["Jan", "Feb"], [3, 4], "t"),
        percent_bars([["Yes", 3, 60], ["No", 2, 40]], "t"),
    ):
        sizes = {float(t.get("font-size")) for t in texts(parse(svg))}
        assert sizes == {12.0}


def test_rating_bars_say_what_one_and_five_mean():
    rows = [[str(v), v, 20] for v in range(1, 6)]
    labels = [
        t.text for t in texts(parse(percent_bars(rows, "Trust", scale=("very poor", "excellent"))))
    ]
    assert "1 = very poor" in labels and "5 = excellent" in labels and "3" in labels
    # Without a scale the bars are labelled as given (other callers keep working).
    assert "1" in [t.text for t in texts(parse(percent_bars(rows, "Trust")))]


@pytest.mark.django_db
def test_ratings_of_the_latest_survey_hide_small_counts(cro):
    survey = Survey.objects.create(
        title="Community survey 2026",
        audience="community",
        opens_on=dt.date(2026, 9, 1),
        closes_on=dt.date(2026, 10, 31),
        status="closed",
        created_by=cro,
    )
    trust = Question.objects.create(
        survey=survey, position=1, kind="rating", dimension="trust", text="Trust?"
    )
    overall = Question.objects.create(
        survey=survey, position=2, kind="rating", dimension="overall", text="Overall?"
    )
    safety = Question.objects.create(
        survey=survey, position=3, kind="rating", dimension="safety", text="Safe?"
    )
    for i, value in enumerate([1, 2, 2, 5, 5, 5]):
        response = Response.objects.create(
            survey=survey, channel="web", submitted_on=dt.date(2026, 9, 2), token=uuid.uuid4()
        )
        Answer.objects.create(response=response, question=trust, value=value)
        Answer.objects.create(response=response, question=safety, value=value)
        if i < 4:  # four answers: fewer than five, not shown
            Answer.objects.create(response=response, question=overall, value=value)
    found = ratings(survey)
    assert [q["text"] for q in found] == ["Trust?"]
    assert found[0]["n"] == 6
    assert found[0]["distribution"] == [
        ["1", 1, 17],
        ["2", 2, 33],
        ["3", 0, 0],
        ["4", 0, 0],
        ["5", 3, 50],
    ]


@pytest.mark.django_db
def test_dashboard_page_charts_are_legible_and_named_directly(client_for, chief, officer):
    client = client_for(chief)
    with time_machine.travel(dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC), tick=False):
        for category in ("traffic", "noise", "traffic", "parking"):
            ConcernFactory(
                reported_by=officer, category=category, date_received=dt.date(2026, 11, 2)
            )
        page = client.get(reverse("home")).text
    svgs = re.findall(r'<svg class="(?:chart|bars)".*?</svg>', page, flags=re.S)
    assert len(svgs) >= 4  # the trend and the outreach chart, each wide and narrow
    for svg in svgs:
        sizes = [float(t.get("font-size")) for t in texts(parse(svg))]
        assert sizes and min(sizes) >= 12
    trend = [s for s in svgs if "Concerns per month by category" in s]
    assert len(trend) == 2
    for svg in trend:
        root = parse(svg)
        assert {t.text for t in texts(root, "series-label")} == {"Traffic", "Noise", "Parking"}
        assert "legend" not in svg
        assert "Nov 26" in [t.text for t in texts(root)]  # the latest month is labelled
    # The wide chart is drawn for a laptop's full width, the narrow one for a phone.
    widths = sorted(int(parse(s).get("width")) for s in trend)
    assert widths[0] <= 340 and widths[1] >= 900


def picker(page: str) -> str:
    return re.search(r'<fieldset class="dash-custom"[^>]*>', page).group(0)


@pytest.mark.django_db
def test_picker_shows_the_custom_dates_only_when_a_custom_period_is_asked(client_for, chief):
    client = client_for(chief)
    for query in ("", "?period=month", "?period=quarter", "?period=year"):
        tag = picker(client.get(reverse("home") + query).text)
        assert " hidden" in tag and " disabled" in tag, query
    # Custom chosen without dates (no script): the dates show, with what is missing.
    page = client.get(reverse("home") + "?period=custom").text
    assert " hidden" not in picker(page)
    assert '<option value="custom" selected>' in page
    assert "Give both dates of the custom period" in page
    page = client.get(reverse("home") + "?period=custom&from=2026-05-01&to=2026-05-31").text
    assert " hidden" not in picker(page)
    assert 'value="2026-05-01"' in page and 'value="2026-05-31"' in page
    # The script that toggles the dates is the page's own file (no inline script).
    assert "js/dashboard.js" in page and "<script>" not in page
