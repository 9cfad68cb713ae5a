import datetime as dt

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import audit
from accounts.forms import AgencyForm
from accounts.models import Agency, AuditEvent, User
from accounts.permissions import Permission, has_permission
from accounts.roles import Role
from accounts.services import update_agency
from accounts.web import client_key

NEEDS_ACTION_CAP = 1000


def home(request):
    """Each role's start page: what to do next."""
    from concerns.models import Concern
    from outreach.models import Material, TrainingNeed
    from programs.models import ProgramEvaluation
    from programs.services import evaluation_schedule

    user = request.user
    sections = [role for role in Role if user.has_role(role)]
    needs_action = None
    if has_permission(user, Permission.VIEW_CONCERN):
        # Counted up to a cap, newest first, like the concern list: an exact count of a
        # large queue reads the whole table (PERFORMANCE.md, the Chief's dashboard).
        waiting = Concern.objects.visible_to(user).needs_action_by(user)
        needs_action = waiting.order_by("-date_received", "-id")[: NEEDS_ACTION_CAP + 1].count()
    materials_waiting = training_waiting = None
    training_open = []
    if has_permission(user, Permission.DECIDE_MATERIALS):
        materials_waiting = Material.objects.filter(status=Material.Status.SUBMITTED).count()
    if has_permission(user, Permission.SCHEDULE_TRAINING):
        training_waiting = TrainingNeed.objects.filter(status=TrainingNeed.Status.FORWARDED).count()
        training_open = list(
            TrainingNeed.objects.filter(
                status__in=[TrainingNeed.Status.FORWARDED, TrainingNeed.Status.SCHEDULED]
            ).order_by("status", "scheduled_for", "created_at")[:8]
        )
    evaluations_overdue = evaluations_waiting = None
    if has_permission(user, Permission.EVALUATE_PROGRAMS):
        evaluations_overdue = sum(1 for r in evaluation_schedule() if r["overdue"])
    if has_permission(user, Permission.DECIDE_PROGRAMS):
        evaluations_waiting = ProgramEvaluation.objects.filter(
            status=ProgramEvaluation.Status.SUBMITTED
        ).count()
    surveys_waiting = None
    if has_permission(user, Permission.DECIDE_SURVEYS):
        from surveys.models import Survey

        surveys_waiting = Survey.objects.filter(status=Survey.Status.SUBMITTED).count()
    dashboard = {}
    if has_permission(user, Permission.VIEW_DASHBOARD):
        from reports.dashboard_views import dashboard_context

        dashboard = dashboard_context(request)
    return render(
        request,
        "accounts/home.html",
        {
            "dashboard": dashboard,
            "roles": sections,
            "Role": Role,
            "needs_action": needs_action,
            "needs_action_capped": needs_action is not None and needs_action > NEEDS_ACTION_CAP,
            "materials_waiting": materials_waiting,
            "training_waiting": training_waiting,
            "training_open": training_open,
            "evaluations_overdue": evaluations_overdue,
            "evaluations_waiting": evaluations_waiting,
            "surveys_waiting": surveys_waiting,
            "reports_input": user.reporting_assignments.filter(is_active=True).exists(),
            "can_edit_agency": has_permission(user, Permission.EDIT_AGENCY),
            "can_manage_departments": has_permission(user, Permission.MANAGE_DEPARTMENTS),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when not."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def agency_edit(request):
    if not has_permission(request.user, Permission.EDIT_AGENCY):
        raise PermissionDenied
    agency = Agency.load()
    form = AgencyForm(request.POST or None, request.FILES or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        update_agency(by=request.user, form=form)
        messages.success(request, _("The agency profile was saved."))
        return redirect("accounts:agency")
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})


def locked_accounts(request):
    """Accounts locked after too many failed sign-ins, and the button that unlocks each
    (the CRO, the Chief, administrators)."""
    from axes.utils import reset

    from accounts.lockout import locked_usernames
    from accounts.web import crumbs

    if not has_permission(request.user, Permission.UNLOCK_ACCOUNTS):
        raise PermissionDenied
    if request.method == "POST":
        username = request.POST.get("username", "")
        if username and reset(username=username):
            audit.record(
                AuditEvent.Action.UNLOCK,
                request=request,
                detail=f"Unlocked {username}"[:500],
            )
            messages.success(
                request,
                _("“%(username)s” is unlocked and can sign in again.") % {"username": username},
            )
        else:
            messages.info(request, _("“%(username)s” was not locked.") % {"username": username})
        return redirect("accounts:locked")
    locked = list(locked_usernames()[:500])
    known = dict(
        User.objects.filter(username__in=[row["username"] for row in locked]).values_list(
            "username", "last_name"
        )
    )
    for row in locked:
        row["is_member"] = row["username"] in known
    return render(
        request,
        "accounts/locked.html",
        {"locked": locked, "breadcrumbs": crumbs((_("Locked accounts"), None))},
    )


LOGIN_CLIENT_LIMIT = 30  # failed sign-ins from one client in 15 minutes, whatever usernames
LOGIN_CLIENT_WINDOW = 15
LOGIN_THROTTLED = gettext_lazy(
    "Too many failed sign-ins from this connection. Wait 15 minutes, or ask the Community "
    "Relations Officer or an administrator for help."
)


class LoginView(auth_views.LoginView):
    """Django's sign-in, with a limit per client on top of the lock per username: one
    address trying many usernames is slowed down too (the lock alone would never see it).
    Counted in the same hashed-address table as the public form's limit."""

    def post(self, request, *args, **kwargs):
        from concerns.models import PublicSubmission

        key = "login:" + client_key(request)[:58]
        since = timezone.now() - dt.timedelta(minutes=LOGIN_CLIENT_WINDOW)
        if PublicSubmission.objects.filter(client=key, created_at__gte=since).count() >= (
            LOGIN_CLIENT_LIMIT
        ):
            form = self.get_form()
            form.add_error(None, LOGIN_THROTTLED)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: a failed sign-in
            PublicSubmission.objects.filter(client=key, created_at__lt=since).delete()
            PublicSubmission.objects.create(client=key)
        return response


def agency_logo(request):
    """The letterhead logo, for the agency page (stored files are never served by URL)."""
    from django.http import FileResponse, Http404

    if not has_permission(request.user, Permission.EDIT_AGENCY):
        raise PermissionDenied
    agency = Agency.load()
    if not agency.logo:
        raise Http404
    content_type = "image/png" if agency.logo.name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(agency.logo.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=300"
    return response
