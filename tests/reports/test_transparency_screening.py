"""The screening of the transparency report's public narrative (002 300.8): what it finds,
what it leaves alone, and how a hit is cleared before submission and again before approval."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import User
from audit.models import AuditEvent
from core.decisions import Decision
from reports import services
from reports.builders import NARRATIVES
from reports.models import HitKind, Report, ScreeningAcceptance
from reports.screening import PUBLIC_NARRATIVES, screen, screen_report, uncleared
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

K = HitKind
YEAR = dt.date(2025, 6, 1)  # a year that has ended, whatever today's date


@pytest.fixture(autouse=True)
def members(db, cro, chief, officer):
    """Members with names the texts below can use (the factories' own are random), a
    former one, and the department's profile."""
    AgencyFactory(
        name="Alsip Police Department",
        chief_name="Eleanor Brooks",
        address="4500 W 123rd St, Alsip",
        phone="(708) 385-6902",
    )
    for user, (first, last, dsn) in {
        cro: ("Priya", "Natarajan", "2203"),
        chief: ("Eleanor", "Brooks", "1001"),
        officer: ("Dana", "Whitfield", "4101"),
    }.items():
        User.objects.filter(pk=user.pk).update(first_name=first, last_name=last, dsn=dsn)
    UserFactory(
        username="t-former", first_name="Marcus", last_name="Reilly", dsn="3102", is_active=False
    )
    UserFactory(username="t-park", first_name="Tom", last_name="Park", dsn="3310")
    UserFactory(username="t-alsip", first_name="Jane", last_name="Alsip", dsn="3311")


def found(text):
    return [(hit.kind, hit.text) for hit in screen(text)]


# --- What the screening finds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Members' names: full names, last names alone in any case, former members too.
        ("Thanks to Dana Whitfield for the forums.", [(K.NAME, "Dana Whitfield")]),
        ("thanks to officer whitfield", [(K.NAME, "whitfield")]),
        ("Sgt. Reilly retired in May.", [(K.NAME, "Sgt. Reilly")]),
        ("NATARAJAN led the unit.", [(K.NAME, "NATARAJAN")]),
        ("Chief Eleanor Brooks thanks residents.", [(K.NAME, "Chief Eleanor Brooks")]),
        # A person after a title or "suspect", member or not.
        ("The suspect John Doe was arrested.", [(K.NAME, "suspect John Doe")]),
        ("Mr. Doe thanked Officer Kowalski.", [(K.NAME, "Mr. Doe"), (K.NAME, "Officer Kowalski")]),
        ("La Sra. Pérez habló en el foro.", [(K.NAME, "Sra. Pérez")]),
        # DSNs.
        ("Unit 4101 answered.", [(K.DSN, "4101")]),
        ("badge #77 and DSN 9", [(K.DSN, "badge #77"), (K.DSN, "DSN 9")]),
        # Concern references.
        ("See CR-2026-0045.", [(K.REFERENCE, "CR-2026-0045")]),
        ("see cr-2025-12", [(K.REFERENCE, "cr-2025-12")]),
        # Case numbers.
        ("File 2026-004512 closed.", [(K.CASE_NUMBER, "2026-004512")]),
        ("Case #24-1187 went to court.", [(K.CASE_NUMBER, "Case #24-1187")]),
        ("under RD# JB123456", [(K.CASE_NUMBER, "RD# JB123456")]),
        ("incident 26-001234 was", [(K.CASE_NUMBER, "incident 26-001234")]),
        ("report no. 1187", [(K.CASE_NUMBER, "report no. 1187")]),
        ("a 26-001234 arrest", [(K.CASE_NUMBER, "26-001234")]),
        ("JB123456 was", [(K.CASE_NUMBER, "JB123456")]),
        ("expediente 2026-114 cerrado", [(K.CASE_NUMBER, "expediente 2026-114")]),
        # Phone numbers.
        ("Call (708) 555-0199.", [(K.PHONE, "(708) 555-0199")]),
        ("Call 708.555.0199 or 555-0123", [(K.PHONE, "708.555.0199"), (K.PHONE, "555-0123")]),
        ("+1 708 555 0199", [(K.PHONE, "+1 708 555 0199")]),
        # Email addresses, whole even when a name is in them.
        ("Write to dana.whitfield@example.org.", [(K.EMAIL, "dana.whitfield@example.org")]),
        # Street addresses.
        ("at 1234 Elm St on", [(K.ADDRESS, "1234 Elm St")]),
        ("at 17 N Main Street.", [(K.ADDRESS, "17 N Main Street")]),
        ("the 400 block of Elm St", [(K.ADDRESS, "400 block of Elm St")]),
        ("the 400 block of Elm", [(K.ADDRESS, "400 block of Elm")]),
        ("at 82 West 127th Pl", [(K.ADDRESS, "82 West 127th Pl")]),
        ("en la calle Ocho 1500", [(K.ADDRESS, "calle Ocho 1500")]),
        ("en la cuadra 400 de la calle Elm", [(K.ADDRESS, "cuadra 400 de la calle Elm")]),
    ],
)
def test_screen_finds_each_kind(text, expected):
    assert found(text) == expected


