from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from accounts.signin import AdminLoginView, PasswordChangeView
from concerns import views as concern_views
from concerns.views.status import status_page
from notifications import views as notification_views
from reports import public_views as transparency_views
from surveys import views as survey_views

urlpatterns = [
    path("", include("desk.urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("notifications/", include("notifications.urls")),
    path("import/", include("imports.urls")),
    path("calendar/", include("desk.calendar_urls")),
    path("open311/v2/", include("concerns.open311_urls")),
    path("stop/<str:token>/", notification_views.resident_stop, name="resident-stop"),
    path("concerns/", include("concerns.urls")),
    path("outreach/", include("outreach.urls")),
    path("programs/", include("programs.urls")),
    path("reports/", include("reports.urls")),
    path("surveys/", include("surveys.urls")),
    # The public transparency report: an index of the years, each year's page and its PDF
    # in English or Spanish (/transparency/2025/es.pdf); reports/public_views.py.
    path("transparency/", transparency_views.transparency, name="transparency"),
    path(
        "transparency/<int:year>/",
        transparency_views.transparency_year,
        name="transparency-year",
    ),
    path(
        "transparency/<int:year>/<slug:language>.pdf",
        transparency_views.transparency_year_pdf,
        name="transparency-year-pdf",
    ),
    path("transparency/<int:pk>.pdf", transparency_views.transparency_pdf, name="transparency-pdf"),
    path("feedback/", concern_views.feedback, name="feedback"),
    path("feedback/received/", concern_views.feedback_received, name="feedback-received"),
    path("status/", status_page, name="status"),  # a resident's concern: concerns/status.py
    path("s/<slug:slug>/", survey_views.public_form, name="survey-public"),
    path("s/<slug:slug>/f/<slug:forum_slug>/", survey_views.public_form, name="survey-forum"),
    path("s/<slug:slug>/thanks/", survey_views.public_thanks, name="survey-thanks"),
    # The admin site's sign-in and password change are the app's own, with the same limits
    # and the same second factor (accounts/signin.py).
    path("admin/login/", login_not_required(AdminLoginView.as_view())),
    path(
        "admin/password_change/",
        login_not_required(admin.site.admin_view(PasswordChangeView.as_view())),
    ),
    path("admin/", admin.site.urls),
]

# Stored files (report PDFs, designs, the logo) are never served from MEDIA_URL, not even
# in development: each goes through a view that checks who is asking.

# A database that cannot be reached answers "nothing was saved, please try again" (503).
handler500 = "config.errors.server_error"

if settings.CRD_BENCH:
    from config.errors import hello

    urlpatterns.append(path("bench/hello/", login_not_required(hello)))
