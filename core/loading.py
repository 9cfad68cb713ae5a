"""Rows read from the database made into model instances without Model.__init__ (issue 26).

Django's `Model.from_db` matches each of the model's fields against the names read (a list,
searched once per field per row), pads the row with placeholders for the fields not read,
and passes it to `__init__`, which sets each value in turn. For a list page's fifty concerns,
with their assignee, area and lead, that is about a hundred instances and over a
millisecond of CPU. `quick_from_db` works out once per query which fields the row's values
belong to, and sets them all at once: what `__init__` sets, by the same names. A model
opts in with `from_db = quick_from_db`, the hook Django documents for this.

It gives way to Django's own wherever the two could differ: a model with a listener to
`pre_init` or `post_init`, or a field whose attribute does more when set than store the
value (an image's dimensions, say). Tests hold the two to the same instances.
"""

from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Attributes that store a value set on a new instance as it is: a plain or deferred field's,
# a foreign key's id (which clears a cached related object: a new instance has none), and a
# file's name (wrapped in a file object when read).
STORED_AS_SET = (DeferredAttribute, ForeignKeyDeferredAttribute, FileDescriptor)

# Per model: the list of names of the query being read, and the fields its values fill.
_LAST: dict[type, tuple[list, tuple[str, ...] | None]] = {}


def _attribute(cls, name: str):
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return klass.__dict__[name]
    return None


def _filled(cls, field_names) -> tuple[str, ...] | None:
    """The attributes the row's values fill, in their order; None where Django's own
    loading must be used."""
    fields = cls._meta.concrete_fields
    names = set(field_names)
    filled = tuple(f.attname for f in fields if f.attname in names)
    if any(type(_attribute(cls, name)) not in STORED_AS_SET for name in filled):
        return None
    return filled


@classmethod
def quick_from_db(cls, db, field_names, values):
    last = _LAST.get(cls)
    if last is None or last[0] is not field_names:
        last = _LAST[cls] = (field_names, _filled(cls, field_names))
    filled = last[1]
    if filled is None or pre_init.has_listeners(cls) or post_init.has_listeners(cls):
        return Model.from_db.__func__(cls, db, field_names, values)
    new = cls.__new__(cls)
    state = new._state = ModelState()
    new.__dict__.update(zip(filled, values, strict=True))
    state.adding = False
    state.db = db
    return new
