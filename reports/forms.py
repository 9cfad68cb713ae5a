import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.db.models import Q
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext_lazy as _

from concerns.models import Concern
from programs.models import ProgramEvaluation
from reports.models import HitKind, Recommendation
from reports.services import narratives_seen
from surveys.models import Survey

UNKNOWN_REFERENCES = _("These concern references were not found: %(refs)s. Check the numbers.")
TOO_MANY_REFERENCES = _("Link at most %(max)d concerns; the report can say the rest in words.")
MAX_CONCERNS = 50


def parse_references(text: str) -> list[str]:
    """'CR-2026-0042, cr-2026-0050; CR-2026-0042' -> the distinct references, in order."""
    seen: dict[str, None] = {}
    for piece in re.split(r"[\s,;]+", text or ""):
        if piece:
            seen.setdefault(piece.upper(), None)
    return list(seen)


def _evaluation_label(evaluation: ProgramEvaluation) -> str:
    start = date_format(evaluation.period_start, "M j, Y")
    end = date_format(evaluation.period_end, "M j, Y")
    return f"{evaluation.program.name}, {start} – {end} ({evaluation.get_status_display().lower()})"


def _survey_label(survey: Survey) -> str:
    start, end = date_format(survey.opens_on, "M j, Y"), date_format(survey.closes_on, "M j, Y")
    return f"{survey.title} ({start} – {end})"


class RecommendationForm(forms.ModelForm):
    concern_refs = forms.CharField(
        label=_("Concerns behind it"),
        required=False,
        max_length=2000,
        help_text=_("Concern references separated by commas, e.g. CR-2026-0042, CR-2026-0050."),
    )

    class Meta:
        model = Recommendation
        fields = ["kind", "title", "text", "reasons", "evaluation", "survey"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 5}),
            "reasons": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "kind": _("What it is"),
            "evaluation": _("Program evaluation behind it"),
            "survey": _("Survey results behind it"),
        }
        help_texts = {
            "title": _("A short name the Chief will recognize, e.g. “Spanish-language forum”."),
            "text": _("What you recommend the department do, in plain words."),
            "reasons": _("What residents said, what the figures show, what it would cost."),
            "evaluation": _("Evaluations sent to the Chief or accepted."),
            "survey": _("Surveys that have opened or closed."),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        current = self.instance
        if current.pk and not self.is_bound:
            self.initial["concern_refs"] = ", ".join(
                current.concerns.order_by("reference").values_list("reference", flat=True)
            )
        E = ProgramEvaluation.Status
        self.fields["evaluation"].queryset = (
            ProgramEvaluation.objects.filter(
                Q(status__in=[E.SUBMITTED, E.ACCEPTED]) | Q(pk=current.evaluation_id)
            )
            .select_related("program")
            .order_by("-period_end", "program__name")
        )
        self.fields["evaluation"].label_from_instance = _evaluation_label
        self.fields["survey"].queryset = Survey.objects.filter(
            Q(status__in=[Survey.Status.APPROVED, Survey.Status.CLOSED]) | Q(pk=current.survey_id)
        ).order_by("-opens_on", "title")
        self.fields["survey"].label_from_instance = _survey_label
        self.fields["kind"].choices = [("", _("Choose…")), *Recommendation.Kind.choices]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("kind", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            "text",
            "reasons",
            "concern_refs",
            Row(Column("evaluation"), Column("survey")),
        )

    def clean_concern_refs(self) -> list:
        """The typed references as concerns; any that match nothing the user may see are
        named in the error, so nothing is linked silently or dropped."""
        refs = parse_references(self.cleaned_data.get("concern_refs", ""))
        if len(refs) > MAX_CONCERNS:
            raise forms.ValidationError(TOO_MANY_REFERENCES % {"max": MAX_CONCERNS})
        if not refs:
            return []
        found = {
            c.reference: c for c in Concern.objects.visible_to(self.user).filter(reference__in=refs)
        }
        unknown = [ref for ref in refs if ref not in found]
        if unknown:
            raise forms.ValidationError(UNKNOWN_REFERENCES % {"refs": ", ".join(unknown)})
        return [found[ref] for ref in refs]


# The narratives' <form> on a report's page; each box sits in its own section of the
# document and belongs to this one form through the `form` attribute.
NARRATIVES_FORM_ID = "report-narratives"


class NarrativesForm(forms.Form):
    """The CRO's narrative boxes of a report. It carries the revision and fingerprint of the
    narratives it was shown with, so a save over someone else's is refused, not applied.
    `placed` holds the boxes the page has shown in their sections (report_tags)."""

    # Not required: a page opened before revisions existed saves as it always did.
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(self, *args, report, narratives, **kwargs):
        """`narratives`: (key, heading, stored text) of each box, as report_context gives."""
        super().__init__(*args, auto_id="n-%s", **kwargs)
        self.keys = [key for key, _heading, _text in narratives]
        self.placed: set[str] = set()
        for key, heading, _text in narratives:
            self.fields[key] = forms.CharField(
                label=heading,
                required=False,
                strip=False,
                widget=forms.Textarea(
                    attrs={"rows": 4, "class": "form-control mb-2", "form": NARRATIVES_FORM_ID}
                ),
            )
        if not self.is_bound:
            self.initial.update({key: text for key, _heading, text in narratives})
            self.initial["revision"] = report.revision
            self.initial["seen"] = narratives_seen(report, self.keys)

    @property
    def texts(self) -> dict:
        return {key: self.cleaned_data.get(key, "") for key in self.keys}

    def show_stored(self, conflict) -> None:
        """After a refused save: keep what was typed, but carry the stored revision and
        fingerprint, so that saving again is a deliberate choice over the stored text."""
        self.data = self.data.copy()
        self.data["revision"] = conflict.revision
        self.data["seen"] = conflict.seen


class AcceptHitForm(forms.Form):
    """Keep one hit of the screening of the public narrative (reports.screening), with the
    reason; the kind and the exact text come from the hit the page showed."""

    kind = forms.ChoiceField(choices=HitKind.choices, widget=forms.HiddenInput)
    text = forms.CharField(max_length=200, strip=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Why this may be published"),
        max_length=1000,
        help_text=_("e.g. “A street named after a president, not a person in a case.”"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
