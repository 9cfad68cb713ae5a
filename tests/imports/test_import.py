"""Importing old spreadsheets: a clean file comes in exactly; a bad one is refused whole
with every problem said; an export imports back as the same records."""

import datetime as dt
import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from concerns.models import Concern, ConcernUpdate, ReferenceCounter
from imports.models import ImportLog
from outreach.models import CommunityOrganization, OutreachActivity
from programs.models import Program
from tests.factories import (
    ActivityFactory,
    ConcernFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)

CONCERN_HEADERS = [
    "reference",
    "date_received",
    "source_type",
    "source_name",
    "category",
    "area",
    "description",
    "status",
    "resolved_on",
    "organization",
]


def csv_file(headers, rows, name="old-concerns.csv"):
    dataset = tablib.Dataset(*rows, headers=headers)
    return SimpleUploadedFile(name, dataset.export("csv").encode(), content_type="text/csv")


def upload(client, kind, file):
    """Upload, then return the check page's response (following the redirect)."""
    response = client.post(reverse("imports:home"), {"kind": kind, "file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response.url, client.get(response.url)


def clean_rows(org_name):
    return [
        [
            "CR-2019-0042",
            "2019-03-15",
            "Citizen",
            "Avery Lane",
            "traffic",
            "Elm Street",
            "Speeding near the school.",
            "resolved",
            "04/02/2019",
            org_name,
        ],
        ["", "2021-07-01", "business", "", "Noise", "Main Street", "Late deliveries.", "", "", ""],
        [
            "",
            "2021-07-09",
            "school",
            "",
            "youth",
            "Oak Park",
            "Kids gather after dark.",
            "in_progress",
            "",
            "",
        ],
    ]


def test_a_clean_file_imports_exactly(client_for, cro, commit):
    org = OrganizationFactory(name="Elm Street Watch")
    client = client_for(cro)
    url, page = upload(client, "concerns", csv_file(CONCERN_HEADERS, clean_rows(org.name)))
    assert page.status_code == 200
    assert "All 3 rows can be imported" in page.content.decode()
    assert not Concern.objects.exists()  # the check saved nothing

    response = commit(client, url)
    assert response.status_code == 302
    result = client.get(response.url).content.decode()
    assert "3 records imported" in result
    concerns = {c.reference: c for c in Concern.objects.all()}
    assert len(concerns) == 3
    old = concerns["CR-2019-0042"]
    assert old.date_received == dt.date(2019, 3, 15)
    assert old.source_type == "citizen" and old.source_name == "Avery Lane"
    assert old.status == "resolved" and old.resolved_at.date() == dt.date(2019, 4, 2)
    assert old.organization == org
    new = sorted(r for r in concerns if r.startswith("CR-2021-"))
    assert new == ["CR-2021-0001", "CR-2021-0002"]
    assert concerns["CR-2021-0001"].category == "noise"
    assert concerns["CR-2021-0002"].status == "in_progress"
    # The next reference of 2019 never reuses an imported number.
    assert ReferenceCounter.objects.get(year=2019).last == 42

    log = ImportLog.objects.get()
    assert (log.kind, log.status, log.rows, log.created, log.by) == (
        "concerns",
        "imported",
        3,
        3,
        cro,
    )
    assert log.file_name == "old-concerns.csv"
    assert all(c.import_log == log for c in concerns.values())
    timeline = list(old.updates.order_by("created_at", "id").values_list("kind", "created_at"))
    assert [k for k, _ in timeline] == ["received", "resolved", "imported"]
    assert timeline[0][1].date() == dt.date(2019, 3, 15)
    imported = old.updates.get(kind=ConcernUpdate.Kind.IMPORTED)
    assert "old-concerns.csv" in imported.text and "row 2" in imported.text
    home = client.get(reverse("imports:home")).content.decode()
    assert "old-concerns.csv" in home and "3 of 3 rows" in home


def test_a_bad_file_is_refused_whole_with_each_problem(client_for, cro, commit):
    headers = [h for h in CONCERN_HEADERS if h != "area"]  # a required column missing
    rows = [
        ["", "2020-02-30", "citizen", "", "traffic", "Speeding.", "", "", ""],  # bad date
        ["", "2020-03-01", "citizen", "", "Trafic", "Speeding.", "", "", ""],  # bad category
        ["", "2020-03-02", "citizen", "", "noise", "Barking.", "", "", ""],  # fine otherwise
    ]
    client = client_for(cro)
    url, page = upload(client, "concerns", csv_file(headers, rows))
    text = page.content.decode()
    assert "problem" in text and "Nothing has been saved" in text
    assert "Where" in text and "This column is required" in text
    assert "“2020-02-30” is not a date" in text
    assert "“Trafic” is not one of the choices" in text
    assert "Import 3 records" not in text  # no import button
    # Even forced, nothing is saved.
    response = commit(
        client, url, {"map-date_received": "date_received", "map-category": "category"}
    )
    assert response.status_code == 400
    assert not Concern.objects.exists()
    assert not ImportLog.objects.exists()


def test_a_file_gone_bad_since_its_check_is_refused_at_import_and_can_be_retried(
    client_for, cro, django_capture_on_commit_callbacks
):
    client = client_for(cro)
    rows = [["Cedar Block Club", "civic"], ["Pine Tenants", "civic"]]
    url, page = upload(client, "organizations", csv_file(["name", "kind"], rows, "orgs.csv"))
    assert "All 2 rows can be imported" in page.content.decode()
    mapping = {"map-name": "name", "map-kind": "kind"}
    with django_capture_on_commit_callbacks() as queued:
        response = client.post(url, {"action": "import", **mapping})
    OrganizationFactory(name="Pine Tenants")  # someone adds it before the worker starts
    for start_the_task in queued:
        start_the_task()
    log = ImportLog.objects.get()
    assert response.url == log.get_absolute_url()
    assert (log.status, log.created, log.problems) == ("refused", 0, 1)
    assert list(CommunityOrganization.objects.values_list("name", flat=True)) == ["Pine Tenants"]
    result = client.get(log.get_absolute_url()).content.decode()
    assert "Nothing was imported" in result and "“Pine Tenants” is already recorded" in result
    assert "Check the file again" in result  # the file is kept for a corrected mapping


def test_the_import_page_shows_progress_while_it_runs(client_for, cro):
    from imports.engine import queue_import
    from imports.specs import specs

    log = queue_import(
        spec=specs()["concerns"],
        stored_file="0" * 32 + ".csv",
        mapping={},
        file_name="x.csv",
        by=cro,
    )
    page = client_for(cro).get(log.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "Waiting for the background worker" in page
    assert '<progress class="app-progress" max="100" value="0"' in page


def test_problems_name_the_row_and_the_column(cro):
    from imports.engine import check
    from imports.specs import specs

    dataset = tablib.Dataset(
        ["", "2020-01-05", "citizen", "", "traffic", "Elm", "x", "resolved", "", ""],
        ["", "2031-01-05", "citizen", "", "traffic", "Elm", "x", "", "", "No Such Group"],
        headers=CONCERN_HEADERS,
    )
    spec = specs()["concerns"]
    result = check(
        spec, dataset, {c.name: c.name if c.name in CONCERN_HEADERS else "" for c in spec.columns}
    )
    found = {(p.row, p.column) for p in result.problems}
    assert (2, "Resolved on") in found  # resolved without a date
    assert (3, "Date received") in found  # in the future
    assert (3, "Community organization") in found


def test_columns_with_other_names_can_be_matched(client_for, cro, commit):
    headers = ["Date", "From", "Type", "Location", "Details"]
    rows = [["2022-05-01", "Citizen", "Parking", "Pine Road", "Blocked driveway."]]
    client = client_for(cro)
    url, page = upload(client, "concerns", csv_file(headers, rows))
    assert "This column is required" in page.content.decode()
    mapping = {
        "map-date_received": "Date",
        "map-source_type": "From",
        "map-category": "Type",
        "map-area": "Location",
        "map-description": "Details",
    }
    checked = client.post(url, {"action": "check", **mapping})
    assert "All 1 row can be imported" in checked.content.decode()
    assert commit(client, url, mapping).status_code == 302
    assert Concern.objects.get().area == "Pine Road"


def test_an_excel_workbook_imports(client_for, cro, commit):
    dataset = tablib.Dataset(
        ["Riverside Faith Council", "Faith organization", "Rev. Kim", "yes"],
        ["Oak Park Business Watch", "business_watch", "", "no"],
        headers=["name", "kind", "contact_name", "is_active"],
    )
    file = SimpleUploadedFile("orgs.xlsx", dataset.export("xlsx"))
    client = client_for(cro)
    url, page = upload(client, "organizations", file)
    assert "All 2 rows can be imported" in page.content.decode()
    commit(client, url)
    names = dict(CommunityOrganization.objects.values_list("name", "is_active"))
    assert names == {"Riverside Faith Council": True, "Oak Park Business Watch": False}


def test_a_double_click_on_import_imports_once(client_for, cro, commit):
    client = client_for(cro)
    url, _ = upload(client, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    mapping = {f"map-{h}": h for h in CONCERN_HEADERS}
    assert commit(client, url, mapping).status_code == 302
    second = commit(client, url, mapping)
    assert second.status_code == 302
    assert Concern.objects.count() == 2
    assert ImportLog.objects.count() == 1


def test_a_file_waiting_for_its_import_is_not_offered_again(
    client_for, cro, django_capture_on_commit_callbacks
):
    client = client_for(cro)
    url, _ = upload(client, "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    mapping = {"action": "import", **{f"map-{h}": h for h in CONCERN_HEADERS}}
    with django_capture_on_commit_callbacks() as queued:  # no worker has started it yet
        assert client.post(url, mapping).status_code == 302
        again = client.post(url, mapping, follow=True)
    assert "The uploaded file is no longer here" in again.content.decode()
    assert ImportLog.objects.get().status == "queued"
    for start_the_task in queued:
        start_the_task()
    assert Concern.objects.count() == 2
    assert ImportLog.objects.count() == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused(client_for, cro):
    client = client_for(cro)
    fake = SimpleUploadedFile("concerns.xlsx", b"%PDF-1.7 not a workbook")
    response = client.post(reverse("imports:home"), {"kind": "concerns", "file": fake})
    assert response.status_code == 400
    assert "Upload a CSV file" in response.content.decode()
    text = SimpleUploadedFile("concerns.txt", b"a,b\n1,2\n")
    response = client.post(reverse("imports:home"), {"kind": "concerns", "file": text})
    assert response.status_code == 400
    assert not Concern.objects.exists()


def test_duplicates_in_the_file_and_in_the_database_are_refused(client_for, cro):
    OrganizationFactory(name="Elm Street Watch")
    rows = [
        ["Elm Street Watch", "civic"],
        ["Cedar Block Club", "civic"],
        ["cedar block club", "civic"],
    ]
    client = client_for(cro)
    _, page = upload(client, "organizations", csv_file(["name", "kind"], rows, "orgs.csv"))
    text = page.content.decode()
    assert "“Elm Street Watch” is already recorded" in text
    assert "is also on row 3" in text


def _export(client, kind) -> bytes:
    response = client.get(reverse("imports:export", args=[kind]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _reimport(client, commit, kind, data: bytes, name):
    url, page = upload(client, kind, SimpleUploadedFile(name, data, content_type="text/csv"))
    assert "can be imported" in page.content.decode(), page.content.decode()[-3000:]
    assert commit(client, url).status_code == 302


def test_an_export_imports_back_as_the_same_records(client_for, cro, officer, commit):
    client = client_for(cro)
    org = OrganizationFactory(name="Harbor Neighbors", kind="civic", contact_email="h@example.org")
    program = ProgramFactory(
        name="Coffee with a Cop", status="active", active_since=dt.date(2025, 1, 6)
    )
    ActivityFactory(
        title="Harbor meeting",
        organization=org,
        program=program,
        attendance=17,
        staff_hours=2.5,
        officers=[officer],
        logged_by=officer,
    )
    ConcernFactory(
        reference="CR-2025-0007", category="parking", organization=org, public_note="Signs ordered."
    )
    ConcernFactory(reference="CR-2025-0008", description="=SUM(A1) looks like a formula")

    def snapshot():
        return {
            "organizations": sorted(
                CommunityOrganization.objects.values_list(
                    "name", "kind", "contact_email", "is_active"
                )
            ),
            "programs": sorted(
                Program.objects.values_list("name", "category", "status", "active_since")
            ),
            "activities": sorted(
                (
                    a.date,
                    a.kind,
                    a.title,
                    a.organization.name,
                    a.program.name,
                    a.attendance,
                    a.staff_hours,
                    tuple(sorted(u.dsn for u in a.officers.all())),
                )
                for a in OutreachActivity.objects.select_related("organization", "program")
            ),
            "concerns": sorted(
                Concern.objects.values_list(
                    "reference",
                    "date_received",
                    "source_type",
                    "source_name",
                    "category",
                    "area",
                    "summary",
                    "description",
                    "status",
                    "organization__name",
                    "public_note",
                    "reporter_dsn",
                )
            ),
        }

    before = snapshot()
    files = {
        kind: _export(client, kind)
        for kind in ("organizations", "programs", "activities", "concerns")
    }
    Concern.objects.all().delete()
    OutreachActivity.objects.all().delete()
    Program.objects.all().delete()
    CommunityOrganization.objects.all().delete()
    for kind in ("organizations", "programs", "activities", "concerns"):
        _reimport(client, commit, kind, files[kind], f"{kind}.csv")
    assert snapshot() == before
    assert ImportLog.objects.filter(status="imported").count() == 4


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "chief", "training_officer", "outsider"]
)
def test_only_the_cro_and_administrators_import(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get(reverse("imports:home")).status_code == 403
    assert client.get(reverse("imports:template", args=["concerns", "csv"])).status_code == 403
    assert client.get(reverse("imports:export", args=["concerns"])).status_code == 403
    file = csv_file(CONCERN_HEADERS, clean_rows("")[1:])
    assert (
        client.post(reverse("imports:home"), {"kind": "concerns", "file": file}).status_code == 403
    )


def test_an_administrator_imports_and_anonymous_is_sent_to_login(client, client_for):
    response = client.get(reverse("imports:home"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    admin = UserFactory(username="i-admin", is_superuser=True, is_staff=True, dsn=None)
    assert client_for(admin).get(reverse("imports:home")).status_code == 200


def test_another_persons_check_link_is_not_found(client_for, cro):
    other = UserFactory(username="i-cro2", roles=["Community Relations Officer"])
    url, _ = upload(client_for(cro), "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    assert client_for(other).get(url).status_code == 404
    assert client_for(cro).get(reverse("imports:check", args=["forged"])).status_code == 404


def test_templates_carry_the_columns(client_for, cro):
    client = client_for(cro)
    response = client.get(reverse("imports:template", args=["activities", "csv"]))
    assert response.content.decode().splitlines()[0].startswith("date,kind,title,area")
    workbook = client.get(reverse("imports:template", args=["programs", "xlsx"]))
    dataset = tablib.Dataset().load(io.BytesIO(workbook.content).read(), format="xlsx")
    assert dataset.headers[:3] == ["name", "category", "objectives"]
    assert client.get(reverse("imports:template", args=["nothing", "csv"])).status_code == 404


def test_uploads_never_imported_are_removed_after_a_day(client_for, cro, settings):
    from pathlib import Path

    from imports.cleanup import clean_uploads

    upload(client_for(cro), "concerns", csv_file(CONCERN_HEADERS, clean_rows("")[1:]))
    (stored,) = (Path(settings.MEDIA_ROOT) / "imports").iterdir()
    # The file's age is read from the file system's clock, which a frozen test clock does
    # not move: the sweep's "now" is taken from the file's own time.
    written = dt.datetime.fromtimestamp(stored.stat().st_mtime, tz=dt.UTC)
    assert clean_uploads(written + dt.timedelta(hours=23)) == 0
    assert clean_uploads(written + dt.timedelta(hours=25)) == 1
    assert not stored.exists()
