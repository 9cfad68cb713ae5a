"""Searchable pickers for the people, organizations and activities a form names.

A `<select data-picker>` becomes a combobox (Tom Select, vendored; static/js/pickers.js):
type part of a name, pick with Enter; several for a multiple choice, each removed with
Backspace. Without JavaScript it stays the plain list. A list past LookupSelect's threshold
carries only its chosen options and asks `data-picker-url` (a JSON lookup) for the rest, so
a form costs the same few queries whether the table holds fifty rows or five thousand.

They live here, beside the outreach forms, because outreach owns the organizations and
activities and the member lookup sits below it (accounts); the concern and program forms
import them from here.
"""

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from core.widgets import LookupSelect

TYPE_TO_FIND = _("Type to find")


class Picker(LookupSelect):
    """One choice from a list that may be long. The field still checks the id it gets
    against its own queryset: the lookup only suggests."""

    def __init__(self, attrs=None, lookup_url="", placeholder=TYPE_TO_FIND):
        super().__init__(attrs, lookup_url=lookup_url)
        self.placeholder = placeholder

    def select_attrs(self, attrs) -> dict:
        shown = super().select_attrs(attrs)
        # The combobox replaces the older filter box (static/js/app.js) on this list.
        shown.pop("data-searchable", None)
        shown["data-picker"] = "true"
        shown["data-picker-placeholder"] = str(self.placeholder)
        if url := shown.pop("data-lookup", None):
            shown["data-picker-url"] = url
        return shown


class PickerMultiple(Picker, forms.SelectMultiple):
    """Several choices (the officers who took part, a program's partners): no Ctrl-click."""


def member_picker(**kwargs) -> Picker:
    return Picker(lookup_url=reverse_lazy("accounts:member-lookup"), **kwargs)


def members_picker(**kwargs) -> PickerMultiple:
    return PickerMultiple(lookup_url=reverse_lazy("accounts:member-lookup"), **kwargs)


def organization_picker(**kwargs) -> Picker:
    return Picker(lookup_url=reverse_lazy("outreach:organization-lookup"), **kwargs)


def organizations_picker(**kwargs) -> PickerMultiple:
    return PickerMultiple(lookup_url=reverse_lazy("outreach:organization-lookup"), **kwargs)


def activity_picker(**kwargs) -> Picker:
    return Picker(lookup_url=reverse_lazy("outreach:activity-lookup"), **kwargs)


def activity_label(date, title) -> str:
    """How an activity reads in a picker: the same from the form and from the lookup."""
    return f"{date:%Y-%m-%d} · {title}"
