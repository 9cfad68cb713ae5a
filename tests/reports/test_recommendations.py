import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from core.decisions import Decision
from core.roles import Role
from programs.models import ProgramEvaluation
from reports import recommendations as rec
from reports.builders import _recommendations_section, build
from reports.models import Recommendation, Report
from surveys.models import Survey
from tests.factories import ConcernFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db
Y2026 = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
DATA = {
    "kind": "practice",
    "title": "Speed trailer at the schools",
    "text": "Rotate the speed trailer past the three schools at pick-up time.",
    "reasons": "Speeding near schools leads the traffic concerns.",
}


def make_survey(cro, **extra):
    return Survey.objects.create(
        title="Community survey 2026",
        audience="community",
        opens_on=dt.date(2026, 3, 1),
        closes_on=dt.date(2026, 4, 30),
        created_by=cro,
        status="closed",
        **extra,
    )


def make_evaluation(cro, chief):
    return ProgramEvaluation.objects.create(
        program=ProgramFactory(name="Community forums", proposed_by=cro),
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        evaluator=cro,
        rating=4,
        criteria="c",
        outcomes="o",
        recommendation="changes",
        status="accepted",
        decided_by=chief,
        decided_at=timezone.now(),
    )


def draft(cro, **changes):
    return rec.save_recommendation(by=cro, data={**DATA, **changes})


def submitted(cro, **changes):
    item = draft(cro, **changes)
    return rec.submit_recommendation(recommendation=item, by=cro)


def local(*args):
    return timezone.make_aware(dt.datetime(*args))


# --- Services ---


def test_flow_submit_more_resubmit_accept_done(cro, chief, officer):
    concerns = [ConcernFactory(reported_by=officer) for _ in range(2)]
    item = rec.save_recommendation(by=cro, data=DATA, concerns=concerns)
    assert item.status == "draft" and item.created_by == cro
    assert set(item.concerns.all()) == set(concerns)

    item = rec.submit_recommendation(recommendation=item, by=cro)
    assert item.status == "submitted" and item.submitted_at is not None
    with pytest.raises(ValidationError, match="Only a draft"):
        rec.save_recommendation(by=cro, data=DATA, recommendation=item)

    item = rec.decide_recommendation(
        recommendation=item, by=chief, decision=Decision.RETURN, comment="  What would it cost?  "
    )
    assert (item.status, item.chief_comment, item.decided_by) == (
        "more_info",
        "What would it cost?",
        chief,
    )

    item = rec.save_recommendation(
        by=cro,
        data={**DATA, "reasons": "Costs 12 overtime hours a month."},
        concerns=concerns[:1],
        recommendation=item,
    )
    assert item.status == "more_info" and item.reasons == "Costs 12 overtime hours a month."
    assert list(item.concerns.all()) == concerns[:1]

    item = rec.submit_recommendation(recommendation=item, by=cro)
    assert item.status == "submitted" and item.decided_by is None and item.decided_at is None
    assert item.chief_comment == "What would it cost?"  # kept until the next decision

    item = rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.APPROVE)
    assert (item.status, item.chief_comment, item.decided_by) == ("accepted", "", chief)
    with pytest.raises(ValidationError, match="Only a recommendation waiting"):
        rec.decide_recommendation(
            recommendation=item, by=chief, decision=Decision.DECLINE, comment="x"
        )

    item = rec.complete_recommendation(
        recommendation=item, by=cro, outcome="Trailer rotates weekly since May."
    )
    assert (item.status, item.done_on, item.outcome) == (
        "done",
        timezone.localdate(),
        "Trailer rotates weekly since May.",
    )
    with pytest.raises(ValidationError, match="Only an accepted"):
        rec.complete_recommendation(recommendation=item, by=cro, outcome="Again")
    with pytest.raises(ValidationError, match="Only a draft"):
        rec.submit_recommendation(recommendation=item, by=cro)


