"""Screening of a transparency report's public narrative (002 300.8: "The reports should
not contain the names of officers, suspects or case numbers").

The figures are safe by construction (reports.builders.transparency); the narrative is the
CRO's free text, so before it is submitted and again before it is approved it is read for:

- **names**: every member's full name (active or former, and the Chief's name in the
  agency profile), and each last name of four letters or more on its own, as whole words,
  in any case. A last name that is also an ordinary word ("Park", "Young", "Rosa") counts
  on its own only after a title; so does any capitalised name after a title or a word
  like "suspect" ("Officer Reilly", "Mr. Doe", "the suspect John Doe"), member or not.
  A name inside the agency's own name is not a hit.
- **DSNs**: every member's DSN as a whole token (one shorter than three characters, or
  one that reads as a year, only after "DSN" or "badge"), and any number after "DSN",
  "badge" or "placa".
- **concern references**: CR-2026-0045, the format concerns.references hands out.
- **case numbers** (CASE_NUMBER_PATTERNS): a number after a case word ("Case #24-1187",
  "RD# JB123456", "incident 26-001234", "expediente 2026-114"); a year and a sequence
  ("2026-004512", "26-001234"); two capitals and six digits (Chicago's RD format); "#"
  and four digits or more. Years, year ranges (2025-2026), quarters (Q3 2026), counts,
  percentages and "fewer than 5" are not.
- **phone numbers**: North American numbers in any usual writing, and seven-digit local
  ones; 911 and 311 are not. The department's own number (agency profile) is not a hit.
- **email addresses**.
- **street addresses**: a house number, a street name and a suffix (St, Avenue, Rd,
  Blvd, Ln, Dr, Ct, Way, Pl ...), "the 400 block of Elm St" and "la calle Elm 123". The
  department's own address is not a hit.

A hit is cleared by taking it out of the text, or by accepting it with a reason
(reports.models.ScreeningAcceptance, reports.services.accept_screening_hit).
"""

import re
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, User
from concerns.references import REFERENCE
from reports.models import HitKind, Report, ScreeningAcceptance

K = HitKind

# The transparency report's narratives, each published in its own language.
PUBLIC_NARRATIVES = {
    "introduction": _("English introduction"),
    "introduction_es": _("Spanish introduction"),
}
CONTEXT_CHARS = 32


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Last names that are also everyday words, in English and Spanish: on their own they are
# a hit only after a title ("Officer Park"); the full name is always one.
GENERIC_WORDS = _word_set(
    """
    administrator august bell best bird black bond branch brooks brown bush case chase
    chief church city cook cooper community council county cross day dean department
    early fields fisher ford forest fox frank french friend gardner garden gray green
    grey hall hill holiday hope house hunt hunter judge justice king lake lane law little
    long love major march mark mason may miles mill mills moody moon more morning newman
    north park parks person pierce police porter power powers price rich rivers rose
    ross safe sharp short small snow south spring stone strong summers swift trust
    turner walker wall ward water waters watch well wells west white wise wood woods
    young
    alegre blanco bravo calle campo campos cruz delgado domingo flores fuentes iglesias
    leal luna mora moreno nieves paz pastor prieto reyes rey rosa rosales santos soto
    torres vega ventura
    """
)
TITLES = (
    r"Officer|Ofc\.?|Sergeant|Sgt\.?|Lieutenant|Lt\.?|Detective|Det\.?|Deputy|Corporal|"
    r"Cpl\.?|Captain|Capt\.?|Commander|Cmdr\.?|Chief|Trooper|Mr\.?|Mrs\.?|Ms\.?|Dr\.?|"
    r"Agente|Oficial|Sargento|Teniente|Capitán|Comandante|Jefe|Jefa|Señor|Señora|Sr\.|Sra\.|"
    r"Srta\."
)
PERSON_WORDS = r"suspect|suspects|arrestee|sospechoso|sospechosa|detenido|detenida"
CAPITALISED = r"[A-ZÁÉÍÓÚÑ][A-Za-zÁÉÍÓÚÑáéíóúñü'’-]+"
# Capitalised words after a title that are not a person ("Chief Executive", "Officer
# Friendly", "Jefe de Policía").
NOT_NAMES = _word_set(
    """
    academy bureau community department division executive friendly involved office
    officers patrol police program programs relations safety training unit
    monday tuesday wednesday thursday friday saturday sunday
    """
)
TITLED = re.compile(
    rf"(?<!\w)(?i:{TITLES})(?!\w)[ \t]+(?P<name>{CAPITALISED}(?:[ \t]+{CAPITALISED})?)"
)
LABELLED = re.compile(
    rf"(?<!\w)(?i:{PERSON_WORDS}),?[ \t]+(?:(?i:named|llamad[oa])[ \t]+)?"
    rf"(?P<name>{CAPITALISED}[ \t]+{CAPITALISED})"
)

