import csv
import datetime as dt
import io
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from concerns import services
from concerns.models import Concern
from core.roles import Role
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = reverse("concerns:new")
LIST = reverse("concerns:list")
MINE = reverse("concerns:mine")
EXPORT = reverse("concerns:export")
DEPTS = reverse("concerns:departments")


def intake_post(**overrides):
    data = {
        "date_received": timezone.localdate().isoformat(),
        "source_type": "citizen",
        "source_name": "Sam Resident",
        "source_contact": "555-0100",
        "category": "traffic",
        "nature": "actual",
        "area": "Elm and 5th",
        "priority": "normal",
        "summary": "Cars speeding past the school at pick-up time",
        "description": "Speeding at school time.",
        "suggestions": "Radar trailer.",
        "intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


# --- Anonymous ---


@pytest.mark.parametrize("url", [NEW, LIST, MINE, EXPORT, DEPTS, "/concerns/CR-2099-00001/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Intake ---


@pytest.mark.parametrize("persona", ["officer", "supervisor", "cro", "chief", "training_officer"])
def test_every_role_can_open_intake(client_for, personas, persona):
    assert client_for(personas[persona]).get(NEW).status_code == 200


def test_member_without_role_cannot_log(client_for, outsider):
    client = client_for(outsider)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, intake_post()).status_code == 403
    assert not Concern.objects.exists()


def test_intake_has_no_immigration_field(client_for, officer):
    html = client_for(officer).get(NEW).content.decode().lower()
    assert "immigration status" not in html.replace("do not record anyone's immigration", "")
    assert "citizenship" not in html.replace("or citizenship status", "")
    assert 'name="immigration' not in html and 'name="citizenship' not in html


def test_officer_logs_a_concern(client_for, officer):
    response = client_for(officer).post(NEW, intake_post())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == concern.get_absolute_url()
    assert concern.reported_by == officer
    assert concern.reporter_dsn == officer.dsn
    assert concern.reference.startswith(f"CR-{timezone.localdate().year}-")


def test_double_submitted_intake_creates_one_concern(client_for, officer):
    client = client_for(officer)
    data = intake_post()
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert Concern.objects.count() == 1
    assert first.url == second.url


def test_intake_future_date_keeps_what_was_typed(client_for, officer):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client_for(officer).post(NEW, intake_post(date_received=tomorrow))
    html = response.content.decode()
    assert response.status_code == 200
    assert "cannot be in the future" in html
    assert "Speeding at school time." in html
    assert 'value="Elm and 5th"' in html
    assert not Concern.objects.exists()


def test_intake_empty_description_is_refused(client_for, officer):
    response = client_for(officer).post(NEW, intake_post(description="  "))
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Concern.objects.exists()


def test_intake_one_megabyte_description_is_refused_clearly(client_for, officer):
    response = client_for(officer).post(NEW, intake_post(description="x" * 1_048_576))
    assert response.status_code == 200
    assert "Keep this to 5000 characters or fewer (it has 1048576)." in response.content.decode()
    assert not Concern.objects.exists()


def test_html_in_every_text_field_is_shown_escaped(client_for, cro):
    script = "<script>alert('x')</script>"
    fields = ["source_name", "source_contact", "area", "summary", "description", "suggestions"]
    client = client_for(cro)
    client.post(NEW, intake_post(**{f: f"{f} {script}" for f in fields}))
    concern = Concern.objects.get()
    html = client.get(concern.get_absolute_url()).content.decode()
    assert script not in html
    for field in fields:
        assert f"{field} &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    listing = client.get(LIST).content.decode()
    assert script not in listing


def test_officer_logging_conduct_concern_sees_confirmation_not_detail(client_for, officer):
    client = client_for(officer)
    response = client.post(NEW, intake_post(category="conduct_bias"))
    concern = Concern.objects.get()
    assert response.url == reverse("concerns:logged", args=[concern.reference])
    assert concern.reference in client.get(response.url).content.decode()
    assert client.get(concern.get_absolute_url()).status_code == 404


# --- Visibility ---


def test_officer_sees_own_concern_not_another_officers(client_for, officer, other_officer):
    mine = ConcernFactory(reported_by=officer)
    theirs = ConcernFactory(reported_by=other_officer)
    client = client_for(officer)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    listing = client.get(LIST).content.decode()
    assert mine.reference in listing and theirs.reference not in listing


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 404),
        ("training_officer", 404),
        ("outsider", 404),
        ("supervisor", 200),
        ("cro", 200),
        ("chief", 200),
    ],
)
def test_conduct_concern_visible_only_to_oversight(client_for, personas, persona, status):
    conduct = ConcernFactory(category="conduct_bias", reported_by=personas["officer"])
    response = client_for(personas[persona]).get(conduct.get_absolute_url())
    assert response.status_code == status


