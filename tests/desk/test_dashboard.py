"""The Chief's dashboard and approvals inbox: every figure against a known data set, the
period boundaries, the spike rule, who sees it, query counts, decisions from the inbox."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from concerns.models import ConcernUpdate, Referral
from desk.dashboard import Period, build_dashboard, period_from, spikes
from desk.dashboard import programs as dashboard_programs
from outreach import services as outreach_services
from outreach.models import Material
from programs.services import evaluation_schedule
from reports import services as report_services
from reports.models import Plan, Report
from tests.factories import (
    ActivityFactory,
    ConcernFactory,
    DepartmentFactory,
    MaterialFactory,
    OrganizationFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)
RESOLVED_AT = dt.datetime(2026, 11, 15, 12, tzinfo=dt.UTC)
NOVEMBER = Period("month", dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def known(officer):
    """Open and resolved concerns on both sides of the month's boundaries."""
    made = {
        # In November: two open traffic (one escalated), one resolved noise.
        "nov_first": ConcernFactory(date_received=dt.date(2026, 11, 1), reported_by=officer),
        "nov_last": ConcernFactory(
            date_received=dt.date(2026, 11, 30), status="escalated", reported_by=officer
        ),
        "nov_resolved": ConcernFactory(
            date_received=dt.date(2026, 11, 10),
            category="noise",
            status="resolved",
            resolved_at=RESOLVED_AT,
            reported_by=officer,
        ),
        # The month before: one on its last day (open, 31 days old on Nov 20).
        "oct_last": ConcernFactory(
            date_received=dt.date(2026, 10, 31), category="noise", reported_by=officer
        ),
        # The same month a year earlier, and the oldest open one.
        "last_year": ConcernFactory(
            date_received=dt.date(2025, 11, 15), category="parking", reported_by=officer
        ),
        "december": ConcernFactory(
            date_received=dt.date(2025, 12, 1),
            status="resolved",
            resolved_at=RESOLVED_AT,
            reported_by=officer,
        ),
    }
    return made


def test_period_picker_boundaries_and_bad_input():
    assert period_from({}, TODAY)[0] == NOVEMBER
    quarter, _ = period_from({"period": "quarter"}, TODAY)
    assert (quarter.start, quarter.end) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert quarter.previous == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    year, _ = period_from({"period": "year"}, TODAY)
    assert year.previous == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    custom, error = period_from(
        {"period": "custom", "from": "2026-03-01", "to": "2026-03-10"}, TODAY
    )
    assert error == "" and custom.previous == (dt.date(2026, 2, 19), dt.date(2026, 2, 28))
    assert custom.label == "Mar 1, 2026 – Mar 10, 2026"
    for params in (
        {"period": "custom", "from": "2026-03-10", "to": "2026-03-01"},
        {"period": "custom", "from": "nonsense"},
    ):
        period, error = period_from(params, TODAY)
        assert period == NOVEMBER and "showing this month" in error
    assert NOVEMBER.previous == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert NOVEMBER.last_year == (dt.date(2025, 11, 1), dt.date(2025, 11, 30))


def test_concern_figures_for_a_known_set(known):
    data = build_dashboard(NOVEMBER, TODAY)["concerns"]
    # Open: nov_first, nov_last, oct_last, last_year (the resolved two are not).
    assert data["open_total"] == 4
    rows = {r["category"]: r for r in data["by_category"]}
    assert rows["traffic"]["total"] == 2 and rows["noise"]["total"] == 1
    statuses = [s for s, _ in data["statuses"]]
    assert rows["traffic"]["by_status"][statuses.index("escalated")] == 1
    assert data["by_category"][0]["category"] == "traffic"  # largest first
    assert data["oldest"] == dt.date(2025, 11, 15) and data["oldest_days"] == 370
    # Open dates: Nov 15 2025, Oct 31, Nov 1, Nov 30: the lower middle is Oct 31 (20 days).
    assert data["median_days_open"] == 20
    # November is still running on the 20th: November 1-20 against October 1-20 and
    # November 1-20 a year earlier, like for like (issue 23), never against whole months.
    assert data["new"] == {"this": 2, "previous": 0, "last_year": 1}
    assert (data["previous_words"], data["last_year_words"]) == ("Oct 1–20, 2026", "Nov 1–20, 2025")


