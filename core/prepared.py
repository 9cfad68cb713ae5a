"""A query of fixed shape, compiled to SQL once per process (issue 26).

Asking a query through the ORM costs 0.35-0.7 ms of CPU, most of it building and compiling
the query; sending the SQL it makes and reading the answer costs about 0.1 (PERFORMANCE.md,
"The queries every page asks"). The queries every signed-in page asks never change shape,
only their values: the session, its person with their roles, their second factor, the
agency's name, the unread count, the menu's reporting duty. Each is a `Prepared`: a function
that builds the queryset from its values, and the kinds of those values. The queryset is
built once with a placeholder of each kind, compiled for the database it reads, and from
then on each use puts its values in the placeholders' places and sends the same SQL.

What a Prepared holds to, checked when it is compiled:
- each placeholder reaches the SQL's parameters as it is, so that a value does too (an id, a
  key, a moment: not text a lookup wraps, as `icontains` does);
- no column needs converting on its way back (no JSON);
- no prefetched or known related rows, no `using()` (the router decides), no columns read
  besides those selected;
- a value is never None, which the ORM would have turned into IS NULL, nor a yes or no
  (True is not an id), and a moment has its time zone;
- a list (of ids) is one array, not one parameter per id as `pk__in=[...]` would send.

The database is chosen per use, as the ORM would (`router.db_for_read`), so a Prepared reads
the replica where the page does.
"""

import datetime as dt
from collections.abc import Callable

from django.db import connections, router
from django.db.models.query import ModelIterable, get_related_populators

# A placeholder of each kind: a value no real query is asked with.
_PLACEHOLDERS = {
    int: lambda i: -1_900_000_000 - i,
    str: lambda i: f"\ue000placeholder {i}\ue000",
    dt.datetime: lambda i: dt.datetime(1901, 2, 3, 4, 5, 6, 100_000 + i, tzinfo=dt.UTC),
    # A list of ids, sent as one array: `pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids])`.
    list: lambda i: [-1_800_000_000 - i],
}


def _as(kind: type, value):
    if isinstance(value, bool):
        raise ValueError("A yes or no is not an id, a key or a moment.")
    if kind is list:
        return [_as(int, item) for item in value]
    if kind is dt.datetime:
        if not isinstance(value, dt.datetime) or value.tzinfo is None:
            raise ValueError("A moment is a datetime with its time zone.")
        return value
    return value if isinstance(value, kind) else kind(value)


class Prepared:
    """`build(*values)` returns the queryset; `kinds` are the values' types, in order.
    `count=True` counts the queryset's rows (a capped count: slice it) in the same SQL."""

    def __init__(self, build: Callable, *kinds: type, count: bool = False):
        self._build = build
        self._kinds = kinds
        self._placeholders = tuple(_PLACEHOLDERS[kind](i) for i, kind in enumerate(kinds))
        self._count = count
        self._model = None
        self._compiled: dict[str, _Compiled] = {}

    def _for(self) -> "tuple[_Compiled, str]":
        if self._model is None:
            self._model = self._build(*self._placeholders).model
        alias = router.db_for_read(self._model)
        compiled = self._compiled.get(alias)
        if compiled is None:
            query = self._build(*self._placeholders)
            compiled = _Compiled(query, alias, self._placeholders, self._count)
            self._compiled[alias] = compiled
        return compiled, alias

    def _values(self, values: tuple) -> tuple:
        """The values as their kinds: an id or key that is not one fails as the ORM's would."""
        if len(values) != len(self._kinds) or any(value is None for value in values):
            raise ValueError(f"{len(self._kinds)} values, none of them None, were expected")
        return tuple(_as(kind, value) for value, kind in zip(values, self._kinds, strict=True))

    def rows(self, *values) -> list[tuple]:
        compiled, alias = self._for()
        return compiled.rows(alias, self._values(values))

    def value(self, *values):
        """The first column of the first row, or None if there is no row."""
        rows = self.rows(*values)
        return rows[0][0] if rows else None

    def instance(self, *values):
        """The first row as a model instance (with its annotations), or None."""
        compiled, alias = self._for()
        rows = compiled.rows(alias, self._values(values))
        return compiled.instance(alias, rows[0]) if rows else None

    def instances(self, *values) -> list:
        """Every row as a model instance, with the related rows it selects."""
        compiled, alias = self._for()
        return [compiled.instance(alias, row) for row in compiled.rows(alias, self._values(values))]


class _Compiled:
    def __init__(self, queryset, alias: str, placeholders: tuple, count: bool):
        # What the ORM would do besides running the SQL, a Prepared does not: refused.
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise ValueError("A Prepared reads one query: no prefetched or known related rows.")
        if queryset._db is not None:
            raise ValueError("A Prepared reads where the router sends it, not `using()`.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = []
        for position, param in enumerate(params):
            for index, placeholder in enumerate(placeholders):
                if type(param) is type(placeholder) and param == placeholder:
                    slots.append((position, index))
        if {index for _, index in slots} != set(range(len(placeholders))):
            raise ValueError(f"A value does not reach the SQL as it is: {sql}")
        if len(compiler.select) != compiler.col_count or queryset.query.extra_select:
            raise ValueError(f"A Prepared reads the columns it selects and no others: {sql}")
        columns = [column for column, *_ in compiler.select]
        if compiler.get_converters(columns):
            raise ValueError(f"A column needs converting, which a Prepared does not do: {sql}")
        # The compiled SQL itself, counted: no value is in it (they are parameters).
        counted = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608  # nosec B608
        self.sql = counted if count else sql
        self.params = list(params)
        self.slots = tuple(slots)
        self.model = None
        if queryset._iterable_class is ModelIterable and not count:
            # As Django's ModelIterable reads a row, with what it works out per query kept.
            info = compiler.klass_info
            fields = info["select_fields"]
            self.model = info["model"]
            self.start, self.end = fields[0], fields[-1] + 1
            self.names = [compiler.select[i][0].target.attname for i in fields]
            self.annotations = tuple(compiler.annotation_col_map.items())
            self.related = get_related_populators(info, compiler.select, alias)

    def rows(self, alias: str, values: tuple) -> list[tuple]:
        params = list(self.params)
        for position, index in self.slots:
            params[position] = values[index]
        with connections[alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def instance(self, alias: str, row: tuple):
        if self.model is None:
            raise TypeError("This Prepared reads values, not a model's rows.")
        obj = self.model.from_db(alias, self.names, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj
