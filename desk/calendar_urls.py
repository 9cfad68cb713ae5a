from django.urls import path, re_path

from desk import calendar as views

app_name = "calendar"

urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("new/", views.create, name="create"),
    path("<int:pk>/revoke/", views.revoke, name="revoke"),
    # token_urlsafe() letters only, so that nothing else ever reaches the lookup.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{16,128})\.ics$", views.feed, name="feed"),
]
