"""The lookups behind long pick-lists (core.widgets.LookupSelect): what matches the
typed text, at most RESULTS of it, as JSON. The form field behind the list still checks
the chosen id against its own queryset, so a lookup only ever suggests."""

from django.db.models import Q
from django.http import JsonResponse

from accounts.models import User
from core.permissions import Permission
from core.roles import Role
from core.web import require_permission

RESULTS = 30


def typed(request) -> str:
    return request.GET.get("q", "").strip()[:100]


def results(pairs) -> JsonResponse:
    """(id, label) pairs, one more than RESULTS asked for so that "more" can be told."""
    pairs = list(pairs)
    return JsonResponse(
        {
            "results": [{"value": str(pk), "label": label} for pk, label in pairs[:RESULTS]],
            "more": len(pairs) > RESULTS,
        }
    )


def department_members():
    """Everyone who holds a role and may sign in: whom work can be given to."""
    return (
        User.objects.filter(is_active=True, groups__name__in=[r.value for r in Role])
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def member_label(user) -> str:
    return f"{user.display_name} ({user.dsn})"


def member_lookup(request):
    """Members by name or DSN: every typed word must be in a first name or surname, or
    begin the DSN, or be the username."""
    require_permission(request, Permission.LOG_CONCERN)
    members = department_members()
    for word in typed(request).split()[:4]:
        members = members.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(dsn__istartswith=word)
            | Q(username__iexact=word)
        )
    return results((u.pk, member_label(u)) for u in members[: RESULTS + 1])
