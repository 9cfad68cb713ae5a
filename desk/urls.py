"""The pages that gather several apps, at the top of the site (names without a namespace,
as the home page's "home")."""

from django.urls import path

from desk import briefing, dashboard_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("healthz/web", views.healthz_web, name="healthz-web"),
    path("dashboard.pdf", dashboard_views.dashboard_pdf, name="dashboard-pdf"),
    path("inbox/", dashboard_views.inbox, name="inbox"),
    path(
        "inbox/<slug:kind>/<int:pk>/<slug:decision>/",
        dashboard_views.inbox_decide,
        name="inbox-decide",
    ),
    path("briefing/", briefing.briefing_page, name="briefing"),
    path("briefing.pdf", briefing.briefing_pdf, name="briefing-pdf"),
]
