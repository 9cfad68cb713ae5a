"""`/status/`: a resident sees where their concern stands with its reference and private
code (concerns/status.py), and nothing else."""

import datetime as dt
import re
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import RateLimitHit
from audit.models import AuditEvent
from concerns import services, status
from concerns.models import Concern
from core.roles import Role
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("status")
TZ = timezone.get_default_timezone()
# Everything the page must never show of a concern (set on every concern below).
SECRETS = {
    "source_name": "Jordan Quillfeather",
    "source_contact": "(555) 010-7788",
    "contact_email": "jordan.q@example.org",
    "area": "14 Birch Lane, Apt 2",
    "summary": "Speeding past Lincoln school",
    "description": "A grey van speeds past the school every morning.",
    "suggestions": "A radar trailer by the gate.",
    "reporter_name": "Ofc. Harriet Vanterpool",
}
INTERNAL_NOTE = "Checked with Sgt. Okonkwo, plate seen twice."
PUBLIC_NOTE = "Extra patrols at school times from next week."


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=TZ)


def make_concern(**overrides) -> Concern:
    values = dict(SECRETS, date_received=dt.date(2026, 3, 2), consent_to_contact=True)
    values.update(overrides)
    with time_machine.travel(at(2), tick=False):
        return ConcernFactory(**values)


def check(client, concern_or_reference, code=None, *, lang="en", **request):
    """Post the form; `request` holds the request's own settings (REMOTE_ADDR)."""
    reference = getattr(concern_or_reference, "reference", concern_or_reference)
    if code is None:
        code = status.private_code(concern_or_reference)
    return client.post(URL, {"reference": reference, "code": code, "lang": lang}, **request)


def wrong_code(concern) -> str:
    right = status.private_code(concern)
    return ("B" if right[0] != "B" else "C") + right[1:]


@pytest.fixture
def worked(supervisor, cro):
    """A concern escalated, forwarded, noted, assigned and resolved, on known days."""
    officer = UserFactory(
        username="t-vanterpool", first_name="Harriet", last_name="Vanterpool", roles=[Role.OFFICER]
    )
    concern = make_concern(reported_by=officer)
    with time_machine.travel(at(3), tick=False):
        services.escalate_concern(concern=concern, by=officer, note="Beyond me.")
    with time_machine.travel(at(4), tick=False):
        services.forward_concern(concern=concern, by=supervisor, note="For the CRO.")
    with time_machine.travel(at(5), tick=False):
        services.add_note(concern=Concern.objects.get(pk=concern.pk), by=cro, text=INTERNAL_NOTE)
        assignee = UserFactory(
            username="t-okafor", first_name="Bartholomew", last_name="Okafor", roles=[Role.OFFICER]
        )
        services.assign_concern(
            concern=Concern.objects.get(pk=concern.pk), by=cro, assignee=assignee
        )
    with time_machine.travel(at(9), tick=False):
        concern = Concern.objects.get(pk=concern.pk)
        concern.public_note = PUBLIC_NOTE
        concern.save(update_fields=["public_note"])
        services.resolve_concern(concern=concern, by=cro, resolution="Patrols arranged by Okafor.")
    concern.refresh_from_db()
    return concern, [officer, supervisor, cro, assignee]


# --- The code -------------------------------------------------------------------------


def test_private_code_is_ten_readable_characters_and_stable():
    concern = make_concern()
    code = status.private_code(concern)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{5}-[A-HJ-NP-Z2-9]{5}", code)
    assert status.private_code(Concern.objects.get(pk=concern.pk)) == code
    assert status.private_code(make_concern(reference="CR-2026-0002")) != code


def test_private_codes_spread_over_the_whole_alphabet():
    codes = [status._code_of(uuid.uuid4()) for _ in range(400)]
    assert len(set(codes)) == 400
    assert set("".join(codes)) == set(status.ALPHABET)


def test_rotating_the_secret_key_voids_the_codes_unless_kept_as_fallback(client, settings):
    concern = make_concern()
    code = status.private_code(concern)
    old_key, settings.SECRET_KEY = settings.SECRET_KEY, "another-secret-key-" + "y" * 40
    assert status.private_code(concern) != code
    assert check(client, concern, code).status_code == 400
    # Unless the old key is kept among Django's fallbacks while the old emails are read.
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert check(client, concern, code).status_code == 302
    assert check(client, concern).status_code == 302  # the new code works as well


