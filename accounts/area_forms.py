"""The forms of the areas pages: an area, a GeoJSON import, the matching page's choice."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.area_import import MAX_BYTES
from accounts.models import Area

NOT_GEOJSON_NAME = _("Choose a .geojson or .json file.")
FILE_TOO_BIG = _("The file is larger than %(mb)d MB. Export only the areas, simplified.")


def top_level_areas():
    """The areas another can be inside: active ones that are inside none themselves."""
    return Area.objects.filter(parent__isnull=True, is_active=True).order_by("name")


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
        self.fields["area"].queryset = Area.objects.filter(is_active=True).order_by("name")


def area_picker(field) -> None:
    """An area select on a record's form: active areas, and an empty choice that lets the
    typed location decide (accounts.areas.resolve) when the record is saved."""
    field.queryset = Area.objects.filter(is_active=True).order_by("name")
    field.empty_label = _("Work it out from where")
    field.label_from_instance = lambda area: area.label
    field.help_text = _("Leave it to be worked out from the place typed, or choose one.")
