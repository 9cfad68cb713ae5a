from accounts.models import Agency
from accounts.navigation import items_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "agency": Agency.objects.filter(pk=1).only("name").first(),
        "nav_items": items_for(user, request.path) if user and user.is_authenticated else [],
    }
