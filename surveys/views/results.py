"""Staff pages for a survey's results: the compiled results with last year's trend, every
response as CSV, and the actions the Chief decides from them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.paging import paginate
from core.permissions import Permission
from core.web import csv_download, require_permission
from surveys import results, services
from surveys.forms import ActionForm
from surveys.models import Answer, Question, Survey
from surveys.views._common import _crumbs, _form_errors
from surveys.views.builder import _step, survey_detail

P = Permission


def survey_results(request, pk):
    require_permission(request, P.VIEW_SURVEYS)
    survey = get_object_or_404(Survey, pk=pk)
    channel = request.GET.get("channel", "")
    channel = channel if channel in results.SOURCE_KEYS else ""
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
            "channels": results.source_options(survey),
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
    # Where each form came from (004 §2) and, on an agencies' survey, which agency
    # answered (001 IV.D.3): after the answers, so the question columns keep their place.
    header = (
        ["response", "channel", "forum", "language", "date"]
        + [f"Q{q.position} {q.text}" for q in questions]
        + ["paper batch", "paper source", "agency", "kind of agency"]
    )

    def rows():
        last = 0
        while True:
            batch = list(
                survey.responses.filter(pk__gt=last)
                .order_by("pk")
                .values_list(
                    "pk",
                    "channel",
                    "forum_id",
                    "language",
                    "submitted_on",
                    "batch__label",
                    "batch__source",
                    "agency_name",
                    "agency_type",
                )[:1000]
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
            for rid, channel, forum_id, language, day, *source in batch:
                answers = values.get(rid, {})
                yield (
                    [rid, channel, forums.get(forum_id, ""), language, day.isoformat()]
                    + [_csv_value(q, answers.get(q.pk, [])) for q in questions]
                    + [value or "" for value in source]
                )

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