def test_every_narrative_box_of_the_transparency_report_is_screened():
    assert set(PUBLIC_NARRATIVES) == {key for key, _heading in NARRATIVES["transparency"]}


def test_screen_gives_the_position_and_a_short_context():
    text = "Residents on the east side met the unit often. " * 2 + "Ask Dana Whitfield."
    (hit,) = screen(text)
    assert text[hit.start : hit.end] == "Dana Whitfield"
    assert hit.context.startswith("…") and "Ask Dana Whitfield." in hit.context
    assert len(hit.context) < 90


@pytest.mark.parametrize(
    "text",
    [
        "Community Relations",
        "The Community Relations Unit met every watch group in 2026.",
        "In Q3 2026, fewer than 5 concerns were about lighting; 45% were resolved, up 12.5%.",
        "From 2025-2026 concerns fell; 1,234 were received and 1 180 resolved.",
        "The Alsip Police Department thanks residents.",
        "A new park opened; young people came to the forum.",
        "Chief of Police; Jefe de Policía; the Chief; Officer Friendly visited schools.",
        "Call 911 in an emergency, 311 for city services.",
        "Report 2026 covers the year; case 2026 is the year; 12 forums, 340 attending.",
        "The 2026 Toy Drive collected 500 toys.",
        "Statistics for 2026-12-31 and the first half (January–June 2026).",
        "Visit the department at 4500 W 123rd St or call (708) 385-6902.",
        "El Departamento celebró 12 foros en 2026; menos de 5 inquietudes quedaron abiertas.",
    ],
)
def test_screen_leaves_ordinary_text_alone(text):
    assert found(text) == []


def test_a_last_name_that_is_a_word_counts_after_a_title_or_in_full():
    assert found("The park was busy.") == []
    assert found("Officer Park and Tom Park came.") == [
        (K.NAME, "Officer Park"),
        (K.NAME, "Tom Park"),
    ]


def test_a_name_inside_the_agency_name_is_not_a_hit():
    assert found("Alsip Police Department") == []
    assert found("Jane Alsip of the Alsip Police Department") == [(K.NAME, "Jane Alsip")]


def test_screen_reads_the_members_once(django_assert_max_num_queries):
    UserFactory.create_batch(5)
    report = services.generate_report(
        kind="transparency", day=YEAR, by=User.objects.get(username="t-cro")
    )
    report.narratives = {"introduction": "Dana Whitfield " * 50, "introduction_es": "Natarajan"}
    # The members, the agency profile, the acceptances: three, however many members.
    with django_assert_max_num_queries(3):
        hits = screen_report(report)
    assert len(hits) == 51


# --- Clearing: submission and approval -------------------------------------------------

DIRTY = "Officer Whitfield met the family at 1234 Elm St about CR-2026-0045."
CLEAN = "Residents raised traffic and noise; the unit met every watch group."


def draft(cro, introduction=DIRTY, introduction_es=""):
    report = services.generate_report(kind="transparency", day=YEAR, by=cro)
    narratives = {"introduction": introduction, "introduction_es": introduction_es}
    return services.save_narratives(report=report, by=cro, narratives=narratives)


def test_submit_is_refused_while_hits_remain_and_names_them(cro):
    report = draft(cro)
    with pytest.raises(ValidationError) as refused:
        services.submit_report(report=report, by=cro, late_reason="Late.")
    message = refused.value.messages[0]
    for text in ("Officer Whitfield", "1234 Elm St", "CR-2026-0045"):
        assert f"“{text}”" in message
    assert "002 §300.8" in message
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and report.data is None


def test_the_spanish_narrative_is_screened_too(cro):
    report = draft(cro, introduction=CLEAN, introduction_es="Llame al (708) 555-0199.")
    (hit,) = screen_report(report)
    assert (hit.kind, hit.text, hit.narrative) == (K.PHONE, "(708) 555-0199", "introduction_es")
    with pytest.raises(ValidationError, match="555-0199"):
        services.submit_report(report=report, by=cro, late_reason="Late.")


def test_taking_a_hit_out_of_the_text_clears_it(cro):
    report = draft(cro)
    report = services.save_narratives(
        report=report, by=cro, narratives={"introduction": CLEAN, "introduction_es": ""}
    )
    assert screen_report(report) == []
    services.submit_report(report=report, by=cro, late_reason="Late.")
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED


