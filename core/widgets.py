"""Pick-lists that stay fast when the list is long.

Django renders each <option> of a <select> through a template of its own: fine for ten
choices, slow for a large department's 2,000 community organizations or 500 members
(about half a second of a page). These widgets build the same HTML in Python: same
attributes, same escaping, same selected options.
"""

import django_filters.fields
from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.html import text

# Django's blank choice for a list with nothing chosen; people read it as a broken list.
DJANGO_BLANK = "---------"


def _label(label, value, blank) -> str:
    """An option's label as HTML text. A translated label is read once: compared and
    escaped as it was, it was translated twice (half of a short list's time)."""
    if isinstance(label, Promise):
        label = str(label)
    if label == DJANGO_BLANK and value == "":
        label = blank
    return text(label)


class _QuickOptions:
    """The <select> Django's Select renders, built here: the same attributes, options,
    groups and selected ones (Django's `optgroups`), without a dictionary of attributes
    made for each option and read back (a millisecond of the concern list's filters)."""

    blank_label = _("Choose one")

    def select_attrs(self, attrs) -> dict:
        """The <select>'s own attributes, as Django's Select works them out."""
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        return final

    def render(self, name, value, attrs=None, renderer=None):
        final = self.select_attrs(attrs)
        chosen = self.format_value(value)
        blank, several = self.blank_label, self.allow_multiple_selected
        html = [format_html('<select name="{}"{}>', name, flatatt(final))]
        has_selected = False
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            grouped = isinstance(option_label, (list, tuple))
            if grouped:
                html.append(format_html('<optgroup label="{}">', option_value))
            for value_, label in option_label if grouped else [(option_value, option_label)]:
                # Plain escaping per option (format_html's checks cost more than the option).
                selected = (not has_selected or several) and str(value_) in chosen
                has_selected |= selected
                html.append(
                    f'<option value="{text(value_)}"{" selected" if selected else ""}>'
                    f"{_label(label, value_, blank)}</option>"
                )
            if grouped:
                html.append("</optgroup>")
        html.append("</select>")
        return mark_safe("".join(html))  # noqa: S308 - every part escaped by format_html  # nosec B308 B703


# Django's own input templates (each includes django/forms/widgets/input.html and nothing
# else): what `input_html` builds in Python.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "date", "email", "number", "search", "url", "tel", "checkbox")
)


TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def input_html(widget: forms.Widget, name: str, value, attrs: dict) -> str | None:
    """An <input> or <textarea> as Django's templates render it, built in Python; None for
    a widget with a template of its own (a select, a file, a project template)."""
    if not quick_input(widget):
        return None
    context = widget.get_context(name, value, attrs)["widget"]
    # As django/forms/widgets/attrs.html: in order, True as a bare name, False left out.
    extra = "".join(
        f" {key}" if item is True else f' {key}="{text(item)}"'
        for key, item in context["attrs"].items()
        if item is not False
    )
    if widget.template_name == TEXTAREA_TEMPLATE:
        inside = text(context["value"]) if context["value"] else ""
        return mark_safe(  # noqa: S308 - every value escaped  # nosec B308 B703
            f'<textarea name="{text(context["name"])}"{extra}>\n{inside}</textarea>'
        )
    shown = "" if context["value"] is None else f' value="{text(context["value"])}"'
    return mark_safe(  # noqa: S308 - every value escaped  # nosec B308 B703
        f'<input type="{text(context["type"])}" name="{text(context["name"])}"{shown}{extra}>'
    )


def quick_input(widget: forms.Widget) -> bool:
    """Whether `input_html` renders this widget as its own render() would."""
    return (
        widget.template_name in INPUT_TEMPLATES or widget.template_name == TEXTAREA_TEMPLATE
    ) and type(widget).render is forms.Widget.render


class QuickSelect(_QuickOptions, forms.Select):
    pass


class QuickSelectMultiple(_QuickOptions, forms.SelectMultiple):
    pass


class LookupSelect(QuickSelect):
    """A pick-list that may grow to thousands (a large department's community
    organizations). Up to `threshold` choices it is an ordinary list with the filter box;
    past that the page carries only the chosen option, and the filter box (static/js/app.js)
    asks `lookup_url` for the names that match what is typed. The form field is unchanged:
    the value sent is the record's id, checked against the field's queryset as before.
    2,000 organizations rendered as options cost the intake form about 110 ms of its 160.
    """

    threshold = 200

    def __init__(self, attrs=None, lookup_url=""):
        super().__init__(attrs)
        self.lookup_url = lookup_url

    def render(self, name, value, attrs=None, renderer=None):
        attrs = {**(attrs or {}), "data-searchable": "true"}
        iterator = self.choices
        queryset = getattr(iterator, "queryset", None)
        if queryset is None or queryset.count() <= self.threshold:
            return super().render(name, value, attrs, renderer)
        # Long: only the blank choice and what is chosen now; the rest come by lookup.
        attrs["data-lookup"] = str(self.lookup_url)
        values = value if isinstance(value, (list, tuple)) else [value]
        chosen = [str(v) for v in values if str(v).isdigit()]
        field = iterator.field
        short = [("", field.empty_label)] if field.empty_label is not None else []
        short += [(str(r.pk), field.label_from_instance(r)) for r in queryset.filter(pk__in=chosen)]
        self.choices = short
        try:
            return super().render(name, value, attrs, renderer)
        finally:
            self.choices = iterator


class DateInput(forms.DateInput):
    """A date picker in every browser, in ISO format whatever the language."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class StoredFileInput(forms.ClearableFileInput):
    """A file kept out of the web server's reach (a material's design): "Currently" links to
    the view that checks who may read it, not to the storage address, which nothing serves.
    The form sets `view_url` once the record exists
    (templates/bootstrap5/layout/field_file.html)."""

    view_url = ""


class ListedChoices(ModelChoiceIterator):
    """A pick-list's records read in one query. Django reads them with `iterator()`, which
    on PostgreSQL opens a server-side cursor: DECLARE, FETCH and CLOSE, three round trips
    and a fifth of a millisecond of CPU for the concern list's areas, where one query does.
    Memory is as before up to 2,000 records, what the cursor fetched at a time: the longest
    list sent whole (the activity list's organization filter) is about that at a large
    department, and a longer list belongs in a `LookupSelect`, which reads only the record
    chosen. (Set as every model pick-list's iterator in core/apps.py.)"""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset.all():
            yield self.choice(record)


class ListedFilterChoices(django_filters.fields.ModelChoiceIterator, ListedChoices):
    """The same for a list filter's pick-list, with its "none" choice (django-filter's
    `null_label`, the concern list's "Not placed") after the blank one."""
