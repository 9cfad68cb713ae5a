"""The agency's areas: which area a typed place is in, and the CRO's writes on areas.

One rule resolves an area from typed text (`resolve`, `Resolver`), and every door that
creates a concern goes through it (concerns/intake.py): the officer's intake, the public
form, 311 and the spreadsheet import. The matching page (accounts/area_views.py) reads the
typed places still without an area and assigns many at once (`unplaced_values`, `assign`).

Concerns, outreach activities and organizations sit in apps above this one, so they are
reached through the Area model's reverse relations (`PLACED`), never imported.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from shapely.geometry import Point

from accounts.geometry import checked_shape
from accounts.models import Area, User
from accounts.shapes import ShapeStore
from core.permissions import Permission, require
from core.queues import DOCUMENTS

# The records that point to an area: the reverse relation on Area, and how a page names them.
PLACED = {
    "concerns": _("concerns"),
    "activities": _("outreach activities"),
    "organizations": _("organizations"),
}
# The matching page shows at most this many typed places at a time, in alphabetical order,
# and counts each up to COUNT_CAP rows: its cost does not grow with the tables (PERFORMANCE).
MAX_VALUES = 300
COUNT_CAP = 10_000
# Kinds in the order a match prefers them when several areas appear in one text: the finer
# police unit first ("Beat 3 (downtown)" is Beat 3, not the Downtown neighbourhood).
KIND_ORDER = [Area.Kind.BEAT, Area.Kind.NEIGHBOURHOOD, Area.Kind.SECTOR, Area.Kind.DISTRICT]
# A code shorter than this is too likely to appear by chance ("N", "3") to match on its own.
MIN_CODE = 2
SIMILAR = 0.8
WORD = re.compile(r"[^\W_]+")

NOTHING_CHOSEN = _("Tick at least one typed place.")
INACTIVE_AREA = _("%(area)s is not active. Activate it first, or choose another area.")


def _words(text: str) -> str:
    """Lower case, every run of other characters one space, padded: ' beat 3 downtown '."""
    return " " + " ".join(WORD.findall((text or "").casefold())) + " "


@dataclass
class Resolver:
    """The active areas read once, for a batch of texts (an import resolves thousands)."""

    areas: list[Area]
    _keys: list[tuple[str, Area]] = field(default_factory=list, repr=False)
    _seen: dict[str, Area | None] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls) -> "Resolver":
        """The active areas, without their boundaries: a text needs none, and a point
        reads only those of the areas whose box holds it (`_SHAPES`)."""
        return cls(list(Area.objects.filter(is_active=True).defer("boundary")))

    def __post_init__(self):
        for area in self.areas:
            for key in (_words(area.name), _words(area.code)):
                if key.strip() and (key != _words(area.code) or len(key.strip()) >= MIN_CODE):
                    self._keys.append((key, area))

    def __call__(self, text: str) -> Area | None:
        """The area whose name or code appears in the text as whole words (case and
        punctuation aside). Several: the finer kind, then the longer match; still a tie
        between different areas: none, for a person to choose."""
        words = _words(text)
        if words not in self._seen:
            found = [(key, area) for key, area in self._keys if key in words]
            if not found:
                self._seen[words] = None
            else:
                rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
                found.sort(key=lambda f: (rank.get(f[1].kind, 9), -len(f[0])))
                best_key, best = found[0]
                rivals = {
                    area.pk
                    for key, area in found
                    if area.kind == best.kind and len(key) == len(best_key)
                }
                self._seen[words] = best if len(rivals) == 1 else None
        return self._seen[words]

    def at(self, latitude: float | None, longitude: float | None) -> Area | None:
        """The area whose boundary holds the point: the finer kind first (a beat before
        its sector); a point on a shared edge goes to the area with the lower id, so the
        answer never depends on the order areas were read in. None outside every boundary."""
        if latitude is None or longitude is None:
            return None
        rank = {kind: i for i, kind in enumerate(KIND_ORDER)}
        around = [
            area
            for area in self.areas
            if area.min_latitude is not None
            and area.min_latitude <= latitude <= area.max_latitude
            and area.min_longitude <= longitude <= area.max_longitude
        ]
        shapes = _SHAPES.of(around)
        point = Point(longitude, latitude)
        inside = [
            area
            for area in around
            if (boundary := shapes[area.pk]) is not None and boundary.covers(point)
        ]
        inside.sort(key=lambda area: (rank.get(area.kind, 9), area.pk))
        return inside[0] if inside else None

    def place(self, *, text: str, latitude=None, longitude=None) -> Area | None:
        """The one rule: a point inside a boundary decides; else the typed text."""
        return self.at(latitude, longitude) or self(text)

    def suggest(self, text: str) -> Area | None:
        """What the matching page offers: the rule's answer, else the area whose name is
        most like the whole text ("Mapel Heights" is Maple Heights)."""
        if (area := self(text)) is not None:
            return area
        words = _words(text).strip()
        names = {_words(area.name).strip(): area for area in self.areas}
        close = difflib.get_close_matches(words, list(names), n=1, cutoff=SIMILAR)
        return names[close[0]] if close else None


# Full checked shapes, to place a point: fewer are kept than the maps' simplified ones (an
# agency has tens of areas).
_SHAPES = ShapeStore(checked_shape, limit=300)


def resolve(text: str, *, latitude=None, longitude=None) -> Area | None:
    """The one rule every door uses to place a record in an area: its point when it has one
    inside a boundary, else its typed location."""
    return Resolver.load().place(text=text, latitude=latitude, longitude=longitude)


# --- The matching page -------------------------------------------------------------------


@dataclass
class Unplaced:
    """One typed place without an area, its count in each kind of record, and a suggestion."""

    value: str
    counts: dict[str, int]
    suggestion: Area | None = None

    @property
    def cells(self) -> list[int]:
        """The counts in the order of PLACED, for the page's columns."""
        return [self.counts.get(name, 0) for name in PLACED]


