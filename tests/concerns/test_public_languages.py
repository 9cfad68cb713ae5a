"""The public pages in English and Spanish: the resident's choice (`?lang=`) is remembered in
the language cookie, nothing of the English is left on a Spanish page, the English pages say
what they said before, and dates and numbers are written the way each language writes them."""

import ast
import datetime as dt
import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Agency
from concerns.forms import PublicFeedbackForm
from core.decisions import Decision
from notifications.notify import stop_token
from reports.models import Report
from reports.public_views import public_figures
from surveys import services as survey_services
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
COOKIE = settings.LANGUAGE_COOKIE_NAME

# Every template a visitor reaches without signing in (500 and 503 carry both languages).
PUBLIC_TEMPLATES = [
    "templates/_public_base.html",
    "templates/surveys/_language.html",
    "templates/concerns/feedback.html",
    "templates/concerns/feedback_received.html",
    "templates/reports/transparency.html",
    "templates/reports/transparency_year.html",
    "templates/reports/transparency_pdf_link.html",
    "templates/reports/transparency_groups.html",
    "templates/reports/transparency_small_counts.html",
    "templates/reports/transparency_trends.html",
    "templates/reports/transparency_count.html",
    "templates/accounts/_area_map.html",  # the transparency page's map and its table
    "templates/concerns/status.html",
    "templates/surveys/public_form.html",
    "templates/surveys/_question.html",
    "templates/surveys/public_thanks.html",
    "templates/surveys/public_closed.html",
    "templates/surveys/public_already.html",
    "templates/surveys/public_invitation_only.html",
    "templates/notifications/resident_stop.html",
    "templates/403.html",
    "templates/404.html",
]

# Words that read the same in both languages, or are the resident's own data.
SAME_IN_BOTH = {"English", "Español", "Error:", "PDF", "911", "No"}


# --- The catalogue ---------------------------------------------------------------------


