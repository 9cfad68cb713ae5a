"""Where a concern is, as the public may know it: the block, never the house (issue 21).

A resident types a place as they like ("14 Birch Lane", "Elm & 5th", "the park behind the
school"). What a public 311 answer shows is `public_location()` of it: an address with a
house number becomes its hundred block ("412 Elm St" -> "400 block of Elm St"), and
anything else stays the place it names with every number that could be a house number
taken out. A post office box, an address id, a lone number or nothing at all give no place
(None): the request is still listed, without an address."""

import re

# A unit inside a building says even more than the house number: it goes first, wherever
# it is ("Apt 4B", "Unit 3", "#12", "Suite 200", "Fl 2", "Rm 5").
UNIT = re.compile(
    r"(?:,\s*)?(?:\b(?:apt|apartment|unit|suite|ste|fl|floor|rm|room|bldg|building|lot)\b\.?"
    r"\s*#?\s*|#\s*)[0-9]+[a-z]?\b|(?:,\s*)?\b(?:apt|apartment|unit|suite|ste)\b\.?\s*[a-z]\b",
    re.IGNORECASE,
)
PO_BOX = re.compile(r"\b(?:p\.?\s*o\.?\s*box|post\s+office\s+box|box\s+\d)", re.IGNORECASE)
ADDRESS_ID = re.compile(r"^address\s+id\b", re.IGNORECASE)
# "41.881800, -87.623200": a point is a house; rounded to three places (about 100 m).
# "41.881800, -87.623200": a point is a house; rounded to three places (about 100 m).
POINT = re.compile(r"^\s*(-?\d{1,2}\.\d+)\s*,\s*(-?\d{1,3}\.\d+)\s*$")
# A house number: digits, perhaps a letter ("12B", "12-B"), a range ("10-12", "412A-414B")
# or a half ("12 1/2", "12½"), then the street, which starts with a letter or an ordinal.
HOUSE = r"\d{1,6}(?:[-–]?[a-z]\b)?(?:\s*[-–]\s*\d{1,6}(?:[-–]?[a-z]\b)?)?(?:\s+1/2\b|½)?"
ADDRESS = re.compile(
    rf"^(?P<number>{HOUSE})\s+(?P<street>(?:\d{{1,4}}(?:st|nd|rd|th)\b|[^\W\d_]).*)$",
    re.IGNORECASE,
)
# A number that names a road or a district, not a house: kept ("Route 9", "Beat 4").
NAMED_NUMBER = re.compile(
    r"\b(?:route|rte|rt|highway|hwy|interstate|i|us|sr|state\s+road|county\s+road|cr|"
    r"beat|district|ward|sector|zone|precinct|exit|pier|gate|area|region)[\s-]*$",
    re.IGNORECASE,
)
# In free text, each run of digits with what is stuck to it: "5th", "7-Eleven", "412A-414B".
NUMBER = re.compile(r"\d+(?:[-–]?[^\W\d_]+)?(?:\s*[-–]\s*\d+(?:[-–]?[^\W\d_]+)?)?½?")
ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$", re.IGNORECASE)
NAME = re.compile(r"^\d+[-–]?[^\W\d_]{2,}$")  # "7-Eleven", "3rd" is an ordinal above
# City, state and ZIP after the street: the ZIP is not a house number, but no help either.
ZIP = re.compile(r"(?:,?\s*\b[A-Z]{2})?\s*,?\s*\b\d{5}(?:-\d{4})?\s*$")


def _block(number: str) -> str:
    return f"{int(number) // 100 * 100} block of"


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,;-–")
    return re.sub(r"\s+,", ",", text)


def _scrub(text: str) -> str:
    """Free text: a number that could be a house number becomes its block before a street
    ("behind 412 Elm St" -> "behind 400 block of Elm St") and goes elsewhere; ordinals
    ("5th"), names ("7-Eleven") and numbered roads or districts ("Route 9") stay."""

    def replace(match: re.Match) -> str:
        token = match.group(0)
        if ORDINAL.match(token) or NAME.match(token):
            return token
        if NAMED_NUMBER.search(text[: match.start()]):
            return token
        if re.match(r"\s+[^\W\d_]", text[match.end() :]):
            return _block(re.match(r"\d+", token).group(0))
        return ""

    return NUMBER.sub(replace, text)


def public_location(text: str | None) -> str | None:
    """The place as the public may see it: a block or an area, never a house number."""
    text = _tidy((text or "").replace("\x00", ""))
    if not text or PO_BOX.search(text) or ADDRESS_ID.match(text):
        return None
    if point := POINT.match(text):
        lat, long = float(point.group(1)), float(point.group(2))
        return f"{lat:.3f}, {long:.3f}" if -90 <= lat <= 90 and -180 <= long <= 180 else None
    text = _tidy(UNIT.sub("", text))
    text = _tidy(ZIP.sub("", text)) if re.search(r"[^\W\d_]", text) else text
    if address := ADDRESS.match(text):
        # The street only: what follows a comma is the city, or more of the house.
        street = _tidy(address.group("street").split(",")[0])
        number = re.match(r"\d+", address.group("number")).group(0)
        return f"{_block(number)} {_scrub(street)}"
    if not re.search(r"[^\W\d_]", text):
        return None  # a lone number, or numbers only
    return _tidy(_scrub(text)) or None


# Three decimals of a degree: about 110 m north-south, 80 m east-west at 45°, a block.
PUBLIC_DECIMALS = 3


def public_degrees(value: float | None) -> float | None:
    """A coordinate as the public may see it: rounded to a block, never a house."""
    return None if value is None else round(value, PUBLIC_DECIMALS)