def _placed_model(name: str):
    return Area._meta.get_field(name).related_model


def _walk_sql(table: str) -> str:
    # An emulated skip scan: each step is one probe of the partial index on the typed
    # places without an area, so the cost is the number of distinct values shown, not the
    # number of rows (a plain DISTINCT reads every row). Each count stops at the cap.
    return f"""
        WITH RECURSIVE walk(value) AS (
            (SELECT area FROM {table}
              WHERE defined_area_id IS NULL AND area > '' ORDER BY area LIMIT 1)
            UNION ALL
            SELECT (SELECT t.area FROM {table} t
                     WHERE t.defined_area_id IS NULL AND t.area > walk.value
                     ORDER BY t.area LIMIT 1)
              FROM walk WHERE walk.value IS NOT NULL
        )
        SELECT walk.value,
               (SELECT count(*) FROM (SELECT 1 FROM {table} c
                  WHERE c.defined_area_id IS NULL AND c.area = walk.value
                  LIMIT %s) capped)
          FROM walk WHERE walk.value IS NOT NULL LIMIT %s
    """  # noqa: S608  # nosec B608 - the table names come from the models, never from input


def unplaced_values(resolver: Resolver | None = None) -> tuple[list[Unplaced], bool]:
    """The typed places of records with no area, first MAX_VALUES in alphabetical order
    across the three kinds of record, and whether there are more. Three queries."""
    merged: dict[str, dict[str, int]] = {}
    more = False
    with connection.cursor() as cursor:
        for name in PLACED:
            cursor.execute(
                _walk_sql(connection.ops.quote_name(_placed_model(name)._meta.db_table)),
                [COUNT_CAP, MAX_VALUES + 1],
            )
            rows = cursor.fetchall()
            more = more or len(rows) > MAX_VALUES
            for value, count in rows[:MAX_VALUES]:
                merged.setdefault(value, {})[name] = count
    values = sorted(merged)
    more = more or len(values) > MAX_VALUES
    resolver = resolver or Resolver.load()
    return [
        Unplaced(value, merged[value], resolver.suggest(value)) for value in values[:MAX_VALUES]
    ], more


@transaction.atomic
def assign(*, by, values: list[str], area: Area) -> int:
    """Put every record whose typed place is one of `values`, and which has no area yet,
    in `area`: one UPDATE per value and kind of record, whatever the number of rows."""
    require(by, Permission.MANAGE_AREAS)
    if not values:
        raise ValidationError(NOTHING_CHOSEN)
    if not area.is_active:
        raise ValidationError(INACTIVE_AREA, params={"area": area})
    changed = 0
    for name in PLACED:
        manager = _placed_model(name)._base_manager
        for value in dict.fromkeys(values):
            changed += manager.filter(defined_area__isnull=True, area=value).update(
                defined_area=area
            )
    return changed


def queue_assignment(*, by, pairs: list[tuple[str, Area]]) -> int:
    """Check the CRO's choice now, and apply it in the background: a typed place on tens of
    thousands of old records takes seconds to update (each row is audited), so a page never
    waits for it. Returns how many typed places were queued."""
    require(by, Permission.MANAGE_AREAS)
    if not pairs:
        raise ValidationError(NOTHING_CHOSEN)
    for _value, area in pairs:
        if not area.is_active:
            raise ValidationError(INACTIVE_AREA, params={"area": area})
    assign_places.enqueue(by.pk, [[value, area.pk] for value, area in pairs])
    return len(pairs)


@task(queue_name=DOCUMENTS)
def assign_places(user_id: int, pairs: list[list]) -> int:
    """Each typed place in its area, one value at a time, each in its own transaction: the
    records of the first values are placed while the next ones are written."""
    by = User.objects.get(pk=user_id)
    chosen = Area.objects.in_bulk({area_id for _value, area_id in pairs})
    changed = 0
    for value, area_id in pairs:
        if (area := chosen.get(area_id)) is not None and area.is_active:
            changed += assign(by=by, values=[value], area=area)
    return changed


# --- Writes on areas ---------------------------------------------------------------------


@transaction.atomic
def save_area(*, by, area: Area) -> Area:
    """Add or change an area; the model's rules (boundary, nesting, code) are checked."""
    require(by, Permission.MANAGE_AREAS)
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def set_active(*, by, area: Area, active: bool) -> Area:
    """Deactivate (or bring back) an area: its records keep it, new ones are not offered it."""
    require(by, Permission.MANAGE_AREAS)
    area.is_active = active
    area.save(update_fields=["is_active", "updated_at"])
    return area
