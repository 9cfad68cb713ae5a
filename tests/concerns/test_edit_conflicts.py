"""Two people changing the same concern: the second save from a stale page is refused with
what changed, keeps what was typed, and never overwrites the first (performance and
reliability issue). Steps that would undo a newer state are refused the same way."""

import html
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from concerns import services, steps
from concerns.models import ConcernUpdate
from core.conflicts import EditConflict, fingerprint
from core.roles import Role
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would send for the form posting to `action` ("" for a form
    without one)."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "") == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("name") and a.get("type") != "checkbox":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[self._textarea] = ""
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # A browser drops the newline that starts a textarea's content.
            value = self.fields[self._textarea]
            self.fields[self._textarea] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_on(response, action) -> dict:
    parser = _FormFields(action)
    parser.feed(response.content.decode())
    assert parser.fields, f"no form posting to {action}"
    return parser.fields


def text_of(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def second_cro(db):
    return UserFactory(username="t-cro2", rank="Sgt.", roles=[Role.CRO])


def client_as(user) -> Client:
    return sign_in(Client(), user)


def step_url(concern, action="edit"):
    return reverse("concerns:step", args=[concern.reference, action])


def step_address(page, action) -> str:
    """Where the concern's page fetches a step's form when it is opened."""
    found = re.search(rf'data-step-form="([^"]*/{action}/\?revision=\d+)"', page.content.decode())
    assert found, f"no step {action} on the page"
    return html.unescape(found.group(1))


def open_step(client, page, action):
    """Open a step of a page already shown, as the browser does: fetch its form."""
    return client.get(step_address(page, action), headers={"X-Requested-With": "fetch"})


def open_edit_form(client, concern) -> dict:
    page = client.get(concern.get_absolute_url())
    assert page.status_code == 200
    return form_on(open_step(client, page, "edit"), step_url(concern))


def test_second_save_from_a_stale_page_is_refused_and_keeps_what_was_typed(
    forwarded, cro, second_cro
):
    first, second = client_as(cro), client_as(second_cro)
    form_a = open_edit_form(first, forwarded)
    form_b = open_edit_form(second, forwarded)
    assert form_a["edit-revision"] == form_b["edit-revision"] == str(forwarded.revision)

    form_a.update({"edit-priority": "urgent", "edit-description": "Speeding at 8 a.m. daily."})
    assert first.post(step_url(forwarded), form_a).status_code == 302

    form_b.update({"edit-area": "Elm and 5th", "edit-description": "Typed by the second CRO."})
    refused = second.post(step_url(forwarded), form_b)
    assert refused.status_code == 400
    text = text_of(refused)
    assert f"This concern was changed after you opened it (by {cro.display_name} on " in text
    assert "Priority is now: “Urgent”" in text
    assert "Description is now: “Speeding at 8 a.m. daily.”" in text
    assert "Area is now" not in text  # only what someone else changed is listed
    # What the second person typed is still in the form shown again.
    again = form_on(refused, step_url(forwarded))
    assert again["edit-description"] == "Typed by the second CRO."
    assert again["edit-area"] == "Elm and 5th"
    # Nothing of the second save was applied: the record is the first save.
    forwarded.refresh_from_db()
    assert forwarded.priority == "urgent"
    assert forwarded.description == "Speeding at 8 a.m. daily."
    assert forwarded.area == "Elm Street"
    assert forwarded.updates.filter(kind=ConcernUpdate.Kind.EDITED).count() == 1

    # Sent again from the page that showed the conflict, it is a deliberate choice: saved.
    assert again["edit-revision"] == str(forwarded.revision)
    assert second.post(step_url(forwarded), again).status_code == 302
    forwarded.refresh_from_db()
    assert (forwarded.description, forwarded.area) == ("Typed by the second CRO.", "Elm and 5th")
    assert forwarded.priority == "normal"  # the second CRO's page still said normal


def test_save_from_an_up_to_date_page_passes(forwarded, cro):
    client = client_as(cro)
    form = open_edit_form(client, forwarded)
    form["edit-public_note"] = "A speed trailer is in place."
    response = client.post(step_url(forwarded), form)
    assert response.status_code == 302
    revision = forwarded.revision
    forwarded.refresh_from_db()
    assert forwarded.public_note == "A speed trailer is in place."
    assert forwarded.revision == revision + 1
    line = forwarded.updates.get(kind=ConcernUpdate.Kind.EDITED)
    assert (line.author, line.text) == (cro, "Changed: public note.")
    # And the next save from the page shown after it passes too.
    form = open_edit_form(client, forwarded)
    form["edit-priority"] = "high"
    assert client.post(step_url(forwarded), form).status_code == 302


def test_double_submit_changes_the_concern_once(forwarded, cro):
    client = client_as(cro)
    form = open_edit_form(client, forwarded)
    form["edit-area"] = "Elm Street at the school"
    assert client.post(step_url(forwarded), form).status_code == 302
    assert client.post(step_url(forwarded), form).status_code == 302
    revision = forwarded.revision
    forwarded.refresh_from_db()
    assert forwarded.area == "Elm Street at the school"
    assert forwarded.revision == revision + 1
    assert forwarded.updates.filter(kind=ConcernUpdate.Kind.EDITED).count() == 1


def test_edit_is_not_refused_when_only_the_status_moved_on(forwarded, cro, second_cro):
    client = client_as(cro)
    form = open_edit_form(client, forwarded)
    services.record_progress(concern=forwarded, by=second_cro, text="Met the principal.")
    form["edit-description"] = "Cars speed past the school at 8 a.m. and 3 p.m."
    assert client.post(step_url(forwarded), form).status_code == 302
    forwarded.refresh_from_db()
    assert forwarded.description == "Cars speed past the school at 8 a.m. and 3 p.m."
    assert forwarded.status == "in_progress"


def test_two_saves_from_the_same_revision_apply_one(forwarded, cro, second_cro):
    shown = forwarded.editable_values()
    seen, revision = fingerprint(shown), forwarded.revision
    services.edit_concern(
        concern=forwarded,
        by=cro,
        data={**shown, "priority": "high"},
        revision=revision,
        seen=seen,
    )
    with pytest.raises(EditConflict) as refused:
        services.edit_concern(
            concern=forwarded,
            by=second_cro,
            data={**shown, "priority": "low"},
            revision=revision,
            seen=seen,
        )
    assert "Priority is now: “High”" in refused.value.messages
    forwarded.refresh_from_db()
    assert forwarded.priority == "high"


def test_stale_resolve_after_a_reopen_is_refused(forwarded, cro, second_cro, chief):
    client = client_as(cro)
    stale_page = client.get(forwarded.get_absolute_url())
    # Meanwhile: resolved by one, reopened by another. The status is "open" again, so only
    # the revision tells the stale page from a current one.
    services.resolve_concern(concern=forwarded, by=second_cro, resolution="Trailer placed.")
    services.reopen_concern(concern=forwarded, by=chief, reason="Speeding is back.")
    # The step is opened only now: its form still carries the revision the page showed.
    form = form_on(open_step(client, stale_page, "resolve"), step_url(forwarded, "resolve"))
    form["resolve-text"] = "Resolved: the trailer works."
    refused = client_as(cro).post(step_url(forwarded, "resolve"), form)
    assert refused.status_code == 400
    text = text_of(refused)
    assert f"This concern was changed after you opened it (by {chief.display_name} on " in text
    assert "this step was not taken" in text
    assert "Status is now: “Reopened”" in text
    assert form_on(refused, step_url(forwarded, "resolve"))["resolve-text"] == (
        "Resolved: the trailer works."
    )
    forwarded.refresh_from_db()
    assert forwarded.status == "reopened"


def test_stale_assignment_does_not_overwrite_a_newer_one(forwarded, cro, second_cro, officer):
    client = client_as(cro)
    stale_page = client.get(forwarded.get_absolute_url())
    services.assign_concern(concern=forwarded, by=second_cro, assignee=second_cro)
    form = form_on(open_step(client, stale_page, "assign"), step_url(forwarded, "assign"))
    form["assign-assignee"] = str(officer.pk)
    refused = client_as(cro).post(step_url(forwarded, "assign"), form)
    assert refused.status_code == 400
    assert f"Assignee is now: “{second_cro.display_name}”" in text_of(refused)
    forwarded.refresh_from_db()
    assert forwarded.assignee == second_cro


def test_one_way_steps_are_guarded_by_their_status(concern, officer, supervisor):
    # Escalate, resolve-as-officer and forward start from a status no step returns to: a
    # stale page's second click is refused by the status check alone.
    services.escalate_concern(concern=concern, by=officer)
    with pytest.raises(ValidationError, match="just been received"):
        services.resolve_as_officer(concern=concern, by=officer, resolution="Done.")
    services.forward_concern(concern=concern, by=supervisor)
    with pytest.raises(ValidationError, match="escalated to a supervisor"):
        services.forward_concern(concern=concern, by=supervisor)


def test_only_those_who_work_concerns_may_correct_them(concern, officer):
    assert "edit" not in steps.available(officer, concern)
    data = {**concern.editable_values(), "priority": "urgent"}
    response = client_as(officer).post(
        step_url(concern),
        {f"edit-{k}": "" if v is None else v for k, v in data.items()}
        | {"edit-revision": concern.revision},
    )
    assert response.status_code == 403
    concern.refresh_from_db()
    assert concern.priority == "normal"
