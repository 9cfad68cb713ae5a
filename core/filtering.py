"""A list's filter set, with what django-filter rebuilt on every request done once (issue 26).

django-filter deep-copies every filter of the set on each request, makes a new form class
from them, and Django deep-copies that form's fields again: with each pick-list's choices and
their translated labels, two thirds of a millisecond of the concern list's filter card went
to copying. `QuickFilterSet` instead:

- copies each filter one level deep: its own settings dictionary, its method bound to the
  copy (what a request's filter set changes of a filter is its parent and model, set here);
- makes the form class once per filter set and language, from the first such request's
  fields (a label a filter takes from its model field is translated then): a filter set
  whose fields depend on the request (a pick-list made from a function of it, a field
  changed after the set is made) must not be one;
- gives that form a copy of each field as Django's, except that a list of fixed choices is
  shared rather than copied: nothing changes a field's choices in place, and Django already
  shares them between a field and its widget.
"""

import copy

import django_filters
from django import forms
from django.http import QueryDict
from django.utils.translation import get_language


def _copied(filter_):
    new = copy.copy(filter_)
    new.extra = dict(filter_.extra)
    new.__dict__.pop("_field", None)
    if filter_._method is not None:
        new.method = filter_._method  # bound to the copy, as a deep copy's would be
    return new


def _field_copied(field, memo):
    if not isinstance(field, forms.ChoiceField) or isinstance(field, forms.ModelChoiceField):
        return copy.deepcopy(field, memo)
    result = forms.Field.__deepcopy__(field, memo)
    choices = field._choices
    if hasattr(choices, "field"):  # django-filter's iterator, which reads its field's labels
        choices = copy.copy(choices)
        choices.field = result
    result._choices = choices
    return result


class _Fields(dict):
    """A form class's fields, copied for each form as `_field_copied` says."""

    def __deepcopy__(self, memo):
        return {name: _field_copied(field, memo) for name, field in self.items()}


class QuickFilterSet(django_filters.FilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _copied(f) for name, f in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self

    def get_form_class(self):
        # One per language: a filter without a label of its own takes its model field's
        # name, translated as the form is made.
        kept = type(self).__dict__.get("_form_classes")
        if kept is None:
            kept = type(self)._form_classes = {}
        language = get_language()
        form_class = kept.get(language)
        if form_class is None:
            if any(callable(f.extra.get("queryset")) for f in self.filters.values()):
                raise TypeError(f"{type(self).__name__}'s fields depend on the request.")
            form_class = super().get_form_class()
            form_class.base_fields = _Fields(form_class.base_fields)
            kept[language] = form_class
        return form_class
