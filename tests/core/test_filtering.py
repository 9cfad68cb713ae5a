"""A list's filter set made without django-filter's deep copies (core/filtering.py): the
same form, the same filtering, and nothing shared between two requests' filter sets that
one of them could change."""

import django_filters
import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.utils import translation
from django.utils.translation import get_language

from concerns.filters import ConcernFilter
from concerns.models import Concern
from core.templatetags.quick_fields import quick_field
from tests.factories import ConcernFactory

pytestmark = pytest.mark.django_db


class DjangoFiltersOwn(ConcernFilter):
    """The same filters made and copied as django-filter does."""

    __init__ = django_filters.FilterSet.__init__
    get_form_class = django_filters.FilterSet.get_form_class


def _request(user, query=""):
    request = RequestFactory().get("/concerns/", QueryDict(query))
    request.user = user
    return request


def _card(filterset) -> list[str]:
    return [str(quick_field(bound)) for bound in filterset.form]


@pytest.mark.parametrize(
    "query",
    ["", "status=in_progress&category=traffic", "q=lamp&needs_me=on&sort=oldest", "status=nope"],
)
def test_the_form_and_the_filtering_are_django_filters_own(cro, officer, query):
    ConcernFactory(reported_by=officer, category="traffic", status="in_progress")
    ConcernFactory(reported_by=officer, category="noise")
    for _ in range(2):  # the second time, from the form class kept
        data = QueryDict(query) if query else None
        ours = ConcernFilter(data, queryset=Concern.objects.all(), request=_request(cro, query))
        theirs = DjangoFiltersOwn(
            data, queryset=Concern.objects.all(), request=_request(cro, query)
        )
        assert _card(ours) == _card(theirs)
        assert ours.is_valid() == theirs.is_valid()
        if ours.is_valid():
            assert list(ours.qs.values_list("pk", flat=True)) == list(
                theirs.qs.values_list("pk", flat=True)
            )
        else:
            assert ours.errors == theirs.errors


def test_two_requests_filter_sets_share_nothing_they_change(cro, officer):
    mine = ConcernFactory(reported_by=officer)  # waits for the officer who logged it
    first = ConcernFilter(
        QueryDict("needs_me=on"), queryset=Concern.objects.all(), request=_request(officer)
    )
    second = ConcernFilter(
        QueryDict("needs_me=on"), queryset=Concern.objects.all(), request=_request(cro)
    )
    # Each method filter asks its own filter set (its own request's person).
    assert first.filters["needs_me"].parent is first and second.filters["needs_me"].parent is second
    assert mine in first.qs and mine not in second.qs
    # Each form has its own fields and widgets; a fixed list of choices is the same list.
    one, two = first.form.fields["status"], second.form.fields["status"]
    assert one is not two and one.widget is not two.widget
    one.widget.attrs["class"] = "changed"
    assert "class" not in two.widget.attrs
    assert list(one.choices) == list(two.choices)
    # django-filter's choice iterator reads the labels of its own field.
    assert one._choices.field is one and two._choices.field is two
    assert ConcernFilter.base_filters["status"].__dict__.get("parent") is None


def test_a_label_taken_from_the_model_is_in_each_requests_language(cro, monkeypatch):
    """The form class is kept per language: a filter without a label of its own (the
    status) takes its model field's name, translated when the form class is made."""
    monkeypatch.setattr(
        django_filters.filters, "label_for_filter", lambda *args, **kwargs: get_language()
    )
    monkeypatch.setattr(ConcernFilter, "_form_classes", {})
    for language in ("es", "en", "es"):
        with translation.override(language):
            form = ConcernFilter(None, queryset=Concern.objects.all(), request=_request(cro)).form
            assert form.fields["status"].label == language


def test_a_filter_set_whose_fields_depend_on_the_request_is_refused(cro):
    class ByRequest(ConcernFilter):
        defined_area = django_filters.ModelChoiceFilter(queryset=lambda request: None)

    with pytest.raises(TypeError, match="depend on the request"):
        ByRequest(None, queryset=Concern.objects.all(), request=_request(cro)).get_form_class()
