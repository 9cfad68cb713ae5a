import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import lookups
from accounts.area_forms import area_picker, clean_point, point_fields
from accounts.models import Area, User
from concerns.attachment_forms import public_photos_field
from concerns.intake_layout import OneStopDateInput, intake_layout
from concerns.models import Concern, Department, Referral, Unit
from concerns.summaries import SUMMARY_MAX
from core.conflicts import fingerprint
from core.web import with_cji_notice
from core.widgets import DateInput
from outreach.forms_pickers import member_picker, organization_picker
from outreach.models import CommunityOrganization, OutreachActivity

DESCRIPTION_MAX = 5000
TEXT_MAX = 5000
TOO_LONG = _("Keep this to %(limit_value)d characters or fewer (it has %(show_value)d).")


def _summary(label, help_text, *, required=True):
    """The one line every list shows (concerns/summaries.py); the browser stops at the limit,
    and a longer value sent anyway is refused with the count."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=SUMMARY_MAX,
        help_text=help_text,
        error_messages={"max_length": TOO_LONG},
    )


STAFF_SUMMARY_HELP = _(
    "What it is about, in one line: every list shows it. For example: Cars speeding past "
    "Lincoln Elementary at pick-up time."
)


def _long_text(label, *, required=True, rows=4, help_text="", max_length=TEXT_MAX, notice=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=with_cji_notice(help_text) if notice else help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": TOO_LONG},
    )


class IntakeForm(forms.ModelForm):
    """The officer's intake: everything 000 IV.A asks for, in under a minute."""

    intake_token = forms.UUIDField(widget=forms.HiddenInput)
    # Optional here as at every other door: left empty, the description's first sentence
    # stands in (concerns.intake.summarise); typing it is the slowest part of a quick intake.
    summary = _summary(
        _("Summary"),
        _(
            "One line every list shows, for example: Cars speeding past Lincoln Elementary at "
            "pick-up time. Left empty, the first sentence of the description is used."
        ),
        required=False,
    )
    description = _long_text(
        _("What is the concern?"),
        rows=5,
        max_length=DESCRIPTION_MAX,
        help_text=_(
            "What the person told you, in plain words. Do not record anyone's immigration "
            "or citizenship status."
        ),
    )
    suggestions = _long_text(
        _("Suggestions and alternate courses of action"),
        required=False,
        rows=3,
        # The criminal-justice-information notice is said once, at the description.
        help_text=_("What the person suggested, or what you think could be done."),
        notice=False,
    )

    class Meta:
        model = Concern
        fields = [
            "date_received",
            "source_type",
            "source_name",
            "source_contact",
            "organization",
            "activity",
            "category",
            "nature",
            "area",
            "defined_area",
            "latitude",
            "longitude",
            "priority",
            "summary",
            "description",
            "suggestions",
        ]
        labels = {
            "date_received": _("Date received"),
            "source_type": _("Who raised it"),
            "source_name": _("Name of the person or group"),
            "source_contact": _("Their phone or email"),
            "nature": _("Is it an actual, perceived or potential problem?"),
            "area": _("Where"),
            "defined_area": _("Area"),
        }
        help_texts = {
            "source_name": _("Optional and confidential."),
            "source_contact": _("Optional and confidential."),
        }
        widgets = {
            "date_received": OneStopDateInput(),
            "activity": forms.HiddenInput(),
            "organization": organization_picker(placeholder=_("Type part of its name")),
        }

    def __init__(self, *args, user=None, may_escalate=False, **kwargs):
        super().__init__(*args, **kwargs)

        today = timezone.localdate()
        # "Log and escalate" is offered only to whoever may escalate what they log.
        self.may_escalate = may_escalate
        self.fields["organization"].queryset = CommunityOrganization.objects.active()
        self.fields["organization"].label = _("Community organization that raised it")
        self.fields["organization"].help_text = _("If a group raised it. Type part of its name.")
        self.fields["organization"].empty_label = _("No organization")
        # A concern can be tied only to an activity the officer may see.
        self.fields["activity"].queryset = (
            OutreachActivity.objects.visible_to(user) if user else OutreachActivity.objects.none()
        )
        self.fields["date_received"].help_text = _(
            "Year-month-day. Today unless the person told you on an earlier day."
        )
        if not self.is_bound:
            self.initial.setdefault("date_received", today)
            self.initial.setdefault("intake_token", uuid.uuid4())
        # Sources a resident reaches us through by themselves are not logged by an officer.
        self.fields["source_type"].choices = [("", _("Choose who raised it"))] + [
            c
            for c in Concern.SourceType.choices
            if c[0] not in (Concern.SourceType.WEB_FORM, Concern.SourceType.OPEN311)
        ]
        self.fields["category"].choices = [("", _("Choose a category"))] + Concern.Category.choices
        # The cursor starts in the first field (issue 23: a one-minute intake by keyboard).
        self.fields["category"].widget.attrs["autofocus"] = True
        self.fields.update(point_fields())
        area_picker(self.fields["defined_area"])
        self.helper = FormHelper()
        self.helper.attrs = {"novalidate": ""}
        self.helper.layout = intake_layout()

    def clean(self):
        cleaned = super().clean()
        clean_point(cleaned, self.add_error)
        return cleaned

    def clean_date_received(self):
        value = self.cleaned_data["date_received"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return value


def _public_categories():
    """The categories in the model's order, in the reader's language, "Something else" last."""
    return (
        [("", _("Choose one"))]
        + [
            (value, label)
            for value, label in Concern.Category.choices
            if value != Concern.Category.OTHER
        ]
        + [(Concern.Category.OTHER, _("Something else"))]
    )


class PublicFeedbackForm(forms.Form):
    """The resident's form: no login, contact details optional."""

    category = forms.ChoiceField(label=_("What is it about?"), choices=_public_categories)
    area = forms.CharField(
        label=_("Where?"),
        max_length=160,
        help_text=_("A street, address, park or neighborhood."),
    )
    summary = _summary(
        _("In a few words, what is it about?"),
        _("One line, for example: Street light out on Elm Street."),
    )
    description = _long_text(
        _("Tell us about it"),
        rows=6,
        max_length=DESCRIPTION_MAX,
        help_text=_("What is happening, when, and how it affects you."),
    )
    suggestions = _long_text(_("Any ideas for what could help?"), required=False, rows=3)
    photos = public_photos_field()  # up to three, re-encoded (concerns/attachments.py)
    name = forms.CharField(label=_("Your name"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    consent_to_contact = forms.BooleanField(
        label=_("You may contact me about this"),
        required=False,
    )
    # A field people never see; robots fill it in.
    website = forms.CharField(required=False, label=_("Leave this empty"))
    intake_token = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("intake_token", uuid.uuid4())
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})
        self.fields["phone"].widget.input_type = "tel"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["area"].widget.attrs["autocomplete"] = "off"
        self.fields["summary"].widget.attrs["autocomplete"] = "off"
        # The public page draws its own fields (templates/concerns/feedback.html).
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            elif not widget.is_hidden:
                widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        if data.get("consent_to_contact") and not (data.get("email") or data.get("phone")):
            self.add_error(
                "consent_to_contact",
                _("To be contacted, give an email address or a phone number."),
            )
        return data

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


SAVE = _("Save")


class _StepForm(forms.Form):
    """A workflow step's form; the view fills in the submit label. It carries the revision
    of the concern it was shown with, so a step from a stale page can be refused."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, label=SAVE, concern=None, **kwargs):
        super().__init__(*args, **kwargs)
        if concern is not None and not self.is_bound:
            self.initial.setdefault("revision", concern.revision)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.submit_label = label

    def show_stored(self, conflict) -> None:
        """After a refused save: keep what was typed, but carry the stored revision (and
        fingerprint), so that sending it again is a deliberate choice over the stored one."""
        self.data = self.data.copy()
        self.data[self.add_prefix("revision")] = conflict.revision
        if "seen" in self.fields:
            self.data[self.add_prefix("seen")] = conflict.seen


class NoteForm(_StepForm):
    text = _long_text(_("Note"), rows=3)


class OptionalNoteForm(_StepForm):
    note = _long_text(_("Note"), required=False, rows=2)


class ResolutionForm(_StepForm):
    text = _long_text(_("How was it resolved?"), rows=3)


class RouteForm(_StepForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True), label=_("Unit"))
    note = _long_text(_("What the unit should know"), required=False, rows=2)


class ReferForm(_StepForm):
    department = forms.ModelChoiceField(
        queryset=Department.objects.filter(is_active=True), label=_("Department or agency")
    )
    referred_on = forms.DateField(label=_("Referral date"), widget=DateInput())
    note = _long_text(_("What was asked of them"), required=False, rows=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("referred_on", timezone.localdate())


class ResponseForm(_StepForm):
    referral = forms.ModelChoiceField(queryset=Referral.objects.none(), label=_("Referral"))
    responded_on = forms.DateField(label=_("Response date"), widget=DateInput())
    response = _long_text(_("Their response"), rows=3)

    def __init__(self, *args, concern=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("responded_on", timezone.localdate())
        if concern is not None:
            self.fields["referral"].queryset = concern.referrals.filter(
                responded_on__isnull=True
            ).select_related("department")
            # There is nearly always one referral awaiting: have it chosen already.
            self.fields["referral"].empty_label = None
        self.fields["referral"].label_from_instance = lambda r: (
            gettext("%(department)s (referred %(date)s)")
            % {"department": r.department.name, "date": f"{r.referred_on:%b %-d, %Y}"}
        )


class AssignForm(_StepForm):
    assignee = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Assign to"),
        help_text=_("Type a name or DSN to find the member."),
        widget=member_picker(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = lookups.department_members()
        self.fields["assignee"].label_from_instance = lookups.member_label


class DetailsForm(_StepForm):
    """Correcting a concern after intake (the CRO): the fields of the intake form that say
    what the concern is, and the note the public sees with its status."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # A fingerprint of the values shown (core.conflicts.fingerprint): names what someone else
    # changed if this save is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=Concern.Category.choices,
        # 001 IV.C: the rule of intake, applied at once (concerns/conduct.py).
        help_text=_(
            "Moving a concern into “Officer conduct or bias” hides it from officers at once "
            "and sends it to the supervisors and the Chief (001 IV.C)."
        ),
    )
    nature = forms.ChoiceField(
        label=_("Is it an actual, perceived or potential problem?"),
        choices=Concern.Nature.choices,
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Concern.Priority.choices)
    area = forms.CharField(label=_("Where"), max_length=160)
    defined_area = forms.ModelChoiceField(
        label=_("Area"),
        queryset=Area.objects.none(),
        required=False,
        help_text=_("Left as it is, a new place or point finds its area by itself."),
    )
    latitude, longitude = point_fields().values()
    summary = _summary(_("Summary"), STAFF_SUMMARY_HELP)
    description = _long_text(_("What is the concern?"), rows=5, max_length=DESCRIPTION_MAX)
    suggestions = _long_text(
        _("Suggestions and alternate courses of action"), required=False, rows=3
    )
    public_note = forms.CharField(
        label=_("Public note"),
        required=False,
        max_length=500,
        help_text=_(
            "Shown to the public with the status (city 311). No names or personal details."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )

    def __init__(self, *args, concern=None, **kwargs):
        super().__init__(*args, concern=concern, **kwargs)
        # Every category, "Officer conduct or bias" included: who may move a concern into or
        # out of it is the service's rule (concerns/conduct.py).
        if concern is not None and not self.is_bound:
            values = concern.editable_values()
            for name, value in values.items():
                self.initial.setdefault(name, value)
            self.initial.setdefault("seen", fingerprint(values))
        # Active areas, and the concern's own even if it has been deactivated since.
        area_picker(self.fields["defined_area"])
        current = concern.defined_area_id if concern is not None else None
        self.fields["defined_area"].queryset = Area.objects.filter(
            Q(is_active=True) | Q(pk=current)
        ).for_picking()

    def clean(self):
        cleaned = super().clean()
        clean_point(cleaned, self.add_error)
        return cleaned


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "contact_name", "email", "phone", "response_days", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save department")))


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "commander", "is_active"]
        widgets = {"commander": member_picker()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commander"].queryset = User.objects.filter(is_active=True).exclude(
            dsn__isnull=True
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save unit")))