def test_decline_needs_a_reason_and_is_final(cro, chief):
    item = submitted(cro)
    with pytest.raises(ValidationError) as error:
        rec.decide_recommendation(
            recommendation=item, by=chief, decision=Decision.DECLINE, comment=" "
        )
    assert error.value.message_dict == {"comment": [rec.DECLINE_COMMENT_REQUIRED]}
    item = rec.decide_recommendation(
        recommendation=item, by=chief, decision=Decision.DECLINE, comment="No budget this year."
    )
    assert item.status == "declined" and item.chief_comment == "No budget this year."
    with pytest.raises(ValidationError, match="Only an accepted"):
        rec.complete_recommendation(recommendation=item, by=chief, outcome="x")
    with pytest.raises(ValidationError, match="Only a draft"):
        rec.save_recommendation(by=cro, data=DATA, recommendation=item)


def test_decide_asks_a_comment_for_more_and_only_from_submitted(cro, chief):
    item = draft(cro)
    with pytest.raises(ValidationError, match="Only a recommendation waiting"):
        rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.APPROVE)
    rec.submit_recommendation(recommendation=item, by=cro)
    with pytest.raises(ValidationError) as error:
        rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.RETURN)
    assert error.value.message_dict == {"comment": [rec.MORE_COMMENT_REQUIRED]}
    with pytest.raises(ValidationError, match="accept, to decline or to ask for more"):
        rec.decide_recommendation(recommendation=item, by=chief, decision="maybe")
    item.refresh_from_db()
    assert item.status == "submitted" and item.decided_at is None


def test_save_requires_kind_title_and_text(cro):
    with pytest.raises(ValidationError) as error:
        rec.save_recommendation(by=cro, data={"kind": "wish", "title": "  ", "text": ""})
    assert set(error.value.message_dict) == {"kind", "title", "text"}
    assert not Recommendation.objects.exists()


def test_complete_requires_an_outcome(cro, chief):
    item = submitted(cro)
    rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.APPROVE)
    with pytest.raises(ValidationError) as error:
        rec.complete_recommendation(recommendation=item, by=chief, outcome="  ")
    assert error.value.message_dict == {"outcome": [rec.OUTCOME_REQUIRED]}
    item = rec.complete_recommendation(recommendation=item, by=chief, outcome="Order issued.")
    assert item.status == "done"


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "chief", "training_officer", "outsider"]
)
def test_only_the_cro_writes_and_submits(personas, persona, cro):
    user = personas[persona]
    with pytest.raises(PermissionDenied):
        rec.save_recommendation(by=user, data=DATA)
    item = draft(cro)
    with pytest.raises(PermissionDenied):
        rec.save_recommendation(by=user, data=DATA, recommendation=item)
    with pytest.raises(PermissionDenied):
        rec.submit_recommendation(recommendation=item, by=user)
    item.refresh_from_db()
    assert item.status == "draft"


@pytest.mark.parametrize(
    "persona", ["officer", "supervisor", "cro", "training_officer", "outsider"]
)
def test_only_the_chief_decides(personas, persona, cro):
    item = submitted(cro)
    for decision in Decision:
        with pytest.raises(PermissionDenied):
            rec.decide_recommendation(
                recommendation=item, by=personas[persona], decision=decision, comment="x"
            )
    item.refresh_from_db()
    assert item.status == "submitted"


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "outsider"])
def test_only_the_cro_or_the_chief_marks_done(personas, persona, cro, chief):
    item = submitted(cro)
    rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.APPROVE)
    with pytest.raises(PermissionDenied):
        rec.complete_recommendation(recommendation=item, by=personas[persona], outcome="x")
    item.refresh_from_db()
    assert item.status == "accepted"


# --- Pages ---

EXPECTED = {
    "officer": 403,
    "supervisor": 403,
    "cro": 200,
    "chief": 200,
    "training_officer": 403,
    "outsider": 403,
}


@pytest.mark.parametrize("persona", EXPECTED)
def test_pages_by_role(client_for, personas, persona, cro):
    item = draft(cro)
    client = client_for(personas[persona])
    assert client.get(reverse("reports:recommendations")).status_code == EXPECTED[persona]
    assert client.get(item.get_absolute_url()).status_code == EXPECTED[persona]
    form_status = 200 if persona == "cro" else 403
    assert client.get(reverse("reports:recommendation-new")).status_code == form_status
    edit = reverse("reports:recommendation-edit", args=[item.pk])
    assert client.get(edit).status_code == form_status


