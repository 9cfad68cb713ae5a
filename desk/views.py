"""The home page of each role and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.permissions import Permission, has_permission
from core.roles import Role
from desk import health
from desk import home as home_blocks
from desk.dashboard_views import dashboard_context
from outreach.input_due import holds_duty
from programs.services import evaluation_dates


def home(request):
    """Each role's start page: what waits for this person, then where to go next."""
    user = request.user
    roles = [role for role in Role if user.has_role(role)]
    blocks = home_blocks.waiting_for(user, roles)
    dashboard = {}
    if has_permission(user, Permission.VIEW_DASHBOARD):
        # The home lists the queue and the decisions waiting itself (desk/home.py).
        dashboard = dashboard_context(request, waiting=False)
    evaluations_overdue = None
    if has_permission(user, Permission.EVALUATE_PROGRAMS):
        # The dashboard read the evaluation schedule already when it is shown (the CRO's).
        evaluations_overdue = (
            dashboard["programs"]["overdue_count"]
            if dashboard
            else sum(1 for r in evaluation_dates() if r["overdue"])
        )
    return render(
        request,
        "desk/home.html",
        {
            "dashboard": dashboard,
            "roles": roles,
            "Role": Role,
            "subtitle": home_blocks.subtitle(roles),
            "blocks": blocks,
            "nothing_waits": roles and not any(block.count for block in blocks),
            "evaluations_overdue": evaluations_overdue,
            # Asked once a request: the menu's "Quarterly input" asks the same.
            "reports_input": holds_duty(user),
            "can_edit_agency": has_permission(user, Permission.EDIT_AGENCY),
            "can_manage_departments": has_permission(user, Permission.MANAGE_DEPARTMENTS),
            "can_log": has_permission(user, Permission.LOG_CONCERN),
            "can_log_activity": has_permission(user, Permission.LOG_ACTIVITY),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitoring: 200 when every part works, 503 naming those
    that do not (desk/health.py: the database, each queue's worker and oldest waiting
    task, storage, the audit trail's last check). Probing also starts what is due: the
    workers' heartbeats, the trail's sealing and its daily check."""
    try:
        health.database()
        answer = health.report()
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "error", "failing": ["database"]}, status=503
        )
    return JsonResponse(answer, status=503 if answer["failing"] else 200)


@login_not_required
@never_cache
@require_GET
def healthz_web(request):
    """For load balancers: 200 when this server can serve pages (its database answers),
    whatever the workers do. A stopped worker must not take every web server out of
    rotation; monitoring asks /healthz for that."""
    try:
        health.database()
    except DatabaseError:
        return JsonResponse(
            {"status": "error", "database": "error", "failing": ["database"]}, status=503
        )
    return JsonResponse({"status": "ok", "database": "ok", "failing": []})
