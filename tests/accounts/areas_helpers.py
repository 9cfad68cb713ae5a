"""Areas for the tests of issue 22: a square boundary and an area made in one call."""

from accounts.models import Area


def square(west: float = -88.10, south: float = 41.60, size: float = 0.01) -> dict:
    east, north = west + size, south + size
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


def make_area(code: str, name: str = "", kind: str = "beat", **fields) -> Area:
    return Area.objects.create(code=code, name=name or code, kind=kind, **fields)
