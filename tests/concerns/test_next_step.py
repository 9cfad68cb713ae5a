"""The next step (concerns/next_step.py): what the workflow expects of each person on a
concern in each status, read from a list row loaded with its facts, never a query per row;
the same answer on the concern's page, where the suggested step comes first."""

import pytest
from django.urls import reverse

from concerns import next_step, services
from concerns.models import Concern
from concerns.next_step import may_open
from core.permissions import Permission, has_permission
from core.roles import Role
from tests.factories import ConcernFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _row(concern, user):
    """The concern as a list loads it for this user."""
    return Concern.objects.for_list().with_row_facts(user).get(pk=concern.pk)


def _step(concern, user):
    suggestion = next_step.next_step(_row(concern, user), user)
    return suggestion.name if suggestion else None


def _waiting(concern, user):
    return next_step.waiting_for(_row(concern, user))


# --- The rule, per role and status ------------------------------------------------------


def test_received_from_an_officer_waits_for_that_officer(concern, officer, cro, supervisor):
    assert _step(concern, officer) == "escalate"
    assert _step(concern, cro) is None and _step(concern, supervisor) is None
    assert _waiting(concern, cro) == (
        f"Waiting for {concern.reporter_name or 'the officer who logged it'} to resolve or "
        "escalate it"
    )


def test_a_residents_submission_waits_for_the_cro(cro, chief, officer):
    public = ConcernFactory(reported_by=None, source_type="web_form")
    assert _step(public, cro) == "recommend"
    # The Chief may work concerns, but the workflow does not wait for the Chief here.
    assert _step(public, chief) is None
    assert _waiting(public, chief) == "Waiting for the Community Relations Officer"


def test_escalated_waits_for_a_supervisors_decision(concern, officer, supervisor, chief, cro):
    services.escalate_concern(concern=concern, by=officer, note="")
    assert _step(concern, supervisor) == "forward"
    assert _step(concern, chief) == "forward"
    assert next_step.next_step(_row(concern, supervisor), supervisor).label == (
        "Decide on the escalation"
    )
    assert _step(concern, officer) is None and _step(concern, cro) is None
    assert _waiting(concern, cro) == "Waiting for a supervisor's decision"


def test_forwarded_the_cro_recommends(forwarded, cro, supervisor, officer):
    assert _step(forwarded, cro) == "recommend"
    assert _step(forwarded, supervisor) is None and _step(forwarded, officer) is None


def test_after_a_recommendation_the_cro_routes(forwarded, cro):
    services.recommend_action(concern=forwarded, by=cro, text="Extra patrols.")
    assert _step(forwarded, cro) == "route"


def test_in_progress_and_reopened_for_the_cro(forwarded, cro):
    services.record_progress(concern=forwarded, by=cro, text="Patrols started.")
    assert _step(forwarded, cro) == "resolve"
    services.resolve_concern(concern=forwarded, by=cro, resolution="Done.")
    assert _step(forwarded, cro) is None and _waiting(forwarded, cro) == ""
    services.reopen_concern(concern=forwarded, by=cro, reason="Back again.")
    assert _step(forwarded, cro) == "recommend"


def test_an_assignee_records_the_follow_up_then_resolves(forwarded, cro, other_officer):
    services.assign_concern(concern=forwarded, by=cro, assignee=other_officer)
    assert _step(forwarded, other_officer) == "progress"
    # Handed to someone: the CRO waits for them.
    assert _step(forwarded, cro) is None
    assert _waiting(forwarded, cro) == f"Waiting for {other_officer.display_name} to follow up"
    services.record_progress(concern=forwarded, by=other_officer, text="Spoke to the owner.")
    assert _step(forwarded, other_officer) == "resolve"


def test_a_routing_waits_for_the_units_commander(forwarded, cro, other_officer, supervisor):
    traffic = UnitFactory(name="Traffic", commander=other_officer)
    routing = services.route_to_unit(concern=forwarded, by=cro, unit=traffic, note="")
    row = _row(forwarded, other_officer)
    suggestion = next_step.next_step(row, other_officer)
    assert suggestion.name == next_step.ACKNOWLEDGE
    assert suggestion.label == "Acknowledge the routing for Traffic"
    assert _step(forwarded, cro) is None and _step(forwarded, supervisor) is None
    assert _waiting(forwarded, cro) == "Waiting for Traffic to acknowledge the routing"
    services.acknowledge_routing(routing=routing, by=other_officer)
    assert _step(forwarded, other_officer) is None
    assert _step(forwarded, cro) == "resolve"


def test_referred_waits_for_the_department(forwarded, cro, public_works):
    services.refer_concern(
        concern=forwarded, by=cro, department=public_works, referred_on=forwarded.date_received
    )
    assert _step(forwarded, cro) is None
    assert _waiting(forwarded, cro) == "Waiting for Public Works to answer"


def test_a_reader_has_no_step(forwarded, training_officer, chief):
    assert _step(forwarded, training_officer) is None
    assert _step(forwarded, chief) is None


def test_a_merged_report_has_no_step(cro):
    lead = ConcernFactory(reported_by=None)
    merged = ConcernFactory(reported_by=None, duplicate_of=lead)
    assert _step(merged, cro) is None and _waiting(merged, cro) == ""


def test_the_suggestion_is_always_a_step_the_page_offers(forwarded, personas):
    """Whatever the rule suggests, steps.available (the page's and the services' rule)
    allows: walked over every status the workflow reaches."""
    from concerns import steps

    cro = personas["cro"]
    seen = 0
    services.recommend_action(concern=forwarded, by=cro, text="Patrols.")
    for move in (
        lambda: None,
        lambda: services.record_progress(concern=forwarded, by=cro, text="Started."),
        lambda: services.resolve_concern(concern=forwarded, by=cro, resolution="Done."),
        lambda: services.reopen_concern(concern=forwarded, by=cro, reason="Again."),
    ):
        move()
        forwarded.refresh_from_db()
        for user in personas.values():
            suggestion = next_step.next_step(_row(forwarded, user), user)
            if suggestion:
                seen += 1
                assert suggestion.name in steps.available(user, forwarded)
    assert seen >= 3


