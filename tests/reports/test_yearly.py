import contextlib
import datetime as dt
import hashlib
import io
import re
import zipfile

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Agency
from core.decisions import Decision
from core.layout import PdfOptions, lay_out
from outreach.models import Recognition, TrainingNeed
from reports import services
from reports.builders import build, suppress
from reports.models import Plan, Report
from reports.pdf import render_pdf, report_html
from reports.periods import due_date
from tests.factories import ActivityFactory, AgencyFactory, ConcernFactory, ProgramFactory

pytestmark = pytest.mark.django_db
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def approved(kind, day, cro, chief, capture, narratives=None):
    report = services.generate_report(kind=kind, day=day, by=cro)
    if narratives:
        services.save_narratives(report=report, by=cro, narratives=narratives)
    # A report is submitted once its period has ended: while it runs, the clock is moved
    # to the day after it for the submission and the approval.
    after = dt.datetime.combine(report.period_end + dt.timedelta(days=1), dt.time(12))
    ended = report.period_end < timezone.localdate()
    clock = contextlib.nullcontext() if ended else time_machine.travel(timezone.make_aware(after))
    with clock:
        services.submit_report(report=report, by=cro, late_reason="test")
        with capture(execute=True):
            services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    return report


def text_of(report):
    with report.pdf.open("rb") as f:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)


# --- Plan ---


def test_plan_lifecycle(cro, chief, officer):
    with pytest.raises(PermissionDenied):
        services.save_plan(year=2026, by=officer, objectives_text="x")
    with pytest.raises(ValidationError, match="at least one objective"):
        services.save_plan(year=2026, by=cro, objectives_text="  \n ")
    plan = services.save_plan(
        year=2026, by=cro, objectives_text="Meet every watch group\n\nCut response time"
    )
    assert [o.text for o in plan.objectives.all()] == [
        "Meet every watch group",
        "Cut response time",
    ]
    services.submit_plan(plan=plan, by=cro)
    with pytest.raises(PermissionDenied):
        services.decide_plan(plan=plan, by=cro, decision=Decision.APPROVE)
    with pytest.raises(ValidationError, match="Say what should change"):
        services.decide_plan(plan=plan, by=chief, decision=Decision.RETURN)
    services.decide_plan(
        plan=plan, by=chief, decision=Decision.RETURN, comment="Make them measurable."
    )
    services.save_plan(year=2026, by=cro, objectives_text="Meet all 25 watch groups twice")
    plan = services.submit_plan(plan=plan, by=cro)
    services.decide_plan(plan=plan, by=chief, decision=Decision.APPROVE)
    with pytest.raises(ValidationError, match="Only a draft or a returned plan"):
        services.save_plan(year=2026, by=cro, objectives_text="Sneaky change")
    assert Plan.objects.get().status == "approved"


# --- Annual ---


