import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.forms import last_half_year
from programs.models import Program, ProgramEvaluation
from tests.factories import ActivityFactory, ProgramFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "list": reverse("programs:list"),
    "new": reverse("programs:new"),
    "export": reverse("programs:export"),
    "schedule": reverse("programs:schedule"),
}
EXPECTED = {
    "officer": (200, 403, 200, 403),
    "supervisor": (200, 403, 200, 403),
    "cro": (200, 200, 200, 200),
    "chief": (200, 403, 200, 200),
    "training_officer": (200, 403, 200, 403),
    "outsider": (403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_program_pages_by_role(client_for, personas, persona):
    client = client_for(personas[persona])
    got = tuple(client.get(url).status_code for url in PAGES.values())
    assert got == EXPECTED[persona]


@pytest.mark.parametrize("url", list(PAGES.values()))
def test_anonymous_sent_to_login(client, url):
    assert client.get(url).url.startswith("/accounts/login/")


@pytest.fixture
def active(cro, chief):
    program = ProgramFactory(name="Coffee with the Chief", proposed_by=cro)
    services.change_status(program=program, by=chief, move="approve")
    return services.change_status(program=program, by=cro, move="activate")


@pytest.fixture
def submitted(active, cro):
    start, end = last_half_year(timezone.localdate())
    ActivityFactory(program=active, date=start, attendance=40, materials_cost=20)
    evaluation = ProgramEvaluation.objects.create(
        program=active,
        period_start=start,
        period_end=end,
        evaluator=cro,
        rating=4,
        criteria="c",
        outcomes="o",
        recommendation="continue",
    )
    return services.submit_evaluation(evaluation=evaluation, by=cro)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 200),
        ("outsider", 403),
    ],
)
def test_program_detail_by_role(client_for, personas, active, persona, status):
    assert client_for(personas[persona]).get(active.get_absolute_url()).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 403),
        ("supervisor", 403),
        ("cro", 200),
        ("chief", 200),
        ("training_officer", 403),
        ("outsider", 403),
    ],
)
def test_evaluation_detail_by_role(client_for, personas, submitted, persona, status):
    assert client_for(personas[persona]).get(submitted.get_absolute_url()).status_code == status


def test_officer_sees_no_unaccepted_evaluation_on_program_page(client_for, officer, submitted):
    html = client_for(officer).get(submitted.program.get_absolute_url()).content.decode()
    assert "Waiting for the Chief" not in html


def test_status_moves_are_post_only_and_checked(client_for, cro, chief):
    program = ProgramFactory(proposed_by=cro)
    url = reverse("programs:move", args=[program.pk, "approve"])
    assert client_for(chief).get(url).status_code == 405
    assert client_for(cro).post(url).status_code == 403
    assert client_for(chief).post(url).status_code == 302
    program.refresh_from_db()
    assert program.status == Program.Status.APPROVED
    assert (
        client_for(chief).post(reverse("programs:move", args=[program.pk, "fly"])).status_code
        == 404
    )


def test_chief_decides_through_view(client_for, chief, submitted):
    client = client_for(chief)
    bad = client.post(
        reverse("programs:evaluation-decide", args=[submitted.pk, "return"]), {"comment": ""}
    )
    assert bad.status_code == 400
    assert "Say what should change" in bad.content.decode()
    good = client.post(
        reverse("programs:evaluation-decide", args=[submitted.pk, "approve"]), {"comment": "Thanks"}
    )
    assert good.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "accepted"


def test_evaluation_form_shows_computed_resources_and_keeps_input(client_for, cro, active):
    start, end = last_half_year(timezone.localdate())
    ActivityFactory(program=active, date=start, attendance=33)
    response = client_for(cro).post(
        reverse("programs:evaluate", args=[active.pk]),
        {
            "period_start": start.isoformat(),
            "period_end": end.isoformat(),
            "rating": 4,
            "criteria": "Turnout",
            "outcomes": "",
            "recommendation": "changes",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say which changes you recommend." in html
    assert "Turnout" in html
    assert not ProgramEvaluation.objects.exists()


def test_schedule_lists_overdue(client_for, chief, active):
    active.active_since = timezone.localdate() - dt.timedelta(days=366)
    active.save()
    html = client_for(chief).get(reverse("programs:schedule")).content.decode()
    assert "Coffee with the Chief" in html and "Overdue" in html


def test_registry_export_with_totals(client_for, officer, active):
    ActivityFactory(program=active, attendance=10, staff_hours=2, materials_cost=5)
    ActivityFactory(program=active, attendance=15, staff_hours=1, materials_cost=0)
    response = client_for(officer).get(reverse("programs:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["name"] == "Coffee with the Chief"
    assert (row["sessions"], row["attendance"], row["staff_hours"], row["materials_cost"]) == (
        "2",
        "25",
        "3.00",
        "5.00",
    )


def test_list_and_detail_query_counts_flat(client_for, cro, active, django_assert_max_num_queries):
    client = client_for(cro)
    counts = []
    for _ in range(2):
        for url in (reverse("programs:list"), active.get_absolute_url()):
            with django_assert_max_num_queries(16) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        for _ in range(20):
            ActivityFactory(program=active, logged_by=cro)
        ProgramFactory.create_batch(10, proposed_by=cro)
    assert counts[:2] == counts[2:]


def test_log_session_link_prefills_program(client_for, officer, active):
    html = (
        client_for(officer)
        .get(reverse("outreach:activity-new") + f"?program={active.pk}")
        .content.decode()
    )
    assert f'<option value="{active.pk}" selected>' in html


def test_the_latest_sessions_list_only_what_the_reader_may_open(
    client_for, officer, other_officer, cro
):
    from tests.factories import ActivityFactory, ProgramFactory

    program = ProgramFactory(name="Youth league", status="active")
    ActivityFactory(title="Mine: practice night", program=program, logged_by=officer)
    ActivityFactory(title="Theirs: league final", program=program, logged_by=other_officer)
    url = reverse("programs:detail", args=[program.pk])
    page = client_for(officer).get(url).content.decode()
    assert "Mine: practice night" in page and "Theirs: league final" not in page
    page = client_for(cro).get(url).content.decode()
    assert "Mine: practice night" in page and "Theirs: league final" in page
