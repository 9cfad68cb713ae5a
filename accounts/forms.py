from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp import match_token

from accounts.models import Agency, Closure
from accounts.working_days import supported_countries
from core.widgets import DateInput, StoredFileInput

MAX_LOGO_BYTES = 2 * 1024 * 1024
WRONG_CODE = _(
    "That code is not right. Use the newest code your app shows (they change every 30 "
    "seconds), or one of your recovery codes."
)


class LoginForm(AuthenticationForm):
    error_messages = {
        # Never hint whether the username exists.
        "invalid_login": _("The username or password is not right. Check both and try again."),
        "inactive": _("The username or password is not right. Check both and try again."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class StyledPasswordChangeForm(PasswordChangeForm):
    """The current password, and a current code when the account has a second factor
    (docs/SECURITY.md): a session left open is not enough to take the account over.
    `refused` says which proof was wrong ("password" or "code"), for the count and the
    trail (accounts.signin)."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    field_order = ["old_password", "code", "new_password1", "new_password2"]

    def __init__(self, user, *args, needs_code=False, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.refused = ""
        if not needs_code:
            del self.fields["code"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Change password")))

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            self.refused = "password"
            raise

    def clean(self):
        cleaned = super().clean()
        # The code is spent only when everything else is right (a code serves once).
        if "code" in self.fields and not self.errors:
            code = "".join(cleaned["code"].split()).replace("-", "")
            if match_token(self.user, code) is None:
                self.refused = "code"
                self.add_error("code", WRONG_CODE)
        return cleaned


class AgencyForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Agency
        fields = [
            "name",
            "address",
            "phone",
            "website",
            "chief_name",
            "reply_to",
            "logo",
            "monthly_due_day",
            "quarterly_due_days",
            "semi_annual_due_days",
            "annual_due_days",
            "mfa_for_everyone",
            "holiday_country",
            "holiday_subdivision",
        ]
        widgets = {"logo": StoredFileInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo"].widget.view_url = reverse("accounts:agency-logo")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name",
            "address",
            Row(Column("phone"), Column("website")),
            Row(Column("chief_name"), Column("reply_to")),
            "logo",
            Fieldset(
                _("When reports are due"),
                Row(
                    Column("monthly_due_day"),
                    Column("quarterly_due_days"),
                    Column("semi_annual_due_days"),
                    Column("annual_due_days"),
                ),
            ),
            Fieldset(_("Sign-in"), "mfa_for_everyone"),
            Fieldset(
                _("Working days"),
                HTML(
                    format_html(
                        '<p class="small text-body-secondary">{}</p>',
                        _(
                            "Weekends, these public holidays and the agency's own closures are "
                            "not working days: a unit has two working days to acknowledge a "
                            "routing."
                        ),
                    )
                ),
                Row(Column("holiday_country"), Column("holiday_subdivision")),
            ),
            Submit("submit", _("Save profile")),
        )

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("holiday_country", "").strip().upper()
        subdivision = cleaned.get("holiday_subdivision", "").strip().upper()
        cleaned["holiday_country"], cleaned["holiday_subdivision"] = country, subdivision
        known = supported_countries()
        if country and country not in known:
            self.add_error(
                "holiday_country",
                _("No public holidays are known for “%(code)s”. Use a two-letter code such as US.")
                % {"code": country},
            )
        elif subdivision and not country:
            self.add_error("holiday_subdivision", _("Give the country first."))
        elif subdivision and subdivision not in known[country]:
            self.add_error(
                "holiday_subdivision",
                _("%(country)s has no state or province “%(code)s”. Known: %(known)s.")
                % {"country": country, "code": subdivision, "known": ", ".join(known[country])},
            )
        return cleaned

    def clean_monthly_due_day(self):
        day = self.cleaned_data["monthly_due_day"]
        if not 1 <= day <= 28:
            raise forms.ValidationError(_("Choose a day from 1 to 28, which every month has."))
        return day

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo must be 2 MB or smaller."))
        if logo and hasattr(logo, "content_type"):  # a new upload: check what it really is
            head = logo.read(8)
            logo.seek(0)
            if not (head.startswith(b"\x89PNG\r\n\x1a\n") or head.startswith(b"\xff\xd8\xff")):
                raise forms.ValidationError(_("The logo must be a PNG or JPEG image."))
        return logo


class ClosureForm(forms.ModelForm):
    """A day the agency closes (accounts/working_days.py)."""

    class Meta:
        model = Closure
        fields = ["day", "name"]
        widgets = {"day": DateInput()}
        help_texts = {"name": _("As staff know it, for example: Day after Thanksgiving.")}
        error_messages = {"day": {"unique": _("That day is already a closure.")}}
