"""Two people writing the same report's narratives: the second save from a stale page is
refused with what changed, keeps what was typed, and never overwrites the first. A
submission or a decision from a page that shows an older report is refused too."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.decisions import Decision
from core.roles import Role
from reports import services
from tests.concerns.test_edit_conflicts import form_on, text_of
from tests.conftest import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(cro):
    """A draft quarterly report for a quarter already under way."""
    day = timezone.localdate() - dt.timedelta(days=120)
    return services.generate_report(kind="quarterly", day=day, by=cro)


@pytest.fixture
def second_cro(db):
    return UserFactory(username="t-cro2", rank="Sgt.", roles=[Role.CRO])


def client_as(user) -> Client:
    return sign_in(Client(), user)


def narratives_url(report):
    return reverse("reports:narratives", args=[report.pk])


class _OwnedFields(HTMLParser):
    """What a browser sends for the form with this action: its own fields and those that
    name it in their `form` attribute (each narrative box sits in its own section)."""

    def __init__(self, action):
        super().__init__()
        self.action, self.form_id, self.inside, self.fields = action, None, False, {}
        self._textarea = None

    def _owned(self, a) -> bool:
        return self.inside or (self.form_id is not None and a.get("form") == self.form_id)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = (a.get("action") or "") == self.action
            if self.inside:
                self.form_id = a.get("id")
        elif tag == "input" and a.get("name") and self._owned(a):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "textarea" and self._owned(a):
            self._textarea = a["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea:
            # A browser drops the newline that opens a textarea's content.
            self.fields[self._textarea] = self.fields[self._textarea].removeprefix("\n")
            self._textarea = None


def narratives_on(response, report) -> dict:
    parser = _OwnedFields(narratives_url(report))
    parser.feed(response.content.decode())
    assert parser.form_id, "no narratives form on the page"
    return parser.fields


def open_narratives(client, report) -> dict:
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    fields = narratives_on(page, report)
    assert {"revision", "seen", "current", "progress"} <= fields.keys()
    return fields


def test_second_save_from_a_stale_page_is_refused_and_keeps_what_was_typed(report, cro, second_cro):
    first, second = client_as(cro), client_as(second_cro)
    form_a = open_narratives(first, report)
    form_b = open_narratives(second, report)
    assert form_a["revision"] == form_b["revision"] == str(report.revision)

    form_a["current"] = "Noise at night leads the quarter."
    assert first.post(narratives_url(report), form_a).status_code == 302

    form_b["current"] = "Traffic near the schools leads."
    form_b["progress"] = "Two patrols a week since August."
    refused = second.post(narratives_url(report), form_b)
    assert refused.status_code == 400
    text = text_of(refused)
    assert f"after you opened this report (by {cro.display_name} on " in text
    assert "1. Current concerns voiced by the community now reads: “Noise at night leads" in text
    assert "4. Progress toward correcting previously identified concerns now reads" not in text
    # What the second person typed is still in the form shown again.
    again = narratives_on(refused, report)
    assert again["current"] == "Traffic near the schools leads."
    assert again["progress"] == "Two patrols a week since August."
    # Nothing of the second save was applied: the stored narratives are the first save.
    report.refresh_from_db()
    assert report.narratives["current"] == "Noise at night leads the quarter."
    assert report.narratives.get("progress", "") == ""
    assert report.revised_by == cro

    # Sent again from the page that showed the conflict, it is a deliberate choice: saved.
    assert second.post(narratives_url(report), again).status_code == 302
    report.refresh_from_db()
    assert report.narratives["current"] == "Traffic near the schools leads."
    assert report.revised_by == second_cro


def test_only_sections_someone_else_changed_are_listed(report, cro, second_cro):
    form_a = open_narratives(client_as(cro), report)
    form_b = open_narratives(client_as(second_cro), report)
    form_a["activities"] = "Twelve forums."
    client_as(cro).post(narratives_url(report), form_a)
    form_b["current"] = "Mine."
    refused = client_as(second_cro).post(narratives_url(report), form_b)
    text = text_of(refused)
    assert "5. Summary of monthly activities now reads: “Twelve forums.”" in text
    assert "1. Current concerns voiced by the community now reads" not in text


def test_save_from_an_up_to_date_page_passes(report, cro):
    client = client_as(cro)
    form = open_narratives(client, report)
    form["current"] = "Noise at night."
    assert client.post(narratives_url(report), form).status_code == 302
    form = open_narratives(client, report)  # the page shown after the save
    form["potential"] = "Summer events downtown."
    assert client.post(narratives_url(report), form).status_code == 302
    report.refresh_from_db()
    assert report.narratives["current"] == "Noise at night."
    assert report.narratives["potential"] == "Summer events downtown."
    assert report.revision == 3


def test_double_submit_saves_once(report, cro):
    client = client_as(cro)
    form = open_narratives(client, report)
    form["current"] = "Noise at night."
    assert client.post(narratives_url(report), form).status_code == 302
    assert client.post(narratives_url(report), form).status_code == 302
    report.refresh_from_db()
    assert report.narratives["current"] == "Noise at night."
    assert report.revision == 2


def test_narratives_are_saved_when_only_a_step_moved_on(report, cro, chief):
    client = client_as(cro)
    services.submit_report(report=report, by=cro, late_reason="Late.")
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="Say more about noise."
    )
    form = open_narratives(client, report)
    # Submitted and returned again while the form was open; no narrative changed since.
    services.submit_report(report=report, by=cro, late_reason="Late.")
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="And about traffic."
    )
    form["current"] = "Noise and traffic."
    assert client.post(narratives_url(report), form).status_code == 302
    report.refresh_from_db()
    assert report.narratives["current"] == "Noise and traffic."


def test_chief_cannot_approve_a_report_changed_since_the_page_was_opened(report, cro, chief):
    services.submit_report(report=report, by=cro, late_reason="Late.")
    chief_client = client_as(chief)
    page = chief_client.get(report.get_absolute_url())
    decision = form_on(page, "")  # the decision form posts by its buttons' formaction
    report.refresh_from_db()
    assert decision["revision"] == str(report.revision)
    # Meanwhile it is returned (another tab), rewritten and submitted again.
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="Add the noise patrols."
    )
    report.refresh_from_db()
    services.save_narratives(report=report, by=cro, narratives={"current": "Rewritten."})
    services.submit_report(report=report, by=cro, late_reason="Late.")
    decision["comment"] = "Good work."
    refused = chief_client.post(reverse("reports:approve", args=[report.pk]), decision)
    assert refused.status_code == 400
    text = text_of(refused)
    assert "This report was changed after you opened it (by " in text
    assert "It is now: Waiting for the Chief." in text
    assert ">Good work.</textarea>" in refused.content.decode()  # the comment is kept
    report.refresh_from_db()
    assert report.status == "submitted"
    # Approved from the page as it is now.
    again = form_on(refused, "")
    assert chief_client.post(reverse("reports:approve", args=[report.pk]), again).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved" and report.chief_comment == "Good work."


def test_inbox_decision_on_a_report_changed_since_is_refused(report, cro, chief):
    services.submit_report(report=report, by=cro, late_reason="Late.")
    chief_client = client_as(chief)
    url = reverse("inbox-decide", args=["report", report.pk, "approve"])
    listed = form_on(chief_client.get(reverse("inbox")), "")
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="Add the noise patrols."
    )
    services.submit_report(report=report, by=cro, late_reason="Late.")
    refused = chief_client.post(url, {**listed, "comment": "Fine."})
    assert refused.status_code == 400
    assert "This report was changed after you opened it" in text_of(refused)
    report.refresh_from_db()
    assert report.status == "submitted"
    listed = form_on(refused, "")
    assert listed["comment"] == "Fine."
    assert chief_client.post(url, listed).status_code == 302
    report.refresh_from_db()
    assert report.status == "approved"
