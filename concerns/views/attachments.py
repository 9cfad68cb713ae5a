"""Adding photos and documents to a concern, and handing them out (issue 22).

A file is served only here, to those who may see its concern (a 404 for everyone else,
as for the concern itself); never from a public media address, never in a 311 answer.
Every file handed out, thumbnails included, is recorded in the audit trail as a download
(audit.trail.EXPORT_TYPES: image/jpeg, image/png, application/pdf)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from concerns import attachments
from concerns.attachment_forms import AttachmentForm
from concerns.models import Attachment
from concerns.views._common import get_concern_for
from concerns.views.detail import concern_detail
from core.permissions import Permission, has_permission
from core.web import show_errors


@require_POST
def attachment_add(request, reference):
    concern = get_concern_for(request, reference)
    if not has_permission(request.user, Permission.NOTE_CONCERN, concern=concern):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        prepared = form.cleaned_data["files"]
        try:
            with transaction.atomic():
                for item in prepared:
                    attachments.add_attachment(concern=concern, by=request.user, prepared=item)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(count)d file added.", "%(count)d files added.", len(prepared))
                % {"count": len(prepared)},
            )
            return redirect(f"{concern.get_absolute_url()}#attachments")
    return concern_detail(request, reference, bound=("attach", form), status=400)


@require_GET
def attachment_file(request, reference, pk):
    return _serve(request, reference, pk, thumbnail=False)


@require_GET
def attachment_thumbnail(request, reference, pk):
    return _serve(request, reference, pk, thumbnail=True)


def _serve(request, reference, pk, *, thumbnail: bool):
    concern = get_concern_for(request, reference)  # 404 to whoever may not see the concern
    attachment = get_object_or_404(Attachment, pk=pk, concern=concern)
    stored = attachment.thumbnail if thumbnail else attachment.file
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except OSError:
        raise Http404 from None
    suffix = {"image/jpeg": "jpg", "image/png": "png"}.get(attachment.content_type, "pdf")
    name = f"{concern.reference}-{attachment.pk}{'-small' if thumbnail else ''}.{suffix}"
    # A photo was re-encoded here and is shown in the page; a PDF is as it came, so it is
    # only ever a download, never opened by the browser as a page of this site.
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_photo,
        filename=name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Not kept by a browser or a shared cache: each look is a download the trail records.
    response["Cache-Control"] = "private, no-store"
    # The trail's own words, in English whatever the reader's language.
    what = "thumbnail" if thumbnail else attachment.kind
    response.audit_detail = f"{what} of {concern.reference}"
    return response
