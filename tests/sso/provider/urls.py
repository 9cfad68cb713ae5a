import json
import os

from django.contrib.auth import views as auth_views
from django.contrib.auth.models import Group, User
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.models import Application

from tests.sso.provider.models import Person


def _allowed(request) -> bool:
    return request.headers.get("X-Setup-Token") == os.environ["DIRECTORY_SETUP_TOKEN"]


@csrf_exempt
def person(request, username):
    """The tests' hand on the directory: PUT adds or changes a person, DELETE removes one
    (as IT does when someone leaves)."""
    if not _allowed(request):
        return HttpResponseForbidden()
    if request.method == "DELETE":
        User.objects.filter(username=username).delete()
        return HttpResponse(status=204)
    data = json.loads(request.body)
    user, _ = User.objects.get_or_create(username=username)
    user.email = data.get("email", "")
    user.first_name = data.get("given_name", "")
    user.last_name = data.get("family_name", "")
    user.set_password(data["password"])
    user.save()
    user.groups.set(Group.objects.get_or_create(name=name)[0] for name in data.get("groups", []))
    Person.objects.update_or_create(
        user=user,
        defaults={
            "employee_id": data.get("employee_id", ""),
            "second_factor": data.get("second_factor", False),
            "title": data.get("title", ""),
        },
    )
    return JsonResponse({"username": username})


@csrf_exempt
def redirect_uris(request):
    """Where the directory may send people back to (a test server's own port)."""
    if not _allowed(request):
        return HttpResponseForbidden()
    application = Application.objects.get(client_id=os.environ["DIRECTORY_CLIENT_ID"])
    application.redirect_uris = " ".join(json.loads(request.body)["uris"])
    application.save(update_fields=["redirect_uris"])
    return JsonResponse({"uris": application.redirect_uris})


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path("login/", auth_views.LoginView.as_view()),
    path("setup/person/<str:username>/", person),
    path("setup/redirect-uris/", redirect_uris),
]
