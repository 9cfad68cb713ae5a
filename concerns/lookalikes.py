"""Concerns that look like the same thing (issue 22): the open concerns a new report may
repeat, for the officer's intake, a concern's page and the doors with no one to ask
(concerns/duplicates.py links and merges them).

Conduct or bias concerns are never offered: each complaint is examined on its own (001 IV.C).
"""

import datetime as dt
import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils import timezone

from accounts.models import Area
from concerns.models import Concern
from concerns.rules import can_view

S = Concern.Status
CONDUCT = Concern.Category.CONDUCT_BIAS

# What "looks like the same thing" means.
RECENT_DAYS = 30  # received within this many days of the new report
NEARBY_METRES = 150  # two points this close are the same place
# The most recent rows of the category read to rank, whatever the table's size: the
# category's index (concern_category_idx) gives them in date order, so the cost stays the
# same at a million concerns.
SCAN_LIMIT = 200
# How alike two summaries must be (0 to 1): lower when the place agrees.
SIMILAR_AT_PLACE = 0.25
SIMILAR_ANYWHERE = 0.55


@dataclass
class Candidate:
    """An open concern that may be the same as the one being reported."""

    concern: Concern
    similarity: float  # of the summaries, 0 to 1
    same_area: bool
    metres: float | None  # between the two points, when both have one
    score: float

    @property
    def nearby(self) -> bool:
        return self.metres is not None and self.metres <= NEARBY_METRES


_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about what is wrong, left out of the comparison of words.
_STOP = frozenset(
    _WORD.findall(
        "a an and the of on in at to by for is are was it its this that there from with near "
        "out not no our my we i st street ave avenue rd road"
    )
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall((text or "").lower()) if w not in _STOP}


def similarity(a: str, b: str, at_least: float = 0.0) -> float:
    """How alike two one-line summaries read: the better of the shared words (so word
    order does not matter) and the letters in common (so "streetlight" meets "street
    light"). Python on the bounded set: pg_trgm is not on every server this runs on.

    With `at_least`, a pair below it is answered with 0.0, as soon as the letters' upper
    bounds (difflib's quick ratios) show it cannot reach it, without the full comparison;
    a pair that reaches it is answered exactly."""
    a_norm, b_norm = " ".join((a or "").lower().split()), " ".join((b or "").lower().split())
    if not a_norm or not b_norm:
        return 0.0
    if a_norm == b_norm:
        return 1.0
    wa, wb = _words(a_norm), _words(b_norm)
    shared = len(wa & wb) / len(wa | wb) if wa and wb else 0.0
    matcher = SequenceMatcher(None, a_norm, b_norm)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio):
        if round(max(shared, bound()), 3) < at_least:
            return 0.0
    alike = round(max(shared, matcher.ratio()), 3)
    return alike if alike >= at_least else 0.0


def metres_between(lat1, lon1, lat2, lon2) -> float:
    """Great-circle distance (haversine): exact enough at the scale of a street."""
    r = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def _box(latitude: float, longitude: float) -> Q:
    """The square around the point that holds every point within NEARBY_METRES: a cheap
    filter in SQL, the exact distance is measured afterwards."""
    dlat = NEARBY_METRES / 111_320
    dlon = NEARBY_METRES / (111_320 * max(math.cos(math.radians(latitude)), 0.01))
    return Q(
        latitude__range=(latitude - dlat, latitude + dlat),
        longitude__range=(longitude - dlon, longitude + dlon),
    )


