"""The home lists what waits for the person looking, role by role (desk/home.py)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from concerns.models import Routing
from core.roles import Role
from outreach.models import TrainingNeed
from tests.factories import ConcernFactory, MaterialFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")
TODAY = dt.date(2026, 12, 3)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), tick=False):
        yield


def _html(client, user):
    response = client(user).get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _block(html, key):
    """The text of one "what waits" block, to tell which block lists what."""
    start = html.index(f'id="waiting-{key}"')
    return html[start : html.index("</section>", start)]


def _routed(concern, unit, by):
    return Routing.objects.create(concern=concern, unit=unit, routed_by=by)


def test_home_sends_anonymous_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_officer_home_lists_own_open_concerns_oldest_first(client_for, officer, other_officer):
    older = ConcernFactory(reported_by=officer, date_received=dt.date(2026, 11, 1))
    newer = ConcernFactory(reported_by=officer, date_received=dt.date(2026, 12, 1))
    assigned = ConcernFactory(reported_by=other_officer, assignee=officer)
    resolved = ConcernFactory(reported_by=officer, status="resolved", resolved_at=timezone.now())
    someone_elses = ConcernFactory(reported_by=other_officer)

    block = _block(_html(client_for, officer), "mine")
    assert "Your open concerns" in block
    assert older.summary in block and newer.summary in block and assigned.summary in block
    assert block.index(older.reference) < block.index(newer.reference)
    assert resolved.reference not in block
    assert someone_elses.reference not in block
    assert "See all 3" in block
    assert 'href="/concerns/mine/?open=on&amp;sort=oldest"' in block


def test_home_lists_eight_and_links_to_all(client_for, officer):
    for day in range(1, 11):
        ConcernFactory(reported_by=officer, date_received=dt.date(2026, 11, day))
    block = _block(_html(client_for, officer), "mine")
    assert block.count('href="/concerns/CR-') == 8
    assert "See all 10" in block
    assert "The 8 waiting longest." in block


def test_supervisor_home_lists_escalations_and_the_units_routings(client_for, supervisor, cro):
    escalated = ConcernFactory(status="escalated")
    own_unit = UnitFactory(name="Patrol North", commander=supervisor)
    other_unit = UnitFactory(name="Traffic", commander=cro)
    routed_here = ConcernFactory(status="forwarded")
    routed_elsewhere = ConcernFactory(status="forwarded")
    _routed(routed_here, own_unit, cro)
    _routed(routed_elsewhere, other_unit, cro)
    acknowledged = ConcernFactory(status="forwarded")
    _routed(acknowledged, own_unit, cro)
    Routing.objects.filter(concern=acknowledged).update(
        acknowledged_at=timezone.now(), acknowledged_by=supervisor
    )

    html = _html(client_for, supervisor)
    escalations = _block(html, "escalated")
    assert escalated.summary in escalations
    assert "See all 1" in escalations
    assert 'href="/concerns/?status=escalated&amp;sort=oldest"' in escalations
    routings = _block(html, "routings")
    assert routed_here.summary in routings
    assert routed_elsewhere.reference not in routings
    assert acknowledged.reference not in routings
    # The whole list holds more than the routings: the link does not promise a number.
    assert "Open the list" in routings


def test_cro_home_lists_the_queue(client_for, cro):
    forwarded = ConcernFactory(status="forwarded")
    from_a_resident = ConcernFactory(reported_by=None, reporter_name="", reporter_dsn="")
    logged_by_officer = ConcernFactory()  # received: the officer's, not yet the CRO's
    queue = _block(_html(client_for, cro), "queue")
    assert forwarded.summary in queue
    assert from_a_resident.summary in queue
    assert logged_by_officer.reference not in queue
    assert "See all 2" in queue


def test_chief_home_lists_the_decisions_waiting(client_for, chief, cro):
    material = MaterialFactory(
        name="Bike-light give-away",
        status="submitted",
        submitted_at=timezone.now(),
        submitted_by=cro,
    )
    html = _html(client_for, chief)
    decisions = _block(html, "decisions")
    assert material.name in decisions
    assert "See all 1" in decisions
    assert f'href="{reverse("inbox")}"' in decisions
    # The dashboard below does not repeat the inbox's count.
    assert "items wait for your decision" not in html
    assert "item waits for your decision" not in html


def test_training_officer_home_lists_training_needs(client_for, training_officer, cro):
    need = TrainingNeed.objects.create(
        topic="diversity",
        topic_detail="Talking with newly arrived families",
        source="citizen_interviews",
        description="Residents said officers did not understand them.",
        status=TrainingNeed.Status.FORWARDED,
        identified_by=cro,
        forwarded_at=timezone.now(),
    )
    TrainingNeed.objects.create(
        topic="other",
        topic_detail="Still with the CRO",
        source="supervisors",
        description="Not forwarded yet.",
        identified_by=cro,
    )
    block = _block(_html(client_for, training_officer), "training")
    assert need.topic_detail in block
    assert "Still with the CRO" not in block
    assert "See all 1" in block


def test_home_with_nothing_waiting_says_what_to_do_next(client_for, officer):
    html = _html(client_for, officer)
    assert "Nothing waits for you right now." in html
    block = _block(html, "mine")
    assert "log it here" in block
    assert f'href="{reverse("concerns:new")}"' in block
    assert "See all" not in block


@pytest.mark.parametrize(
    ("persona", "words"),
    [
        ("officer", "The concerns you logged or were assigned"),
        ("supervisor", "Concerns your officers escalated and routings to your unit"),
        ("cro", "Your queue of forwarded and residents"),
        ("chief", "Decisions waiting for you"),
        ("training_officer", "Training needs forwarded to you"),
    ],
)
def test_home_subtitle_speaks_to_the_role(client_for, personas, persona, words):
    html = _html(client_for, personas[persona])
    assert words in html
    if persona != "supervisor":
        assert "routings to your unit" not in html


def test_home_for_several_roles_lists_each_block_once(client_for):
    user = UserFactory(username="t-multi", roles=[Role.SUPERVISOR, Role.CHIEF])
    ConcernFactory(status="escalated")
    html = _html(client_for, user)
    assert html.count('id="waiting-escalated"') == 1
    assert 'id="waiting-decisions"' in html


def _queries(client, url=HOME) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _fill(persona, user, others, n):
    """n more records waiting for this person, of every kind their blocks list."""
    unit = UnitFactory(name=f"Unit of {user.username}", commander=user)
    for _ in range(n):
        ConcernFactory(reported_by=user)
        ConcernFactory(reported_by=others, assignee=user)
        ConcernFactory(status="escalated", category="conduct_bias")
        ConcernFactory(status="forwarded")
        _routed(ConcernFactory(status="forwarded"), unit, others)
        MaterialFactory(status="submitted", submitted_at=timezone.now(), submitted_by=others)
        TrainingNeed.objects.create(
            topic="other",
            source="supervisors",
            description="More.",
            status=TrainingNeed.Status.FORWARDED,
            identified_by=others,
            forwarded_at=timezone.now(),
        )


@pytest.mark.parametrize("persona", ["officer", "supervisor", "cro", "chief", "training_officer"])
def test_home_query_count_does_not_grow_with_rows(client_for, personas, persona):
    user = personas[persona]
    others = UserFactory(username="t-others", roles=[Role.CRO])
    client = client_for(user)
    _fill(persona, user, others, 1)
    client.get(HOME)  # the dashboard's figures are cached from the first visit on
    few = _queries(client)
    _fill(persona, user, others, 12)
    many = _queries(client)
    assert many == few
    # The home stays a page of a few dozen queries, whatever the role.
    assert few <= 40
