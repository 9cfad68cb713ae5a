"""The demo town's areas: Riverbend, a fictional town drawn for the purpose on open ground
near 41.6 N, 88.1 W (no real town's streets or boundaries). Three sectors of two or three
beats each, and five neighbourhoods drawn across them, as a department's map has both.

`demo_area(text)` is what the demo's organizations, activities and concerns are placed by:
the places the CRO has "already matched" (MATCHED), else the rule every door uses. A few
typed places stay unmatched, so the matching page has work to show.
"""

from accounts.areas import resolve
from accounts.models import Area

K = Area.Kind
WEST, EAST = -88.16, -88.04
NORTH, SOUTH = 41.64, 41.56
# Sector (code, name, south edge, north edge) and its beats (code, name, west, east).
SECTORS = [
    (
        "NS",
        "North Sector",
        41.613,
        NORTH,
        [("B4", "Beat 4", WEST, -88.10), ("B5", "Beat 5", -88.10, EAST)],
    ),
    (
        "CS",
        "Central Sector",
        41.587,
        41.613,
        [
            ("B1", "Beat 1", WEST, -88.12),
            ("B3", "Beat 3", -88.12, -88.08),
            ("B2", "Beat 2", -88.08, EAST),
        ],
    ),
    (
        "SS",
        "South Sector",
        SOUTH,
        41.587,
        [("B6", "Beat 6", WEST, -88.10), ("B7", "Beat 7", -88.10, EAST)],
    ),
]
# Neighbourhoods: code, name, ring of (longitude, latitude), counter-clockwise.
NEIGHBOURHOODS = [
    (
        "MH",
        "Maple Heights",
        [
            (-88.155, 41.616),
            (-88.118, 41.615),
            (-88.112, 41.627),
            (-88.124, 41.637),
            (-88.150, 41.635),
        ],
    ),
    (
        "OM",
        "Old Mill District",
        [
            (-88.150, 41.591),
            (-88.119, 41.589),
            (-88.116, 41.600),
            (-88.125, 41.609),
            (-88.147, 41.607),
        ],
    ),
    (
        "RS",
        "Riverside",
        [
            (-88.085, 41.593),
            (-88.046, 41.592),
            (-88.045, 41.611),
            (-88.070, 41.612),
            (-88.088, 41.604),
        ],
    ),
    (
        "OH",
        "Oak Hollow",
        [
            (-88.094, 41.564),
            (-88.049, 41.563),
            (-88.048, 41.583),
            (-88.078, 41.584),
            (-88.096, 41.575),
        ],
    ),
    (
        "PC",
        "Pinecrest",
        [
            (-88.155, 41.564),
            (-88.112, 41.565),
            (-88.110, 41.579),
            (-88.130, 41.585),
            (-88.154, 41.583),
        ],
    ),
]
# Typed places of the demo records that name no area, as the CRO matched them.
MATCHED = {
    "400 block of Elm Street": "B3",
    "Main Street business district": "B3",
    "Harbor Road": "B2",
    "Harbor Road and 5th Avenue": "B2",
    "Lincoln Elementary School": "B4",
    "Cedar Grove apartments": "B5",
    "Sunset Boulevard corridor": "B6",
}


def _box(west, south, east, north) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def _ring(points) -> dict:
    return {"type": "Polygon", "coordinates": [[*map(list, points), list(points[0])]]}


def seed() -> int:
    """The areas, once. Returns how many were created."""
    if Area.objects.filter(code="NS").exists():
        return 0
    made = 0
    for code, name, south, north, beats in SECTORS:
        sector = Area.objects.create(
            code=code, name=name, kind=K.SECTOR, boundary=_box(WEST, south, EAST, north)
        )
        made += 1
        for beat_code, beat_name, west, east in beats:
            Area.objects.create(
                code=beat_code,
                name=beat_name,
                kind=K.BEAT,
                parent=sector,
                boundary=_box(west, south, east, north),
            )
            made += 1
    for code, name, ring in NEIGHBOURHOODS:
        Area.objects.create(code=code, name=name, kind=K.NEIGHBOURHOOD, boundary=_ring(ring))
        made += 1
    return made


def demo_area(text: str) -> Area | None:
    if code := MATCHED.get(text):
        return Area.objects.filter(code=code).first()
    return resolve(text)
