"""Staff pages for gathering responses beyond the public link: forum links and their
printed QR sheets, invitation codes, the outside agencies' emailed links, social-media
links, and paper forms typed in by staff in batches."""

import base64
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Agency
from core.pdf import pdf_response, render_pdf
from core.permissions import Permission
from core.web import require_permission
from surveys import answers as answer_form
from surveys import channels, services
from surveys.forms import (
    AgencyInvitationForm,
    ForumForm,
    InvitationForm,
    PaperBatchForm,
    SocialLinkForm,
)
from surveys.models import ForumLink, Response, Survey
from surveys.views._common import _crumbs, _error_dict, _form_errors, _question_rows, _token
from surveys.views.builder import _step, survey_detail

P = Permission


@require_POST
def forum_add(request, pk):
    require_permission(request, P.MANAGE_SURVEYS)
    form = ForumForm(request.POST)
    if not form.is_valid():
        return survey_detail(request, pk, errors=_form_errors(form), status=400)
    return _step(
        request,
        pk,
        lambda s: services.add_forum(
            survey=s,
            by=request.user,
            name=form.cleaned_data["name"],
            held_on=form.cleaned_data["held_on"],
        ),
        _("Forum link added: print its sheet for the forum."),
    )


def _qr_data_uri(url: str) -> str:
    # Imported here, as in accounts.mfa: only this page draws QR codes.
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def forum_sheet(request, pk, forum_id):
    """A one-page PDF for the forum: the QR code of the forum's own link, in both languages.
    One page renders in well under a second, so it is made in the request."""
    require_permission(request, P.VIEW_SURVEYS)
    forum = get_object_or_404(ForumLink.objects.select_related("survey"), pk=forum_id, survey_id=pk)
    url = request.build_absolute_uri(forum.public_url())
    # The sheet is for residents: its English half is English whatever the staff
    # member's own language (the Spanish half is written into the template).
    with translation.override("en"):
        pdf = render_pdf(
            "surveys/pdf/forum_sheet.html",
            {
                **Agency.load().letterhead(),
                "forum": forum,
                "survey": forum.survey,
                "url": url,
                "qr": _qr_data_uri(url),
            },
        )
    return pdf_response(pdf, f"forum-sheet-{forum.slug}.pdf")


@require_POST
def invitations_issue(request, pk):
    require_permission(request, P.MANAGE_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        return survey_detail(request, pk, errors=_form_errors(form), status=400)
    try:
        codes = services.issue_invitations(
            survey=survey, by=request.user, count=form.cleaned_data["count"]
        )
    except ValidationError as error:
        return survey_detail(request, pk, errors=_error_dict(error), status=400)
    # Shown once: only the codes' hashes are stored.
    return render(
        request,
        "surveys/invitations.html",
        {
            "survey": survey,
            "codes": codes,
            "link": request.build_absolute_uri(survey.public_url()),
            "breadcrumbs": _crumbs((survey.title, survey.get_absolute_url()), (_("Codes"), None)),
        },
    )


@require_POST
def agency_invite(request, pk):
    """The CRO invites one outside agency's head; the link goes out by email (001 IV.D.3)."""
    require_permission(request, P.MANAGE_SURVEYS)
    form = AgencyInvitationForm(request.POST)
    if not form.is_valid():
        return survey_detail(request, pk, errors=_form_errors(form), status=400)
    return _step(
        request,
        pk,
        lambda s: channels.invite_agency(survey=s, by=request.user, **form.cleaned_data),
        _("Invitation sent by email to %(email)s.") % {"email": form.cleaned_data["head_email"]},
    )


@require_POST
def social_add(request, pk):
    require_permission(request, P.MANAGE_SURVEYS)
    form = SocialLinkForm(request.POST)
    if not form.is_valid():
        return survey_detail(request, pk, errors=_form_errors(form), status=400)
    return _step(
        request,
        pk,
        lambda s: channels.add_social_link(
            survey=s, by=request.user, name=form.cleaned_data["name"]
        ),
        _("Social media link added: post it with the survey's announcement."),
    )


@require_POST
def paper_batch_add(request, pk):
    """Start a batch of paper forms (a water bill's, a forum's), then type its forms in."""
    require_permission(request, P.ENTER_PAPER_RESPONSES)
    survey = get_object_or_404(Survey, pk=pk)
    form = PaperBatchForm(request.POST)
    if form.is_valid():
        try:
            batch = channels.start_paper_batch(survey=survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            return survey_detail(request, pk, errors=_error_dict(error), status=400)
        messages.success(request, _("Batch started: type in its forms."))
        return redirect(f"{reverse('surveys:paper', args=[pk])}?batch={batch.pk}")
    return _paper_page(request, survey, batch_form=form, status=400)


@require_http_methods(["GET", "POST"])
def paper_entry(request, pk):
    """Staff type in the paper forms (the water-bill survey), one after another, by keyboard:
    a number per question, Tab to the next, Enter to save and start the next form."""
    require_permission(request, P.ENTER_PAPER_RESPONSES)
    survey = get_object_or_404(Survey, pk=pk)
    if survey.invitation_only:
        return survey_detail(
            request, pk, errors={"__all__": [str(channels.NOT_FOR_AGENCIES)]}, status=400
        )
    return _paper_page(request, survey)


def _paper_page(request, survey, *, batch_form=None, status=200):
    pk = survey.pk
    questions = list(survey.questions.all())
    language = "es" if request.POST.get("language", request.GET.get("language")) == "es" else "en"
    batches = list(survey.paper_batches.all())
    chosen = request.POST.get("batch", request.GET.get("batch", "")) if batch_form is None else ""
    batch = next((b for b in batches if str(b.pk) == chosen), None)
    errors, typed = {}, {}
    token = uuid.uuid4()
    if chosen and batch is None:
        errors["__all__"] = _("Choose one of this survey's batches, or no batch.")
    if request.method == "POST" and batch_form is None and not errors:
        answers, errors, typed = answer_form.parse(questions, request.POST, paper=True)
        token = _token(request.POST.get("token"))
        if not errors:
            try:
                response, created = services.submit_response(
                    survey=survey,
                    answers=answers,
                    channel=Response.Channel.PAPER,
                    language=language,
                    token=token,
                    by=request.user,
                    batch=batch,
                )
            except ValidationError as error:
                errors = {"__all__": " ".join(error.messages)}
            else:
                count = survey.responses.filter(channel=Response.Channel.PAPER, batch=batch).count()
                messages.success(
                    request,
                    _("Paper form saved (%(count)d entered so far). Enter the next one.")
                    % {"count": count}
                    if created
                    else _("That form was already saved; it was not stored twice."),
                )
                then = f"&batch={batch.pk}" if batch else ""
                return redirect(f"{reverse('surveys:paper', args=[pk])}?language={language}{then}")
    if errors:
        status = 400
    return render(
        request,
        "surveys/paper_entry.html",
        {
            "survey": survey,
            "rows": _question_rows(questions, language, typed, errors, paper=True),
            "form_error": errors.get("__all__", ""),
            "error_count": len(errors),
            "language": language,
            "token": token,
            "batches": batches,
            "batch": batch,
            "batch_form": batch_form
            or PaperBatchForm(initial={"received_on": timezone.localdate()}),
            "breadcrumbs": _crumbs(
                (survey.title, survey.get_absolute_url()), (_("Paper entry"), None)
            ),
        },
        status=status,
    )
