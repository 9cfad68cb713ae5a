"""The home page of each role and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit import tasks as audit_tasks
from concerns.models import Concern
from core.permissions import Permission, has_permission
from core.roles import Role
from desk.dashboard_views import dashboard_context
from outreach.models import Material, TrainingNeed
from programs.models import ProgramEvaluation
from programs.services import evaluation_schedule
from surveys.models import Survey

NEEDS_ACTION_CAP = 1000


def home(request):
    """Each role's start page: what to do next."""
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
        surveys_waiting = Survey.objects.filter(status=Survey.Status.SUBMITTED).count()
    dashboard = {}
    if has_permission(user, Permission.VIEW_DASHBOARD):
        dashboard = dashboard_context(request)
    return render(
        request,
        "desk/home.html",
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
    """For load balancers and monitoring: 200 when the database answers, 503 when not.
    Also says whether the audit trail's last daily check found it intact, and starts the
    trail's sealing and that check when they are due (audit.tasks)."""
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        audit_tasks.schedule()
        audit = audit_tasks.status()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "audit": audit})
