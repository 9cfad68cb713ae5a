import base64
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Agency
from core.paging import paginate
from core.permissions import Permission, has_permission
from core.uploads import logo_data_uri
from core.web import client_key, crumbs, csv_download, require_permission, show_errors
from surveys import answers as answer_form
from surveys import results, services
from surveys.forms import ActionForm, ForumForm, InvitationForm, QuestionForm, SurveyForm
from surveys.models import Answer, ForumLink, Question, Response, Survey

P = Permission


def _crumbs(*pairs):
    return crumbs((_("Surveys"), reverse("surveys:list")), *pairs)


def _error_dict(error: ValidationError) -> dict:
    return getattr(error, "message_dict", {"__all__": error.messages})


def _form_errors(form) -> dict:
    """A small form's errors for the survey page's error box."""
    return {field: [str(e) for e in errors] for field, errors in form.errors.items()}


# --- Staff: the list and the builder ----------------------------------------------------


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
                (label, counts.get(value, 0)) for value, label in Response.Channel.choices
            ],
            "invitations_used": invitations.get(True, 0),
            "invitations_total": sum(invitations.values()),
            "summaries": list(survey.summaries.order_by("-version")),
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
            approve=decision == "approve",
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


# --- Forums, invitations, paper --------------------------------------------------------


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
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def forum_sheet(request, pk, forum_id):
    """A one-page PDF for the forum: the QR code of the forum's own link, in both languages.
    One page renders in well under a second, so it is made in the request."""
    from weasyprint import HTML

    require_permission(request, P.VIEW_SURVEYS)
    forum = get_object_or_404(ForumLink.objects.select_related("survey"), pk=forum_id, survey_id=pk)
    url = request.build_absolute_uri(forum.public_url())
    agency = Agency.load()
    # The sheet is for residents: its English half is English whatever the staff
    # member's own language (the Spanish half is written into the template).
    with translation.override("en"):
        html = render_to_string(
            "surveys/pdf/forum_sheet.html",
            {
                "forum": forum,
                "survey": forum.survey,
                "url": url,
                "qr": _qr_data_uri(url),
                "agency": agency,
                "logo_url": logo_data_uri(agency),
            },
        )
    from django.conf import settings

    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="forum-sheet-{forum.slug}.pdf"'
    return response


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


@require_http_methods(["GET", "POST"])
def paper_entry(request, pk):
    """Staff type in the paper forms (the water-bill survey), one after another, by keyboard:
    a number per question, Tab to the next, Enter to save and start the next form."""
    require_permission(request, P.ENTER_PAPER_RESPONSES)
    survey = get_object_or_404(Survey, pk=pk)
    questions = list(survey.questions.all())
    language = "es" if request.POST.get("language", request.GET.get("language")) == "es" else "en"
    errors, typed, status = {}, {}, 200
    token = uuid.uuid4()
    if request.method == "POST":
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
                )
            except ValidationError as error:
                errors = {"__all__": " ".join(error.messages)}
            else:
                count = survey.responses.filter(channel=Response.Channel.PAPER).count()
                messages.success(
                    request,
                    _("Paper form saved (%(count)d entered so far). Enter the next one.")
                    % {"count": count}
                    if created
                    else _("That form was already saved; it was not stored twice."),
                )
                return redirect(f"{reverse('surveys:paper', args=[pk])}?language={language}")
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
            "breadcrumbs": _crumbs(
                (survey.title, survey.get_absolute_url()), (_("Paper entry"), None)
            ),
        },
        status=status,
    )


# --- Results --------------------------------------------------------------------------


def survey_results(request, pk):
    require_permission(request, P.VIEW_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    channel = request.GET.get("channel", "")
    channel = channel if channel in Response.Channel.values else ""
    language = request.GET.get("language", "")
    language = language if language in ("en", "es") else ""
    data = results.compile_results(survey, channel=channel, language=language)
    trend = results.trend(survey)
    dims = [
        [value, str(results.SHORT[value])]
        for value in ("overall", "competence", "attitude", "trust", "safety")
        if any(row["indexes"].get(value) is not None for row in trend)
    ]
    query = "&".join(f"{k}={v}" for k, v in (("channel", channel), ("language", language)) if v)
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "data": data,
            "comparison": results.comparison(survey),
            "trend": trend,
            "trend_dimensions": dims,
            "comments": paginate(results.comments(survey), request.GET.get("page"), per_page=25)
            if not data["suppressed"]
            else None,
            "channel": channel,
            "language": language,
            "channels": Response.Channel.choices,
            "query": query,
            "breadcrumbs": _crumbs((survey.title, survey.get_absolute_url()), (_("Results"), None)),
        },
    )


