"""The place as the public sees it: a block or an area, never a house number (issue 21)."""

import re

import pytest

from concerns.open311 import public_location

SHAPES = {
    # An address with a house number: its hundred block, the street kept.
    "14 Birch Lane": "0 block of Birch Lane",
    "412 Elm St": "400 block of Elm St",
    "1 Main St": "0 block of Main St",
    "99 Main St": "0 block of Main St",
    "100 Main St": "100 block of Main St",
    "1600 Pennsylvania Avenue NW, Washington, DC 20500": "1600 block of Pennsylvania Avenue NW",
    "99999 Long Rd": "99900 block of Long Rd",
    "400 Cedar Grove Ave": "400 block of Cedar Grove Ave",
    # Numbers with letters, halves and ranges.
    "12B Elm St": "0 block of Elm St",
    "12-B Elm St": "0 block of Elm St",
    "412A-414B Elm St": "400 block of Elm St",
    "10-12 Main St": "0 block of Main St",
    "1410 - 1420 Elm": "1400 block of Elm",
    "1412 1/2 Elm St": "1400 block of Elm St",
    "12½ Elm St": "0 block of Elm St",
    # Units, before or after, in every spelling: gone.
    "412 Elm St Apt 4": "400 block of Elm St",
    "412 Elm St, Apt. 4B": "400 block of Elm St",
    "Apt 4B, 412 Elm St": "400 block of Elm St",
    "412 Elm St #5": "400 block of Elm St",
    "412 Elm St, Unit C": "400 block of Elm St",
    "Suite 200, 100 Main St": "100 block of Main St",
    "412 Elm St Fl 2": "400 block of Elm St",
    "#4 412 Elm": "400 block of Elm",
    # The city, state and ZIP after the street.
    "412 Elm St, Testville, TX 75001": "400 block of Elm St",
    # Streets that are numbers: ordinals stay, directions stay.
    "100 W 5th St": "100 block of W 5th St",
    "230 42nd Street": "200 block of 42nd Street",
    # Intersections and places: as given (no house number in them).
    "Elm & 5th": "Elm & 5th",
    "Elm and 5th St": "Elm and 5th St",
    "Corner of Elm St and 1st Ave": "Corner of Elm St and 1st Ave",
    "Elm St / Oak Ave": "Elm St / Oak Ave",
    "Cedar Grove Park": "Cedar Grove Park",
    "Lincoln Elementary School": "Lincoln Elementary School",
    "near the 7-Eleven on Elm": "near the 7-Eleven on Elm",
    # Numbered roads and districts are names, not houses.
    "Route 9 near exit 12": "Route 9 near exit 12",
    "I-95 exit 4": "I-95 exit 4",
    "Beat 4": "Beat 4",
    # A number inside free text: its block before a street, dropped elsewhere.
    "Behind 412 Elm St": "Behind 400 block of Elm St",
    "Elm St 412": "Elm St",
    # A point: rounded to about 100 m.
    "41.881800, -87.623200": "41.882, -87.623",
    # Nothing public to say: a box, an address id, a lone number, nothing.
    "PO Box 123": None,
    "P.O. Box 55, Testville": None,
    "Post Office Box 9": None,
    "Address ID 545483": None,
    "14": None,
    "14, 16": None,
    "412-414": None,
    "": None,
    "   ": None,
    None: None,
    "91.5, 10.0": None,
}


@pytest.mark.parametrize("typed", SHAPES)
def test_public_location_of_each_shape(typed):
    assert public_location(typed) == SHAPES[typed]


NAMES = ("Route 9", "exit 12", "I-95", "exit 4", "Beat 4", "5th", "1st", "42nd", "7-Eleven")


@pytest.mark.parametrize("typed", [t for t in SHAPES if t and "." not in t])
def test_public_location_never_shows_a_number_typed(typed):
    """Whatever the shape, no house or unit number typed survives: only round hundreds
    (a block; "100 Main St" is in the 100 block) and the numbers that name a road."""
    shown, rest = public_location(typed) or "", typed
    for name in NAMES:
        shown, rest = shown.replace(name, ""), rest.replace(name, "")
    typed_numbers = {int(n) for n in re.findall(r"\d+", rest) if int(n) % 100}
    shown_numbers = {int(n) for n in re.findall(r"\d+", shown)}
    assert not typed_numbers & shown_numbers, (typed, shown)
    assert all(n % 100 == 0 for n in shown_numbers), (typed, shown)


def test_public_location_ignores_a_nul():
    assert public_location("412 Elm\x00 St") == "400 block of Elm St"