def candidates(
    *,
    category: str,
    defined_area=None,
    latitude: float | None = None,
    longitude: float | None = None,
    summary: str = "",
    received: dt.date | None = None,
    exclude=None,
    limit: int = 5,
) -> list[Candidate]:
    """Open concerns, not merged, that look like the same thing: the same category, the
    same area or a point within NEARBY_METRES, received in the RECENT_DAYS before (or on)
    `received`, and a similar summary; the likeliest first. One query over at most
    SCAN_LIMIT rows, read through the category's index."""
    if not category or category == CONDUCT:
        return []
    received = received or timezone.localdate()
    area_id = getattr(defined_area, "pk", defined_area)
    has_point = latitude is not None and longitude is not None
    qs = Concern.objects.filter(
        category=category,
        date_received__range=(received - dt.timedelta(days=RECENT_DAYS), received),
        duplicate_of__isnull=True,
    ).exclude(status=S.RESOLVED)
    place = Q()
    if area_id:
        place |= Q(defined_area_id=area_id)
    if has_point:
        place |= _box(latitude, longitude)
    if place:
        qs = qs.filter(place)
    if exclude is not None:
        qs = qs.exclude(pk=getattr(exclude, "pk", exclude))
    # Read as plain values: building a model for each of up to SCAN_LIMIT rows cost the
    # concern's page more than the comparison (3.3 ms for 102 rows); models are built for
    # the few that are offered.
    rows = qs.order_by("-date_received", "-id").values(*_SCANNED, "defined_area__name")
    found = []
    alike_by_summary: dict[tuple[str, float], float] = {}  # a busy month repeats summaries
    for row in rows[:SCAN_LIMIT]:
        same_area = bool(area_id) and row["defined_area_id"] == area_id
        metres = None
        if has_point and row["latitude"] is not None and row["longitude"] is not None:
            metres = metres_between(latitude, longitude, row["latitude"], row["longitude"])
        near = metres is not None and metres <= NEARBY_METRES
        needed = SIMILAR_AT_PLACE if (same_area or near) else SIMILAR_ANYWHERE
        key = (row["summary"], needed)
        if key not in alike_by_summary:
            alike_by_summary[key] = similarity(summary, row["summary"], at_least=needed)
        alike = alike_by_summary[key]
        if alike < needed:
            continue
        # Likeness first; the place and nearness in time break ties between alike ones.
        days = abs((received - row["date_received"]).days)
        score = round(alike + (0.3 if near else 0) + (0.15 if same_area else 0) - days / 300, 3)
        found.append((row, alike, same_area, metres, score))
    found.sort(key=lambda f: (-f[4], -f[0]["date_received"].toordinal(), -f[0]["id"]))
    return [Candidate(_scanned(row), *facts) for row, *facts in found[:limit]]


# What the scan reads (with the area's name), in the model's order of fields.
_SCANNED = tuple(
    f.attname
    for f in Concern._meta.concrete_fields
    if f.name
    in {"id", "reference", "summary", "date_received", "category", "status", "area"}
    | {"latitude", "longitude", "defined_area"}
)


def _scanned(row: dict) -> Concern:
    """A candidate's concern from its scanned values, as `only()` with the area would load
    it: the other fields are read from the database if asked for."""
    concern = Concern.from_db(Concern.objects.db, _SCANNED, [row[f] for f in _SCANNED])
    if row["defined_area_id"] is not None:
        concern.defined_area = Area.from_db(
            Concern.objects.db, ("id", "name"), (row["defined_area_id"], row["defined_area__name"])
        )
    return concern


def candidates_for(concern: Concern, *, limit: int = 5) -> list[Candidate]:
    """The candidates for a concern already recorded (its page, a door's check)."""
    return candidates(
        category=concern.category,
        defined_area=concern.defined_area_id,
        latitude=concern.latitude,
        longitude=concern.longitude,
        summary=concern.summary,
        received=concern.date_received,
        exclude=concern.pk,
        limit=limit,
    )


def offer_for(cleaned_data: dict, *, user=None, limit: int = 5) -> list[Candidate]:
    """What the officer's intake offers, from the intake form's cleaned data (category,
    defined_area, latitude, longitude, summary, date_received): the candidates the officer
    may see. Officers see only their own concerns, so for most the list is short or empty;
    the supervisors and the CRO, who see all, get all."""
    found = candidates(
        category=cleaned_data.get("category") or "",
        defined_area=cleaned_data.get("defined_area"),
        latitude=cleaned_data.get("latitude"),
        longitude=cleaned_data.get("longitude"),
        summary=cleaned_data.get("summary") or cleaned_data.get("description") or "",
        received=cleaned_data.get("date_received"),
        limit=limit,
    )
    if user is not None:
        found = [c for c in found if can_view(user, concern=c.concern)]
    return found
