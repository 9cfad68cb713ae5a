"""The demo town's address list and where its places are, for points on the demo's records.

Riverbend (accounts/demo_areas.py) gets a few streets with house numbers along them, as a
city's address-point file has, so that a typed "412 Elm St" finds its point; and each of the
demo's typed places has a spot in town, so most demo concerns and activities carry a point
near it. Two places have none ("Westgate shopping center", "Willow Creek trail"): they stay
for the CRO to match by hand, as old records do.
"""

import random

from accounts.addresses import address_key
from accounts.models import AddressPoint, LocationSource

# Street, (longitude, latitude) where its numbers start and end, first and last number.
STREETS = [
    ("Elm Street", (-88.140, 41.600), (-88.060, 41.600), 100, 1498),
    ("Main Street", (-88.130, 41.595), (-88.070, 41.595), 100, 1198),
    ("5th Avenue", (-88.080, 41.597), (-88.045, 41.597), 100, 798),
    ("Harbor Road", (-88.062, 41.588), (-88.062, 41.612), 100, 998),
    ("Birch Lane", (-88.150, 41.628), (-88.110, 41.628), 2, 698),
    ("Cedar Grove Avenue", (-88.065, 41.615), (-88.065, 41.636), 100, 1398),
    ("Sunset Boulevard", (-88.155, 41.575), (-88.105, 41.575), 100, 1598),
    ("Oak Street", (-88.070, 41.565), (-88.070, 41.583), 100, 898),
    ("Mill Road", (-88.130, 41.589), (-88.130, 41.607), 100, 798),
]
# Where each typed place of the demo is (latitude, longitude): the middle of what it names.
SPOTS = {
    "Maple Heights": (41.626, -88.135),
    "Riverside Park": (41.602, -88.066),
    "Old Mill District": (41.599, -88.133),
    "400 block of Elm Street": (41.600, -88.101),
    "Harbor Road and 5th Avenue": (41.597, -88.062),
    "Lincoln Elementary School": (41.631, -88.124),
    "Beat 3 (downtown)": (41.603, -88.095),
    "Beat 5 (north side)": (41.628, -88.072),
    "Cedar Grove apartments": (41.624, -88.062),
    "Oak Hollow": (41.574, -88.070),
    "Main Street business district": (41.595, -88.100),
    "Sunset Boulevard corridor": (41.575, -88.125),
    "Pinecrest neighborhood": (41.573, -88.132),
    "Downtown": (41.598, -88.098),
    "Beat 3": (41.603, -88.095),
}
# How far a record's point strays from its place's spot, in degrees (about 150 m).
SCATTER = 0.0015
# The share of demo records given a point: most, not all, as in a real department.
WITH_POINT = 0.85


def addresses() -> list[AddressPoint]:
    points = []
    for street, (lon0, lat0), (lon1, lat1), first, last in STREETS:
        for number in range(first, last + 1, 2):
            share = (number - first) / (last - first)
            # Odd and even numbers face each other across the street.
            side = 0.00012 if number % 4 else -0.00012
            address = f"{number} {street}"
            points.append(
                AddressPoint(
                    address=address,
                    key=address_key(address),
                    latitude=round(lat0 + (lat1 - lat0) * share + (side if lat0 == lat1 else 0), 6),
                    longitude=round(
                        lon0 + (lon1 - lon0) * share + (side if lon0 == lon1 else 0), 6
                    ),
                )
            )
    return points


def seed_addresses() -> int:
    """The town's address list, once. Returns how many addresses were added."""
    if AddressPoint.objects.exists():
        return 0
    return len(AddressPoint.objects.bulk_create(addresses(), batch_size=2000))


def demo_point(place: str, key) -> dict:
    """A point near the place for most records (as if clicked on the intake map), none for
    the rest and for places with no spot. Fields to pass to a record. Drawn from a generator
    of its own, seeded by the place and `key`, so the rest of the demo stays as it was."""
    rng = random.Random(f"{place}/{key}")  # noqa: S311  # nosec B311 - demo data, not secrets
    spot = SPOTS.get(place)
    if spot is None or rng.random() > WITH_POINT:
        return {}
    return {
        "latitude": round(spot[0] + rng.uniform(-SCATTER, SCATTER), 6),
        "longitude": round(spot[1] + rng.uniform(-SCATTER, SCATTER), 6),
        "location_source": LocationSource.MAP,
    }
