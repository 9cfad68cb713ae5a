"""Foot patrols tell a supervisor and dispatch when they begin and end (002 §300.3(d)):
times and notifications on the record, a warning that must be overridden with a reason,
flags in the list and the CSV, and the monthly figure."""

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from outreach import services
from outreach.models import OutreachActivity
from reports.builders import build
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 18)
PATROL = OutreachActivity.Kind.FOOT_PATROL


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC), tick=False):
        yield


def patrol_data(**overrides):
    data = {
        "kind": PATROL,
        "date": TODAY,
        "title": "Foot patrol on Main Street",
        "area": "Main Street",
        "start_time": dt.time(10, 0),
        "end_time": dt.time(12, 0),
        "supervisor_notified": True,
        "dispatch_notified_start": True,
        "dispatch_notified_end": True,
        "staff_hours": 2,
    }
    data.update(overrides)
    return data


def patrol_post(**overrides):
    post = {
        "date": TODAY.isoformat(),
        "status": "held",
        "kind": "foot_patrol",
        "title": "Evening foot patrol",
        "area": "Main Street",
        "start_time": "18:00",
        "end_time": "20:00",
        "supervisor_notified": "on",
        "dispatch_notified_start": "on",
        "dispatch_notified_end": "on",
        "attendance": "0",
        "staff_hours": "2",
        "materials_cost": "0",
    }
    post.update(overrides)
    return {k: v for k, v in post.items() if v is not None}


# --- The service rule ---


def test_foot_patrol_with_every_notification_saves(officer, supervisor):
    patrol = services.log_activity(
        by=officer, data=patrol_data(notified_supervisor=supervisor), officers=[]
    )
    assert patrol.missing_notices() == []
    assert patrol.notified_supervisor == supervisor


def test_foot_patrol_missing_dispatch_at_end_is_refused_without_a_reason(officer):
    with pytest.raises(ValidationError) as caught:
        services.log_activity(
            by=officer, data=patrol_data(dispatch_notified_end=False), officers=[]
        )
    assert "Dispatch not told at end" in str(caught.value)
    assert not OutreachActivity.with_scheduled.exists()


def test_foot_patrol_missing_a_notification_saves_with_a_reason_and_shows_it(officer):
    patrol = services.log_activity(
        by=officer,
        data=patrol_data(
            supervisor_notified=False, dispatch_notified_end=False, notice_note="Radio died."
        ),
        officers=[],
    )
    assert patrol.missing_notices() == ["Supervisor not told", "Dispatch not told at end"]
    assert patrol.notice_note == "Radio died."


def test_foot_patrol_needs_start_and_end_time(officer):
    with pytest.raises(ValidationError) as caught:
        services.log_activity(
            by=officer, data=patrol_data(start_time=None, end_time=None), officers=[]
        )
    assert set(caught.value.message_dict) == {"start_time", "end_time"}


def test_naming_the_supervisor_counts_as_telling_one(officer, supervisor):
    patrol = services.log_activity(
        by=officer,
        data=patrol_data(supervisor_notified=False, notified_supervisor=supervisor),
        officers=[],
    )
    assert patrol.supervisor_notified


def test_other_kinds_keep_no_patrol_flags_and_times_are_optional(officer):
    meeting = services.log_activity(
        by=officer,
        data=patrol_data(
            kind=OutreachActivity.Kind.ORGANIZATION_MEETING,
            start_time=None,
            end_time=None,
            dispatch_notified_end=False,
        ),
        officers=[],
    )
    assert not meeting.dispatch_notified_start and not meeting.supervisor_notified
    assert meeting.missing_notices() == []


def test_a_reason_is_dropped_once_nothing_is_missing(officer):
    patrol = services.log_activity(
        by=officer, data=patrol_data(dispatch_notified_end=False, notice_note="x"), officers=[]
    )
    services.update_activity(
        activity=patrol, by=officer, data={"dispatch_notified_end": True}, officers=[officer]
    )
    patrol.refresh_from_db()
    assert patrol.notice_note == ""


# --- Through the form ---


def test_officer_sees_the_warning_then_saves_anyway_with_a_reason(client_for, officer):
    client = client_for(officer)
    url = reverse("outreach:activity-new")
    response = client.post(url, patrol_post(dispatch_notified_end=None))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This foot patrol is missing: Dispatch not told at end." in html
    assert 'value="Evening foot patrol"' in html
    assert not OutreachActivity.with_scheduled.exists()

    response = client.post(url, patrol_post(dispatch_notified_end=None, save_anyway="on"))
    assert response.status_code == 200
    assert "Say why a notification was missed." in response.content.decode()

    response = client.post(
        url,
        patrol_post(dispatch_notified_end=None, save_anyway="on", notice_note="Radio died."),
    )
    patrol = OutreachActivity.objects.get()
    assert response.status_code == 302
    assert patrol.start_time == dt.time(18, 0) and patrol.end_time == dt.time(20, 0)
    page = client.get(patrol.get_absolute_url()).content.decode()
    assert "Saved with a notification missing:" in page
    assert "Dispatch not told at end" in page and "Radio died." in page


