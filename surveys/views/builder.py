"""Staff pages for building a survey: the list, the survey's form and page, its questions,
the Chief's approval, closing, and a preview of the public form. `_step` runs a service
step from the survey page, and `survey_detail` shows the page again with a refusal's
reason; the other staff pages use both."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.paging import paginate
from core.permissions import Permission, has_permission
from core.web import crumbs, require_permission, show_errors
from surveys import services
from surveys.forms import (
    ActionForm,
    AgencyInvitationForm,
    ForumForm,
    InvitationForm,
    QuestionForm,
    SocialLinkForm,
    SurveyForm,
)
from surveys.models import Question, Response, Survey
from surveys.views._common import _crumbs, _error_dict, _public_context

P = Permission


def survey_list(request):
    require_permission(request, P.VIEW_SURVEYS)
    qs = Survey.objects.annotate(n=Count("responses")).order_by("-opens_on", "title")
    return render(
        request,
        "surveys/survey_list.html",
        {
            "page": paginate(qs, request.GET.get("page")),
            "can_manage": has_permission(request.user, P.MANAGE_SURVEYS),
            "breadcrumbs": crumbs((_("Surveys"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_new(request):
    require_permission(request, P.MANAGE_SURVEYS)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(
                by=request.user, data=form.cleaned_data, standard=form.cleaned_data["standard"]
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(
                request, _("Survey created. Review the questions, then send it to the Chief.")
            )
            return redirect(survey)
    return render(
        request,
        "surveys/survey_form.html",
        {"form": form, "breadcrumbs": _crumbs((_("New survey"), None))},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request, pk):
    require_permission(request, P.MANAGE_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    form = SurveyForm(request.POST or None, instance=survey, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_survey(survey=survey, by=request.user, data=form.cleaned_data)
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(survey)
    return render(
        request,
        "surveys/survey_form.html",
        {
            "form": form,
            "survey": survey,
            "breadcrumbs": _crumbs((survey.title, survey.get_absolute_url()), (_("Edit"), None)),
        },
        status=400 if form.errors else 200,
    )


def survey_detail(request, pk, *, errors=None, status=200):
    require_permission(request, P.VIEW_SURVEYS)
    survey = get_object_or_404(Survey.objects.select_related("created_by", "decided_by"), pk=pk)
    counts = dict(survey.responses.values_list("channel").annotate(n=Count("id")).order_by())
    invitations = dict(survey.invitations.values_list("used").annotate(n=Count("id")).order_by())
    user = request.user
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "questions": list(survey.questions.all()),
            "forums": list(
                survey.forums.annotate(n=Count("responses")).order_by("-held_on", "name")
            ),
            "responses": sum(counts.values()),
            "by_channel": [
                (label, counts.get(value, 0))
                for value, label in Response.Channel.choices
                if (value == Response.Channel.AGENCY) == survey.invitation_only
            ],
            "agency_invitations": list(survey.invitations.exclude(agency_name=""))
            if survey.invitation_only
            else [],
            "social_links": list(survey.social_links.all()),
            "agency_form": AgencyInvitationForm(),
            "social_form": SocialLinkForm(),
            "invitations_used": invitations.get(True, 0),
            "invitations_total": sum(invitations.values()),
            "summaries": list(survey.summaries.listed().order_by("-version")),
            "actions": list(survey.actions.select_related("decided_by")),
            "public_link": request.build_absolute_uri(survey.public_url()),
            "errors": errors or {},
            "can_manage": has_permission(user, P.MANAGE_SURVEYS),
            "can_decide": has_permission(user, P.DECIDE_SURVEYS),
            "can_enter_paper": has_permission(user, P.ENTER_PAPER_RESPONSES),
            "can_report": has_permission(user, P.MANAGE_REPORTS),
            "content_locked": bool(counts),
            "forum_form": ForumForm(initial={"held_on": timezone.localdate()}),
            "invitation_form": InvitationForm(),
            "action_form": ActionForm(),
            "breadcrumbs": _crumbs((survey.title, None)),
        },
        status=status,
    )


def _step(request, pk, action, success):
    """Run a service step from the survey page; a refusal shows the page with the reason."""
    survey = get_object_or_404(Survey, pk=pk)
    try:
        result = action(survey)
    except ValidationError as error:
        return survey_detail(request, pk, errors=_error_dict(error), status=400)
    messages.success(request, success)
    return result if isinstance(result, HttpResponse) else redirect(survey)


@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_id=None):
    require_permission(request, P.MANAGE_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    question = get_object_or_404(Question, pk=question_id, survey=survey) if question_id else None
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_question(
                survey=survey, by=request.user, data=form.cleaned_data, question=question
            )
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Question saved."))
            if "another" in request.POST:
                return redirect("surveys:question-new", pk=survey.pk)
            return redirect(survey)
    return render(
        request,
        "surveys/question_form.html",
        {
            "form": form,
            "survey": survey,
            "question": question,
            "breadcrumbs": _crumbs(
                (survey.title, survey.get_absolute_url()),
                (
                    _("Question %(number)s") % {"number": question.position}
                    if question
                    else _("New question"),
                    None,
                ),
            ),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def question_delete(request, pk, question_id):
    require_permission(request, P.MANAGE_SURVEYS)
    question = get_object_or_404(Question, pk=question_id, survey_id=pk)
    return _step(
        request,
        pk,
        lambda s: services.delete_question(survey=s, by=request.user, question=question),
        _("Question removed."),
    )


@require_POST
def question_move(request, pk, question_id, direction):
    require_permission(request, P.MANAGE_SURVEYS)
    if direction not in ("up", "down"):
        raise Http404
    question = get_object_or_404(Question, pk=question_id, survey_id=pk)
    return _step(
        request,
        pk,
        lambda s: services.move_question(
            survey=s, by=request.user, question=question, up=direction == "up"
        ),
        _("Question moved up.") if direction == "up" else _("Question moved down."),
    )


@require_POST
def survey_submit(request, pk):
    return _step(
        request,
        pk,
        lambda s: services.submit_survey(survey=s, by=request.user),
        _("Sent to the Chief for approval."),
    )


@require_POST
def survey_decide(request, pk, decision):
    if decision not in ("approve", "return"):
        raise Http404
    return _step(
        request,
        pk,
        lambda s: services.decide_survey(
            survey=s,
            by=request.user,
            decision=decision,
            comment=request.POST.get("comment", ""),
        ),
        _("Approved: the survey opens on its opening date.")
        if decision == "approve"
        else _("Returned to the CRO."),
    )


@require_POST
def survey_close(request, pk):
    return _step(
        request, pk, lambda s: services.close_survey(survey=s, by=request.user), _("Survey closed.")
    )


def survey_preview(request, pk):
    require_permission(request, P.VIEW_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    language = "es" if request.GET.get("lang") == "es" else "en"
    with translation.override(language):
        return render(
            request,
            "surveys/public_form.html",
            _public_context(survey, language, preview=True),
        )
