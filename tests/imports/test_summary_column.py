"""A concern's summary in a spreadsheet import: an optional column; where a file has none,
or a row leaves it blank, the description's first sentence (concerns/summaries.py)."""

import tablib
from django.urls import reverse

from concerns.models import Concern
from tests.imports.test_import import csv_file, upload

HEADERS = ["date_received", "source_type", "category", "area", "description"]


def row(description, *cells):
    return ["2021-07-01", "citizen", "noise", "Main Street", description, *cells]


def summaries() -> dict[str, str]:
    return dict(Concern.objects.values_list("description", "summary"))


def test_a_summary_column_is_kept_and_a_blank_cell_takes_the_first_sentence(
    client_for, cro, commit
):
    rows = [
        row("Trucks unload at 4 am. Every day.", "Early deliveries behind the shops"),
        row("Music until 3 am. Weekends mostly.", "   "),
    ]
    client = client_for(cro)
    url, page = upload(client, "concerns", csv_file([*HEADERS, "summary"], rows))
    assert "All 2 rows can be imported" in page.content.decode()
    assert commit(client, url).status_code == 302
    assert summaries() == {
        "Trucks unload at 4 am. Every day.": "Early deliveries behind the shops",
        "Music until 3 am. Weekends mostly.": "Music until 3 am.",
    }


def test_a_file_without_the_column_takes_each_first_sentence(client_for, cro, commit):
    long = "Cars " + "and more cars " * 20 + "park on the verge. They block the view."
    rows = [row("Barking dog next door. Since May."), row(long)]
    client = client_for(cro)
    url, _page = upload(client, "concerns", csv_file(HEADERS, rows))
    assert commit(client, url).status_code == 302
    found = summaries()
    assert found["Barking dog next door. Since May."] == "Barking dog next door."
    assert len(found[long]) <= 120 and found[long].endswith("…")
    assert long.startswith(found[long][:-1])


def test_a_summary_over_120_characters_is_a_problem_of_its_row(client_for, cro):
    rows = [row("Fine.", "Short one"), row("Too long.", "x" * 121)]
    _url, page = upload(client_for(cro), "concerns", csv_file([*HEADERS, "summary"], rows))
    text = page.content.decode()
    assert "121 characters; at most 120 fit. Shorten it." in text
    assert "Nothing has been saved" in text
    assert not Concern.objects.exists()


def test_the_template_carries_the_summary_column(client_for, cro):
    response = client_for(cro).get(reverse("imports:template", args=["concerns", "csv"]))
    header = response.content.decode().splitlines()[0].split(",")
    assert header.index("area") < header.index("summary") < header.index("description")
    workbook = client_for(cro).get(reverse("imports:template", args=["concerns", "xlsx"]))
    headers = tablib.Dataset().load(workbook.content, format="xlsx").headers
    assert "summary" in headers
