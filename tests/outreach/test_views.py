import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from concerns.models import Concern
from outreach import services
from outreach.models import Material, OutreachActivity, Participant, ReportingAssignment
from tests.factories import (
    ActivityFactory,
    ConcernFactory,
    MaterialFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

PAGES = {
    "organizations": reverse("outreach:organizations"),
    "organization-new": reverse("outreach:organization-new"),
    "activities": reverse("outreach:activities"),
    "activity-new": reverse("outreach:activity-new"),
    "export": reverse("outreach:activity-export"),
    "materials": reverse("outreach:materials"),
    "material-new": reverse("outreach:material-new"),
    "training": reverse("outreach:training"),
    "training-new": reverse("outreach:training-new"),
    "recognition": reverse("outreach:recognition"),
    "recognition-new": reverse("outreach:recognition-new"),
    "reporting": reverse("outreach:reporting"),
    "community-input": reverse("outreach:community-input"),
}

# organizations, organization-new, activities, activity-new, export, materials,
# material-new, training, training-new, recognition, recognition-new, reporting,
# community-input (none of these personas holds a reporting duty)
EXPECTED = {
    "officer": (200, 403, 200, 200, 200, 403, 403, 403, 403, 200, 403, 403, 403),
    "supervisor": (200, 403, 200, 200, 200, 403, 403, 200, 200, 200, 403, 403, 403),
    "cro": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 403),
    "chief": (200, 403, 200, 200, 200, 200, 403, 200, 200, 200, 200, 200, 403),
    "training_officer": (200, 403, 200, 200, 200, 403, 403, 200, 403, 200, 403, 403, 403),
    "outsider": (403,) * 13,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_outreach_pages_by_role(client_for, personas, persona):
    client = client_for(personas[persona])
    got = tuple(client.get(url).status_code for url in PAGES.values())
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, EXPECTED[persona], strict=True))


@pytest.mark.parametrize("url", list(PAGES.values()))
def test_anonymous_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


# --- Organizations ---


def test_organization_page_shows_its_concerns_and_activities(client_for, cro, officer):
    organization = OrganizationFactory(name="Maple Watch")
    activity = ActivityFactory(organization=organization, title="Spring meeting", logged_by=officer)
    concern = ConcernFactory(reported_by=officer, organization=organization)
    html = client_for(cro).get(organization.get_absolute_url()).content.decode()
    assert "Spring meeting" in html
    assert concern.reference in html
    assert activity.date.strftime("%B") in html


def test_organization_last_contact_and_stale_filter(client_for, cro):
    quiet = OrganizationFactory(name="Quiet Club")
    busy = OrganizationFactory(name="Busy Club")
    ActivityFactory(organization=busy)
    html = client_for(cro).get(reverse("outreach:organizations") + "?stale=on").content.decode()
    assert "Quiet Club" in html and "Busy Club" not in html
    assert quiet.last_contact_date() is None


def test_cro_adds_organization_bad_input_kept(client_for, cro):
    client = client_for(cro)
    bad = client.post(reverse("outreach:organization-new"), {"name": "Elm Watch", "kind": ""})
    assert bad.status_code == 200
    assert 'value="Elm Watch"' in bad.content.decode()
    good = client.post(
        reverse("outreach:organization-new"),
        {"name": "Elm Watch", "kind": "neighborhood_watch", "is_active": "on"},
    )
    assert good.status_code == 302


def test_organization_list_query_count_flat(client_for, cro, django_assert_max_num_queries):
    client = client_for(cro)
    url = reverse("outreach:organizations")
    OrganizationFactory.create_batch(3)
    with django_assert_max_num_queries(12) as small:
        client.get(url)
    for org in OrganizationFactory.create_batch(40):
        ActivityFactory(organization=org, logged_by=cro)
    with django_assert_max_num_queries(12) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Activities ---