# --- The page -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "heading", "button"),
    [
        ("en", "Where is my concern?", "Check the status"),
        ("es", "¿Dónde está mi inquietud?", "Consultar el estado"),
    ],
)
def test_status_page_opens_without_an_account(client, lang, heading, button):
    response = client.get(URL, {"lang": lang})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    assert heading in html and button in html
    # No Referer ever leaves the site (and this address holds no secret).
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_status_page_is_get_and_post_only(client):
    assert client.put(URL).status_code == 405


def test_right_code_shows_status_and_dates_only(client, worked):
    concern, people = worked
    response = check(client, concern)
    assert response.status_code == 302
    assert response.url == f"{URL}?lang=en"
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert concern.reference in html
    assert 'id="status-words">Resolved<' in html
    assert PUBLIC_NOTE in html
    assert "Traffic" in html
    steps = re.findall(r'<time datetime="([\d-]+)">', html)
    # Received on the 2nd, work began with the escalation on the 3rd, resolved on the 9th.
    assert steps == ["2026-03-02", "2026-03-03", "2026-03-09"]
    for value in SECRETS.values():
        assert value not in html
    assert INTERNAL_NOTE not in html and "Patrols arranged" not in html
    assert "Beyond me" not in html and "For the CRO" not in html
    for person in people:
        for name in (person.get_full_name(), person.last_name, person.username):
            if name:
                assert name not in html
    for word in ("Escalated", "Forwarded", "Assigned", "Citizen", "source"):
        assert word not in html
    assert page["Referrer-Policy"] == "same-origin"
    assert "no-store" in page["Cache-Control"]


def test_status_in_spanish(client, worked):
    concern, _people = worked
    check(client, concern, lang="es")
    html = client.get(f"{URL}?lang=es").content.decode()
    assert 'id="status-words">Resuelta<' in html
    assert "Tráfico" in html
    assert "Consultar otra inquietud" in html
    assert "9 de marzo de 2026" in html


def test_received_and_in_progress(client, officer):
    concern = make_concern(reported_by=officer)
    check(client, concern)
    html = client.get(URL).content.decode()
    assert 'id="status-words">Received<' in html
    assert re.findall(r'<time datetime="([\d-]+)">', html) == ["2026-03-02"]
    with time_machine.travel(at(6), tick=False):
        services.escalate_concern(concern=concern, by=officer)
    html = client.get(URL).content.decode()
    assert 'id="status-words">In progress<' in html
    assert re.findall(r'<time datetime="([\d-]+)">', html) == ["2026-03-02", "2026-03-06"]


def test_reopened_concern_shows_the_reopening(client, worked, cro):
    concern, _people = worked
    with time_machine.travel(at(12), tick=False):
        services.reopen_concern(concern=concern, by=cro, reason="Still speeding.")
    check(client, concern)
    html = client.get(URL).content.decode()
    assert 'id="status-words">In progress<' in html
    assert "Reopened" in html and "Still speeding" not in html
    assert re.findall(r'<time datetime="([\d-]+)">', html) == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-12",
    ]


def test_conduct_concern_shows_status_and_dates_only(client, officer):
    concern = make_concern(
        category=Concern.Category.CONDUCT_BIAS, public_note="Officer Vanterpool was spoken to."
    )
    check(client, concern)
    html = client.get(URL).content.decode()
    assert concern.reference in html
    assert 'id="status-words">' in html and "<time" in html
    assert "Vanterpool" not in html
    assert "conduct" not in html.lower() and 'id="status-category"' not in html
    for value in SECRETS.values():
        assert value not in html


def test_code_is_forgiving_about_case_spaces_and_dashes(client):
    concern = make_concern(reference="CR-2026-0123")
    code = status.private_code(concern).replace("-", " ").lower()
    assert check(client, " cr 2026-123 ", code).status_code == 302
    # A reference imported with more zeros is found as it is written.
    imported = make_concern(reference="CR-2026-00077")
    assert check(client, "CR-2026-00077", status.private_code(imported)).status_code == 302


