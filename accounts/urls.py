from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from accounts import area_views, lookups, mfa, signin, sso_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", login_not_required(signin.LoginView.as_view()), name="login"),
    path("sso/start/", sso_views.start, name="sso-start"),
    path("sso/callback/", sso_views.callback, name="sso-callback"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", signin.PasswordChangeView.as_view(), name="password-change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_changed.html"),
        name="password-changed",
    ),
    path("agency/", views.agency_edit, name="agency"),
    path("agency/logo/", views.agency_logo, name="agency-logo"),
    path("agency/closures/", views.closures, name="closures"),
    path("locked/", views.locked_accounts, name="locked"),
    path("areas/", area_views.area_list, name="areas"),
    path("areas/new/", area_views.area_edit, name="area-new"),
    path("areas/<int:pk>/", area_views.area_edit, name="area-edit"),
    path("areas/<int:pk>/active/", area_views.area_active, name="area-active"),
    path("areas/import/", area_views.area_import, name="area-import"),
    path("areas/match/", area_views.area_match, name="area-match"),
    path("members/lookup/", lookups.member_lookup, name="member-lookup"),
    path("two-factor/", mfa.mfa_verify, name="mfa-verify"),
    path("two-factor/setup/", mfa.mfa_setup, name="mfa-setup"),
    path("two-factor/manage/", mfa.mfa_manage, name="mfa-manage"),
]