def test_a_period_over_is_compared_whole(known):
    october = Period("month", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    data = build_dashboard(october, TODAY)["concerns"]
    assert data["new"] == {"this": 1, "previous": 0, "last_year": 0}
    assert data["previous_words"] == "Sep 1–30, 2026"
    assert october.so_far(TODAY) is october


def test_a_running_period_is_cut_at_today_and_says_so():
    running = NOVEMBER.so_far(TODAY)
    assert (running.start, running.end, running.label) == (
        dt.date(2026, 11, 1),
        TODAY,
        "November 2026, to Nov 20",
    )
    assert running.previous == (dt.date(2026, 10, 1), dt.date(2026, 10, 20))
    assert running.last_year == (dt.date(2025, 11, 1), dt.date(2025, 11, 20))
    # A month before shorter than the days so far stops at its own end (March 1-31 cut on
    # the 31st against February 1-28).
    march = Period("month", dt.date(2026, 3, 1), dt.date(2026, 3, 31)).so_far(dt.date(2026, 3, 30))
    assert march.previous == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_conduct_flag_stays_until_a_supervisor_or_the_chief_acts(officer, supervisor, cro):
    concern = ConcernFactory(category="conduct_bias", reported_by=officer, area="Beat 3")
    ConcernUpdate.objects.create(concern=concern, kind="received", author=officer)
    ConcernUpdate.objects.create(concern=concern, kind="note", author=cro, text="Read.")
    flags = build_dashboard(NOVEMBER, TODAY)["flags"]
    assert [f["reference"] for f in flags["rows"]] == [concern.reference]
    ConcernUpdate.objects.create(concern=concern, kind="note", author=supervisor, text="Seen.")
    assert build_dashboard(NOVEMBER, TODAY)["flags"]["rows"] == []


def test_spike_rule(officer):
    from accounts.models import Area

    def make(n, category, area, day):
        # Spikes count by defined area (issue 22): each place here is one of the agency's.
        place = Area.objects.get_or_create(code=area[:20], defaults={"name": area, "kind": "beat"})
        for _ in range(n):
            ConcernFactory(
                category=category,
                area=area,
                defined_area=place[0],
                date_received=day,
                reported_by=officer,
            )

    recent = TODAY - dt.timedelta(days=3)
    old = TODAY - dt.timedelta(days=200)
    make(4, "traffic", "Maple Heights", recent)  # 4 against none before: a spike
    make(4, "noise", "Old Mill", recent)  # 4 against 24 a year (2 a month): not (needs 6)
    make(24, "noise", "Old Mill", old)
    make(6, "parking", "Harbor Road", recent)  # 6 against 2 a month: a spike (6 >= 2*2+2)
    make(24, "parking", "Harbor Road", old)
    make(2, "youth", "Cedar Grove", recent)  # only 2: too few to call
    found = spikes(TODAY)
    # Both stand 4 above their usual level; then by category name.
    assert [(s["category"], s["area"]) for s in found] == [
        ("parking", "Harbor Road"),
        ("traffic", "Maple Heights"),
    ]
    assert found[1]["words"] == (
        "Traffic in Maple Heights: 4 concerns in the last 30 days, against almost none over "
        "the year before."
    )
    assert "against about 2 a month" in found[0]["words"]
    # The window: 31 days ago is "before", not "recent".
    make(3, "narcotics", "Pinecrest", TODAY - dt.timedelta(days=30))
    assert ("narcotics", "Pinecrest") not in [(s["category"], s["area"]) for s in spikes(TODAY)]


def test_referrals_outreach_and_stale_organizations(officer, cro):
    department = DepartmentFactory(name="Public Works")
    waiting = []
    for days in (40, 10):
        concern = ConcernFactory(reported_by=officer)
        waiting.append(
            Referral.objects.create(
                concern=concern,
                department=department,
                referred_on=TODAY - dt.timedelta(days=days),
                due_on=TODAY - dt.timedelta(days=days) + dt.timedelta(days=14),
                referred_by=cro,
            )
        )
    answered = ConcernFactory(reported_by=officer)
    Referral.objects.create(
        concern=answered,
        department=department,
        referred_on=TODAY - dt.timedelta(days=60),
        due_on=TODAY - dt.timedelta(days=46),
        referred_by=cro,
        responded_on=TODAY - dt.timedelta(days=50),
        response="Fixed the light.",
        response_recorded_by=cro,
    )
    met = OrganizationFactory(name="Elm Street Watch")
    OrganizationFactory(name="Harbor Business Association")
    ActivityFactory(date=dt.date(2026, 11, 5), organization=met, attendance=30, logged_by=officer)
    ActivityFactory(date=dt.date(2026, 10, 5), attendance=10, logged_by=officer)
    data = build_dashboard(NOVEMBER, TODAY)
    refs = data["referrals"]
    assert refs["n"] == 2 and refs["overdue"] == 1
    assert [r["concern__reference"] for r in refs["rows"]] == [
        waiting[0].concern.reference,
        waiting[1].concern.reference,
    ]
    assert refs["rows"][0]["days"] == 40 and refs["rows"][0]["overdue"]
    out = data["outreach"]
    assert (out["activities"], out["attendance"], out["previous"]) == (1, 30, 1)
    assert out["per_month"][-1] == 1 and out["per_month"][-2] == 1
    assert [o["name"] for o in out["stale"]] == ["Harbor Business Association"]


def test_trend_counts_per_month(known):
    trends = build_dashboard(NOVEMBER, TODAY)["trends"]
    assert trends["months"][-1] == "Nov 26" and len(trends["months"]) == 24
    series = dict(trends["series"])
    # Nov 30 is after "today" (Nov 20): the trend runs up to today.
    assert series["Traffic"][-1] == 1
    assert trends["totals"][-1] == 2  # nov_first and nov_resolved
    assert trends["totals"][-2] == 1  # oct_last
    # November is still running on the 20th: the page says so beside the chart.
    assert trends["running_to"] == "Nov 20"
    assert build_dashboard(NOVEMBER, dt.date(2026, 11, 30))["trends"]["running_to"] == ""


EXPECTED = {
    "officer": False,
    "supervisor": False,
    "cro": True,
    "chief": True,
    "training_officer": False,
    "outsider": False,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_only_the_chief_designees_and_the_cro_see_it(client_for, personas, persona):
    client = client_for(personas[persona])
    home = client.get(reverse("home"))
    assert ("Dashboard:" in home.text) is EXPECTED[persona]
    assert client.get(reverse("dashboard-pdf")).status_code == (200 if EXPECTED[persona] else 403)
    inbox_status = client.get(reverse("inbox")).status_code
    assert inbox_status == (200 if persona == "chief" else 403)


def test_anonymous_goes_to_login(client):
    for name in ("dashboard-pdf", "inbox"):
        assert client.get(reverse(name)).url.startswith("/accounts/login/")


def test_dashboard_query_count_is_fixed(client_for, chief, officer, django_assert_max_num_queries):
    client = client_for(chief)
    ConcernFactory(reported_by=officer)
    with django_assert_max_num_queries(60) as first:
        assert client.get(reverse("home")).status_code == 200
    baseline = len(first.captured_queries)
    for i in range(25):
        concern = ConcernFactory(
            reported_by=officer,
            category=["traffic", "noise", "conduct_bias"][i % 3],
            area=f"Area {i % 4}",
        )
        ConcernUpdate.objects.create(concern=concern, kind="received", author=officer)
    ActivityFactory.create_batch(10, logged_by=officer)
    OrganizationFactory.create_batch(5)
    with django_assert_max_num_queries(baseline):
        client.get(reverse("home"))


def test_dashboard_pdf_is_one_page_with_the_figures(client_for, chief, known):
    response = client_for(chief).get(reverse("dashboard-pdf") + "?period=year")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"Community relations dashboard · {timezone.localdate().year}" in text
    assert "Open concerns" in text and "Traffic" in text


def test_custom_period_error_is_shown(client_for, chief):
    response = client_for(chief).get(reverse("home") + "?period=custom&from=2026-05-01")
    assert "Give both dates of the custom period" in response.text
    response = client_for(chief).get(
        reverse("home") + "?period=custom&from=2026-05-01&to=2026-05-31"
    )
    assert "Dashboard: May 1, 2026 – May 31, 2026" in response.text


def waiting_report(cro):
    report = report_services.generate_report(kind="monthly", day=dt.date(2026, 9, 15), by=cro)
    return report_services.submit_report(report=report, by=cro, late_reason="Demo")


def waiting_material(cro):
    material = MaterialFactory(created_by=cro)
    return outreach_services.submit_material(material=material, by=cro)


def test_inbox_lists_everything_waiting_oldest_first(client_for, chief, cro):
    report = waiting_report(cro)
    material = waiting_material(cro)
    Report.objects.filter(pk=report.pk).update(
        submitted_at=report.submitted_at - dt.timedelta(days=9)
    )
    response = client_for(chief).get(reverse("inbox"))
    text = response.text
    assert text.index("Monthly community relations report") < text.index(material.name)
    assert "waiting 9 days" in text and "waiting 0 days" in text


def test_a_record_without_its_submission_time_is_listed_without_one(client_for, chief, cro):
    """A plan marked waiting without the time it was sent (an import, an old record) is
    listed last, with no date and no days waited, not an error."""
    plan = Plan.objects.create(year=2027, status=Plan.Status.SUBMITTED, created_by=cro)
    material = waiting_material(cro)
    response = client_for(chief).get(reverse("inbox"))
    assert response.status_code == 200
    text = response.text
    assert text.index(material.name) < text.index(str(plan))
    after = text[text.index(str(plan)) :].split("</li>", 1)[0]
    assert "submitted" not in after and "waiting" not in after


def test_decide_from_the_inbox(client_for, chief, cro):
    report = waiting_report(cro)
    material = waiting_material(cro)
    client = client_for(chief)
    url = reverse("inbox-decide", args=["material", material.pk, "approve"])
    response = client.post(url)
    assert response.status_code == 302 and response.url == reverse("inbox")
    material.refresh_from_db()
    assert material.status == Material.Status.APPROVED and material.decided_by == chief
    # Returning needs a comment: refused, the typing kept, nothing changed.
    url = reverse("inbox-decide", args=["report", report.pk, "return"])
    response = client.post(url, {"comment": "  "})
    assert response.status_code == 400
    assert "Say what should change" in response.text
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    response = client.post(url, {"comment": "Add the October referrals."})
    report.refresh_from_db()
    assert report.status == Report.Status.RETURNED
    assert report.chief_comment == "Add the October referrals."
    # Decided items leave the inbox; unknown kinds and records are 404.
    assert material.name not in client.get(reverse("inbox")).text
    assert client.post(reverse("inbox-decide", args=["nothing", 1, "approve"])).status_code == 404
    assert (
        client.post(reverse("inbox-decide", args=["report", 999999, "approve"])).status_code == 404
    )
    assert (
        client.post(reverse("inbox-decide", args=["report", report.pk, "shred"])).status_code == 404
    )


def test_inbox_decisions_refused_to_others(client_for, cro, supervisor):
    material = waiting_material(cro)
    for user in (cro, supervisor):
        url = reverse("inbox-decide", args=["material", material.pk, "approve"])
        assert client_for(user).post(url).status_code == 403
    material.refresh_from_db()
    assert material.status == Material.Status.SUBMITTED and material.decided_by is None


def test_cro_dashboard_has_its_own_queue_and_no_inbox(client_for, cro, supervisor, officer):
    from concerns import services as concern_services

    concern = ConcernFactory(reported_by=officer, status="escalated")
    concern_services.forward_concern(concern=concern, by=supervisor, note="For the CRO.")
    home = client_for(cro).get(reverse("home")).text
    assert "Your queue: waiting longest" in home and concern.reference in home
    assert "wait for your decision" not in home


def test_slow_figures_are_cached_and_what_waits_is_live(officer):
    first = build_dashboard(NOVEMBER, TODAY)
    ConcernFactory(reported_by=officer, date_received=dt.date(2026, 11, 2))
    flagged = ConcernFactory(
        reported_by=officer, category="conduct_bias", date_received=dt.date(2026, 11, 19)
    )
    again = build_dashboard(NOVEMBER, TODAY)
    assert again["concerns"]["new"] == first["concerns"]["new"]  # kept two minutes
    assert again["computed_at"] == first["computed_at"]
    assert [f["reference"] for f in again["flags"]["rows"]] == [flagged.reference]  # live
    from django.core.cache import cache

    cache.clear()
    assert build_dashboard(NOVEMBER, TODAY)["concerns"]["new"]["this"] == 2


def test_recommendation_decided_from_the_inbox(client_for, chief, cro):
    from reports.models import Recommendation
    from reports.recommendations import save_recommendation, submit_recommendation

    recommendation = save_recommendation(
        by=cro,
        data={"kind": "practice", "title": "Foot patrols downtown", "text": "Fridays."},
    )
    submit_recommendation(recommendation=recommendation, by=cro)
    client = client_for(chief)
    assert "Recommendation: improvement to a practice" in client.get(reverse("inbox")).text
    more = reverse("inbox-decide", args=["recommendation", recommendation.pk, "return"])
    response = client.post(more)
    assert response.status_code == 400
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.SUBMITTED
    client.post(more, {"comment": "Which evenings, and how many officers?"})
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.MORE_INFO
    submit_recommendation(recommendation=recommendation, by=cro)
    client.post(reverse("inbox-decide", args=["recommendation", recommendation.pk, "approve"]))
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.ACCEPTED
    assert recommendation.decided_by == chief


@pytest.fixture
def eight_overdue(db):
    """Eight active programs whose evaluation is overdue, program 7 the longest."""
    today = timezone.localdate()
    for months in range(8):
        ProgramFactory(
            name=f"Overdue program {months}",
            status="active",
            active_since=today - dt.timedelta(days=200 + 31 * months),
        )


def test_the_most_overdue_evaluations_are_named_and_the_rest_counted(
    client_for, chief, eight_overdue
):
    """Eight programs overdue: the five most overdue are named, with a link to the schedule
    for the other three, on the page and in its PDF (a Chief reads five, not ninety)."""
    page = client_for(chief).get(reverse("home")).content.decode()
    named = [f"Overdue program {m}" for m in range(8) if f"Overdue program {m}<" in page]
    assert named == [f"Overdue program {m}" for m in range(3, 8)]  # longest overdue first
    assert "and 3 more on the evaluation schedule" in page
    assert f'href="{reverse("programs:schedule")}"' in page
    pdf = client_for(chief).get(reverse("dashboard-pdf"))
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "And 3 more on the evaluation schedule." in " ".join(text.split())


def test_the_cros_home_counts_every_overdue_evaluation_reading_the_schedule_once(
    client_for, cro, eight_overdue
):
    """The CRO's home shows the dashboard and the "Evaluate the programs" task: the task's
    count is every overdue evaluation (not the five the dashboard names), and the page
    reads the evaluation schedule once for both."""
    ProgramFactory(name="Recent program", status="active", active_since=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        page = client_for(cro).get(reverse("home")).content.decode()
    task = page[page.index("Evaluate the programs") :][:200]
    assert '<span class="badge count-badge">8</span>' in task
    assert "and 3 more on the evaluation schedule" in page
    schedule_reads = [q for q in queries.captured_queries if '"last_evaluated"' in q["sql"]]
    assert len(schedule_reads) == 1


def test_the_dashboards_programs_build_only_the_programs_it_names(db):
    """The dashboard counts the active programs and the evaluations due from their dates
    alone, and builds the programs it names (five overdue, five due soon), not all of a
    large department's: two queries whatever the number of programs. Held against plain
    SQL and against the evaluation schedule itself."""
    today = dt.date(2026, 12, 5)
    for n in range(12):  # overdue, the oldest start the most overdue
        ProgramFactory(
            name=f"Late {n:02}", status="active", active_since=dt.date(2025, 1, 1) + dt.timedelta(n)
        )
    for n in range(7):  # due within 30 days
        ProgramFactory(
            name=f"Soon {n}", status="active", active_since=dt.date(2026, 6, 6) + dt.timedelta(n)
        )
    ProgramFactory(name="Not yet due", status="active", active_since=dt.date(2026, 11, 1))
    ProgramFactory(name="Never started", status="active", active_since=None)
    ProgramFactory(name="Suspended", status="suspended", active_since=dt.date(2024, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        figures = dashboard_programs(today)
    assert len(queries) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM programs_program WHERE status = 'active'")
        (active,) = cursor.fetchone()
    assert figures["active"] == active == 21
    schedule = evaluation_schedule(today)
    overdue = [r["program"].name for r in schedule if r["overdue"]]
    soon = [r["program"].name for r in schedule if r["due_soon"]]
    assert overdue == [f"Late {n:02}" for n in range(12)]
    assert [r["program"].name for r in figures["overdue"]] == overdue[:5]
    assert (
        [r["program"].name for r in figures["due_soon"]]
        == soon[:5]
        == [f"Soon {n}" for n in range(5)]
    )
    assert figures["overdue_count"] == 12
    assert figures["more"] == 7 + 2
    assert figures["overdue"][0]["due"] == dt.date(2025, 7, 1)
    assert figures["overdue"][0]["program"].coordinator == schedule[0]["program"].coordinator