def test_officer_logs_activity_through_view(client_for, officer):
    organization = OrganizationFactory()
    response = client_for(officer).post(
        reverse("outreach:activity-new"),
        {
            "date": TODAY().isoformat(),
            "kind": "organization_meeting",
            "title": "Watch meeting",
            "organization": organization.pk,
            "area": "Elm",
            "attendance": 14,
            "staff_hours": "2",
            "materials_cost": "0",
        },
    )
    activity = OutreachActivity.objects.get()
    assert response.status_code == 302
    assert list(activity.officers.all()) == [officer]


def test_activity_bad_input_keeps_typed(client_for, officer):
    response = client_for(officer).post(
        reverse("outreach:activity-new"),
        {
            "date": "2999-01-01",
            "kind": "foot_patrol",
            "title": "Evening patrol",
            "attendance": "-3",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "future" in html
    assert "Say where the foot patrol was." in html
    assert 'value="Evening patrol"' in html
    assert not OutreachActivity.objects.exists()


def test_citizens_academy_always_needs_waivers_and_checks(client_for, cro):
    client_for(cro).post(
        reverse("outreach:activity-new"),
        {
            "date": TODAY().isoformat(),
            "kind": "citizens_academy",
            "title": "Academy week 1",
            "attendance": 20,
            "staff_hours": "3",
            "materials_cost": "0",
        },
    )
    activity = OutreachActivity.objects.get()
    assert activity.waivers_required and activity.background_check_required


def test_other_officers_activity_is_404_and_edit_403(client_for, officer, other_officer):
    theirs = ActivityFactory(logged_by=other_officer)
    shared = ActivityFactory(logged_by=other_officer, officers=[other_officer, officer])
    client = client_for(officer)
    assert client.get(theirs.get_absolute_url()).status_code == 404
    assert client.get(shared.get_absolute_url()).status_code == 200
    supervisor = UserFactory(roles=["Supervisor"])
    assert (
        client_for(supervisor).get(reverse("outreach:activity-edit", args=[shared.pk])).status_code
        == 403
    )


def test_participants_hidden_from_officer(client_for, officer, cro):
    activity = ActivityFactory(logged_by=officer, waivers_required=True)
    Participant.objects.create(activity=activity, name="Private Person")
    assert (
        "Private Person"
        not in client_for(officer).get(activity.get_absolute_url()).content.decode()
    )
    assert (
        client_for(officer).get(reverse("outreach:participant-new", args=[activity.pk])).status_code
        == 403
    )
    html = client_for(cro).get(activity.get_absolute_url()).content.decode()
    assert "Private Person" in html
    assert "no signed waiver" in html


def test_cro_adds_participant_and_warning_shows(client_for, cro):
    activity = ActivityFactory(
        kind="citizens_academy",
        waivers_required=True,
        background_check_required=True,
        logged_by=cro,
    )
    client = client_for(cro)
    response = client.post(
        reverse("outreach:participant-new", args=[activity.pk]),
        {
            "name": "Kim Lee",
            "is_minor": "on",
            "waiver_signed_on": TODAY().isoformat(),
            "background_check": "pending",
        },
    )
    assert response.status_code == 200  # minor without guardian
    assert 'value="Kim Lee"' in response.content.decode()
    response = client.post(
        reverse("outreach:participant-new", args=[activity.pk]),
        {
            "name": "Kim Lee",
            "is_minor": "on",
            "guardian_name": "Sam Lee",
            "waiver_signed_on": TODAY().isoformat(),
            "background_check": "pending",
        },
    )
    assert response.status_code == 302
    html = client.get(activity.get_absolute_url()).content.decode()
    assert "1 participant may not take part yet" in html


def test_activity_list_query_count_flat(client_for, cro, django_assert_max_num_queries):
    client = client_for(cro)
    url = reverse("outreach:activities")
    ActivityFactory.create_batch(3, logged_by=cro)
    with django_assert_max_num_queries(14) as small:
        client.get(url)
    ActivityFactory.create_batch(60, logged_by=cro, organization=OrganizationFactory())
    with django_assert_max_num_queries(14) as large:
        client.get(url)
    assert len(small.captured_queries) == len(large.captured_queries)


def test_activity_search_and_export(client_for, cro):
    ActivityFactory(title="Bicycle rodeo", summary="Helmets for kids", logged_by=cro)
    ActivityFactory(title="Budget hearing", logged_by=cro)
    client = client_for(cro)
    html = client.get(reverse("outreach:activities") + "?q=helmet").content.decode()
    assert "Bicycle rodeo" in html and "Budget hearing" not in html
    response = client.get(reverse("outreach:activity-export") + "?q=helmet")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2 and rows[1][3] == "Bicycle rodeo"


def test_concern_raised_from_activity_in_one_step(client_for, officer):
    organization = OrganizationFactory(
        name="Oak Watch", kind="neighborhood_watch", area="Oak Hollow"
    )
    activity = ActivityFactory(logged_by=officer, organization=organization, area="Oak Hollow")
    client = client_for(officer)
    form = client.get(reverse("concerns:new") + f"?activity={activity.pk}").content.decode()
    assert 'value="Oak Hollow"' in form
    assert f'name="activity" value="{activity.pk}"' in form
    token = form.split('name="intake_token" value="')[1].split('"')[0]
    response = client.post(
        reverse("concerns:new"),
        {
            "date_received": TODAY().isoformat(),
            "source_type": "watch_group",
            "organization": organization.pk,
            "activity": activity.pk,
            "category": "traffic",
            "nature": "actual",
            "area": "Oak Hollow",
            "priority": "normal",
            "summary": "Speeding on Oak Lane",
            "description": "Speeding on Oak Lane.",
            "intake_token": token,
        },
    )
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.activity == activity and concern.organization == organization
    assert concern.reference in client.get(activity.get_absolute_url()).content.decode()


def test_concern_cannot_be_tied_to_unseen_activity(client_for, officer, other_officer):
    theirs = ActivityFactory(logged_by=other_officer)
    form = (
        client_for(officer).get(reverse("concerns:new") + f"?activity={theirs.pk}").content.decode()
    )
    assert f'name="activity" value="{theirs.pk}"' not in form


# --- Materials and uploads ---


def material_post(**overrides):
    data = {
        "name": "Bike stickers",
        "description": "Reflective",
        "source": "purchased",
        "donor": "",
        "quantity": 500,
        "cost": "120.00",
    }
    data.update(overrides)
    return data


def test_upload_accepts_png_by_content(client_for, cro):
    design = SimpleUploadedFile(
        "sticker.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, content_type="image/png"
    )
    response = client_for(cro).post(reverse("outreach:material-new"), material_post(design=design))
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.design_type == "image/png"


def test_upload_refuses_renamed_executable_and_keeps_the_rest(client_for, cro):
    fake = SimpleUploadedFile(
        "design.pdf", b"MZ\x90\x00" + b"\0" * 200, content_type="application/pdf"
    )
    response = client_for(cro).post(reverse("outreach:material-new"), material_post(design=fake))
    html = response.content.decode()
    assert response.status_code == 200
    assert "must be a PDF, PNG or JPEG" in html
    assert 'value="Bike stickers"' in html
    assert not Material.objects.exists()


def test_upload_refuses_11_megabytes(client_for, cro):
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024), content_type="application/pdf"
    )
    response = client_for(cro).post(reverse("outreach:material-new"), material_post(design=big))
    assert response.status_code == 200
    assert "10 MB or smaller (this one is 11.0 MB)" in response.content.decode()
    assert not Material.objects.exists()