def test_anonymous_goes_to_login(client, cro):
    item = draft(cro)
    for url in (reverse("reports:recommendations"), item.get_absolute_url()):
        assert client.get(url).url.startswith("/accounts/login/")
    response = client.post(reverse("reports:recommendation-submit", args=[item.pk]))
    assert response.url.startswith("/accounts/login/")
    item.refresh_from_db()
    assert item.status == "draft"


def test_steps_are_post_only(client_for, cro):
    item = draft(cro)
    client = client_for(cro)
    for name in ("recommendation-submit", "recommendation-decide", "recommendation-complete"):
        assert client.get(reverse(f"reports:{name}", args=[item.pk])).status_code == 405, name


def test_new_through_the_page_links_typed_references(client_for, cro, chief, officer):
    first = ConcernFactory(reference="CR-2026-0042", reported_by=officer)
    second = ConcernFactory(reference="CR-2026-0050", reported_by=officer)
    evaluation = make_evaluation(cro, chief)
    survey = make_survey(cro)
    response = client_for(cro).post(
        reverse("reports:recommendation-new"),
        {
            **DATA,
            "concern_refs": "cr-2026-0050, CR-2026-0042; CR-2026-0050",
            "evaluation": evaluation.pk,
            "survey": survey.pk,
        },
    )
    item = Recommendation.objects.get()
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert set(item.concerns.all()) == {first, second}
    assert (item.evaluation, item.survey, item.created_by) == (evaluation, survey, cro)