# --- Read from the row ------------------------------------------------------------------


def test_rows_answer_without_a_query_each(forwarded, cro, other_officer, django_assert_num_queries):
    traffic = UnitFactory(name="Traffic", commander=other_officer)
    services.route_to_unit(concern=forwarded, by=cro, unit=traffic, note="")
    for _ in range(5):
        ConcernFactory(reported_by=None)
    for user in (cro, other_officer):
        user.role_names  # noqa: B018 (read once per request, as a page does)
        with django_assert_num_queries(1):
            rows = list(Concern.objects.for_list().with_row_facts(user))
            for row in rows:
                next_step.next_step(row, user)
                next_step.waiting_for(row)
                may_open(row, user)


@pytest.mark.parametrize("category", ["traffic", "conduct_bias"])
def test_may_open_agrees_with_the_record_rule(category, personas, supervisor):
    """may_open answers from the row what concerns.rules.can_view answers with queries."""
    logged = personas["officer"]
    assignee = UserFactory(username="t-assignee", roles=[Role.OFFICER])
    commander = UserFactory(username="t-commander", roles=[Role.OFFICER])
    concern = ConcernFactory(reported_by=logged, assignee=assignee, category=category)
    routed = ConcernFactory(reported_by=None, category=category)
    services.route_to_unit(
        concern=routed,
        by=personas["cro"],
        unit=UnitFactory(name="Traffic", commander=commander),
        note="",
    )
    for user in [*personas.values(), assignee, commander]:
        for c in (concern, routed):
            assert may_open(_row(c, user), user) == has_permission(
                user, Permission.VIEW_CONCERN, concern=c
            ), (user.username, c.reference)


# --- The concern's page -----------------------------------------------------------------


def _aside(client, concern):
    page = client.get(concern.get_absolute_url()).content.decode()
    return page[page.index('id="h-actions"') :]


def test_page_shows_the_suggested_step_first_and_open(client_for, forwarded, cro):
    aside = _aside(client_for(cro), forwarded)
    suggested = aside.index("Suggested next step")
    recommend = aside.index('id="step-recommend"')
    others = aside.index("Other actions")
    assert suggested < recommend < others < aside.index('id="step-route"')
    assert 'id="step-recommend" open' in aside
    assert 'id="step-route" open' not in aside and 'id="step-route" ' in aside


def test_page_suggests_the_supervisors_decision(client_for, concern, officer, supervisor):
    services.escalate_concern(concern=concern, by=officer, note="")
    aside = _aside(client_for(supervisor), concern)
    assert "Decide on the escalation" in aside
    assert aside.index("Decide on the escalation") < aside.index('id="step-forward"')
    assert aside.index('id="step-forward"') < aside.index("Other actions")


def test_page_suggests_escalating_to_the_officer_who_logged_it(client_for, concern, officer):
    aside = _aside(client_for(officer), concern)
    assert aside.index("Suggested next step") < aside.index('id="step-escalate"')
    assert aside.index('id="step-escalate"') < aside.index("Other actions")


def test_page_says_what_it_waits_for_when_nothing_is_yours(
    client_for, forwarded, cro, other_officer
):
    traffic = UnitFactory(name="Traffic", commander=other_officer)
    services.route_to_unit(concern=forwarded, by=cro, unit=traffic, note="")
    aside = _aside(client_for(cro), forwarded)
    assert "Suggested next step" not in aside
    assert "Waiting for Traffic to acknowledge the routing" in aside
    # The unit's commander is offered the acknowledgment first.
    mine = _aside(client_for(other_officer), forwarded)
    assert mine.index("Suggested next step") < mine.index("Acknowledge for Traffic")
    assert mine.count("Acknowledge for Traffic") == 1


def test_concern_list_shows_the_next_step_per_viewer(client_for, forwarded, cro, supervisor):
    url = reverse("concerns:list")
    assert "Recommend an action" in client_for(cro).get(url).content.decode()
    page = client_for(supervisor).get(url).content.decode()
    assert "Recommend an action" not in page
    assert "Waiting for the Community Relations Officer" in page


def test_the_queue_and_the_next_step_agree_where_the_workflow_waits_for_a_role(
    officer, supervisor, chief, cro
):
    """The queue (ConcernQuerySet.needs_action_by, in SQL) and the next step (per row) are
    two answers to one question. Where the workflow waits for a role (an officer's own
    received concern, an escalation, one forwarded, a resident's submission) they agree for
    every person; the queue also holds what is assigned to a person whatever its status
    (docs/ARCHITECTURE.md, issue 23 second step)."""
    received = ConcernFactory(reported_by=officer)
    escalated = services.escalate_concern(
        concern=ConcernFactory(reported_by=officer), by=officer, note=""
    )
    forwarded = services.forward_concern(
        concern=services.escalate_concern(
            concern=ConcernFactory(reported_by=officer), by=officer, note=""
        ),
        by=supervisor,
        note="",
    )
    public = ConcernFactory(reported_by=None, source_type="web_form")
    for person in (officer, supervisor, chief, cro):
        queue = set(Concern.objects.needs_action_by(person).values_list("pk", flat=True))
        for concern in (received, escalated, forwarded, public):
            has_step = _step(concern, person) is not None
            assert has_step == (concern.pk in queue), (person, concern.status)
