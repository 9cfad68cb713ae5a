from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import lookups
from accounts.area_forms import MAP_PICK, area_picker, clean_point, point_fields
from accounts.areas import resolve
from core.web import with_cji_notice
from core.widgets import DateInput, StoredFileInput
from outreach.forms_pickers import (
    activity_label,
    activity_picker,
    member_picker,
    members_picker,
    organization_picker,
)
from outreach.models import (
    CommunityInputReport,
    CommunityOrganization,
    Material,
    OutreachActivity,
    Participant,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)
from outreach.services import date_problem

MAX_DESIGN_BYTES = 10 * 1024 * 1024
# Checked by the file's first bytes, not its name: a renamed program is refused.
DESIGN_SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
DESIGN_REFUSED = _("The design must be a PDF, PNG or JPEG file. This file is none of those.")
DESIGN_TOO_LARGE = _("The design file must be 10 MB or smaller (this one is %(size).1f MB).")


# Kept under these names for the forms of outreach and programs.
department_members = lookups.department_members
_member_label = lookups.member_label


class _Helper:
    submit_label = _("Save")

    def _helper(self, layout=None):
        self.helper = FormHelper()
        if layout is not None:
            self.helper.layout = layout
        self.helper.add_input(Submit("submit", self.submit_label))


def placed(data: dict) -> dict:
    """No area chosen: the one its point or typed location gives, by the rule every door
    uses (accounts.areas.resolve)."""
    if not data.get("defined_area") and (data.get("area") or data.get("latitude") is not None):
        data["defined_area"] = resolve(
            data.get("area", ""), latitude=data.get("latitude"), longitude=data.get("longitude")
        )
    return data