def test_annual_report_numbers_and_objectives(
    cro, chief, officer, django_capture_on_commit_callbacks
):
    plan = services.save_plan(year=2026, by=cro, objectives_text="Meet every watch group")
    services.submit_plan(plan=plan, by=cro)
    services.decide_plan(plan=plan, by=chief, decision=Decision.APPROVE)
    ConcernFactory(date_received=dt.date(2026, 3, 1), category="traffic", reported_by=officer)
    ConcernFactory(date_received=dt.date(2026, 12, 31), category="traffic", reported_by=officer)
    ConcernFactory(date_received=dt.date(2025, 6, 1), category="noise", reported_by=officer)
    ActivityFactory(date=dt.date(2026, 4, 1), kind="safety_class", attendance=30)
    ActivityFactory(date=dt.date(2025, 4, 1), kind="safety_class")
    Recognition.objects.create(
        community_member="Rosa Ruiz",
        reason="Led the watch.",
        date=dt.date(2026, 5, 1),
        recognized_by=cro,
    )
    TrainingNeed.objects.create(
        topic="diversity",
        source="surveys",
        description="x",
        identified_by=cro,
        status="delivered",
        delivered_on=dt.date(2026, 6, 1),
    )
    data = build("annual", *Y2026)
    assert (data["received"], data["received_last_year"]) == (2, 1)
    assert {r["label"]: (r["this"], r["last"]) for r in data["by_category"]} == {
        "Traffic": (2, 0),
        "Noise": (0, 1),
    }
    safety = next(r for r in data["csr"] if r["kind"] == "Safety school class")
    assert (safety["this"], safety["last"]) == (1, 1)
    assert len(data["csr"]) == 9
    assert data["objectives"] == [{"position": 1, "text": "Meet every watch group"}]
    report = approved(
        "annual",
        dt.date(2026, 6, 1),
        cro,
        chief,
        django_capture_on_commit_callbacks,
        narratives={"objective_1": "Met 23 of 25 groups.", "successes": "Two new watch groups."},
    )
    text = text_of(report)
    for piece in (
        "Objective 1: Meet every watch group",
        "Met 23 of 25 groups.",
        "Community Services Report",
        "Safety school class",
        "Rosa Ruiz",
        "Two new watch groups.",
    ):
        assert piece in text


# --- Transparency ---


def test_suppress_small_counts():
    assert suppress(4) == "fewer than 5"
    assert suppress(0) == "fewer than 5"
    assert suppress(5) == 5


