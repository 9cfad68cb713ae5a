"""The dashboard's charts, drawn by core/charts.py from the figures of desk/dashboard.py.

The page draws each chart twice, a wide one for a laptop and a narrow, taller one for a
phone, and its CSS (static/css/dashboard.css) shows the one that fits: one SVG scaled from
a laptop's width down to a phone's would shrink its 13-unit text to 5 px. Each is sized to
be shown at about 1:1 where it appears, so its labels stay at 12 px or more. The PDF draws
one, at the size of its column."""

from django.utils.translation import gettext

from core.charts import column_chart, line_chart, percent_bars


def _trend(data: dict, **size) -> str:
    trends = data["trends"]
    title = gettext("Concerns per month by category over 24 months; the table gives the figures")
    return line_chart(trends["series"], trends["months"], title, top_value=None, **size)


def _outreach(data: dict, **size) -> str:
    out = data["outreach"]
    title = gettext("Outreach activities per month over the last 12 months")
    return column_chart(out["months"], out["per_month"], title, **size)


def _indexes(data: dict, **size) -> str:
    s = data["surveys"]
    title = gettext("Trust and overall-performance indexes (0-100) by year")
    series = [(gettext("Trust"), s["trust"]), (gettext("Overall"), s["overall"])]
    return line_chart(series, s["years"], title, **size)


def _ratings(data: dict, width: int, font: int) -> list[dict]:
    return [
        {
            "text": q["text"],
            "n": q["n"],
            "legend": q["legend"],
            "svg": percent_bars(
                q["distribution"], q["text"], width=width, font=font, scale=q["scale"]
            ),
        }
        for q in data["surveys"]["ratings"]
    ]


def page_charts(data: dict) -> dict:
    """{"trend": {"wide", "narrow"}, ...}: the wide trend fills a laptop's full width (shown
    from 992 px), the others half of it (from 768 px); the narrow ones fit a 390 px phone."""
    has_survey = bool(data["surveys"]["years"])
    return {
        "trend": {
            "wide": _trend(data, width=1000, height=320, font=14, label_every=2),
            "narrow": _trend(data, width=330, height=300, font=12, label_every=6),
        },
        "outreach": {
            "wide": _outreach(data, width=480, height=230, font=13, label_every=2),
            "narrow": _outreach(data, width=330, height=220, font=12, label_every=3),
        },
        "indexes": {
            "wide": _indexes(data, width=480, height=220, font=13),
            "narrow": _indexes(data, width=330, height=220, font=12),
        }
        if has_survey
        else None,
        "ratings": {
            "wide": _ratings(data, width=480, font=13),
            "narrow": _ratings(data, width=330, font=12),
        },
    }


def pdf_charts(data: dict) -> dict:
    """The charts at the size of the one-page PDF's right column (about 300 pt)."""
    return {
        "trend": _trend(data, width=420, height=170, font=11, label_every=6),
        "outreach": _outreach(data, width=420, height=115, font=11, label_every=2),
    }