class OrganizationForm(_Helper, forms.ModelForm):
    submit_label = _("Save organization")

    class Meta:
        model = CommunityOrganization
        fields = [
            "name",
            "kind",
            "area",
            "defined_area",
            "contact_name",
            "contact_phone",
            "contact_email",
            "liaison_officer",
            "helped_establish",
            "is_active",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "liaison_officer": member_picker(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["liaison_officer"].queryset = department_members()
        self.fields["liaison_officer"].label_from_instance = _member_label
        self.fields.update(point_fields())
        area_picker(self.fields["defined_area"])
        self._helper(
            Layout(
                Row(Column("name", css_class="col-md-8"), Column("kind", css_class="col-md-4")),
                Row(
                    Column("area", css_class="col-md-8"),
                    Column("defined_area", css_class="col-md-4"),
                ),
                Row(Column("contact_name"), Column("contact_phone"), Column("contact_email")),
                "liaison_officer",
                Row(Column("helped_establish"), Column("is_active")),
                "notes",
            )
        )

    def clean(self):
        return placed(super().clean())


def _time_input():
    return forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class ActivityForm(_Helper, forms.ModelForm):
    submit_label = _("Save activity")

    # 002 §300.3(d): a foot patrol with a notification missing is refused until the
    # officer either ticks what was done or ticks this and says why; the reason is kept on
    # the record, whose missing flags then show on its page and in the list.
    save_anyway = forms.BooleanField(
        required=False,
        label=_("Save anyway: a notification was missed"),
        help_text=_("Tick this only if the supervisor or dispatch was really not told."),
    )

    class Meta:
        model = OutreachActivity
        fields = [
            "date",
            "status",
            "kind",
            "start_time",
            "end_time",
            "title",
            "program",
            "organization",
            "officers",
            "area",
            "defined_area",
            "latitude",
            "longitude",
            "attendance",
            "staff_hours",
            "materials_cost",
            "summary",
            "link",
            "supervisor_notified",
            "notified_supervisor",
            "dispatch_notified_start",
            "dispatch_notified_end",
            "notice_note",
            "waivers_required",
            "background_check_required",
        ]
        widgets = {
            "date": DateInput(),
            "status": forms.RadioSelect(),
            "start_time": _time_input(),
            "end_time": _time_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "notice_note": forms.Textarea(attrs={"rows": 2}),
            "officers": members_picker(),
            "organization": organization_picker(),
            "notified_supervisor": member_picker(),
        }
        labels = {
            "title": _("What was it"),
            "kind": _("Kind of activity"),
            "start_time": _("Start time"),
            "end_time": _("End time"),
            "supervisor_notified": _("A supervisor was told at the start and at the end"),
            "notified_supervisor": _("Which supervisor"),
            "dispatch_notified_start": _("Dispatch was told at the start (on foot, where)"),
            "dispatch_notified_end": _("Dispatch was told at the end"),
            "notice_note": _("Why a notification was missed"),
        }
        help_texts = {
            "status": _(
                "Scheduled: an event planned ahead, so people can register and be cleared "
                "before it. It is counted in reports only once it is recorded as held."
            ),
            "start_time": _("Required for a foot patrol."),
            "officers": _(
                "Everyone who took part: type a name or DSN and press Enter, once for each."
            ),
            "staff_hours": _("Hours of all officers together."),
            "summary": with_cji_notice(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        # Left out (an older page, a script), it means held, the field's default.
        self.fields["status"].required = False
        self.fields["notified_supervisor"].queryset = department_members()
        self.fields["notified_supervisor"].label_from_instance = _member_label
        if self.instance.notice_note:
            self.initial.setdefault("save_anyway", True)
        program = self.fields["program"].queryset.model
        self.fields["program"].queryset = program.objects.filter(
            status__in=[program.Status.APPROVED, program.Status.ACTIVE]
        )
        self.fields["organization"].queryset = CommunityOrganization.objects.active()
        self.fields["officers"].queryset = department_members()
        self.fields["officers"].label_from_instance = _member_label
        self.fields["officers"].required = False
        area_picker(self.fields["defined_area"])
        self._helper(
            Layout(
                Row(
                    Column("date", css_class="col-md-3"),
                    Column("status", css_class="col-md-4"),
                    Column("kind", css_class="col-md-5"),
                ),
                Row(
                    Column("start_time", css_class="col-6 col-md-3"),
                    Column("end_time", css_class="col-6 col-md-3"),
                ),
                Row(Column("title", css_class="col-md-8"), Column("program", css_class="col-md-4")),
                Row(Column("organization"), Column("area"), Column("defined_area")),
                Row(
                    Column("latitude", css_class="col-6 col-md-3"),
                    Column("longitude", css_class="col-6 col-md-3"),
                ),
                HTML(MAP_PICK),
                "officers",
                Row(Column("attendance"), Column("staff_hours"), Column("materials_cost")),
                "summary",
                "link",
                Fieldset(
                    _("Foot patrols only: who was told"),
                    Row(Column("supervisor_notified"), Column("notified_supervisor")),
                    Row(Column("dispatch_notified_start"), Column("dispatch_notified_end")),
                    "save_anyway",
                    "notice_note",
                    css_id="foot-patrol-notices",
                ),
                Row(Column("waivers_required"), Column("background_check_required")),
            )
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == OutreachActivity.Kind.CITIZENS_ACADEMY:
            # 002 300.7: citizen academies need waivers and a criminal-history check.
            data["waivers_required"] = True
            data["background_check_required"] = True
        if kind == OutreachActivity.Kind.FOOT_PATROL and not data.get("area"):
            self.add_error("area", _("Say where the foot patrol was."))
        data["status"] = data.get("status") or OutreachActivity.Status.HELD
        if problem := date_problem(status=data["status"], date=data.get("date")):
            self.add_error("date", problem)
        # The reason travels only with the tick; the service refuses a foot patrol with a
        # notification missing and no reason (outreach.services._check_activity).
        if data.pop("save_anyway", False):
            if not (data.get("notice_note") or "").strip():
                self.add_error("notice_note", _("Say why a notification was missed."))
        else:
            data["notice_note"] = ""
        clean_point(data, self.add_error)
        point = (data.get("latitude"), data.get("longitude"))
        if point != (self.instance.latitude, self.instance.longitude):
            # A point typed or clicked here; one left as it was keeps where it came from.
            self.instance.location_source = data.get("location_source", "")
        return placed(data)


class ParticipantForm(_Helper, forms.ModelForm):
    submit_label = _("Save participant")

    class Meta:
        model = Participant
        fields = [
            "name",
            "phone",
            "email",
            "is_minor",
            "guardian_name",
            "waiver_signed_on",
            "background_check",
            "attended",
        ]
        widgets = {"waiver_signed_on": DateInput()}
        help_texts = {
            "attended": _(
                "Tick after the event. Only someone with a signed waiver and, where one is "
                "needed, a cleared check can be marked."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper(
            Layout(
                "name",
                Row(Column("phone"), Column("email")),
                Row(Column("is_minor"), Column("guardian_name")),
                Row(Column("waiver_signed_on"), Column("background_check")),
                "attended",
            )
        )

    def clean(self):
        data = super().clean()
        if data.get("is_minor") and data.get("waiver_signed_on") and not data.get("guardian_name"):
            self.add_error(
                "guardian_name",
                _("A minor's waiver must name the parent or guardian who signed it."),
            )
        return data


class MaterialForm(_Helper, forms.ModelForm):
    submit_label = _("Save material")

    class Meta:
        model = Material
        fields = ["name", "description", "source", "donor", "quantity", "cost", "design"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "design": StoredFileInput(),
        }
        help_texts = {
            "design": _("PDF, PNG or JPEG, at most 10 MB. The Chief approves the design.")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["design"].widget.attrs["accept"] = ".pdf,.png,.jpg,.jpeg"
        if self.instance.pk:
            self.fields["design"].widget.view_url = reverse(
                "outreach:material-design", args=[self.instance.pk]
            )
        self._helper(
            Layout(
                "name",
                "description",
                Row(Column("source"), Column("donor")),
                Row(Column("quantity"), Column("cost")),
                "design",
            )
        )

    def clean_design(self):
        design = self.cleaned_data.get("design")
        if not design or not hasattr(design, "content_type"):
            return design  # unchanged
        if design.size > MAX_DESIGN_BYTES:
            raise forms.ValidationError(DESIGN_TOO_LARGE % {"size": design.size / 1024 / 1024})
        head = design.read(16)
        design.seek(0)
        for signature, kind in DESIGN_SIGNATURES:
            if head.startswith(signature):
                self.design_type = kind
                return design
        raise forms.ValidationError(DESIGN_REFUSED)

    def clean(self):
        data = super().clean()
        if data.get("source") == Material.Source.DONATED and not data.get("donor"):
            self.add_error("donor", _("Name the donor of donated material."))
        return data


class DecisionForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label=_("Comment")
    )


class DistributionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    activity = forms.ModelChoiceField(
        queryset=OutreachActivity.objects.none(),
        required=False,
        label=_("At an activity"),
        help_text=_("Optional. Type part of its title or organization."),
        widget=activity_picker(),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("date", timezone.localdate())
        # Only what the user may see; the picker asks outreach:activity-lookup for the rest.
        self.fields["activity"].queryset = (
            OutreachActivity.objects.visible_to(user).order_by("-date", "-pk")
            if user is not None
            else OutreachActivity.objects.none()
        )
        self.fields["activity"].label_from_instance = lambda a: activity_label(a.date, a.title)
        self.fields["activity"].empty_label = _("Not at an activity")


class TrainingNeedForm(_Helper, forms.ModelForm):
    submit_label = _("Record training need")

    class Meta:
        model = TrainingNeed
        fields = ["topic", "topic_detail", "source", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateField(label=_("Training date"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliveredForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("delivered_on", timezone.localdate())


class RecognitionForm(_Helper, forms.ModelForm):
    submit_label = _("Record recognition")

    class Meta:
        model = Recognition
        fields = ["member", "community_member", "reason", "date"]
        widgets = {
            "date": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 3}),
            "member": member_picker(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = department_members()
        self.fields["member"].label_from_instance = _member_label
        self.initial.setdefault("date", timezone.localdate())
        self._helper()

    def clean(self):
        data = super().clean()
        if bool(data.get("member")) == bool(data.get("community_member")):
            raise forms.ValidationError(_("Name either a department member or a community member."))
        return data


class AssignmentForm(_Helper, forms.ModelForm):
    submit_label = _("Add")

    class Meta:
        model = ReportingAssignment
        fields = ["officer", "duty", "since"]
        widgets = {"since": DateInput(), "officer": member_picker()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = department_members()
        self.fields["officer"].label_from_instance = _member_label
        self.initial.setdefault("since", timezone.localdate())
        self._helper()


class CommunityInputForm(_Helper, forms.ModelForm):
    submit_label = _("Send to the CRO")

    class Meta:
        model = CommunityInputReport
        fields = ["concerns_heard", "suggestions"]
        widgets = {
            "concerns_heard": forms.Textarea(attrs={"rows": 5}),
            "suggestions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._helper()