def test_transparency_pdf_has_no_names_dsns_sources_or_references(
    client, cro, chief, officer, django_capture_on_commit_callbacks
):
    AgencyFactory(chief_name="Alex Morgan")
    concerns = [
        ConcernFactory(
            date_received=dt.date(2026, 2, d),
            category="traffic",
            source_name="Secret Sam",
            reported_by=officer,
        )
        for d in range(1, 8)
    ]
    ConcernFactory(date_received=dt.date(2026, 3, 1), category="noise", reported_by=officer)
    ActivityFactory(date=dt.date(2026, 3, 3), kind="forum", logged_by=officer)
    report = approved(
        "transparency",
        dt.date(2026, 1, 1),
        cro,
        chief,
        django_capture_on_commit_callbacks,
        narratives={"introduction": "What residents told us this year."},
    )
    text = text_of(report)
    # Seven traffic concerns and one about noise: the one cannot stand alone, and Roads and
    # traffic beside it would give it away by subtraction, so both are counted together.
    flat = text.replace("\n", " ")
    assert re.search(r"Other concerns Traffic, [^0-9]*Other 8", flat)
    assert "Roads and traffic" not in flat
    assert "fewer than 5" in text
    forbidden = [
        officer.get_full_name(),
        officer.dsn,
        cro.get_full_name(),
        cro.dsn,
        chief.get_full_name(),
        chief.dsn,
        "Alex Morgan",
        "Secret Sam",
        "CR-",
    ] + [c.reference for c in concerns]
    with report.pdf_es.open("rb") as f:
        spanish = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)
    assert "Tráfico" in spanish and "menos de 5" in spanish
    for word in forbidden:
        assert word not in text, word
        assert word not in spanish, word
    # Published for anyone, without a login, once the year has ended.
    with time_machine.travel(timezone.make_aware(dt.datetime(2027, 1, 2, 12))):
        assert "2026" in client.get(reverse("transparency")).content.decode()
        page = client.get(reverse("transparency-year", args=[2026]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "What residents told us this year." in html
        assert officer.get_full_name() not in html and "CR-" not in html
        for language in ("en", "es"):
            pdf = client.get(reverse("transparency-year-pdf", args=[2026, language]))
            assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_unapproved_transparency_report_is_not_public(client, cro):
    report = services.generate_report(kind="transparency", day=dt.date(2026, 1, 1), by=cro)
    assert client.get(reverse("transparency-pdf", args=[report.pk])).status_code == 404
    assert client.get(reverse("transparency-year", args=[2026])).status_code == 404
    assert "has not published" in client.get(reverse("transparency")).content.decode()


# --- Due dates, archive ---


def test_due_dates_follow_the_agency_profile(db):
    agency = Agency.load()
    assert due_date("annual", dt.date(2026, 12, 31), agency) == dt.date(2027, 1, 31)
    agency.monthly_due_day = 5
    agency.quarterly_due_days = 20
    assert due_date("monthly", dt.date(2026, 11, 30), agency) == dt.date(2026, 12, 5)
    assert due_date("quarterly", dt.date(2026, 9, 30), agency) == dt.date(2026, 10, 20)


def test_archive_zip_holds_approved_reports_and_their_hashes(
    client_for, cro, chief, officer, django_capture_on_commit_callbacks
):
    ConcernFactory(date_received=dt.date(2026, 9, 3), reported_by=officer)
    first = approved("monthly", dt.date(2026, 9, 1), cro, chief, django_capture_on_commit_callbacks)
    services.generate_report(kind="monthly", day=dt.date(2026, 8, 1), by=cro)  # a draft: left out
    response = client_for(chief).get(
        reverse("reports:archive") + "?date_from=2026-01-01&date_to=2026-12-31"
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = archive.namelist()
    assert "index.csv" in names and len(names) == 2
    pdf_name = next(n for n in names if n.endswith(".pdf"))
    assert hashlib.sha256(archive.read(pdf_name)).hexdigest() == first.pdf_sha256
    assert first.pdf_sha256 in archive.read("index.csv").decode()
    assert (
        client_for(officer)
        .get(reverse("reports:archive") + "?date_from=2026-01-01&date_to=2026-12-31")
        .status_code
        == 403
    )


def test_plan_pages(client_for, cro, chief, officer):
    url = reverse("reports:plan", args=[2026])
    assert client_for(officer).get(url).status_code == 403
    client = client_for(cro)
    bad = client.post(reverse("reports:plan-save", args=[2026]), {"objectives": ""})
    assert bad.status_code == 400
    client.post(reverse("reports:plan-save", args=[2026]), {"objectives": "One\nTwo"})
    client.post(reverse("reports:plan-submit", args=[2026]))
    assert (
        client_for(chief).post(reverse("reports:plan-decide", args=[2026, "approve"])).status_code
        == 302
    )
    assert Plan.objects.get(year=2026).status == "approved"
    assert Report.objects.count() == 0


def test_semi_annual_report_lists_evaluations_and_decisions(
    cro, chief, django_capture_on_commit_callbacks
):
    from programs.models import ProgramEvaluation
    from tests.factories import ProgramFactory

    program = ProgramFactory(name="Coffee with the Chief", proposed_by=cro)
    ActivityFactory(program=program, date=dt.date(2026, 2, 1), attendance=40)
    ProgramEvaluation.objects.create(
        program=program,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        evaluator=cro,
        rating=5,
        criteria="c",
        outcomes="Packed every time.",
        recommendation="continue",
        sessions=1,
        attendance=40,
        status="accepted",
        decided_by=chief,
        decided_at=dt.datetime(2026, 7, 5, tzinfo=dt.UTC),
    )
    ProgramEvaluation.objects.create(
        program=ProgramFactory(name="Draft only", proposed_by=cro),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        evaluator=cro,
        rating=2,
        criteria="c",
        outcomes="o",
        recommendation="continue",
        status="draft",
    )
    data = build("semi_annual", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    programs = {p["program"]: p for p in data["programs"]}
    assert programs["Coffee with the Chief"]["state"] == "accepted"
    assert programs["Coffee with the Chief"]["attendance"] == 40
    assert programs["Coffee with the Chief"]["evaluation"]["decision"] == "Accepted"
    # A draft evaluation says the program's evaluation is being written, and no more.
    assert programs["Draft only"]["state"] == "writing"
    assert programs["Draft only"]["evaluation"] is None
    report = approved(
        "semi_annual", dt.date(2026, 3, 1), cro, chief, django_capture_on_commit_callbacks
    )
    text = text_of(report)
    assert (
        "Coffee with the Chief" in text and "Packed every time." in text and "Being written" in text
    )


def submitted_2026_annual(cro):
    """The 2026 annual report as submitted, its figures counted now."""
    return Report.objects.create(
        kind="annual",
        period_start=Y2026[0],
        period_end=Y2026[1],
        created_by=cro,
        status=Report.Status.SUBMITTED,
        data=build("annual", *Y2026),
    )


def test_the_pdfs_programs_table_is_laid_out_by_its_column_widths(cro):
    # A table of hundreds of programs is laid out by its widths (templates/reports/pdf):
    # one width for each column the table has.
    program = ProgramFactory(name="Coffee with a Cop", status="active")
    ActivityFactory(date=dt.date(2026, 4, 1), kind="safety_class", program=program)
    report = submitted_2026_annual(cro)
    html = report_html(report)
    table = re.search(r'<table class="data fixed">(.*?)</thead>', html, re.S).group(1)
    assert "Coffee with a Cop" in html
    assert table.count("<col ") == table.count('<th scope="col"') == 5
    assert "table.data.fixed { table-layout: fixed; }" in html
    # A program's status has a column of its own: one line a program (the bench's 198
    # programs on 4 pages fewer, and a tenth less layout: docs/PERFORMANCE.md).
    body, foot = re.search(
        r'<table class="data fixed">.*?<tbody>(.*?)</tbody>\s*<tfoot>(.*?)</tfoot>', html, re.S
    ).groups()
    row = re.search(r"<tr>(.*?)</tr>", body, re.S).group(1)
    assert row.count("<td") == 5 and "<td>Active</td>" in row
    assert foot.count("<td") + foot.count("<th") == 5


def test_a_long_tables_totals_are_printed_once_at_its_end(cro):
    # 90 programs span pages of the annual PDF. Their total row (90 sessions, 630 attending)
    # is the year's: printed once, after the last program, not at the foot of every page.
    for n in range(90):
        program = ProgramFactory(name=f"Program {n:03d}", status="active")
        ActivityFactory(
            date=dt.date(2026, 4, 1), kind="safety_class", program=program, attendance=7
        )
    report = submitted_2026_annual(cro)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(render_pdf(report))).pages]
    with_programs = [n for n, text in enumerate(pages) if re.search(r"Program \d{3}", text)]
    assert len(with_programs) >= 2
    totals = [n for n, text in enumerate(pages) if re.search(r"^Total 90 630$", text, re.M)]
    assert totals == [with_programs[-1]]
    last = pages[totals[0]]
    assert last.index("Total 90 630") > last.index("Program 089")


def test_a_tables_totals_never_open_a_page_alone(cro):
    # Printed once after the last row, the totals are a row group of their own, which could
    # start a page by itself when the rows just fill one. Whatever the number of rows, the
    # totals stand on the last row's page (the report's own stylesheet, a table alone).
    report = Report(kind="annual", period_start=Y2026[0], period_end=Y2026[1], created_by=cro)
    head = report_html(report).split("<body>")[0]
    for rows in range(30, 62):
        body = "".join(f'<tr><td>Row {n:03d}</td><td class="num">1</td></tr>' for n in range(rows))
        html = (
            f'{head}<body><table class="data"><thead><tr><th>Name</th><th>n</th></tr></thead>'
            f'<tbody>{body}</tbody><tfoot><tr><th scope="row">Total</th>'
            f'<td class="num">{rows}</td></tr></tfoot></table></body></html>'
        )
        pdf = lay_out(html, base_url=str(settings.BASE_DIR), options=PdfOptions()).write_pdf()
        pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        last = f"Row {rows - 1:03d}"
        assert [n for n, t in enumerate(pages) if last in t] == [
            n for n, t in enumerate(pages) if f"Total {rows}" in t
        ], rows
