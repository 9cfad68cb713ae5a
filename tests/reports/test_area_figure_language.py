"""The transparency report's map of concerns by area speaks the reader's language: its kinds
of area and its withheld counts were frozen in English with the figures, and are read in
Spanish on the Spanish page and in the Spanish PDF (issue 22)."""

from django.template.loader import render_to_string
from django.utils import translation

from reports.builders._areas import in_reader_words
from reports.public_views import public_figures

FIGURE = {
    "kind": "beat",
    "kind_label": "Beat",
    "hidden_words": "fewer than 5",
    "rows": [
        {"id": 1, "code": "B3", "name": "Beat 3", "kind": "Beat", "n": 7},
        {"id": 2, "code": "MH", "name": "Maple Heights", "kind": "Neighbourhood", "n": None},
    ],
    "not_placed": None,
    "total": None,
    "on_map": None,
    "shapes": [],
}


def test_the_frozen_figure_is_read_in_spanish():
    with translation.override("es"):
        spanish = in_reader_words(FIGURE)
        page = public_figures({"by_area": FIGURE})["by_area"]
    assert spanish == page
    assert spanish["hidden_words"] == "menos de 5"
    assert [row["kind"] for row in spanish["rows"]] == ["Distrito de patrulla", "Barrio"]
    assert spanish["kind_label"] == "Distrito de patrulla"
    with translation.override("en"):
        assert in_reader_words(FIGURE)["rows"][1]["kind"] == "Neighbourhood"


def test_the_spanish_pdf_section_shows_the_table_in_spanish():
    with translation.override("es"):
        html = render_to_string(
            "reports/sections/_transparency.html",
            {"data": {"by_area": FIGURE, "by_category": [], "by_kind": []}, "for_pdf": True},
        )
    table = html.split('id="s-areas"')[1]
    assert "Inquietudes por zona" in table and "Barrio" in table and "menos de 5" in table
    assert "Neighbourhood" not in table and "fewer than" not in table
