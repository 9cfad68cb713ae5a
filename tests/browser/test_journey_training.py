"""The training officer's month through the browser: every page checked by axe on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from core.roles import Role
from outreach import services as outreach_services
from outreach.forms import TrainingNeedForm
from outreach.models import TrainingNeed
from tests.browser.journeys import Journey
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def forwarded_need(*, supervisor, cro, topic, detail, description) -> TrainingNeed:
    """A need a supervisor recorded and the CRO forwarded to the Training Officer."""
    form = TrainingNeedForm(
        data={
            "topic": topic,
            "topic_detail": detail,
            "source": "supervisors",
            "description": description,
        }
    )
    assert form.is_valid(), form.errors
    need = outreach_services.record_training_need(by=supervisor, form=form)
    return outreach_services.forward_training_need(need=need, by=cro)


def test_training_officer_month(page, screenshot):
    AgencyFactory()
    trainer = UserFactory(
        username="jt-training",
        first_name="Tomas",
        last_name="Lindqvist",
        rank="Sgt.",
        unit="Training",
        roles=[Role.TRAINING_OFFICER],
    )
    supervisor = UserFactory(username="jt-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR])
    cro = UserFactory(username="jt-cro", rank="Lt.", roles=[Role.CRO])
    stops = forwarded_need(
        supervisor=supervisor,
        cro=cro,
        topic="communication",
        detail="De-escalation at traffic stops",
        description="Residents describe stops that escalate over the reason for the stop.",
    )
    languages = forwarded_need(
        supervisor=supervisor,
        cro=cro,
        topic="diversity",
        detail="Working with Spanish-speaking residents",
        description="Officers at the Eastside forum could not answer questions in Spanish.",
    )

    j = Journey(page, screenshot, "journey-training")
    j.sign_in(trainer)
    waiting = page.locator("#waiting-training")
    assert waiting.get_by_text("De-escalation at traffic stops").is_visible()
    assert waiting.get_by_text("Working with Spanish-speaking residents").is_visible()

    # The forwarded needs; the first is scheduled for a date two weeks out.
    j.follow(page.get_by_role("link", name="Training needs to schedule"), shot="to-schedule")
    card = page.get_by_role("article", name="Effective social interaction and communication skills")
    when = timezone.localdate() + dt.timedelta(days=14)
    card.get_by_label("Training date").fill(when.isoformat())
    card.get_by_label("Notes").fill("Roll-call block, all three shifts.")
    j.follow(card.get_by_role("button", name="Schedule"), shot="scheduled")
    j.see("The training was scheduled.")

    # The list of everything: one scheduled, one still to schedule.
    j.follow(page.get_by_role("link", name="All", exact=True))
    scheduled = page.get_by_role("article", name="De-escalation at traffic stops")
    assert scheduled.get_by_text(f"Scheduled for {when:%b} {when.day}, {when.year}").is_visible()
    assert page.get_by_role("article", name="Working with Spanish-speaking").is_visible()

    j.sign_out(trainer)
    j.finish()

    stops.refresh_from_db()
    languages.refresh_from_db()
    assert (stops.status, stops.scheduled_for) == ("scheduled", when)
    assert stops.training_notes == "Roll-call block, all three shifts."
    assert languages.status == "forwarded"