def test_donated_material_needs_donor(client_for, cro):
    response = client_for(cro).post(
        reverse("outreach:material-new"), material_post(source="donated")
    )
    assert "Name the donor" in response.content.decode()


def test_chief_approves_and_cro_distributes_through_views(client_for, cro, chief):
    material = MaterialFactory(created_by=cro)
    cro_client = client_for(cro)
    distribute = reverse("outreach:material-distribute", args=[material.pk])
    early = cro_client.post(distribute, {"date": TODAY().isoformat(), "quantity": 5})
    assert early.status_code == 400
    assert "only after the Chief has approved" in early.content.decode()
    cro_client.post(reverse("outreach:material-submit", args=[material.pk]))
    assert (
        cro_client.post(
            reverse("outreach:material-decide", args=[material.pk, "approve"])
        ).status_code
        == 403
    )
    chief_client = client_for(chief)
    assert (
        chief_client.post(
            reverse("outreach:material-decide", args=[material.pk, "approve"])
        ).status_code
        == 302
    )
    cro_client = client_for(cro)
    assert (
        cro_client.post(distribute, {"date": TODAY().isoformat(), "quantity": 5}).status_code == 302
    )
    material.refresh_from_db()
    assert material.status == "approved" and material.distributed() == 5


def test_design_file_only_for_cro_and_chief(client_for, cro, chief, officer):
    material = MaterialFactory(created_by=cro)
    url = reverse("outreach:material-design", args=[material.pk])
    assert client_for(officer).get(url).status_code == 403
    response = client_for(chief).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_material_list_query_count_flat(client_for, chief, cro, django_assert_max_num_queries):
    client = client_for(chief)
    MaterialFactory.create_batch(2, created_by=cro)
    with django_assert_max_num_queries(10) as small:
        client.get(reverse("outreach:materials"))
    MaterialFactory.create_batch(30, created_by=cro)
    with django_assert_max_num_queries(10) as large:
        client.get(reverse("outreach:materials"))
    assert len(small.captured_queries) == len(large.captured_queries)


