"""The CRO's merge form (concerns/duplicates.py): the other reports, typed by reference or
ticked among the candidates the concern's page found."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concerns import duplicates
from concerns.models import Concern

_REFERENCE = re.compile(r"CR-\d{4}-\d+", re.IGNORECASE)


class MergeForm(forms.Form):
    """`lead` is the concern that leads; `scope` the concerns the person may name."""

    picked = forms.MultipleChoiceField(
        label=_("Reports this concern found that look the same"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    references = forms.CharField(
        label=_("Other reports, by reference"),
        required=False,
        max_length=400,
        help_text=_("For example CR-2026-0042, CR-2026-0057. Separate them with commas or spaces."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, lead: Concern, scope, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lead, self.scope = lead, scope
        self.fields["picked"].choices = [
            (c.concern.reference, f"{c.concern.reference} · {c.concern.summary}")
            for c in candidates
        ]
        if not candidates:
            del self.fields["picked"]
        self.initial.setdefault("revision", lead.revision)

    def clean_references(self):
        text = self.cleaned_data.get("references", "")
        found = [r.upper() for r in _REFERENCE.findall(text)]
        leftover = _REFERENCE.sub(" ", text).replace(",", " ").split()
        if leftover:
            raise ValidationError(
                _("“%(text)s” is not a reference: a reference looks like CR-2026-0042.")
                % {"text": leftover[0]}
            )
        return found

    def clean(self):
        data = super().clean()
        wanted = list(dict.fromkeys([*data.get("picked", []), *data.get("references", [])]))
        if self.errors:
            return data
        if not wanted:
            raise ValidationError(duplicates.NOTHING_TO_MERGE)
        if self.lead.reference in wanted:
            raise ValidationError(duplicates.SELF_MERGE % {"reference": self.lead.reference})
        found = {c.reference: c for c in self.scope.filter(reference__in=wanted)}
        missing = [r for r in wanted if r not in found]
        if missing:
            raise ValidationError(duplicates.UNKNOWN_REFERENCE % {"reference": missing[0]})
        data["others"] = [found[r] for r in wanted]
        return data
