"""`{% quick_field %}` (core/templatetags/quick_fields.py) gives a field the markup the
filter cards had from crispy-forms: a label tied to its control, Bootstrap's classes, and
errors and help text the control names in aria-describedby."""

from django import forms
from django.template import Context, Template

from core.widgets import QuickSelect


class Filters(forms.Form):
    q = forms.CharField(label="Search", required=False, help_text="Words <or> a reference")
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), ("open", "Open")]
    )
    since = forms.DateField(label="Received from", required=False)
    open = forms.BooleanField(label="Open only", required=False)
    name = forms.CharField(label="Name & rank")


def render(form, name: str) -> str:
    return Template("{% load quick_fields %}{% quick_field field %}").render(
        Context({"field": form[name]})
    )


def test_a_text_field_has_its_label_control_and_help():
    html = render(Filters(), "q")
    assert html.startswith('<div id="div_id_q" class="mb-3"><label for="id_q" class="form-label">')
    assert 'class="form-control"' in html and 'aria-describedby="id_q_helptext"' in html
    assert '<div id="id_q_helptext" class="form-text">Words &lt;or&gt; a reference</div>' in html


def test_a_choice_field_is_a_quick_select_with_bootstrap_classes():
    form = Filters({"status": "open"})
    assert isinstance(form.fields["status"].widget, QuickSelect)
    html = render(form, "status")
    assert '<select name="status" class="form-select" id="id_status">' in html
    assert '<option value="open" selected>Open</option>' in html


def test_errors_are_shown_and_named_by_the_control():
    form = Filters({"since": "2026-13-01"})
    assert not form.is_valid()
    html = render(form, "since")
    assert 'class="form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_since_error"' in html
    assert (
        '<div id="id_since_error" class="invalid-feedback"><p id="error_1_id_since">'
        "<strong>Enter a valid date.</strong></p></div>"
    ) in html


def test_a_check_box_comes_before_its_label_and_a_required_field_is_marked():
    html = render(Filters(), "open")
    assert html == (
        '<div class="mb-3"><div id="div_id_open" class="form-check">'
        '<input type="checkbox" name="open" class="form-check-input" id="id_open">'
        '<label for="id_open" class="form-check-label">Open only</label></div></div>'
    )
    required = render(Filters(), "name")
    assert 'Name &amp; rank<span class="asteriskField">*</span></label>' in required


class Inputs(forms.Form):
    q = forms.CharField(required=False, max_length=150)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(min_value=0)
    email = forms.EmailField(required=False, disabled=True)
    open = forms.BooleanField(required=False)


def test_inputs_built_in_python_are_what_django_renders():
    """A text, number, email, date or check box control is built without its template:
    the same HTML, attribute for attribute, with and without values, required, disabled,
    and a value that needs escaping."""
    from core.templatetags.quick_fields import _input

    for data in (None, {"q": 'a "quoted" <b>', "since": "2026-02-03", "count": "7", "open": "on"}):
        form = Inputs(data)
        for name in form.fields:
            attrs = {"class": "form-control", "aria-invalid": "true"}
            ours = _input(form[name], dict(attrs))
            assert ours is not None, name
            assert ours == form[name].as_widget(attrs=dict(attrs)), name


def test_a_widget_with_a_render_of_its_own_keeps_it():
    from core.widgets import input_html

    class Masked(forms.TextInput):
        def render(self, name, value, attrs=None, renderer=None):
            return "masked"

    assert input_html(Masked(), "x", "secret", {}) is None
    assert input_html(forms.FileInput(), "x", None, {}) is None


def test_a_text_area_built_in_python_is_what_django_renders():
    from core.widgets import input_html

    attrs = {"id": "id_note", "class": "form-control", "required": True, "maxlength": "5000"}
    for value in (None, "", 'Line one\nline <two> & "three"'):
        widget = forms.Textarea(attrs={"rows": 3})
        assert input_html(widget, "note", value, dict(attrs)) == widget.render(
            "note", value, attrs=dict(attrs)
        ), value


class Step(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label="Kind", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )
    files = forms.FileField(label="Photos", required=False)


def test_a_hidden_field_is_its_control_alone_and_a_required_label_is_marked():
    form = Step(initial={"revision": 4})
    assert render(form, "revision") == str(form["revision"])
    assert render(form, "revision").startswith('<input type="hidden" name="revision" value="4"')
    note = render(form, "note")
    assert '<label for="id_note" class="form-label requiredField">Note<span' in note
    assert (
        '<textarea name="note" cols="40" rows="2" class="form-control" required id="id_note">'
        in note
    )


def test_radio_buttons_and_a_file_are_left_to_crispy():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    for name in ("kind", "files"):
        # Each from a form of its own: crispy adds its classes to the widget it draws.
        assert render(Step(), name) == str(as_crispy_field(Step()[name])), name
