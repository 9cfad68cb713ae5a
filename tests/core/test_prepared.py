"""A query of fixed shape compiled once (core/prepared.py): the same rows as the ORM's own
query, compiled on first use only, and refused where its values would not reach the SQL as
they are."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext

from accounts.models import SIGNED_IN, Agency, User
from audit.models import AuditEvent
from concerns.models import Concern
from core.prepared import Prepared
from core.roles import Role
from notifications.models import UNREAD_CAP, Notification, unread_count
from tests.factories import ConcernFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_instance_is_the_orms_with_its_annotations(cro):
    held = Group.objects.filter(user=OuterRef("pk")).values("name")
    orm = User.objects.annotate(held_roles=ArraySubquery(held)).get(pk=cro.pk)
    prepared = SIGNED_IN.instance(cro.pk)
    assert type(prepared) is User
    for field in User._meta.concrete_fields:
        assert getattr(prepared, field.attname) == getattr(orm, field.attname), field.name
    assert prepared.held_roles == orm.held_roles == [Role.CRO.value]
    assert prepared._state.db == "default" and not prepared._state.adding
    assert SIGNED_IN.instance(cro.pk + 10_000) is None


def test_a_deferred_instance_reads_the_rest_when_asked():
    Agency.objects.update_or_create(pk=1, defaults={"name": "Riverton PD", "phone": "555-0100"})
    agency = Agency.for_pages()
    assert agency.get_deferred_fields() >= {"phone", "address"}
    with CaptureQueriesContext(connection) as asked:
        assert agency.name == "Riverton PD"
    assert len(asked) == 0
    assert agency.phone == "555-0100"  # one query, as Django's deferred fields


def test_related_rows_come_with_the_row_and_a_missing_one_is_none(cro, officer):
    built = []

    def build():
        built.append(1)
        return Concern.objects.select_related("assignee", "reported_by").order_by("pk")

    first = ConcernFactory(assignee=officer, reported_by=cro)
    second = ConcernFactory(assignee=None, reported_by=cro)
    prepared = Prepared(build)
    with CaptureQueriesContext(connection) as asked:
        rows = prepared.instances()
        assert [c.pk for c in rows] == [first.pk, second.pk]
        assert rows[0].assignee == officer and rows[0].reported_by == cro
        assert rows[1].assignee is None
    assert len(asked) == 1
    prepared.instances()
    # Built twice on first use (its model, then its SQL), never again.
    assert len(built) == 2


def test_a_capped_count_counts_in_the_same_query(cro, officer):
    for i in range(UNREAD_CAP + 3):
        Notification.objects.create(recipient=cro, kind="k", title=f"t{i}", url="/", delivery="app")
    Notification.objects.create(recipient=officer, kind="k", title="x", url="/", delivery="app")
    Notification.objects.filter(recipient=cro, title="t0").update(read_at=dt.datetime.now(dt.UTC))
    assert unread_count(cro) == UNREAD_CAP + 1  # "99+"
    assert unread_count(officer) == 1
    Notification.objects.filter(recipient=cro).update(read_at=dt.datetime.now(dt.UTC))
    assert unread_count(cro) == 0


def test_values_of_each_kind_reach_the_sql(cro):
    concerns = [ConcernFactory(reported_by=cro) for _ in range(3)]
    by_ids = Prepared(
        lambda ids: (
            Concern.objects.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [ids]))
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        list,
    )
    assert [pk for (pk,) in by_ids.rows([concerns[2].pk, concerns[0].pk])] == sorted(
        [concerns[0].pk, concerns[2].pk]
    )
    assert by_ids.rows([]) == []
    since = Prepared(
        lambda reference, moment: Concern.objects.filter(
            reference=reference, created_at__gte=moment
        ).values_list("pk"),
        str,
        dt.datetime,
    )
    made = concerns[1].created_at
    assert since.value(concerns[1].reference, made) == concerns[1].pk
    assert since.value(concerns[1].reference, made + dt.timedelta(seconds=1)) is None
    # A value of another kind is read as the ORM would, or refused as it would be.
    assert SIGNED_IN.instance(str(cro.pk)).pk == cro.pk
    with pytest.raises(ValueError):
        SIGNED_IN.instance("not a number")


def test_a_value_the_orm_would_change_is_refused():
    wrapped = Prepared(lambda text: Concern.objects.filter(summary__icontains=text), str)
    with pytest.raises(ValueError, match="does not reach the SQL"):
        wrapped.rows("lamp")


def test_a_column_that_needs_converting_is_refused():
    converted = Prepared(lambda pk: AuditEvent.objects.filter(pk=pk).values_list("changes"), int)
    with pytest.raises(ValueError, match="needs converting"):
        converted.rows(1)


def test_none_and_a_wrong_number_of_values_are_refused(cro):
    with pytest.raises(ValueError):
        SIGNED_IN.instance(None)
    with pytest.raises(ValueError):
        SIGNED_IN.instance(cro.pk, cro.pk)


def test_each_use_sends_its_own_values_as_one_query(cro, django_assert_num_queries):
    user = UserFactory(roles=[Role.OFFICER])
    with django_assert_num_queries(2) as asked:
        assert SIGNED_IN.instance(user.pk).pk == user.pk
        assert SIGNED_IN.instance(cro.pk).pk == cro.pk
    first, second = (query["sql"] for query in asked.captured_queries)
    assert str(user.pk) in first and str(cro.pk) in second
    assert first.replace(str(user.pk), "?") == second.replace(str(cro.pk), "?")


def test_what_a_prepared_would_silently_skip_is_refused(cro):
    for build in (
        lambda pk: User.objects.filter(pk=pk).prefetch_related("groups"),
        lambda pk: User.objects.using("default").filter(pk=pk),
        lambda pk: User.objects.filter(pk=pk).extra(select={"one": "1"}),  # noqa: S610
    ):
        with pytest.raises(ValueError, match="A Prepared"):
            Prepared(build, int).rows(cro.pk)


def test_a_yes_or_no_and_a_moment_without_its_zone_are_refused(cro):
    with pytest.raises(ValueError):
        SIGNED_IN.instance(True)
    since = Prepared(
        lambda moment: Concern.objects.filter(created_at__gte=moment).values_list("pk"),
        dt.datetime,
    )
    with pytest.raises(ValueError, match="time zone"):
        since.rows(dt.datetime(2026, 12, 5, 12, 0))
    assert since.rows(dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)) == []