def test_source_details_hidden_from_officer_who_did_not_take_them(
    client_for, officer, other_officer, cro
):
    concern = ConcernFactory(reported_by=other_officer, source_name="Confidential Carla")
    services.assign_concern(concern=concern, by=cro, assignee=officer)
    html = client_for(officer).get(concern.get_absolute_url()).content.decode()
    assert "Confidential Carla" not in html
    assert "Confidential Carla" in client_for(cro).get(concern.get_absolute_url()).content.decode()


def test_unknown_reference_is_404(client_for, cro):
    assert client_for(cro).get("/concerns/CR-1999-0001/").status_code == 404


# --- Workflow steps through the views ---


FETCH = {"X-Requested-With": "fetch"}


def test_a_step_opened_without_the_page_leads_to_the_page_with_it_open(
    client_for, officer, concern
):
    url = reverse("concerns:step", args=[concern.reference, "escalate"])
    client = client_for(officer)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{concern.get_absolute_url()}?step=escalate#step-escalate"
    page = client.get(response["Location"]).content.decode()
    # That step's form is in the page, open; the others come when opened.
    assert 'id="step-escalate" open' in page and 'name="escalate-note"' in page
    assert 'name="note-text"' not in page
    assert f"/concerns/{concern.reference}/note/?revision={concern.revision}" in page
    assert client.put(url).status_code == 405


def test_page_fetches_a_steps_form_when_it_is_opened(client_for, officer, concern):
    client = client_for(officer)
    page = client.get(concern.get_absolute_url()).content.decode()
    # The suggested next step (escalating, for the officer who logged it) comes built, open;
    # the others are built when opened.
    assert 'name="escalate-note"' in page
    assert 'name="resolve-as-officer-text"' not in page
    assert "Loading the form" in page
    assert "?step=resolve-as-officer#step-resolve-as-officer" in page
    fragment = client.get(
        reverse("concerns:step", args=[concern.reference, "resolve-as-officer"]), headers=FETCH
    )
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert not body.lstrip().startswith("<!doctype")  # a piece of the page, not a page
    assert f'action="/concerns/{concern.reference}/resolve-as-officer/"' in body
    assert 'name="resolve-as-officer-text"' in body and "csrfmiddlewaretoken" in body


def test_fetched_step_carries_the_revision_the_page_was_shown_with(client_for, cro, officer):
    concern = ConcernFactory(reported_by=officer, status="forwarded")
    url = reverse("concerns:step", args=[concern.reference, "resolve"])
    client = client_for(cro)
    shown = client.get(f"{url}?revision=1", headers=FETCH).content.decode()
    assert 'name="resolve-revision" value="1"' in shown
    concern.revision = 5
    concern.save(update_fields=["revision"])
    assert 'name="resolve-revision" value="5"' in client.get(url, headers=FETCH).content.decode()
    bad = client.get(f"{url}?revision=abc", headers=FETCH).content.decode()
    assert 'name="resolve-revision" value="5"' in bad


def test_a_step_not_open_to_the_person_is_refused(client_for, officer, cro, concern):
    assert (
        client_for(officer)
        .get(reverse("concerns:step", args=[concern.reference, "assign"]), headers=FETCH)
        .status_code
        == 403
    )
    other = ConcernFactory()  # another officer's concern
    assert (
        client_for(officer)
        .get(reverse("concerns:step", args=[other.reference, "note"]), headers=FETCH)
        .status_code
        == 404
    )
    assert (
        client_for(cro)
        .get(reverse("concerns:step", args=[concern.reference, "nothing"]), headers=FETCH)
        .status_code
        == 404
    )


def test_officer_escalates_through_view(client_for, officer, concern):
    url = reverse("concerns:step", args=[concern.reference, "escalate"])
    response = client_for(officer).post(url, {"escalate-note": "Needs a supervisor."})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Concern.Status.ESCALATED