def test_an_acceptance_with_a_reason_is_audited_and_clears_that_text(cro, chief):
    report = draft(cro, introduction="Officer Whitfield opened the 1234 Elm St office.")
    services.accept_screening_hit(
        report=report,
        by=cro,
        kind=K.NAME,
        text="Officer Whitfield",
        reason="She asked to be thanked by name; the Chief agreed.",
    )
    with pytest.raises(ValidationError, match="1234 Elm St") as refused:
        services.submit_report(report=report, by=cro, late_reason="Late.")
    assert "Whitfield" not in refused.value.messages[0]
    acceptance = services.accept_screening_hit(
        report=report, by=cro, kind=K.ADDRESS, text="1234 Elm St", reason="The city's office."
    )
    services.submit_report(report=report, by=cro, late_reason="Late.")
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    assert Report.objects.get(pk=report.pk).status == Report.Status.APPROVED
    # In the audit trail: who kept which text, and why.
    event = AuditEvent.objects.get(
        record_type="reports_screeningacceptance", record_id=str(acceptance.pk)
    )
    assert event.action == AuditEvent.Action.INSERT
    assert event.changes["text"] == "1234 Elm St"
    assert event.changes["reason"] == "The city's office."
    assert event.changes["by_id"] == cro.pk


def test_an_acceptance_applies_to_its_exact_text_only(cro):
    report = draft(cro, introduction="Officer Whitfield came.")
    services.accept_screening_hit(
        report=report, by=cro, kind=K.NAME, text="Officer Whitfield", reason="Agreed."
    )
    assert uncleared(report) == []
    report = services.save_narratives(
        report=report, by=cro, narratives={"introduction": "Officer WHITFIELD came."}
    )
    assert [hit.text for hit in uncleared(report)] == ["Officer WHITFIELD"]
    # And to its own report: a new version is screened again.
    report = services.save_narratives(
        report=report, by=cro, narratives={"introduction": "Officer Whitfield came."}
    )
    assert uncleared(report) == []
    newer = services.generate_report(kind="transparency", day=YEAR, by=cro)
    assert [hit.text for hit in uncleared(newer)] == ["Officer Whitfield"]


def test_an_acceptance_needs_a_reason_a_current_hit_and_the_cro(cro, chief):
    report = draft(cro, introduction="Officer Whitfield came.")
    with pytest.raises(ValidationError, match="Say why"):
        services.accept_screening_hit(
            report=report, by=cro, kind=K.NAME, text="Officer Whitfield", reason="  "
        )
    with pytest.raises(ValidationError, match="nothing to accept"):
        services.accept_screening_hit(
            report=report, by=cro, kind=K.NAME, text="Whitfield came", reason="x"
        )
    with pytest.raises(ValidationError, match="nothing to accept"):
        services.accept_screening_hit(
            report=report, by=cro, kind=K.PHONE, text="Officer Whitfield", reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.accept_screening_hit(
            report=report, by=chief, kind=K.NAME, text="Officer Whitfield", reason="x"
        )
    services.accept_screening_hit(
        report=report, by=cro, kind=K.NAME, text="Officer Whitfield", reason="Agreed."
    )
    with pytest.raises(ValidationError, match="already accepted"):
        services.accept_screening_hit(
            report=report, by=cro, kind=K.NAME, text="Officer Whitfield", reason="Again."
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ScreeningAcceptance.objects.create(
            report=report, kind=K.NAME, text="Officer Whitfield", reason="Twice.", by=cro
        )


def test_approval_screens_again_and_returning_is_always_allowed(cro, chief):
    report = draft(cro, introduction="Thanks to Lt. Ng and to Sam Okoro of the library.")
    services.accept_screening_hit(
        report=report, by=cro, kind=K.NAME, text="Lt. Ng", reason="Retired; asked to be named."
    )
    services.submit_report(report=report, by=cro, late_reason="Late.")
    # A member joins after the submission, and shares the name the CRO wrote.
    UserFactory(username="t-okoro", first_name="Sam", last_name="Okoro")
    with pytest.raises(ValidationError, match="Sam Okoro"):
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
    services.decide_report(
        decision=Decision.RETURN, report=report, by=chief, comment="Leave the name out."
    )
    assert Report.objects.get(pk=report.pk).status == Report.Status.RETURNED


def test_a_year_is_submitted_and_approved_only_once_it_has_ended(cro, chief):
    zone = timezone.get_current_timezone()
    with time_machine.travel(dt.datetime(2026, 12, 31, 23, 30, tzinfo=zone), tick=False):
        report = services.generate_report(kind="transparency", day=dt.date(2026, 3, 1), by=cro)
        services.save_narratives(report=report, by=cro, narratives={"introduction": CLEAN})
        with pytest.raises(ValidationError, match="December 31, 2026"):
            services.submit_report(report=report, by=cro)
    with time_machine.travel(dt.datetime(2027, 1, 1, 0, 30, tzinfo=zone), tick=False):
        services.submit_report(report=report, by=cro)
    # A report submitted with the clock wrong is still not published before the year ends.
    with time_machine.travel(dt.datetime(2026, 12, 31, 12, 0, tzinfo=zone), tick=False):
        with pytest.raises(ValidationError, match="2026 has not ended.*January 1, 2027"):
            services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
        services.decide_report(
            decision=Decision.RETURN, report=report, by=chief, comment="Wait for January."
        )
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, 0, tzinfo=zone), tick=False):
        services.submit_report(report=report, by=cro)
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    assert Report.objects.get(pk=report.pk).status == Report.Status.APPROVED