def test_unknown_reference_names_it_and_keeps_what_was_typed(client_for, cro, officer):
    ConcernFactory(reference="CR-2026-0042", reported_by=officer)
    response = client_for(cro).post(
        reverse("reports:recommendation-new"),
        {**DATA, "concern_refs": "CR-2026-0042, CR-2026-9999, CR-2025-0001"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "These concern references were not found: CR-2026-9999, CR-2025-0001." in page
    assert "Speed trailer at the schools" in page
    assert "Rotate the speed trailer past the three schools" in page
    assert "CR-2026-0042, CR-2026-9999, CR-2025-0001" in page
    assert not Recommendation.objects.exists()


def test_empty_title_is_refused_and_keeps_what_was_typed(client_for, cro):
    response = client_for(cro).post(reverse("reports:recommendation-new"), {**DATA, "title": "   "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required." in page
    assert "Rotate the speed trailer past the three schools" in page
    assert "Speeding near schools leads the traffic concerns." in page
    assert not Recommendation.objects.exists()


def test_edit_through_the_page_and_refused_once_submitted(client_for, cro, officer):
    concern = ConcernFactory(reference="CR-2026-0042", reported_by=officer)
    item = draft(cro)
    client = client_for(cro)
    edit = reverse("reports:recommendation-edit", args=[item.pk])
    response = client.post(
        edit, {**DATA, "title": "Trailer rotation", "concern_refs": "CR-2026-0042"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Trailer rotation" and list(item.concerns.all()) == [concern]
    assert "CR-2026-0042" in client.get(edit).content.decode()

    rec.submit_recommendation(recommendation=item, by=cro)
    assert client.get(edit).url == item.get_absolute_url()
    refused = client.post(edit, {**DATA, "title": "Sneaky change"})
    assert refused.status_code == 400 and str(rec.NOT_EDITABLE) in refused.content.decode()
    item.refresh_from_db()
    assert item.title == "Trailer rotation"


def test_decide_through_the_page(client_for, cro, chief):
    item = submitted(cro)
    url = reverse("reports:recommendation-decide", args=[item.pk])
    assert client_for(cro).post(url, {"decision": "approve"}).status_code == 403
    client = client_for(chief)
    refused = client.post(url, {"decision": "decline", "comment": ""})
    assert (
        refused.status_code == 400 and str(rec.DECLINE_COMMENT_REQUIRED) in refused.content.decode()
    )
    unknown = client.post(url, {"decision": "maybe", "comment": "Typed by the Chief"})
    assert unknown.status_code == 400 and "Typed by the Chief" in unknown.content.decode()
    assert client.post(url, {"decision": "return", "comment": "Which shifts?"}).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.chief_comment) == ("more_info", "Which shifts?")
    page = client_for(cro).get(item.get_absolute_url()).content.decode()
    assert "The Chief asked for more" in page and "Which shifts?" in page


def test_complete_through_the_page(client_for, cro, chief):
    item = submitted(cro)
    rec.decide_recommendation(recommendation=item, by=chief, decision=Decision.APPROVE)
    url = reverse("reports:recommendation-complete", args=[item.pk])
    client = client_for(cro)
    refused = client.post(url, {"outcome": " "})
    assert refused.status_code == 400 and str(rec.OUTCOME_REQUIRED) in refused.content.decode()
    assert client.post(url, {"outcome": "Bulletin issued to all shifts."}).status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.outcome == "Bulletin issued to all shifts."


def test_submit_through_the_page_and_refused_to_the_chief(client_for, cro, chief):
    item = draft(cro)
    url = reverse("reports:recommendation-submit", args=[item.pk])
    assert client_for(chief).post(url).status_code == 403
    assert client_for(cro).post(url).status_code == 302
    again = client_for(cro).post(url)
    assert again.status_code == 400 and str(rec.NOT_EDITABLE) in again.content.decode()


def test_detail_shows_links_timeline_and_the_right_buttons(client_for, cro, chief, officer):
    concern = ConcernFactory(reference="CR-2026-0042", reported_by=officer)
    evaluation = make_evaluation(cro, chief)
    survey = make_survey(cro)
    item = rec.save_recommendation(
        by=cro, data={**DATA, "evaluation": evaluation, "survey": survey}, concerns=[concern]
    )
    rec.submit_recommendation(recommendation=item, by=cro)

    chief_page = client_for(chief).get(item.get_absolute_url()).content.decode()
    assert f'href="{concern.get_absolute_url()}"' in chief_page
    assert f'href="{evaluation.get_absolute_url()}"' in chief_page
    assert f'href="{survey.get_absolute_url()}"' in chief_page
    assert "Your decision" in chief_page and 'value="approve"' in chief_page
    assert "Submit to the Chief</button>" not in chief_page

    cro_page = client_for(cro).get(item.get_absolute_url()).content.decode()
    assert "Your decision" not in cro_page and "Waiting for the Chief since" in cro_page

    rec.decide_recommendation(
        recommendation=item, by=chief, decision=Decision.APPROVE, comment="Go ahead."
    )
    rec.complete_recommendation(recommendation=item, by=cro, outcome="Trailer rotates weekly.")
    page = client_for(cro).get(item.get_absolute_url()).content.decode()
    for piece in (
        "Written",
        "Submitted",
        "Accepted",
        "Go ahead.",
        "Done",
        "Trailer rotates weekly.",
    ):
        assert piece in page, piece
    assert "Mark done" not in page and "Your decision" not in page


def test_list_filters_by_status(client_for, cro, chief):
    draft(cro, title="Still a draft")
    submitted(cro, title="With the Chief")
    client = client_for(chief)
    page = client.get(reverse("reports:recommendations"), {"status": "submitted"})
    text = page.content.decode()
    assert "With the Chief" in text and "Still a draft" not in text
    everything = client.get(reverse("reports:recommendations"), {"status": "bogus"})
    assert "With the Chief" in everything.content.decode()
    assert "Still a draft" in everything.content.decode()


def test_list_query_count_flat(client_for, cro, chief, officer, django_assert_max_num_queries):
    draft(cro)
    client = client_for(chief)
    client.get(reverse("reports:recommendations"))
    with django_assert_max_num_queries(15) as small:
        client.get(reverse("reports:recommendations"))
    evaluation = make_evaluation(cro, chief)
    survey = make_survey(cro)
    for i in range(12):
        rec.save_recommendation(
            by=cro,
            data={**DATA, "title": f"Idea {i}", "evaluation": evaluation, "survey": survey},
            concerns=[ConcernFactory(reported_by=officer) for _ in range(2)],
        )
    with django_assert_max_num_queries(15) as large:
        response = client.get(reverse("reports:recommendations"))
    assert "Idea 11" in response.content.decode()
    assert len(small.captured_queries) == len(large.captured_queries)


# --- The annual report ---


def _decided(cro, chief, title, decision, when, outcome=""):
    item = submitted(cro, title=title)
    rec.decide_recommendation(
        recommendation=item, by=chief, decision=decision, comment="Reason given."
    )
    if outcome:
        rec.complete_recommendation(recommendation=item, by=cro, outcome=outcome)
    Recommendation.objects.filter(pk=item.pk).update(decided_at=when)
    return item


def test_annual_lists_accepted_and_done_decided_in_the_year(cro, chief):
    _decided(
        cro,
        chief,
        "Accepted last evening of the year",
        Decision.APPROVE,
        local(2026, 12, 31, 23, 30),
    )
    _decided(
        cro,
        chief,
        "Done in spring",
        Decision.APPROVE,
        local(2026, 3, 2, 9),
        outcome="Order issued.",
    )
    _decided(cro, chief, "Declined this year", Decision.DECLINE, local(2026, 5, 1, 9))
    _decided(cro, chief, "Accepted the year before", Decision.APPROVE, local(2025, 12, 31, 23, 30))
    _decided(cro, chief, "Asked for more", Decision.RETURN, local(2026, 6, 1, 9))
    submitted(cro, title="Still waiting")

    data = build("annual", *Y2026)
    assert data["recommendations"] == [
        {
            "title": "Done in spring",
            "kind": "Improvement to a practice",
            "status": "Done",
            "decided_on": "2026-03-02",
            "done_on": timezone.localdate().isoformat(),
            "outcome": "Order issued.",
        },
        {
            "title": "Accepted last evening of the year",
            "kind": "Improvement to a practice",
            "status": "Accepted",
            "decided_on": "2026-12-31",
            "done_on": None,
            "outcome": "",
        },
    ]


def test_annual_section_is_one_query(cro, chief, django_assert_num_queries):
    for i in range(5):
        _decided(cro, chief, f"Idea {i}", Decision.APPROVE, local(2026, 4, 1 + i, 9))
    with django_assert_num_queries(1):
        assert len(_recommendations_section(*Y2026)) == 5


def test_annual_page_shows_the_section_and_copes_with_older_frozen_reports(client_for, cro, chief):
    _decided(cro, chief, "Spanish-language forum", Decision.APPROVE, local(2026, 4, 1, 9))
    live = Report.objects.create(
        kind="annual", period_start=Y2026[0], period_end=Y2026[1], created_by=cro
    )
    page = client_for(chief).get(live.get_absolute_url()).content.decode()
    assert "Recommendations to the Chief" in page and "Spanish-language forum" in page

    frozen = build("annual", *Y2026)
    del frozen["recommendations"]
    older = Report.objects.create(
        kind="annual",
        period_start=Y2026[0],
        period_end=Y2026[1],
        version=2,
        created_by=cro,
        status="submitted",
        data=frozen,
    )
    response = client_for(chief).get(older.get_absolute_url())
    section = response.content.decode().split('id="s-recommendations"')[1]
    assert response.status_code == 200
    assert "None." in section.split("</section>")[0]
    assert "Spanish-language forum" not in section


# --- Demo data ---


def test_demo_recommendations_cover_each_state_once(officer):
    from reports.demo import _seed_recommendations

    UserFactory(username="cro", is_demo=True, roles=[Role.CRO])
    UserFactory(username="chief", is_demo=True, roles=[Role.CHIEF])
    for category in ("traffic", "street_lighting", "noise", "quality_of_life"):
        ConcernFactory(category=category, reported_by=officer)
    assert _seed_recommendations() == 4
    assert _seed_recommendations() == 0
    assert sorted(Recommendation.objects.values_list("status", flat=True)) == [
        "accepted",
        "done",
        "more_info",
        "submitted",
    ]
    done = Recommendation.objects.get(status="done")
    assert done.outcome and done.done_on >= timezone.localdate(done.decided_at)
    assert Recommendation.objects.filter(concerns__isnull=False).distinct().count() == 4