DSN_LABELLED = re.compile(
    r"(?<!\w)(?:DSN|badge|placa)(?:\s*(?:#|no\.|number|número|núm\.))?\s*:?\s*#?\s*"
    r"[A-Z]{0,2}\d{1,8}(?!\w)",
    re.IGNORECASE,
)

_reference = REFERENCE.pattern.removeprefix("^").removesuffix("$")
REFERENCES = re.compile(rf"(?<![\w-]){_reference}(?![\w-])", re.IGNORECASE)

YEAR = r"(?:19|20)\d{2}"
# The identifier after a case word: letters and digits, three digits at least.
_ID = r"(?=(?:[A-Z-]*\d){3})[A-Z]{0,3}-?\d[\d-]*\d"
# Words after which a number is a case number. Strong ones name a case by themselves
# ("incident 26-001234"); weak ones only with "#", "no." or "number" ("report no. 1187").
_STRONG = r"case|incident|RD|CB|IR|docket|citation|warrant|arrest|caso|expediente|denuncia"
_WEAK = r"report|file|complaint|informe|archivo|queja"
_MARK = r"(?:\s*(?:#|no\.?|num\.|number|número|núm\.|nº)\s*)"
CASE_NUMBER_PATTERNS = (
    re.compile(
        rf"(?<!\w)(?:(?:{_STRONG}){_MARK}?|(?:{_WEAK}){_MARK}):?\s*(?P<id>{_ID})(?![\w-])",
        re.IGNORECASE,
    ),
    # A year and a sequence; not a range of years (2025-2026).
    re.compile(rf"(?<![\w-]){YEAR}-(?!{YEAR}(?![\w-]))\d{{4,8}}(?![\w-])"),
    re.compile(r"(?<![\w-])\d{2}-\d{5,8}(?![\w-])"),
    re.compile(r"(?<![\w-])[A-Z]{2}\d{6}(?![\w-])"),
    re.compile(r"(?<![\w&])#\s?\d{4,}(?![\w-])"),
)

PHONES = (
    re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])"),
    re.compile(r"(?<![\w-])\d{3}-\d{4}(?![\w-])"),
    re.compile(r"(?<![\w-])\d{10}(?![\w-])"),
)

