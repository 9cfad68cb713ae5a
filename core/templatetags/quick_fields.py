"""`{% quick_field form.q %}`: a form field in the house's Bootstrap 5 markup (the markup
crispy-forms' `as_crispy_field` gives: label, control, error and help, with their ids and
aria attributes), built in Python.

For the filter cards above the busiest lists and the forms of a concern's page, rendered on
every view of them: crispy's own templates cost about 0.2 ms a field before the control
itself (docs/PERFORMANCE.md). A hidden field is its control alone, as crispy renders it;
a group of radio buttons or check boxes and a file input are left to crispy. Forms people
open to fill in once stay with crispy."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from core.widgets import input_html, quick_input

register = template.Library()

# A required field's mark, as crispy-forms writes it.
ASTERISK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308 - a constant  # nosec B308 B703


def _control_class(widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select):
        return "form-select"
    return "form-control"


def _input(field, attrs: dict) -> str | None:
    """A text, date or check box control as `as_widget` renders it, without its template."""
    widget = field.field.widget
    if not quick_input(widget):
        return None
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return input_html(widget, field.html_name, field.value(), attrs)


# Controls whose markup crispy-forms lays out itself (a group of choices in a fieldset, a
# file with what is stored): left to it, as rare on a page as they are intricate.
CRISPY_ONLY = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.FileInput)


@register.simple_tag
def quick_field(field):
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    if isinstance(widget, CRISPY_ONLY):
        return as_crispy_field(field)
    check = isinstance(widget, forms.CheckboxInput)
    auto_id = field.auto_id
    errors = field.errors
    described = []
    attrs = {}
    if field.help_text:
        described.append(f"{auto_id}_helptext")
    if errors:
        described.append(f"{auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    classes = (
        widget.attrs.get("class", ""),
        _control_class(widget),
        "is-invalid" if errors else "",
    )
    attrs["class"] = " ".join(c for c in classes if c)
    control = _input(field, attrs) or field.as_widget(attrs=attrs)
    label = ""
    if field.label:
        required = field.field.required
        label = format_html(
            '<label for="{}" class="{}{}">{}{}</label>',
            auto_id,
            "form-check-label" if check else "form-label",
            " requiredField" if required else "",
            field.label,
            ASTERISK if required else "",
        )
    parts = [control, label] if check else [label, control]
    if errors:
        parts.append(
            format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                auto_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((n, auto_id, error) for n, error in enumerate(errors, 1)),
                ),
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div id="{}_helptext" class="form-text">{}</div>', auto_id, field.help_text
            )
        )
    inside = mark_safe("".join(str(part) for part in parts))  # noqa: S308 - each part escaped  # nosec B308 B703
    if check:
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}</div></div>', auto_id, inside
        )
    return format_html('<div id="div_{}" class="mb-3">{}</div>', auto_id, inside)
