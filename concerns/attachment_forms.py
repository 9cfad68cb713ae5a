"""The file fields of the concern's page and of the residents' form, and what the concern's
page shows of its attachments (issue 22). The checks themselves are concerns/attachments.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from concerns import attachments
from concerns.page_reads import files_of
from core.permissions import Permission, has_permission

OFFICER_MAX_FILES = 10
TOO_MANY_FILES = _("Add at most %(limit)d files at a time (you chose %(count)d).")
NO_FILE = _("Choose a photo or a PDF to add.")


class _MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PreparedFilesField(forms.Field):
    """Several files in one input, each checked and (a photo) re-encoded while the form is
    validated: its cleaned value is a list of attachments.Prepared, ready to store. Every
    refused file is named in the errors; none of them is stored."""

    widget = _MultipleFileInput

    def __init__(self, *, prepare, limit, too_many, accept, **kwargs):
        self.prepare, self.limit, self.too_many = prepare, limit, too_many
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = accept

    def clean(self, value):
        files = [f for f in (value if isinstance(value, list | tuple) else [value]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.limit:
            raise ValidationError(self.too_many % {"limit": self.limit, "count": len(files)})
        prepared, errors = [], []
        for upload in files:
            try:
                prepared.append(self.prepare(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return prepared


def public_photos_field() -> PreparedFilesField:
    """The residents' form: up to three photos, phones' HEIC included."""
    return PreparedFilesField(
        prepare=attachments.prepare_photo,
        limit=attachments.PUBLIC_MAX_PHOTOS,
        too_many=attachments.TOO_MANY_PHOTOS,
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif",
        required=False,
        label=_("Photos"),
        help_text=_(
            "Up to 3 photos (JPEG, PNG, WebP or HEIC), 10 MB each. We remove the location "
            "and camera details from them. If a photo cannot be accepted, what you typed is "
            "kept, but choose your photos again."
        ),
    )


class AttachmentForm(forms.Form):
    """Add photos or PDF documents on the concern's page."""

    files = PreparedFilesField(
        prepare=attachments.prepare_upload,
        limit=OFFICER_MAX_FILES,
        too_many=TOO_MANY_FILES,
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf",
        label=_("Photos or documents"),
        help_text=_(
            "Photos (JPEG, PNG, WebP or HEIC) or PDF documents, 10 MB each. Photos are stored "
            "without their location and camera details."
        ),
        error_messages={"required": NO_FILE},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["files"].widget.attrs["class"] = "form-control"


def attachments_context(user, concern, updates, bound=None) -> dict:
    """What the concern's page shows of its attachments: the list (one query, whatever
    their number), the timeline with them in it, and the form for those who may add."""
    files = files_of(concern)
    may_add = has_permission(user, Permission.NOTE_CONCERN, concern=concern)
    form = None
    if may_add:
        form = bound[1] if bound and bound[0] == "attach" else AttachmentForm()
    return {
        "attachments": files,
        "photos": [a for a in files if a.is_photo],
        "documents": [a for a in files if not a.is_photo],
        "attach_form": form,
        "updates": attachments.timeline(updates, files),
    }
