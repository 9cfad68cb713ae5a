"""The forms of the areas pages: an area, a GeoJSON import, the matching page's choice."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.area_import import MAX_BYTES
from accounts.models import Area, LocationSource

NOT_GEOJSON_NAME = _("Choose a .geojson or .json file.")
FILE_TOO_BIG = _("The file is larger than %(mb)d MB. Export only the areas, simplified.")


def top_level_areas():
    """The areas another can be inside: active ones that are inside none themselves."""
    return Area.objects.filter(parent__isnull=True, is_active=True).for_picking()


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = ["name", "code", "kind", "parent", "is_active", "boundary"]
        widgets = {"boundary": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = top_level_areas()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["boundary"].help_text = _(
            "Optional. A GeoJSON Polygon or MultiPolygon, longitude first. Most boundaries "
            "come in through the import from a GIS file instead."
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-sm-8"), Column("code", css_class="col-sm-4")),
            Row(Column("kind", css_class="col-sm-6"), Column("parent", css_class="col-sm-6")),
            "is_active",
            "boundary",
        )
        self.helper.add_input(Submit("submit", _("Save area")))


class BoundaryImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection exported by the city's GIS office (.geojson or .json)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )
    name_property = forms.CharField(
        label=_("Property holding the name"),
        max_length=80,
        initial="name",
        help_text=_("As the file spells it, for example NAME or BEAT_NAME."),
    )
    code_property = forms.CharField(
        label=_("Property holding the code"),
        max_length=80,
        initial="code",
        help_text=_("A feature whose code is already an area's replaces that area's boundary."),
    )
    kind = forms.ChoiceField(label=_("Kind of the new areas"), choices=Area.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("Inside"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Optional: the area the new ones lie in (the sector of these beats)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = top_level_areas()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "file",
            Row(
                Column("name_property", css_class="col-sm-6"),
                Column("code_property", css_class="col-sm-6"),
            ),
            Row(Column("kind", css_class="col-sm-6"), Column("parent", css_class="col-sm-6")),
        )
        self.helper.add_input(Submit("submit", _("Import boundaries")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".geojson", ".json")):
            raise forms.ValidationError(NOT_GEOJSON_NAME)
        # Refused before it is read: the size the upload says it has.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(FILE_TOO_BIG, params={"mb": MAX_BYTES // (1024 * 1024)})
        return upload


class AssignForm(forms.Form):
    """The matching page's one area for the ticked typed places (the ticks themselves are
    read as a list: a place someone else has matched since is simply no longer unplaced)."""

    area = forms.ModelChoiceField(
        label=_("Put the ticked places in"),
        queryset=Area.objects.none(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(is_active=True).for_picking()


def area_picker(field) -> None:
    """An area select on a record's form: active areas, and an empty choice that lets the
    typed location decide (accounts.areas.resolve) when the record is saved."""
    field.queryset = Area.objects.filter(is_active=True).for_picking()
    field.empty_label = _("Work it out from where")
    field.label_from_instance = lambda area: area.label
    field.help_text = _("Leave it to be worked out from the place typed, or choose one.")


# --- A point on a record's form --------------------------------------------------------

POINT_HALF = _("Give both the latitude and the longitude, or neither.")
# The map beside a form's point inputs (accounts/templatetags/maps.py): a click sets them.
MAP_PICK = "{% load maps %}{% map_pick form.latitude form.longitude %}"


def point_fields() -> dict[str, forms.FloatField]:
    """The latitude and longitude inputs of a form about a place: typed, or set by a click
    on the map beside them (the `map_pick` tag); both optional."""

    def one(label, low, high, help_text):
        return forms.FloatField(
            label=label,
            required=False,
            min_value=low,
            max_value=high,
            help_text=help_text,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )

    return {
        "latitude": one(_("Latitude"), -90, 90, _("Optional. Click the map to set it.")),
        "longitude": one(_("Longitude"), -180, 180, ""),
    }


def clean_point(cleaned: dict, add_error) -> None:
    """Both coordinates or neither; a point given on a form was set on its map."""
    lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
    if (lat is None) != (lon is None):
        add_error("longitude" if lon is None else "latitude", POINT_HALF)
    elif lat is not None:
        cleaned["location_source"] = LocationSource.MAP