def test_foot_patrol_without_times_is_a_form_error(client_for, officer):
    response = client_for(officer).post(
        reverse("outreach:activity-new"), patrol_post(start_time="", end_time="")
    )
    assert response.status_code == 200
    assert "Give the time the foot patrol began" in response.content.decode()
    assert not OutreachActivity.with_scheduled.exists()


# --- The list, its filter and the CSV ---


def make_patrols(cro, n=1):
    made = []
    for i in range(n):
        made.append(
            ActivityFactory(
                kind=PATROL,
                date=TODAY,
                title=f"Patrol told {i}",
                logged_by=cro,
                start_time=dt.time(9),
                end_time=dt.time(11),
                supervisor_notified=True,
                dispatch_notified_start=True,
                dispatch_notified_end=True,
            )
        )
    return made


def test_list_shows_the_flag_and_filters_patrols_missing_a_notification(client_for, cro):
    make_patrols(cro)
    ActivityFactory(
        kind=PATROL, date=TODAY, title="Patrol untold", logged_by=cro, dispatch_notified_start=True
    )
    ActivityFactory(date=TODAY, title="Watch meeting", logged_by=cro)
    client = client_for(cro)
    html = client.get(reverse("outreach:activities")).content.decode()
    assert "Dispatch not told at end" in html and "Supervisor not told" in html
    html = client.get(reverse("outreach:activities") + "?notice_missing=on").content.decode()
    assert "Patrol untold" in html
    assert "Patrol told 0" not in html and "Watch meeting" not in html


def test_list_query_count_does_not_grow_with_patrols(
    client_for, cro, django_assert_max_num_queries
):
    client = client_for(cro)
    url = reverse("outreach:activities")
    make_patrols(cro, 2)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    make_patrols(cro, 30)
    with django_assert_max_num_queries(14) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_export_has_the_patrol_columns(client_for, cro, supervisor):
    ActivityFactory(
        kind=PATROL,
        date=TODAY,
        title="Patrol",
        logged_by=cro,
        start_time=dt.time(9, 15),
        end_time=dt.time(11),
        supervisor_notified=True,
        notified_supervisor=supervisor,
        dispatch_notified_start=True,
        notice_note="Forgot at the end.",
    )
    response = client_for(cro).get(reverse("outreach:activity-export"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert row["start_time"] == "09:15" and row["end_time"] == "11:00"
    assert row["supervisor_told"] == "yes" and row["supervisor"] == supervisor.display_name
    assert row["dispatch_told_at_start"] == "yes" and row["dispatch_told_at_end"] == "no"
    assert row["notifications_missing"] == "Dispatch not told at end"
    assert row["why_missing"] == "Forgot at the end."
    assert row["status"] == "held"


# --- The monthly figure, against plain SQL ---


def test_monthly_foot_patrol_figures_equal_the_sql(cro):
    def patrol(day, **flags):
        values = {
            "supervisor_notified": True,
            "dispatch_notified_start": True,
            "dispatch_notified_end": True,
        }
        values.update(flags)
        return ActivityFactory(kind=PATROL, date=day, logged_by=cro, **values)

    patrol(dt.date(2026, 10, 1))  # first day, all told
    patrol(dt.date(2026, 10, 31), dispatch_notified_end=False)  # last day
    patrol(dt.date(2026, 10, 15), supervisor_notified=False, dispatch_notified_start=False)
    patrol(dt.date(2026, 9, 30), dispatch_notified_end=False)  # the month before
    patrol(dt.date(2026, 11, 1), supervisor_notified=False)  # the month after
    # Scheduled in the month and not yet held: neither counted nor "missing" anything.
    patrol(
        dt.date(2026, 10, 20),
        status="scheduled",
        supervisor_notified=False,
        dispatch_notified_start=False,
    )
    ActivityFactory(kind="forum", date=dt.date(2026, 10, 10), logged_by=cro)  # other kind

    data = build("monthly", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*),
                      count(*) FILTER (WHERE NOT (supervisor_notified AND dispatch_notified_start
                                                  AND dispatch_notified_end))
               FROM outreach_outreachactivity
               WHERE kind = 'foot_patrol' AND status = 'held'
                 AND date BETWEEN '2026-10-01' AND '2026-10-31'"""
        )
        total, missing = cursor.fetchone()
    assert (data["foot_patrols"], data["foot_patrols_missing_notice"]) == (total, missing) == (3, 2)


def test_a_report_frozen_before_the_figure_still_renders(cro):
    from django.template.loader import render_to_string

    data = build("monthly", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    data.pop("foot_patrols")
    data.pop("foot_patrols_missing_notice")
    html = render_to_string(
        "reports/sections/_monthly.html", {"data": data, "for_pdf": True, "report": None}
    )
    assert "Activities by category" in html and "Foot patrols held" not in html
    data.update(foot_patrols=4, foot_patrols_missing_notice=1)
    html = render_to_string(
        "reports/sections/_monthly.html", {"data": data, "for_pdf": True, "report": None}
    )
    assert "Foot patrols held" in html