# --- The report's page -----------------------------------------------------------------


def test_the_cro_and_the_chief_see_the_hits_and_the_cro_accepts_one(client_for, cro, chief):
    report = draft(cro, introduction="Officer Whitfield came.", introduction_es="Vea CR-2026-0045.")
    client = client_for(cro)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Screening of the public narrative" in html and "2 to clear" in html
    assert "Officer Whitfield" in html and "CR-2026-0045" in html
    assert "Spanish introduction" in html
    url = reverse("reports:screening-accept", args=[report.pk])
    refused = client.post(url, {"kind": "name", "text": "Officer Whitfield", "reason": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    accepted = client.post(
        url, {"kind": "name", "text": "Officer Whitfield", "reason": "Asked to be thanked."}
    )
    assert accepted.status_code == 302
    again = client.post(url, {"kind": "name", "text": "Officer Whitfield", "reason": "Twice."})
    assert again.status_code == 400 and "That text was already accepted." in again.content.decode()
    services.accept_screening_hit(
        report=report, by=cro, kind=K.REFERENCE, text="CR-2026-0045", reason="Our own example."
    )
    services.submit_report(report=report, by=cro, late_reason="Late.")
    html = client_for(chief).get(report.get_absolute_url()).content.decode()
    assert "All cleared" in html and "Asked to be thanked." in html
    assert "Our own example." in html and "by Lt. Priya Natarajan on" in html
    # The Chief reads them; only the CRO, before submitting, accepts.
    assert reverse("reports:screening-accept", args=[report.pk]) not in html


def test_a_refused_approval_shows_the_chief_why(client_for, cro, chief):
    report = draft(cro, introduction=CLEAN)
    services.submit_report(report=report, by=cro, late_reason="Late.")
    UserFactory(username="t-traffic", first_name="Ann", last_name="Raised")
    page = client_for(chief).post(reverse("reports:approve", args=[report.pk]))
    assert page.status_code == 400
    html = page.content.decode()
    assert "“raised” (person&#x27;s name)" in html
    assert "return it to the CRO" in html


# --- The Spanish PDF -------------------------------------------------------------------


def test_approval_renders_the_spanish_pdf_beside_the_english_one(
    cro, chief, django_capture_on_commit_callbacks
):
    report = draft(
        cro,
        introduction="What residents told us this year.",
        introduction_es="Lo que nos dijeron los residentes este año.",
    )
    services.submit_report(report=report, by=cro, late_reason="Late.")
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_report(decision=Decision.APPROVE, report=report, by=chief)
    report.refresh_from_db()
    assert len(report.pdf_sha256) == 64 and len(report.pdf_es_sha256) == 64
    assert report.pdf_es.name != report.pdf.name

    def text_of(file):
        with file.open("rb") as f:
            return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(f.read())).pages)

    spanish, english = text_of(report.pdf_es), text_of(report.pdf)
    assert "Lo que nos dijeron los residentes este año." in spanish
    assert "Acerca de este informe" in spanish and "Solo estadísticas" in spanish
    assert "What residents told us this year." in english
    assert "Lo que nos dijeron" not in english
    # Rendered once: asking again is refused, and the file stays.
    with pytest.raises(ValidationError, match="final"):
        services.request_spanish_pdf(report=report, by=cro)


def test_a_spanish_pdf_that_did_not_render_is_asked_for_again_from_the_page(
    client_for, cro, chief, django_capture_on_commit_callbacks
):
    report = draft(cro, introduction=CLEAN, introduction_es="Los residentes hablaron del tráfico.")
    services.submit_report(report=report, by=cro, late_reason="Late.")
    services.decide_report(decision=Decision.APPROVE, report=report, by=chief)  # not committed
    client = client_for(cro)
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Render the Spanish PDF" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:render-spanish", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert len(report.pdf_es_sha256) == 64 and not report.pdf_sha256
    html = client.get(report.get_absolute_url()).content.decode()
    assert "Open the Spanish PDF" in html and report.pdf_es_sha256 in html
    assert client.post(reverse("reports:render-spanish", args=[report.pk])).status_code == 400
