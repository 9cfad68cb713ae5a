"""The quick pick-lists render what Django's own <select> renders, without a template per
option (long lists of organizations and members)."""

import re

import pytest
from django import forms

from accounts.widgets import QuickSelect, QuickSelectMultiple
from tests.factories import OrganizationFactory

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html: str) -> list[tuple[str, bool, str]]:
    return [(v, bool(s), label) for v, s, label in OPTION.findall(html)]


def test_the_same_options_selected_and_escaped_as_djangos_select():
    choices = [("", "Any"), ("a", "Alpha & <b>"), ("b", 'Quote "b"')]
    attrs = {"id": "id_x", "class": "form-select", "data-searchable": "true"}
    theirs = forms.Select(attrs=attrs, choices=choices).render("x", "a")
    ours = QuickSelect(attrs=attrs, choices=choices).render("x", "a")
    assert (
        options(ours)
        == options(theirs)
        == [
            ("", False, "Any"),
            ("a", True, "Alpha &amp; &lt;b&gt;"),
            ("b", False, "Quote &quot;b&quot;"),
        ]
    )
    assert ours.startswith('<select name="x" ')
    for attribute in ('id="id_x"', 'class="form-select"', 'data-searchable="true"'):
        assert attribute in ours.split(">", 1)[0]


def test_several_chosen_in_a_multiple_list():
    choices = [(1, "One"), (2, "Two"), (3, "Three")]
    html = QuickSelectMultiple(choices=choices).render("officers", [1, 3])
    assert " multiple" in html
    assert [s for _, s, _ in options(html)] == [True, False, True]


@pytest.mark.django_db
def test_a_model_field_keeps_its_queryset_labels_and_required_flag():
    OrganizationFactory(name="Elm Street Block Club")
    from outreach.models import CommunityOrganization

    field = forms.ModelChoiceField(queryset=CommunityOrganization.objects.all(), required=True)
    field.label_from_instance = lambda o: o.name.upper()
    assert isinstance(field.widget, QuickSelect) and field.widget.is_required
    html = field.widget.render("organization", None)
    assert "ELM STREET BLOCK CLUB" in html


def test_every_model_pick_list_is_quick_by_default():
    assert forms.ModelChoiceField.widget is QuickSelect
    assert forms.ModelMultipleChoiceField.widget is QuickSelectMultiple