def test_step_not_allowed_for_role_is_403(client_for, officer, other_officer, supervisor, concern):
    url = reverse("concerns:step", args=[concern.reference, "forward"])
    assert client_for(officer).post(url, {"forward-note": ""}).status_code == 403
    concern.refresh_from_db()
    assert concern.status == Concern.Status.RECEIVED


def test_step_on_invisible_concern_is_404(client_for, other_officer, concern):
    url = reverse("concerns:step", args=[concern.reference, "note"])
    assert client_for(other_officer).post(url, {"note-text": "hi"}).status_code == 404


def test_step_in_wrong_status_shows_clear_message(client_for, cro, concern, officer):
    services.escalate_concern(concern=concern, by=officer)
    url = reverse("concerns:step", args=[concern.reference, "recommend"])
    response = client_for(cro).post(url, {"recommend-text": "Directed patrol"})
    assert response.status_code == 400
    assert "it must be forwarded first" in response.content.decode()
    assert "Directed patrol" in response.content.decode()


def test_step_with_empty_text_keeps_form_open_with_error(client_for, cro, forwarded):
    url = reverse("concerns:step", args=[forwarded.reference, "recommend"])
    response = client_for(cro).post(url, {"recommend-text": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This field is required." in html
    assert 'id="step-recommend" open' in html


def test_unknown_step_is_404(client_for, cro, forwarded):
    url = f"/concerns/{forwarded.reference}/teleport/"
    assert client_for(cro).post(url).status_code == 404


def test_cro_refers_and_records_response_through_views(client_for, cro, forwarded, public_works):
    client = client_for(cro)
    today = timezone.localdate().isoformat()
    refer = reverse("concerns:step", args=[forwarded.reference, "refer"])
    assert (
        client.post(
            refer,
            {"refer-department": public_works.pk, "refer-referred_on": today, "refer-note": ""},
        ).status_code
        == 302
    )
    referral = forwarded.referrals.get()
    respond = reverse("concerns:respond", args=[forwarded.reference])
    bad = client.post(
        respond,
        {"respond-referral": referral.pk, "respond-responded_on": today, "respond-response": ""},
    )
    assert bad.status_code == 400
    good = client.post(
        respond,
        {
            "respond-referral": referral.pk,
            "respond-responded_on": today,
            "respond-response": "Fixed.",
        },
    )
    assert good.status_code == 302
    referral.refresh_from_db()
    assert referral.response == "Fixed."


def test_commander_acknowledges_routing_through_view(
    client_for, cro, supervisor, forwarded, patrol
):
    routing = services.route_to_unit(concern=forwarded, by=cro, unit=patrol)
    url = reverse("concerns:acknowledge", args=[forwarded.reference, routing.pk])
    assert client_for(supervisor).post(url).status_code == 302
    routing.refresh_from_db()
    assert routing.acknowledged_by == supervisor


def test_detail_query_count_does_not_grow_with_timeline(
    client_for, cro, forwarded, django_assert_max_num_queries
):
    client = client_for(cro)
    for i in range(30):
        services.add_note(concern=forwarded, by=cro, text=f"note {i}")
    with django_assert_max_num_queries(22):
        response = client.get(forwarded.get_absolute_url())
    assert response.status_code == 200


# --- Lists ---


def _count_list_queries(client, url, django_assert_max_num_queries, limit=14):
    with django_assert_max_num_queries(limit) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    # Every row shows its summary, read with the row (no query of its own).
    assert response.content.decode().count('class="small concern-summary"') == len(
        response.context["page"].rows
    )
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", [LIST, LIST + "?status=received&q=speed&sort=oldest", MINE])
def test_list_query_count_same_for_10_and_1000(client_for, cro, url, django_assert_max_num_queries):
    client = client_for(cro)
    officers = [UserFactory(roles=[Role.OFFICER]) for _ in range(3)]
    ConcernFactory.create_batch(10, reported_by=officers[0], assignee=cro)
    small = _count_list_queries(client, url, django_assert_max_num_queries)
    batch = [
        Concern(
            reference=f"CR-2098-{i:05d}",
            date_received=timezone.localdate(),
            source_type="citizen",
            category="traffic",
            area="Elm",
            summary=f"Bulk summary {i}",
            description="Speeding cars",
            reported_by=officers[i % 3],
            assignee=officers[(i + 1) % 3],
        )
        for i in range(990)
    ]
    Concern.objects.bulk_create(batch)
    large = _count_list_queries(client, url, django_assert_max_num_queries)
    assert small == large


def test_list_filters(client_for, cro, officer):
    old = ConcernFactory(date_received=dt.date(2025, 1, 5), category="noise", area="Oak Hollow")
    new = ConcernFactory(category="traffic", area="Elm Street")
    client = client_for(cro)
    html = client.get(LIST + "?category=noise").content.decode()
    assert old.reference in html and new.reference not in html
    html = client.get(LIST + "?received_to=2025-02-01").content.decode()
    assert old.reference in html and new.reference not in html
    html = client.get(LIST + "?area=elm").content.decode()
    assert new.reference in html and old.reference not in html


def test_list_bad_filter_input_does_not_break(client_for, cro):
    response = client_for(cro).get(LIST + "?received_from=not-a-date&page=abc&status=bogus")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_needs_my_action_filter(client_for, supervisor, officer):
    waiting = ConcernFactory(reported_by=officer)
    services.escalate_concern(concern=waiting, by=officer)
    other = ConcernFactory(reported_by=officer)
    html = client_for(supervisor).get(LIST + "?needs_me=on").content.decode()
    assert waiting.reference in html and other.reference not in html


def test_awaiting_filter(client_for, cro, forwarded, public_works, officer):
    services.refer_concern(
        concern=forwarded, by=cro, department=public_works, referred_on=timezone.localdate()
    )
    quiet = ConcernFactory(reported_by=officer)
    html = client_for(cro).get(LIST + "?awaiting=on").content.decode()
    assert forwarded.reference in html and quiet.reference not in html


def test_empty_list_says_what_to_do(client_for, officer):
    html = client_for(officer).get(MINE).content.decode()
    assert "No concerns yet" in html


# --- Export ---


def _rows(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_for_cro_includes_source(client_for, cro, officer):
    ConcernFactory(reported_by=officer, source_name="=HYPERLINK(evil)")
    response = client_for(cro).get(EXPORT + "?category=traffic")
    assert response["Content-Type"].startswith("text/csv")
    rows = _rows(response)
    assert rows[0][-2:] == ["source_name", "source_contact"]
    assert rows[1][-2] == "'=HYPERLINK(evil)"
    assert rows[1][rows[0].index("summary")] == Concern.objects.get().summary


@pytest.mark.parametrize("persona", ["officer", "training_officer", "outsider"])
def test_export_forbidden_to_others(client_for, personas, persona):
    assert client_for(personas[persona]).get(EXPORT).status_code == 403


def test_export_query_count_is_flat(client_for, cro, officer, django_assert_max_num_queries):
    ConcernFactory.create_batch(25, reported_by=officer)
    client = client_for(cro)
    with django_assert_max_num_queries(8):
        rows = _rows(client.get(EXPORT))
    assert len(rows) == 26


# --- Departments and units ---


def test_cro_manages_departments_and_units(client_for, cro, supervisor):
    client = client_for(cro)
    assert client.get(DEPTS).status_code == 200
    response = client.post(
        reverse("concerns:department-add"),
        {
            "name": "Public Works",
            "contact_name": "Dana",
            "email": "",
            "phone": "",
            "response_days": 10,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("concerns:unit-add"),
        {"name": "Traffic", "commander": supervisor.pk, "is_active": "on"},
    )
    assert response.status_code == 302
    html = client.get(DEPTS).content.decode()
    assert "Public Works" in html and "Traffic" in html


def test_department_bad_input_keeps_typed(client_for, cro):
    response = client_for(cro).post(
        reverse("concerns:department-add"), {"name": "Parks", "response_days": "soon"}
    )
    assert response.status_code == 200
    assert 'value="Parks"' in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "chief", "training_officer", "outsider"]
)
def test_departments_forbidden_to_others(client_for, personas, persona):
    client = client_for(personas[persona])
    assert client.get(DEPTS).status_code == 403
    assert (
        client.post(
            reverse("concerns:department-add"), {"name": "X", "response_days": 3}
        ).status_code
        == 403
    )