def results_csv(request, pk):
    """Every response's answers, one row per response, with nothing that identifies anyone
    (there is nothing to identify: the rows hold none)."""
    require_permission(request, P.VIEW_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    questions = list(survey.questions.all())
    forums = dict(survey.forums.values_list("pk", "name"))
    header = ["response", "channel", "forum", "language", "date"] + [
        f"Q{q.position} {q.text}" for q in questions
    ]

    def rows():
        last = 0
        while True:
            batch = list(
                survey.responses.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", "channel", "forum_id", "language", "submitted_on")[:1000]
            )
            if not batch:
                return
            last = batch[-1][0]
            values: dict[int, dict[int, list]] = {}
            for rid, qid, value, text in (
                Answer.objects.filter(response_id__in=[r[0] for r in batch])
                .order_by("response_id", "question_id", "value")
                .values_list("response_id", "question_id", "value", "text")
            ):
                values.setdefault(rid, {}).setdefault(qid, []).append(
                    text if value is None else value
                )
            for rid, channel, forum_id, language, day in batch:
                answers = values.get(rid, {})
                yield [rid, channel, forums.get(forum_id, ""), language, day.isoformat()] + [
                    _csv_value(q, answers.get(q.pk, [])) for q in questions
                ]

    return csv_download(header, rows(), f"survey-{survey.pk}-responses.csv")


def _csv_value(question: Question, values: list) -> str:
    if not values:
        return ""
    if question.kind in (Question.Kind.RATING, Question.Kind.TEXT):
        return str(values[0])
    options = question.options()
    return "; ".join(options[v - 1] if 0 < v <= len(options) else str(v) for v in values)


@require_POST
def action_add(request, pk):
    require_permission(request, P.DECIDE_SURVEYS)
    form = ActionForm(request.POST)
    if not form.is_valid():
        return survey_detail(request, pk, errors=_form_errors(form), status=400)
    return _step(
        request,
        pk,
        lambda s: services.record_action(survey=s, by=request.user, data=form.cleaned_data),
        _("Action recorded."),
    )


@require_POST
def action_done(request, pk, action_id):
    survey = get_object_or_404(Survey, pk=pk)
    action = get_object_or_404(survey.actions, pk=action_id)
    services.complete_action(action=action, by=request.user)
    messages.success(request, _("Marked done."))
    return redirect(survey)


# --- The public form ------------------------------------------------------------------


def _token(raw) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


def _question_rows(questions, language, typed, errors, *, paper=False):
    rows = []
    for q in questions:
        name = answer_form.field_name(q)
        # Checkboxes on the web form come back as a list; staff type "2 5" on paper entry.
        empty = [] if q.kind == Question.Kind.MULTIPLE and not paper else ""
        value = typed.get(name, empty)
        rows.append(
            {
                "q": q,
                "name": name,
                "text": q.text_in(language),
                "options": list(enumerate(q.options(language), 1)),
                "value": value,
                "chosen": value if isinstance(value, list) else [value],
                "error": errors.get(q.pk, ""),
            }
        )
    return rows


def _public_context(survey, language, *, preview=False, forum=None, typed=None, errors=None):
    questions = list(survey.questions.all())
    errors = errors or {}
    return {
        "survey": survey,
        "title": survey.title_in(language),
        "intro": survey.intro_in(language),
        "rows": _question_rows(questions, language, typed or {}, errors),
        "error_count": len(errors),
        "form_error": errors.get("__all__", ""),
        "code_error": errors.get("code", ""),
        "language": language,
        "preview": preview,
        "forum": forum,
        "token": uuid.uuid4(),
        "agency": Agency.load(),
    }


def _language(request) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang")
    if chosen in ("en", "es"):
        return chosen
    return "es" if (getattr(request, "LANGUAGE_CODE", "") or "")[:2] == "es" else "en"


@login_not_required
@require_http_methods(["GET", "POST"])
def public_form(request, slug, forum_slug=None):
    survey = get_object_or_404(Survey, slug=slug)
    forum = get_object_or_404(ForumLink, survey=survey, slug=forum_slug) if forum_slug else None
    language = _language(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    if not survey.is_open:
        response = render(
            request,
            "surveys/public_closed.html",
            {"survey": survey, "title": survey.title_in(language), "language": language},
            status=410,
        )
    elif request.method == "POST":
        response = _public_post(request, survey, forum, language)
    else:
        response = render(
            request, "surveys/public_form.html", _public_context(survey, language, forum=forum)
        )
    response.set_cookie("django_language", language, max_age=365 * 24 * 3600, samesite="Lax")
    return response


def _public_post(request, survey, forum, language):
    questions = list(survey.questions.all())
    answers, errors, typed = answer_form.parse(questions, request.POST)
    token = _token(request.POST.get("token"))
    status = 400
    if not errors:
        try:
            services.submit_response(
                survey=survey,
                answers=answers,
                channel=Response.Channel.FORUM if forum else Response.Channel.WEB,
                forum=forum,
                language=language,
                token=token,
                code=request.POST.get("code", ""),
                client=client_key(request),
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "rate_limited":
                status = 429
            errors = _error_dict(error)
            errors = {
                key: " ".join(translation.gettext(m) for m in msgs) for key, msgs in errors.items()
            }
        else:
            return redirect(f"{reverse('survey-thanks', args=[survey.slug])}?lang={language}")
    context = _public_context(survey, language, forum=forum, typed=typed, errors=errors)
    context["token"] = token
    context["code"] = request.POST.get("code", "")
    return render(request, "surveys/public_form.html", context, status=status)


@login_not_required
def public_thanks(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    language = _language(request)
    translation.activate(language)
    return render(
        request,
        "surveys/public_thanks.html",
        {"survey": survey, "title": survey.title_in(language), "language": language},
    )