# --- Training, recognition, reporting ---


def test_training_steps_through_views(client_for, supervisor, cro, training_officer):
    client_for(supervisor).post(
        reverse("outreach:training-new"),
        {"topic": "diversity", "source": "surveys", "description": "Language access."},
    )
    from outreach.models import TrainingNeed

    need = TrainingNeed.objects.get()
    client_for(cro).post(reverse("outreach:training-step", args=[need.pk, "forward"]))
    html = client_for(training_officer).get(reverse("home")).content.decode()
    assert "Training needs to schedule" in html
    client = client_for(training_officer)
    bad = client.post(
        reverse("outreach:training-step", args=[need.pk, "schedule"]),
        {"scheduled_for": ""},
        follow=True,
    )
    assert "Give the date of the training." in bad.content.decode()
    client.post(
        reverse("outreach:training-step", args=[need.pk, "schedule"]),
        {"scheduled_for": TODAY().isoformat()},
    )
    need.refresh_from_db()
    assert need.status == "scheduled"
    assert (
        client.get(reverse("outreach:training-step", args=[need.pk, "forward"])).status_code == 405
    )


def test_reporting_status_shows_overdue(client_for, cro, officer):
    import datetime as dt

    assignment = ReportingAssignment.objects.create(
        officer=officer, duty="safety", since=TODAY() - dt.timedelta(days=200)
    )
    html = client_for(cro).get(reverse("outreach:reporting")).content.decode()
    assert "Overdue" in html
    client = client_for(officer)
    assert client.get(reverse("outreach:community-input")).status_code == 200
    client.post(
        reverse("outreach:community-input"), {"concerns_heard": "Parents worry about speeding."}
    )
    assert assignment.reports.count() == 1
    html = client_for(cro).get(reverse("outreach:reporting")).content.decode()
    assert "On time" in html


def test_recognition_through_view(client_for, chief):
    response = client_for(chief).post(
        reverse("outreach:recognition-new"),
        {"community_member": "Rosa Ruiz", "reason": "Led the watch.", "date": TODAY().isoformat()},
    )
    assert response.status_code == 302
    assert "Rosa Ruiz" in client_for(chief).get(reverse("outreach:recognition")).content.decode()


def test_services_used_by_views_refuse_wrong_roles(officer):
    material = MaterialFactory()
    with pytest.raises(Exception, match="permission"):
        services.submit_material(material=material, by=officer)


