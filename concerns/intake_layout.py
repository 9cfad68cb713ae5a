"""How the officer's intake form is laid out (concerns.forms.IntakeForm), in the order an
officer fills it in (issue 23: a typical concern logged in under a minute by keyboard): what
it is about, who raised it, where, the words; then the buttons; then, closed, what is
usually left as it is. Rendered by crispy-forms."""

from crispy_forms.layout import HTML, Column, Field, Layout, Row
from django import forms

from accounts.area_forms import MAP_PICK

DUPLICATE_OFFER = (
    '{% if offer %}<input type="hidden" name="offered" value="1">'
    '{% include "concerns/_duplicate_offer.html" %}{% endif %}'
)


class OneStopDateInput(forms.DateInput):
    """The date received as one text box, already holding today: a browser's date input
    is a tab stop per part (month, day, year), three stops for a date nearly always today."""

    input_type = "text"

    def __init__(self):
        super().__init__(
            format="%Y-%m-%d",
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "YYYY-MM-DD",
                "maxlength": "10",
            },
        )


# The fields in "More details"; one with an error opens it.
MORE_FIELDS = (
    "date_received",
    "priority",
    "nature",
    "source_name",
    "source_contact",
    "suggestions",
    "defined_area",
    "latitude",
    "longitude",
)
MORE_OPEN = " or ".join(f"form.{name}.errors" for name in MORE_FIELDS)
SUBMITS = (
    '{% load i18n %}<div class="intake-actions d-flex flex-wrap align-items-center gap-2 mt-3">'
    '<button type="submit" name="submit" value="log" class="btn btn-primary btn-lg">'
    '{% translate "Log concern" %}</button>'
    "{% if form.may_escalate %}"
    '<button type="submit" name="escalate" value="1" class="btn btn-outline-primary btn-lg"'
    ' aria-describedby="escalate-help">{% translate "Log and escalate" %}</button>'
    '<span id="escalate-help" class="form-text mt-0">'
    '{% translate "Beyond your authority? Logs it and hands it to a supervisor in one step." %}'
    "</span>{% endif %}</div>"
)
MORE_OPENS = (
    '{% load i18n %}<details class="intake-more mt-4"{% if ' + MORE_OPEN + " %} open{% endif %}>"
    '<summary class="fw-semibold">{% translate "More details" %} '
    '<span class="fw-normal text-body-secondary">'
    "{% blocktranslate with date=form.date_received.value %}"
    "(received {{ date }}; priority, kind of problem, the person's contact, suggestions, "
    "area and map point){% endblocktranslate %}</span></summary>"
    '<div class="pt-3">'
)


def intake_layout() -> Layout:
    return Layout(
        Row(
            Column("category", css_class="col-md-4"),
            Column("source_type", css_class="col-md-4"),
            Column("organization", css_class="col-md-4"),
        ),
        Field("area"),
        Field("description"),
        Field("summary"),
        "activity",
        "intake_token",
        # Open concerns that look like the same thing, once the form was sent.
        HTML(DUPLICATE_OFFER),
        HTML(SUBMITS),
        HTML(MORE_OPENS),
        Row(
            Column("date_received", css_class="col-sm-4"),
            Column("priority", css_class="col-sm-4"),
            Column("nature", css_class="col-sm-4"),
        ),
        Row(
            Column("source_name", css_class="col-sm-6"),
            Column("source_contact", css_class="col-sm-6"),
        ),
        Field("suggestions"),
        Row(
            Column("defined_area", css_class="col-sm-6"),
            Column("latitude", css_class="col-6 col-sm-3"),
            Column("longitude", css_class="col-6 col-sm-3"),
        ),
        HTML(MAP_PICK),
        HTML("</div></details>"),
    )