EMAILS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# Street suffixes: the words, and their abbreviations with or without a full stop.
_SUFFIX = (
    r"(?:Street|Avenue|Road|Boulevard|Lane|Drive|Court|Way|Place|Terrace|Circle|Parkway|"
    r"Highway|Trail|Square|Plaza|Alley)(?!\w)|"
    r"(?:St|Ave|Rd|Blvd|Ln|Dr|Ct|Pl|Ter|Cir|Pkwy|Hwy|Trl|Sq)(?!\w)\.?"
)
_DIRECTION = r"(?:[NSEW]\.?|North|South|East|West)"
_STREET_WORD = r"(?:[A-ZÁÉÍÓÚÑ][\w'’.-]*|\d+(?:st|nd|rd|th))"
_NUMBER = r"(?P<number>\d{1,6}[A-Z]?)"
ADDRESSES = (
    re.compile(
        rf"(?<![\w-]){_NUMBER}\s+(?:block\s+of\s+)?(?:the\s+)?(?:{_DIRECTION}\s+)?"
        rf"(?:{_STREET_WORD}\s+){{1,3}}(?:{_SUFFIX})"
    ),
    # "the 400 block of Elm", with or without a suffix.
    re.compile(
        rf"(?<![\w-]){_NUMBER}\s+block\s+of\s+(?:{_DIRECTION}\s+)?{_STREET_WORD}"
        rf"(?:\s+{_STREET_WORD}){{0,2}}"
    ),
    # "la calle Elm 123", "Avenida Central #45", "la cuadra 400 de la calle Elm".
    re.compile(
        rf"(?<!\w)(?i:calle|avenida|avda\.|av\.|camino|bulevar|paseo)\s+"
        rf"(?:{_STREET_WORD}\s+){{1,3}}(?:#\s*|(?i:n[úu]m(?:ero|\.)?)\s*)?\d{{1,6}}(?!\w)"
    ),
    re.compile(
        rf"(?<!\w)(?i:cuadra)\s+\d{{1,6}}\s+(?i:de)\s+(?:(?i:la)\s+)?"
        rf"(?:(?i:calle|avenida)\s+)?{_STREET_WORD}(?:\s+{_STREET_WORD}){{0,2}}"
    ),
)
# A year is not a house number when a determiner comes before it ("the 2026 Toy Drive").
DETERMINER_BEFORE = re.compile(
    r"(?i:the|our|this|that|its|a|an|el|la|los|las|nuestro|nuestra|este|esta)\s+$"
)


@dataclass(frozen=True)
class Hit:
    kind: str  # a HitKind value
    text: str  # exactly as written
    start: int  # its position in the narrative
    end: int
    context: str  # a few words either side
    narrative: str = ""  # which narrative (a PUBLIC_NARRATIVES key)
    acceptance: ScreeningAcceptance | None = field(default=None, compare=False)

    @property
    def kind_label(self) -> str:
        return HitKind(self.kind).label

    @property
    def narrative_label(self) -> str:
        return PUBLIC_NARRATIVES.get(self.narrative, "")

    @property
    def accepted(self) -> bool:
        return self.acceptance is not None