def test_training_and_recognition_lists_query_count_flat(
    client_for, cro, supervisor, django_assert_max_num_queries
):
    from outreach.models import Recognition, TrainingNeed

    client = client_for(cro)

    def make(n):
        for i in range(n):
            TrainingNeed.objects.create(
                topic="other", source="other", description=f"need {i}", identified_by=supervisor
            )
            Recognition.objects.create(
                community_member=f"Resident {i}", reason="Helped", date=TODAY(), recognized_by=cro
            )

    make(2)
    counts = []
    for _ in range(2):
        for url in (reverse("outreach:training"), reverse("outreach:recognition")):
            with django_assert_max_num_queries(10) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        make(30)
    assert counts[:2] == counts[2:]


def test_training_officer_home_lists_needs(client_for, training_officer, supervisor):
    from outreach.models import TrainingNeed

    TrainingNeed.objects.create(
        topic="diversity",
        topic_detail="Language access",
        source="surveys",
        description="x",
        identified_by=supervisor,
        status="forwarded",
        forwarded_at=timezone.now(),
    )
    html = client_for(training_officer).get(reverse("home")).content.decode()
    assert "Training needs to schedule and deliver" in html
    assert "Language access" in html


def test_a_design_is_stored_under_a_generated_name_and_served_as_a_download(client_for, cro, chief):
    design = SimpleUploadedFile(
        "../../etc/Bike Sticker FINAL.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    )
    client_for(cro).post(reverse("outreach:material-new"), material_post(design=design))
    material = Material.objects.get()
    stored = material.design.name
    assert stored.startswith("materials/") and stored.endswith(".png")
    assert "Sticker" not in stored and ".." not in stored and len(stored) == len("materials/") + 36
    response = client_for(chief).get(reverse("outreach:material-design", args=[material.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="design-{material.pk}.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


# --- The organization lookup behind long pick-lists ----------------------------------------


def test_organization_lookup_finds_active_names_in_order(client_for, officer):
    for name in ("Maple Heights Watch", "Upper Maple Seniors", "Elm Street Block Club"):
        OrganizationFactory(name=name)
    OrganizationFactory(name="Maple Closed Club", is_active=False)
    client = client_for(officer)
    url = reverse("outreach:organization-lookup")
    found = client.get(url, {"q": "  maple "}).json()
    assert [r["label"] for r in found["results"]] == ["Maple Heights Watch", "Upper Maple Seniors"]
    assert found["more"] is False
    assert all(r["value"].isdigit() for r in found["results"])
    assert client.get(url, {"q": "nothing like it"}).json() == {"results": [], "more": False}
    # Nothing typed: the first names, alphabetically.
    assert client.get(url).json()["results"][0]["label"] == "Elm Street Block Club"


def test_organization_lookup_stops_at_thirty_and_says_there_are_more(
    client_for, officer, django_assert_max_num_queries
):
    for n in range(40):
        OrganizationFactory(name=f"Block Club {n:02d}")
    client = client_for(officer)
    with django_assert_max_num_queries(8):
        found = client.get(reverse("outreach:organization-lookup"), {"q": "block"}).json()
    assert len(found["results"]) == 30 and found["more"] is True
    assert found["results"][0]["label"] == "Block Club 00"


def test_organization_lookup_refused_without_a_role(client_for, outsider, client):
    url = reverse("outreach:organization-lookup")
    assert client.get(url).status_code == 302  # anonymous: to the sign-in page
    assert client_for(outsider).get(url).status_code == 403


def test_intake_form_with_many_organizations_sends_only_the_chosen_one(
    client_for, officer, monkeypatch
):
    from core.widgets import LookupSelect

    monkeypatch.setattr(LookupSelect, "threshold", 2)
    chosen = OrganizationFactory(name="Maple Heights Watch")
    OrganizationFactory(name="Elm Street Block Club")
    OrganizationFactory(name="Oak Park Seniors")
    client = client_for(officer)
    page = client.get(reverse("concerns:new")).content.decode()
    assert 'data-picker-url="/outreach/organizations/lookup/"' in page
    assert "Elm Street Block Club" not in page
    # A refused form comes back with the chosen organization still chosen.
    response = client.post(
        reverse("concerns:new"), {"organization": chosen.pk, "intake_token": "not-a-uuid"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'<option value="{chosen.pk}" selected>Maple Heights Watch</option>' in body
    assert "Oak Park Seniors" not in body