def read_catalog(path=CATALOG) -> list[dict]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), the files
    that use it and its flags. Obsolete (#~) entries are left out."""
    entries, entry, field = [], {}, None

    def flush():
        nonlocal entry, field
        if "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)
        entry, field = {}, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#:"):
            if "msgid" in entry:
                flush()
            entry.setdefault("files", set()).update(
                ref.rsplit(":", 1)[0] for ref in line[2:].split()
            )
        elif line.startswith("#,"):
            entry["flags"] = {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if field.startswith("msgstr"):
                entry["msgstr"][-1] += value
            else:
                entry[field] += value
        else:
            key, value = line.split(" ", 1)
            value = ast.literal_eval(value)
            if key.startswith("msgstr"):
                entry.setdefault("msgstr", []).append(value)
                field = "msgstr"
            else:
                if key == "msgctxt" and "msgid" in entry:
                    flush()
                entry[key] = value
                field = key
    flush()
    return entries


@pytest.fixture(scope="module")
def catalog():
    return [e for e in read_catalog() if e["msgid"]]


def translated(entry) -> bool:
    return (
        bool(entry.get("msgstr"))
        and all(entry["msgstr"])
        and "fuzzy" not in entry.get("flags", set())
    )


# --- What a page shows -----------------------------------------------------------------


class _Text(HTMLParser):
    """The text a person reads or hears: text nodes outside script and style, and the
    labels given in attributes."""

    SKIP = {"script", "style"}
    SPOKEN = ("aria-label", "title", "alt", "placeholder")

    def __init__(self):
        super().__init__()
        self.nodes: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in self.SPOKEN and value:
                self.nodes.append(value)

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.nodes.append(data)


def text_nodes(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    nodes = {" ".join(n.split()) for n in parser.nodes}
    return {n for n in nodes if re.search(r"[A-Za-zÁÉÍÓÚáéíóúñÑ]", n)}


def visible_text(html: str) -> str:
    return " | ".join(sorted(text_nodes(html)))


def assert_no_english_left(en_html: str, es_html: str, catalog, *, data=()):
    """Nothing of the English page is on the Spanish one but the resident's data, and no
    catalogue text of the English page (with its Spanish written) shows on the Spanish one."""
    allowed = SAME_IN_BOTH | set(data)
    agency = Agency.objects.filter(pk=1).first()
    if agency:  # the department's name is its own, in any language
        allowed.add(agency.name)
    same = {
        node
        for node in text_nodes(en_html) & text_nodes(es_html)
        if not any(node == d or node in d for d in allowed)
    }
    # Text built around data: an agency name followed by words is still checked below.
    assert same == set(), f"English left on the Spanish page: {sorted(same)}"
    en_text, es_text = visible_text(en_html), visible_text(es_html)
    for entry in catalog:
        msgid = entry["msgid"]
        if not translated(entry) or entry["msgstr"][0] == msgid or msgid in SAME_IN_BOTH:
            continue
        words = re.escape(" ".join(msgid.split()))
        pattern = rf"(?<![\w%]){words}(?!\w)"
        if "%(" in msgid or not re.search(pattern, en_text):
            continue
        if any(msgid in d for d in allowed):
            continue
        assert not re.search(pattern, es_text), f"untranslated on the Spanish page: {msgid!r}"


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html)[1]


def both(client, url, method="get", data=None, **kwargs):
    """The page in English, then in Spanish, each chosen with ?lang=."""
    pages = {}
    for language in ("en", "es"):
        joiner = "&" if "?" in url else "?"
        call = getattr(client, method)
        pages[language] = call(f"{url}{joiner}lang={language}", data, **kwargs)
    return pages


# --- Fixtures --------------------------------------------------------------------------


def feedback_data(**overrides):
    data = {
        "category": "noise",
        "area": "Cedar Grove",
        "summary": "Loud music at night",
        "description": "Music until 3 am.",
        "intake_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


@pytest.fixture
def survey(cro, chief):
    today = timezone.localdate()
    survey = survey_services.create_survey(
        by=cro,
        data={
            "title": "Community survey",
            "title_es": "Encuesta comunitaria",
            "intro": "Twelve questions, five minutes.",
            "intro_es": "Doce preguntas, cinco minutos.",
            "audience": "community",
            "opens_on": today - dt.timedelta(days=1),
            "closes_on": today + dt.timedelta(days=30),
        },
    )
    survey_services.submit_survey(survey=survey, by=cro)
    return survey_services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)


TRANSPARENCY_DATA = {
    "received": 1234,
    "resolved": 1180,
    "open": 54,
    "referred": "fewer than 5",
    "activities": 42,
    "attendance": 2310,
    "by_category": [["Traffic", 700], ["Noise", 530], ["Officer conduct or bias", "fewer than 5"]],
    "by_kind": [["Community forum", 30], ["Foot patrol", 12]],
}


@pytest.fixture
def published(cro, chief):
    return Report.objects.create(
        kind=Report.Kind.TRANSPARENCY,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        status=Report.Status.APPROVED,
        data=TRANSPARENCY_DATA,
        narratives={"introduction": "What residents told us this year."},
        created_by=cro,
        decided_by=chief,
        decided_at=timezone.make_aware(dt.datetime(2026, 2, 3, 10, 0)),
    )


# --- The catalogue is complete for the public pages ------------------------------------


def test_every_catalogue_entry_of_the_public_pages_has_its_spanish(catalog):
    used = [e for e in catalog if e.get("files", set()) & set(PUBLIC_TEMPLATES)]
    assert len(used) > 60
    missing = [e["msgid"] for e in used if not translated(e)]
    assert missing == []


def test_every_public_template_string_is_in_the_catalogue(catalog):
    """A string added to a public template after the catalogue was last made shows in
    English on the Spanish page: `makemessages` must have been run."""
    known = {e["msgid"] for e in catalog}
    tag = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")
    for name in PUBLIC_TEMPLATES:
        for _quote, text in tag.findall((ROOT / name).read_text(encoding="utf-8")):
            assert text in known, f"{name}: {text!r} is not in the catalogue"


def test_the_public_form_speaks_spanish(catalog):
    """Labels, help, choices and the form's own messages, field by field."""
    form = PublicFeedbackForm()
    shown = []
    for field in form.fields.values():
        shown += [field.label, field.help_text]
        shown += [label for _value, label in getattr(field, "choices", [])]
    shown += [m for f in form.fields.values() for m in f.error_messages.values()]
    for text in [t for t in shown if t]:
        with translation.override("en"):
            english = str(text)
        with translation.override("es"):
            spanish = str(text)
        assert spanish != english or english in SAME_IN_BOTH, english


# --- The feedback form -----------------------------------------------------------------


def test_feedback_form_in_both_languages_and_remembered(client, catalog):
    pages = both(client, reverse("feedback"))
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    # The English page is as it was.
    for words in (
        "Tell us about a concern",
        "What is it about?",
        "A street, address, park or neighborhood.",
        "Do not enter criminal-justice information",
        "We never ask about immigration or citizenship status.",
        "You may contact me about this",
    ):
        assert words in en
    assert html_lang(en) == "en" and html_lang(es) == "es"
    assert "Cuéntenos una inquietud" in es
    assert '<option value="noise">Ruido</option>' in es
    assert_no_english_left(en, es, catalog)
    # The choice is kept in the cookie: the next page without ?lang stays in Spanish.
    assert pages["es"].cookies[COOKIE].value == "es"
    again = client.get(reverse("feedback")).content.decode()
    assert html_lang(again) == "es" and "Cuéntenos una inquietud" in again
    client.get(reverse("feedback") + "?lang=en")
    assert html_lang(client.get(reverse("feedback")).content.decode()) == "en"


def test_feedback_errors_in_spanish_are_tied_to_their_fields(client, catalog):
    client.get(reverse("feedback") + "?lang=es")
    empty = feedback_data(category="", area="", summary="", description="", email="not-an-address")
    es = client.post(reverse("feedback"), empty | {"consent_to_contact": "on"})
    assert es.status_code == 400
    html = es.content.decode()
    client.cookies[COOKIE] = "en"
    en = client.post(reverse("feedback"), empty | {"consent_to_contact": "on"}).content.decode()
    assert "This field is required." in en and "To be contacted, give an email" in en
    assert "Este campo es obligatorio." in html
    assert "Para que lo contactemos" in html
    assert_no_english_left(en, html, catalog, data=["Cedar Grove", "not-an-address"])
    # The summary at the top links to each field; each field says what is wrong with it.
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', html, re.S)[0]
    for name in ("category", "area", "summary", "description", "email", "consent_to_contact"):
        assert f'href="#id_{name}"' in summary
        assert re.search(rf'id="id_{name}"[^>]*aria-invalid="true"', html) or re.search(
            rf'aria-invalid="true"[^>]*id="id_{name}"', html
        ), name
        assert f'id="id_{name}_error"' in html
        assert re.search(rf'aria-describedby="[^"]*id_{name}_error', html), name
    assert "<title>Error:" in html


def test_feedback_rate_limit_and_received_page_in_spanish(client, settings, catalog):
    settings.PUBLIC_FORM_HOURLY_LIMIT = 0
    client.get(reverse("feedback") + "?lang=es")
    limited = client.post(reverse("feedback"), feedback_data())
    assert limited.status_code == 429
    assert "Recibimos varios mensajes desde su conexión" in limited.content.decode()
    settings.PUBLIC_FORM_HOURLY_LIMIT = 5
    sent = client.post(reverse("feedback"), feedback_data())
    assert sent.status_code == 302 and sent.cookies[COOKIE].value == "es"
    received = client.get(reverse("feedback-received")).content.decode()
    client.cookies[COOKIE] = "en"
    english = client.get(reverse("feedback-received")).content.decode()
    assert "Your concern has reached the department." in english
    assert "Su inquietud llegó al departamento." in received
    reference = re.search(r"CR-\d{4}-\d+", received)[0]
    code = re.search(r'id="status-code">([^<]+)<', received)[1]  # the status page's code
    assert_no_english_left(english, received, catalog, data=[reference, code])
    from concerns.models import Concern

    assert Concern.objects.get().language == "es"


# --- The transparency page -------------------------------------------------------------


def test_transparency_in_both_languages_with_dates_and_numbers_of_each(client, published, catalog):
    index = both(client, reverse("transparency"))
    en, es = index["en"].content.decode(), index["es"].content.decode()
    assert "How we work with the community" in en and "Cómo trabajamos con la comunidad" in es
    assert "Read the 2025 report" in en and "Leer el informe de 2025" in es
    assert "1,234" in en and "1\xa0234" in es
    assert_no_english_left(en, es, catalog)
    pages = both(client, reverse("transparency-year", args=[2025]))
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    assert "Transparency report 2025" in en and "Informe de transparencia 2025" in es
    # The date and the numbers as each language writes them.
    assert "Feb. 3, 2026" in en and "3 de febrero de 2026" in es
    assert "1,234" in en and "1\xa0234" in es
    assert "fewer than 5" in en and "menos de 5" in es
    assert ">Traffic<" in en and ">Tráfico<" in es
    assert ">Community forum<" in en and ">Foro comunitario<" in es
    # The narrative is the department's own words: marked as English on the Spanish page.
    assert '<p class="prewrap" lang="en">What residents told us this year.</p>' in es
    assert_no_english_left(en, es, catalog, data=["What residents told us this year."])
    assert pages["es"].cookies[COOKIE].value == "es"
    assert html_lang(client.get(reverse("transparency")).content.decode()) == "es"


def test_transparency_without_a_report_in_spanish(client, catalog):
    pages = both(client, reverse("transparency"))
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    assert "has not published a transparency report yet" in en
    assert "todavía no ha publicado un informe de transparencia" in es
    assert_no_english_left(en, es, catalog)


def test_figures_follow_the_language():
    with translation.override("en"):
        english = public_figures(TRANSPARENCY_DATA)
    with translation.override("es"):
        spanish = public_figures(TRANSPARENCY_DATA)
    assert (english["received"], spanish["received"]) == ("1,234", "1\xa0234")
    assert (english["referred"], spanish["referred"]) == ("fewer than 5", "menos de 5")
    assert spanish["by_category"][2] == ["Conducta o prejuicio de un agente", "menos de 5"]


def test_subjects_follow_the_language():
    """A year published with the groups: each subject, and the categories it holds, in the
    reader's language."""
    data = {"by_group": [["Roads and traffic", 12, ["Traffic", "Parking"]]]}
    with translation.override("es"):
        spanish = public_figures(data)
    assert spanish["by_group"] == [["Calles y tránsito", "12", ["Tráfico", "Estacionamiento"]]]


# --- The survey pages ------------------------------------------------------------------


def test_survey_pages_in_both_languages(client, survey, cro, catalog):
    url = survey.public_url()
    pages = both(client, url)
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    assert "Send my answers" in en and "Enviar mis respuestas" in es
    assert_no_english_left(en, es, catalog)

    # Errors in Spanish, the summary linking to the unanswered questions.
    data = {"token": str(uuid.uuid4())}
    errors = {
        lang: client.post(f"{url}?lang={lang}", data | {"lang": lang}) for lang in ("en", "es")
    }
    en, es = (errors[lang].content.decode() for lang in ("en", "es"))
    assert errors["es"].status_code == 400
    assert "Por favor, conteste esta pregunta." in es
    first = survey.questions.filter(required=True).first()
    assert f'href="#id_q{first.pk}_1"' in es
    assert_no_english_left(en, es, catalog)

    thanks = both(client, reverse("survey-thanks", args=[survey.slug]))
    assert_no_english_left(thanks["en"].content.decode(), thanks["es"].content.decode(), catalog)

    forum = survey_services.add_forum(
        survey=survey, by=cro, name="Eastside forum", held_on=timezone.localdate()
    )
    pages = both(client, forum.public_url())
    assert_no_english_left(
        pages["en"].content.decode(), pages["es"].content.decode(), catalog, data=["Eastside forum"]
    )

    survey_services.close_survey(survey=survey, by=cro)
    closed = both(client, url)
    assert closed["es"].status_code == 410
    assert_no_english_left(closed["en"].content.decode(), closed["es"].content.decode(), catalog)


# --- Stop messages, errors -------------------------------------------------------------


def test_stop_page_in_both_languages(client, catalog):
    concern = ConcernFactory(contact_email="r@example.org", language="es")
    url = reverse("resident-stop", args=[stop_token(concern)])
    # The resident's own language first, without asking.
    assert html_lang(client.get(url).content.decode()) == "es"
    pages = both(client, url)
    assert_no_english_left(pages["en"].content.decode(), pages["es"].content.decode(), catalog)
    done = both(client, url, method="post")
    assert "Listo. No le enviaremos más mensajes" in done["es"].content.decode()
    assert_no_english_left(done["en"].content.decode(), done["es"].content.decode(), catalog)


def test_not_found_and_not_allowed_in_both_languages(client, client_for, officer, catalog):
    pages = both(client, "/s/no-such-survey/")
    assert pages["es"].status_code == 404
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    assert "Page not found" in en and "Página no encontrada" in es
    assert_no_english_left(en, es, catalog)
    # Remembered from another public page: the cookie alone says Spanish.
    client.get(reverse("feedback") + "?lang=es")
    assert html_lang(client.get("/nothing-here/").content.decode()) == "es"

    client.cookies[COOKIE] = "en"
    staff = client_for(officer)
    pages = both(staff, reverse("reports:list"))
    assert pages["es"].status_code == 403
    en, es = pages["en"].content.decode(), pages["es"].content.decode()
    assert "You may not do that" in en and "No puede hacer eso" in es
    assert_no_english_left(en, es, catalog)


@pytest.mark.parametrize("name", ["500.html", "503.html"])
def test_server_error_pages_carry_both_languages(name):
    html = loader.get_template(name).render()
    assert '<html lang="en">' in html
    english, spanish = html.index('<div lang="en">'), html.index('<div lang="es"')
    assert english < spanish
    assert "Back to the home page" in html[english:spanish]
    assert "Volver a la página de inicio" in html[spanish:]
