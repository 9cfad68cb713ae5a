import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from outreach.forms import _member_label, department_members
from outreach.forms_pickers import member_picker, organizations_picker
from outreach.models import CommunityOrganization
from programs.models import Program, ProgramEvaluation


def last_half_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The most recent completed half-year (January-June or July-December)."""
    if today.month > 6:
        return dt.date(today.year, 1, 1), dt.date(today.year, 6, 30)
    return dt.date(today.year - 1, 7, 1), dt.date(today.year - 1, 12, 31)


class ProgramForm(forms.ModelForm):
    class Meta:
        model = Program
        fields = [
            "name",
            "category",
            "objectives",
            "description",
            "schedule",
            "coordinator",
            "partners",
        ]
        widgets = {
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "coordinator": member_picker(),
            "partners": organizations_picker(),
        }
        help_texts = {
            "partners": _("Type part of an organization's name and press Enter, once for each.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = department_members()
        self.fields["coordinator"].label_from_instance = _member_label
        self.fields["partners"].queryset = CommunityOrganization.objects.active()
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name", css_class="col-md-8"), Column("category", css_class="col-md-4")),
            "objectives",
            "description",
            Row(Column("schedule"), Column("coordinator")),
            "partners",
        )
        self.helper.add_input(Submit("submit", _("Save program")))


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = ProgramEvaluation
        fields = [
            "period_start",
            "period_end",
            "rating",
            "criteria",
            "outcomes",
            "recommendation",
            "alterations",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "criteria": forms.Textarea(attrs={"rows": 2}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
            "alterations": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "criteria": _("What the rating rests on: attendance, feedback, the objectives met."),
            "alterations": _("Changes that would make the program serve the community better."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            start, end = last_half_year(timezone.localdate())
            self.initial.setdefault("period_start", start)
            self.initial.setdefault("period_end", end)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("period_start"), Column("period_end"), Column("rating")),
            "criteria",
            "outcomes",
            Row(Column("recommendation", css_class="col-md-4")),
            "alterations",
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period must end on or after its start."))
        if data.get("recommendation") == "changes" and not data.get("alterations"):
            self.add_error("alterations", _("Say which changes you recommend."))
        return data


class EvaluationDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    program_move = forms.ChoiceField(
        required=False,
        label=_("And the program"),
        choices=[
            ("", _("stays as it is")),
            ("suspend", _("is suspended")),
            ("discontinue", _("is discontinued")),
        ],
    )