def _words(text: str) -> str:
    """A name as a pattern: its words apart by any white space."""
    return r"\s+".join(re.escape(part) for part in text.split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


class Screener:
    """The members' names and DSNs and the agency's profile, read once (one query for the
    members), then any number of texts screened against them."""

    def __init__(self):
        names, last_names, dsns = set(), set(), set()
        for first, last, dsn in User.objects.values_list("first_name", "last_name", "dsn"):
            first, last = first.strip(), last.strip()
            if first and last:
                names.add(f"{first} {last}")
            if len(last) >= 4 and last.lower() not in GENERIC_WORDS:
                last_names.add(last)
            if dsn and len(dsn.strip()) >= 3 and not re.fullmatch(YEAR, dsn.strip()):
                dsns.add(dsn.strip())
        agency = Agency.load()
        if agency.chief_name.strip():
            names.add(agency.chief_name.strip())
            last = agency.chief_name.split()[-1]
            if len(last) >= 4 and last.lower() not in GENERIC_WORDS:
                last_names.add(last)
        self.agency_name = agency.name.strip()
        self.agency_phone = _digits(agency.phone)[-10:]
        self.agency_address = " ".join(agency.address.lower().split())
        # The longest first, so "Dana Whitfield" is found whole rather than "Whitfield".
        people = sorted(names | last_names, key=len, reverse=True)
        self.names = (
            re.compile(rf"(?<!\w)(?:{'|'.join(_words(p) for p in people)})(?!\w)", re.I)
            if people
            else None
        )
        tokens = "|".join(re.escape(d) for d in sorted(dsns, key=len, reverse=True))
        self.dsns = re.compile(rf"(?<![\w-])(?:{tokens})(?![\w-])", re.I) if dsns else None

    def screen(self, text: str, narrative: str = "") -> list[Hit]:
        found = [*self._names(text), *self._patterns(text)]
        # Where two findings overlap, the longer one stands (an email holding a name).
        found.sort(key=lambda hit: (hit[1], hit[1] - hit[2]))
        hits, end = [], -1
        for kind, start, stop in found:
            if start >= end:
                hits.append(self._hit(text, kind, start, stop, narrative))
                end = stop
        return hits

    def _names(self, text: str):
        inside_agency = (
            [m.span() for m in re.finditer(re.escape(self.agency_name), text, re.I)]
            if self.agency_name
            else []
        )

        def outside(start, stop):
            return not any(a <= start and stop <= b for a, b in inside_agency)

        if self.names:
            for m in self.names.finditer(text):
                if outside(*m.span()):
                    yield K.NAME, *m.span()
        for pattern in (TITLED, LABELLED):
            for m in pattern.finditer(text):
                name = m["name"].split()
                if name[0].lower() in NOT_NAMES or not outside(*m.span()):
                    continue
                yield K.NAME, m.start(), m.end()

    def _patterns(self, text: str):
        if self.dsns:
            for m in self.dsns.finditer(text):
                yield K.DSN, *m.span()
        for m in DSN_LABELLED.finditer(text):
            yield K.DSN, *m.span()
        for m in REFERENCES.finditer(text):
            yield K.REFERENCE, *m.span()
        for pattern in CASE_NUMBER_PATTERNS:
            for m in pattern.finditer(text):
                if "id" in m.groupdict() and re.fullmatch(YEAR, m["id"]):
                    continue  # "case 2026" is a year
                yield K.CASE_NUMBER, *m.span()
        for pattern in PHONES:
            for m in pattern.finditer(text):
                # The department's own number, whole or its local seven digits.
                if not (self.agency_phone and self.agency_phone.endswith(_digits(m[0])[-10:])):
                    yield K.PHONE, *m.span()
        for m in EMAILS.finditer(text):
            yield K.EMAIL, *m.span()
        for pattern in ADDRESSES:
            for m in pattern.finditer(text):
                if self._not_an_address(text, m):
                    continue
                yield K.ADDRESS, *m.span()

    def _not_an_address(self, text: str, m) -> bool:
        number = m.groupdict().get("number")
        if number and re.fullmatch(YEAR, number) and DETERMINER_BEFORE.search(text[: m.start()]):
            return True
        written = " ".join(m[0].lower().rstrip(".").split())
        return bool(self.agency_address) and written in self.agency_address

    @staticmethod
    def _hit(text: str, kind: str, start: int, stop: int, narrative: str) -> Hit:
        left, right = max(start - CONTEXT_CHARS, 0), min(stop + CONTEXT_CHARS, len(text))
        context = " ".join(text[left:right].split())
        context = ("…" if left else "") + context + ("…" if right < len(text) else "")
        return Hit(
            kind=str(kind),
            text=text[start:stop],
            start=start,
            end=stop,
            context=context,
            narrative=narrative,
        )


def screen(text: str) -> list[Hit]:
    """What in `text` may not be published, in order of position."""
    return Screener().screen(text)


def screen_report(report: Report) -> list[Hit]:
    """The hits in a transparency report's public narratives, each with the acceptance
    that clears it, if any (an acceptance clears only its own kind and exact text)."""
    if report.kind != Report.Kind.TRANSPARENCY:
        return []
    screener = Screener()
    hits = [
        hit
        for key in PUBLIC_NARRATIVES
        for hit in screener.screen(report.narratives.get(key, ""), key)
    ]
    if not hits:
        return []
    acceptances = ScreeningAcceptance.objects.filter(report=report).select_related("by")
    accepted = {(a.kind, a.text): a for a in acceptances}
    return [replace(hit, acceptance=accepted.get((hit.kind, hit.text))) for hit in hits]


def uncleared(report: Report) -> list[Hit]:
    return [hit for hit in screen_report(report) if not hit.accepted]
