"""The quick pick-lists render what Django's own <select> renders, without a template per
option (long lists of organizations and members)."""

import re

import pytest
from django import forms

from core.widgets import QuickSelect, QuickSelectMultiple
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


PARTS = re.compile(
    r'<option value="[^"]*"(?: selected)?>[^<]*</option>|<optgroup label="[^"]*">|</optgroup>'
)


def _same_as_djangos(widget_class, django_class, value, choices, attrs=None):
    ours = widget_class(attrs=attrs, choices=choices).render("x", value)
    theirs = django_class(attrs=attrs, choices=choices).render("x", value)
    assert PARTS.findall(ours) == PARTS.findall(theirs)
    opening = re.compile(r'\s([\w-]+)(?:="([^"]*)")?')
    assert sorted(opening.findall(ours.split(">", 1)[0])) == sorted(
        opening.findall(theirs.split(">", 1)[0])
    )
    return ours


@pytest.mark.parametrize(
    "value",
    [None, "", "b", ["a", "c"], 2, "not offered"],
)
def test_options_groups_and_what_is_selected_are_djangos(value):
    """Built without Django's dictionary per option, the list is still Django's own:
    groups, an option chosen twice selected once in a single list, a number matched as
    text, and no blank turned into another label when it is not Django's."""
    choices = [
        (None, "Nothing"),
        ("a", "Alpha & <b>"),
        ("Group one", [("b", "Bee"), ("c", "Sea"), ("b", "Bee again")]),
        (2, "Two"),
        ("c", 'Quote "c"'),
    ]
    attrs = {"id": "id_x", "class": "form-select", "required": True, "disabled": False}
    html = _same_as_djangos(QuickSelect, forms.Select, value, choices, attrs)
    assert html.count(" selected") <= 1
    several = _same_as_djangos(QuickSelectMultiple, forms.SelectMultiple, value, choices, attrs)
    if value == ["a", "c"]:
        assert several.count(" selected") == 3  # each "c", and "a"


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


@pytest.mark.django_db
def test_a_pick_list_of_records_is_read_in_one_plain_query(django_assert_num_queries):
    """Not through Django's iterator(), a server-side cursor on PostgreSQL: three round
    trips (DECLARE, FETCH, CLOSE) for a list that is short by design."""
    from outreach.models import CommunityOrganization

    OrganizationFactory(name="Elm Street Block Club")
    field = forms.ModelChoiceField(queryset=CommunityOrganization.objects.order_by("name"))
    with django_assert_num_queries(1) as captured:
        html = field.widget.render("organization", None)
    assert "Elm Street Block Club" in html
    assert captured.captured_queries[0]["sql"].startswith("SELECT ")
    assert "CURSOR" not in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_a_list_filters_pick_list_keeps_its_none_choice_and_reads_in_one_query(
    rf, cro, django_assert_num_queries
):
    from accounts.models import Area
    from concerns.filters import ConcernFilter
    from concerns.models import Concern
    from core.templatetags.quick_fields import quick_field

    Area.objects.create(name="Maple Heights", code="MH", kind=Area.Kind.BEAT)
    request = rf.get("/concerns/")
    request.user = cro
    form = ConcernFilter(None, queryset=Concern.objects.all(), request=request).form
    with django_assert_num_queries(1) as captured:
        html = quick_field(form["defined_area"])
    assert "CURSOR" not in captured.captured_queries[0]["sql"]
    assert [label for _, _, label in options(html)][:3] == ["Any", "Not placed", "Maple Heights"]


# --- Lists too long to send with the page ---------------------------------------------


@pytest.fixture
def organizations(db):
    from outreach.models import CommunityOrganization

    names = ["Maple Heights Watch", "Elm Street Block Club", "Oak Park Seniors", "Pine & <Co>"]
    made = [OrganizationFactory(name=name) for name in names]
    OrganizationFactory(name="Closed Maple Club", is_active=False)
    return made, CommunityOrganization.objects.active().order_by("name")


def lookup_field(queryset, threshold):
    from core.widgets import LookupSelect

    widget = LookupSelect(lookup_url="/outreach/organizations/lookup/")
    widget.threshold = threshold
    return forms.ModelChoiceField(queryset=queryset, widget=widget, required=False)


def test_a_short_list_is_sent_whole_with_the_filter_box(organizations):
    _made, active = organizations
    html = lookup_field(active, threshold=10).widget.render("organization", None)
    assert len(options(html)) == 5  # the blank choice and the four active organizations
    assert 'data-searchable="true"' in html and "data-lookup" not in html


def test_a_long_list_sends_only_the_chosen_one_and_where_to_look(
    organizations, django_assert_num_queries
):
    made, active = organizations
    field = lookup_field(active, threshold=3)
    with django_assert_num_queries(2):  # the count, then the chosen record
        html = field.widget.render("organization", str(made[3].pk))
    assert options(html) == [
        ("", False, "Choose one"),
        (str(made[3].pk), True, "Pine &amp; &lt;Co&gt;"),
    ]
    assert 'data-lookup="/outreach/organizations/lookup/"' in html
    assert 'data-searchable="true"' in html
    # Nothing chosen (or something that is not an id): the blank choice alone.
    assert options(field.widget.render("organization", None)) == [("", True, "Choose one")]
    assert options(field.widget.render("organization", "1 OR 1=1")) == [("", False, "Choose one")]
    # An inactive organization is not offered even when its id is sent.
    closed = type(made[0]).objects.get(is_active=False)
    assert options(field.widget.render("organization", str(closed.pk))) == [
        ("", False, "Choose one")
    ]
    # The widget's own list is unchanged by a render: the field still validates every id.
    assert field.clean(str(made[1].pk)) == made[1]
    with pytest.raises(forms.ValidationError):
        field.clean(str(closed.pk))


def test_translated_labels_are_read_in_the_language_of_the_page():
    """A label given lazily is translated when the list is drawn, each once, and the
    Django blank becomes the house's own, translated too."""
    from django.utils import translation
    from django.utils.translation import pgettext_lazy

    choices = [
        ("", "---------"),
        ("received", pgettext_lazy("status page", "Received")),
        ("x", "A & B"),
    ]
    widget = QuickSelect(choices=choices)
    with translation.override("es"):
        spanish = options(widget.render("status", "received"))
    with translation.override("en"):
        english = options(widget.render("status", "received"))
    assert english == [
        ("", False, "Choose one"),
        ("received", True, "Received"),
        ("x", False, "A &amp; B"),
    ]
    assert spanish[:2] == [("", False, "Elija una opción"), ("received", True, "Recibida")]
