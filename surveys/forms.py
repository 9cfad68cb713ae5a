from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.widgets import DateInput
from surveys.models import LANGUAGES, AgencyType, ForumLink, PaperBatch, Question, Survey
from surveys.services import PERIOD_ORDER


class SurveyForm(forms.ModelForm):
    standard = forms.BooleanField(
        label=_("Start from the standard instrument"),
        required=False,
        initial=True,
        help_text=_(
            "A dozen questions covering the six perceptions of General Order 002 §300.5, "
            "in English and Spanish; years compare question by question. You can change them."
        ),
    )

    class Meta:
        model = Survey
        fields = ["title", "title_es", "audience", "opens_on", "closes_on", "intro", "intro_es"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "intro": forms.Textarea(attrs={"rows": 3}),
            "intro_es": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "audience": _(
                "Department-member surveys use one-time invitation codes. Outside agencies' "
                "surveys are answered only through a link emailed to each agency head."
            ),
            "intro": _("Shown above the questions: who is asking, why, how long it takes."),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["standard"]
        else:
            today = timezone.localdate()
            self.fields["opens_on"].initial = today
            self.fields["closes_on"].initial = today.replace(day=28) + timezone.timedelta(days=35)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", PERIOD_ORDER)
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = ["kind", "dimension", "text", "text_es", "choices", "choices_es", "required"]
        widgets = {
            "choices": forms.Textarea(attrs={"rows": 4}),
            "choices_es": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "dimension": _("Which perception of 002 §300.5 the question measures."),
            "choices": _("For one-choice and several-choice questions only."),
        }


class ForumForm(forms.ModelForm):
    class Meta:
        model = ForumLink
        fields = ["name", "held_on"]
        widgets = {"held_on": DateInput()}
        labels = {"name": _("Forum"), "held_on": _("Held on")}


class InvitationForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many codes"), min_value=1, max_value=2000, help_text=_("One per member.")
    )


class AgencyInvitationForm(forms.Form):
    """One outside agency's head, to receive the single-use link (001 IV.D.3)."""

    agency_name = forms.CharField(label=_("Agency"), max_length=150)
    agency_type = forms.ChoiceField(label=_("Kind of agency"), choices=AgencyType.choices)
    head_name = forms.CharField(label=_("Name of the agency head"), max_length=150)
    head_email = forms.EmailField(label=_("Their email"))
    language = forms.ChoiceField(label=_("Language of the email"), choices=LANGUAGES)


class SocialLinkForm(forms.Form):
    name = forms.CharField(
        label=_("Where it is posted"),
        max_length=150,
        help_text=_("e.g. Facebook and Instagram post, October"),
    )


class PaperBatchForm(forms.ModelForm):
    class Meta:
        model = PaperBatch
        fields = ["label", "source", "received_on"]
        widgets = {"received_on": DateInput()}
        labels = {
            "label": _("Batch"),
            "source": _("Where the forms came from"),
            "received_on": _("Received on"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = PaperBatch.Source.choices  # no empty "---------"


class ActionForm(forms.Form):
    text = forms.CharField(label=_("Action decided"), max_length=500)
    responsible = forms.CharField(label=_("Who carries it out"), max_length=150, required=False)
    due_on = forms.DateField(label=_("By"), required=False, widget=DateInput())