# --- No oracle ------------------------------------------------------------------------


def _without_tokens(html: str, typed: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(typed, "(typed)")


def test_wrong_code_and_unknown_reference_answer_the_same(client):
    concern = make_concern(reference="CR-2026-0456")
    code = wrong_code(concern)
    wrong = check(client, "CR-2026-0456", code)
    unknown = check(client, "CR-2026-0457", code)
    assert wrong.status_code == unknown.status_code == 400
    assert "could not find a concern with that reference and code" in wrong.content.decode()
    assert _without_tokens(wrong.content.decode(), "CR-2026-0456") == _without_tokens(
        unknown.content.decode(), "CR-2026-0457"
    )
    # Both count, both are recorded the same way.
    assert RateLimitHit.objects.filter(scope=status.SCOPE).count() == 2
    details = list(
        AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED)
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [
        "Status page: reference and code did not match (CR-2026-0456)",
        "Status page: reference and code did not match (CR-2026-0457)",
    ]


def test_failed_guess_is_audited_without_the_code(client):
    concern = make_concern()
    code = wrong_code(concern)
    check(client, concern, code, REMOTE_ADDR="198.51.100.23")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert concern.reference in event.detail
    assert event.path == "POST /status/"
    assert event.client_address == "198.51.100.23"
    stored = " ".join(str(v) for v in AuditEvent.objects.values_list())
    for shape in (code, code.replace("-", ""), status.private_code(concern).replace("-", "")):
        assert shape not in stored


def test_rate_limited_after_ten_wrong_answers(client):
    concern = make_concern()
    with time_machine.travel(at(20), tick=False):
        for _ in range(status.FAILED_TRIES_PER_HOUR):
            assert check(client, concern, wrong_code(concern)).status_code == 400
    with time_machine.travel(at(20, 11) - dt.timedelta(minutes=20), tick=False):
        refused = check(client, concern)  # even the right code is not looked at
        html = refused.content.decode()
        assert refused.status_code == 429
        assert "Too many wrong tries from your connection in the last hour" in html
        assert "try again in 20 minutes" in html
        assert refused["Retry-After"] == str(20 * 60)
        assert concern.reference in html  # what was typed stays
        # Another client is not held back.
        assert check(client, concern, REMOTE_ADDR="203.0.113.9").status_code == 302
    failures = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).order_by("id")
    assert failures.count() == status.FAILED_TRIES_PER_HOUR  # the refused try adds nothing
    assert "10 wrong answers in the hour, further tries refused" in failures.last().detail
    with time_machine.travel(at(20, 11) + dt.timedelta(minutes=1), tick=False):
        assert check(client, concern).status_code == 302


def test_right_answers_are_not_counted(client):
    concern = make_concern()
    for _ in range(status.FAILED_TRIES_PER_HOUR + 2):
        assert check(client, concern).status_code == 302
    assert not RateLimitHit.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).exists()


# --- Bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "code", "message"),
    [
        ("x" * 500, "ABCDE-FGHJK", "Ensure this value has at most 40 characters (it has 500)."),
        ("CR-2026-0001", "Z" * 500, "Ensure this value has at most 40 characters (it has 500)."),
        ("'; DROP TABLE concerns_concern; --", "ABCDE-FGHJK", "This is not a reference."),
        ("CR-2026-0001", "ABCDE-0OI1K", "It never has the letters O or I"),
        ("CR-2026-0001", "ABC", "A private code has ten letters and numbers"),
        ("", "", "This field is required."),
    ],
)
def test_junk_gets_a_clear_error_and_keeps_what_was_typed(client, reference, code, message):
    make_concern(reference="CR-2026-0001")
    response = client.post(URL, {"reference": reference, "code": code})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    assert 'id="error-summary"' in html
    if reference:
        assert f'value="{reference[:100]}' in html.replace("&#x27;", "'")
    # The shape of an answer is no secret: a malformed one is not a guess.
    assert not RateLimitHit.objects.exists()


def test_nul_is_refused_by_the_site_guard(client):
    response = client.get(URL, {"ref": "CR-2026-0001\x00", "code": "ABCDE-FGHJK"})
    assert response.status_code == 400
    response = client.post(URL, {"reference": "CR\x00", "code": "A"})
    assert response.status_code == 400
    assert not RateLimitHit.objects.exists()


