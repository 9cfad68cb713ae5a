"""The Chief's dashboard (the home page of the Chief and the CRO), its one-page PDF, and the
approvals inbox."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Agency
from concerns.models import Concern
from core.decisions import Decision
from core.pdf import pdf_response, render_pdf
from core.permissions import Permission, has_permission
from core.replica import replica_for, replica_reads
from core.web import crumbs, require_permission
from desk import inbox as inbox_items
from desk.dashboard import build_dashboard, period_from
from desk.dashboard_charts import page_charts, pdf_charts
from reports.views import posted_revision

PERIODS = [("month", _("This month")), ("quarter", _("This quarter")), ("year", _("This year"))]


def dashboard_context(request, *, draw=page_charts, waiting: bool = True) -> dict:
    """The dashboard's figures for the period picked in the query string, and its charts
    as `draw` sizes them (the page's, or the PDF's). With `waiting` False the CRO's queue
    and the inbox count are left out (a page that lists them itself)."""
    today = timezone.localdate()
    period, error = period_from(request.GET, today)
    # Read-only aggregates: from the read replica when one is configured (DEPLOYMENT.md).
    with replica_for(request):
        data = build_dashboard(period, today)
    query = f"period={period.key}"
    if period.key == "custom":
        query += f"&from={period.start.isoformat()}&to={period.end.isoformat()}"
    queue = None
    if waiting and has_permission(request.user, Permission.MANAGE_REPORTS):
        # The CRO's own work queue: the concerns waiting for the CRO's next step, oldest first.

        queue = list(
            Concern.objects.visible_to(request.user)
            .needs_action_by(request.user)
            .order_by("date_received", "id")
            .values("reference", "date_received", "summary", "category", "area", "status")[:8]
        )
        labels = {value: str(label) for value, label in Concern.Category.choices}
        for row in queue:
            row["category_label"] = labels[row["category"]]
    data.update(
        queue=queue,
        periods=PERIODS,
        # The custom dates show only when a custom period is asked for (or, with script,
        # chosen in the picker): never empty boxes beside "This month".
        custom_asked=period.key == "custom" or request.GET.get("period") == "custom",
        period_error=error,
        period_query=query,
        inbox_count=len(inbox_items.waiting_items())
        if waiting and has_permission(request.user, Permission.VIEW_INBOX)
        else None,
    )
    data["charts"] = draw(data)
    return data


@replica_reads
def dashboard_pdf(request):
    """The dashboard on one printable page (rendered in the request: one page is quick)."""
    require_permission(request, Permission.VIEW_DASHBOARD)
    context = dashboard_context(request, draw=pdf_charts, waiting=False)
    context.update(
        Agency.load().letterhead(),
        generated_at=timezone.localtime(),
        generated_by=request.user,
    )
    pdf = render_pdf("desk/pdf/dashboard.html", context)
    period = context["period"]
    return pdf_response(pdf, f"dashboard-{period.start:%Y%m%d}-{period.end:%Y%m%d}.pdf")


def inbox(request, *, errors=None, typed=None, status=200):
    require_permission(request, Permission.VIEW_INBOX)
    now = timezone.now()
    items = inbox_items.waiting_items()
    return render(
        request,
        "desk/inbox.html",
        {
            "items": [(item, item.waited_days(now)) for item in items],
            "errors": errors or {},
            "typed": typed or {},
            "breadcrumbs": crumbs((gettext("Inbox"), None)),
        },
        status=status,
    )


@require_POST
def inbox_decide(request, kind, pk, decision):
    require_permission(request, Permission.VIEW_INBOX)
    comment = request.POST.get("comment", "")
    try:
        record = inbox_items.decide(
            kind, pk, decision, by=request.user, comment=comment, revision=posted_revision(request)
        )
    except ValidationError as error:
        key = f"{kind}-{pk}"
        return inbox(
            request, errors={key: " ".join(error.messages)}, typed={key: comment}, status=400
        )
    done = {
        Decision.APPROVE: gettext("Approved"),
        Decision.RETURN: gettext("Returned"),
        Decision.DECLINE: gettext("Declined"),
    }[decision]
    messages.success(request, gettext("%(done)s: %(record)s.") % {"done": done, "record": record})
    return redirect(reverse("inbox"))
