"""Model instances read from the database without Model.__init__ (core/loading.py): the
same instances as Django's own loading, whole, deferred and with related rows, and Django's
own loading wherever the two could differ."""

import pytest
from django.db.models import Model
from django.db.models.signals import post_init

from accounts.models import Agency, Area, User
from concerns import services
from concerns.models import (
    Attachment,
    Concern,
    ConcernUpdate,
    Department,
    Referral,
    Routing,
    Unit,
)
from core.loading import _filled
from tests.factories import ConcernFactory, DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _listening():
    """A listener to every model's post_init: Django's own loading for each of them."""

    def listener(**kwargs):
        pass

    post_init.connect(listener, weak=False)
    return listener


def _state(obj) -> dict:
    """Everything an instance holds, its related rows' included, field by field."""
    if obj is None:
        return None
    values = {k: v for k, v in obj.__dict__.items() if k != "_state"}
    return {
        "class": type(obj),
        "values": values,
        "adding": obj._state.adding,
        "db": obj._state.db,
        "deferred": obj.get_deferred_fields(),
        "related": {k: _state(v) for k, v in obj._state.fields_cache.items()},
    }


def _same_as_djangos(queryset, monkeypatch) -> list:
    """The queryset's instances, checked against Django's own loading of the same rows."""
    made = []
    real_init = Model.__init__

    def counted(self, *args, **kwargs):
        made.append(type(self))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(Model, "__init__", counted)
    quick = list(queryset)
    assert queryset.model not in made  # read without __init__, its related rows too
    assert not {type(v) for o in quick for v in o._state.fields_cache.values()} & set(made)
    monkeypatch.setattr(Model, "__init__", real_init)
    listener = _listening()
    try:
        djangos = list(queryset.all())
    finally:
        post_init.disconnect(listener)
    assert [_state(o) for o in quick] == [_state(o) for o in djangos]
    return quick


def test_whole_deferred_and_related_rows_are_djangos(cro, officer, monkeypatch):
    area = Area.objects.create(name="Maple Heights", code="MH", kind=Area.Kind.BEAT)
    lead = ConcernFactory(reported_by=cro)
    ConcernFactory(reported_by=officer, assignee=officer, defined_area=area, duplicate_of=lead)
    ConcernFactory(reported_by=None)
    _same_as_djangos(Concern.objects.order_by("pk"), monkeypatch)
    rows = _same_as_djangos(Concern.objects.for_list().order_by("pk"), monkeypatch)
    assert rows[1].get_deferred_fields() and rows[1].defined_area.name == "Maple Heights"
    assert rows[1].assignee == officer and rows[1].duplicate_of.reference == lead.reference
    assert rows[0].assignee is None
    # A deferred field is read when asked, as Django's would be.
    assert rows[1].description == Concern.objects.get(pk=rows[1].pk).description
    _same_as_djangos(User.objects.order_by("pk"), monkeypatch)
    _same_as_djangos(Area.objects.for_picking(), monkeypatch)


def test_a_concerns_handoffs_timeline_and_people_are_djangos(
    officer, supervisor, cro, other_officer, monkeypatch
):
    concern = ConcernFactory(reported_by=officer)
    services.escalate_concern(concern=concern, by=officer, note="Needs more than me.")
    forwarded = services.forward_concern(concern=concern, by=supervisor, note="For the CRO.")
    unit = UnitFactory(name="Traffic", commander=other_officer)
    services.route_to_unit(concern=forwarded, by=cro, unit=unit, note="")
    services.refer_concern(
        concern=forwarded,
        by=cro,
        department=DepartmentFactory(name="Public Works"),
        referred_on=forwarded.date_received,
    )
    (routing,) = _same_as_djangos(Routing.objects.select_related("unit", "routed_by"), monkeypatch)
    assert routing.unit.name == "Traffic" and routing.routed_by == cro
    (referral,) = _same_as_djangos(Referral.objects.select_related("department"), monkeypatch)
    assert referral.department.name == "Public Works"
    _same_as_djangos(Unit.objects.select_related("commander"), monkeypatch)
    _same_as_djangos(Department.objects.all(), monkeypatch)
    assert _same_as_djangos(ConcernUpdate.objects.select_related("author"), monkeypatch)
    Attachment.objects.create(
        concern=forwarded,
        kind=Attachment.Kind.PHOTO,
        file="concerns/2026/12/lamp.jpg",
        content_type="image/jpeg",
        size=1024,
        width=640,
        height=480,
        thumbnail="concerns/2026/12/lamp-thumb.jpg",
        added_by=cro,
    )
    (photo,) = _same_as_djangos(Attachment.objects.select_related("added_by"), monkeypatch)
    assert photo.file.name == "concerns/2026/12/lamp.jpg" and photo.added_by == cro


def test_a_saved_instance_saves_and_refreshes_as_djangos(cro):
    ConcernFactory(reported_by=cro, summary="Streetlight out")
    concern = Concern.objects.get(summary="Streetlight out")
    assert not concern._state.adding
    concern.summary = "Streetlight out on Elm"
    concern.save(update_fields=["summary"])
    concern.refresh_from_db()
    assert concern.summary == "Streetlight out on Elm"


def test_djangos_loading_where_a_field_does_more_when_set():
    """The agency's logo is an image: setting it reads the image's size."""
    assert _filled(Agency, [f.attname for f in Agency._meta.concrete_fields]) is None
    assert _filled(Concern, ["id", "reference"]) == ("id", "reference")