def test_wrong_answer_keeps_what_was_typed(client):
    concern = make_concern()
    code = wrong_code(concern)
    html = check(client, concern, code).content.decode()
    assert f'value="{concern.reference}"' in html
    assert f'value="{code}"' in html


# --- The link in the email ------------------------------------------------------------


def test_link_is_read_once_and_leaves_a_clean_address(client, worked):
    concern, _people = worked
    code = status.private_code(concern)
    response = client.get(URL, {"ref": concern.reference, "code": code, "lang": "es"})
    assert response.status_code == 302
    assert response.url == f"{URL}?lang=es"
    assert code not in response.url and concern.reference not in response.url
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    page = client.get(response.url)
    assert 'id="status-words">Resuelta<' in page.content.decode()
    # "Check another concern" forgets the result.
    forgotten = client.post(URL, {"forget": "1", "lang": "es"})
    assert forgotten.status_code == 302
    assert 'id="status-result"' not in client.get(URL).content.decode()


def test_link_with_a_wrong_code_is_a_wrong_answer_shown_once(client):
    concern = make_concern()
    code = wrong_code(concern)
    response = client.get(URL, {"ref": concern.reference, "code": code})
    assert response.status_code == 302 and response.url == f"{URL}?lang=en"
    assert response["Referrer-Policy"] == "no-referrer"
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 400
    assert "could not find a concern" in html
    assert f'value="{concern.reference}"' in html and f'value="{code}"' in html
    # Counted once, not again when shown; shown once.
    assert RateLimitHit.objects.filter(scope=status.SCOPE).count() == 1
    again = client.get(URL)
    assert again.status_code == 200 and "could not find" not in again.content.decode()


def test_link_with_junk_is_a_clear_error_after_its_redirect(client):
    response = client.get(URL, {"ref": "x" * 500, "code": "<script>"})
    assert response.status_code == 302
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 400
    assert "Ensure this value has at most 40 characters (it has 200)." in html
    assert "<script>" not in html
    assert not RateLimitHit.objects.exists()


def test_link_over_the_limit_is_429_after_its_redirect(client):
    concern = make_concern()
    for _ in range(status.FAILED_TRIES_PER_HOUR):
        check(client, concern, wrong_code(concern))
    response = client.get(URL, {"ref": concern.reference, "code": status.private_code(concern)})
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 429
    assert "Too many wrong tries" in page.content.decode()
    assert 3500 <= int(page["Retry-After"]) <= 3600


def test_the_result_is_kept_for_half_an_hour(client):
    concern = make_concern()
    with time_machine.travel(at(20), tick=False):
        check(client, concern)
    with time_machine.travel(at(20) + dt.timedelta(minutes=29), tick=False):
        assert 'id="status-result"' in client.get(URL).content.decode()
    with time_machine.travel(at(20) + dt.timedelta(minutes=31), tick=False):
        assert 'id="status-result"' not in client.get(URL).content.decode()


def test_result_page_reads_a_fixed_number_of_queries(client, worked, django_assert_max_num_queries):
    concern, _people = worked
    check(client, concern)
    with django_assert_max_num_queries(4):  # session, concern, its dates, the agency
        assert client.get(URL).status_code == 200


def test_nothing_english_is_left_on_the_spanish_pages(client, worked):
    from tests.concerns.test_public_languages import assert_no_english_left, read_catalog

    catalog = [e for e in read_catalog() if e["msgid"]]
    concern, _people = worked
    code = status.private_code(concern)
    pages = {}
    for lang in ("en", "es"):
        client.cookies.clear()
        form = client.get(URL, {"lang": lang}).content.decode()
        wrong = check(client, concern, wrong_code(concern), lang=lang).content.decode()
        check(client, concern, lang=lang)
        pages[lang] = (form, wrong, client.get(URL, {"lang": lang}).content.decode())
    data = [concern.reference, PUBLIC_NOTE, code, wrong_code(concern)]
    for en, es in zip(pages["en"], pages["es"], strict=True):
        assert_no_english_left(en, es, catalog, data=data)
