"""The pages that check a password: the sign-in page, the admin site's sign-in (the same
view, so the same limits), and the password change. Each asks accounts.lockout before
looking at a password, and a refused try is answered without checking it."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy

from accounts import lockout, sso
from accounts.forms import LoginForm, StyledPasswordChangeForm
from accounts.mfa import code_refused, has_authenticator, mfa_required
from audit import trail as audit
from audit.models import AuditEvent


class LoginView(auth_views.LoginView):
    """Django's sign-in behind the limits of accounts.lockout. A wrong password is counted
    through authenticate()'s signal (accounts.lockout.LockoutHandler); a locked username
    is refused by django-axes inside authenticate() and shown the lock page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        username = request.POST.get("username", "")
        refused = lockout.refusal(request, username)
        if refused is None:
            return super().post(request, *args, **kwargs)
        # An unbound form: a bound one would check the password to list its errors.
        form = self.get_form_class()(request, initial={"username": username[:150]})
        context = self.get_context_data(form=form, refusal=refused.message)
        return refused.apply(self.render_to_response(context, status=refused.status))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if sso.enabled():
            context["sso_name"] = settings.CRD_OIDC_NAME
            context["sso_admins_only"] = settings.CRD_OIDC_LOCAL_SIGNIN != "everyone"
            # Most people take the button: the cursor does not wait in the username.
            context["form"].fields["username"].widget.attrs.pop("autofocus", None)
        return context

    def form_valid(self, form):
        if mfa_required(form.get_user()):
            # The password alone: "signed in" is written after the code (accounts.mfa).
            setattr(self.request, audit.SECOND_FACTOR_DUE, True)
        return super().form_valid(form)


class AdminLoginView(LoginView):
    """/admin/login/: the app's sign-in page and limits, back to the admin afterwards.
    Someone signed in without admin rights sees the form, to sign in as someone else."""

    redirect_authenticated_user = False

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_staff:
            return redirect(self.get_success_url())
        return super().get(request, *args, **kwargs)

    def get_default_redirect_url(self):
        return reverse("admin:index")


class PasswordChangeView(auth_views.PasswordChangeView):
    """The current password and, when the account has a second factor, a current code.
    A wrong one is recorded and counted like a failed sign-in."""

    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("accounts:password-changed")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "needs_code": has_authenticator(self.request.user)}

    def post(self, request, *args, **kwargs):
        username = request.user.get_username()
        if lockout.is_locked(username):
            return lockout.lockout_response(request)
        refused = lockout.refusal(request, username)
        if refused is None:
            return super().post(request, *args, **kwargs)
        kwargs = {"needs_code": has_authenticator(request.user)}
        form = self.get_form_class()(request.user, **kwargs)
        context = self.get_context_data(form=form, refusal=refused.message)
        return refused.apply(self.render_to_response(context, status=refused.status))

    def form_invalid(self, form):
        user = self.request.user
        if form.refused == "code":
            code_refused(self.request, user, "Password change")
        elif form.refused == "password":
            audit.record(
                AuditEvent.Action.LOGIN_FAILED,
                request=self.request,
                user=user,
                detail="Password change: the current password was not right",
            )
            lockout.failed(self.request, user.get_username())
        return super().form_invalid(form)
