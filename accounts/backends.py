from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts import sso


class DepartmentBackend(ModelBackend):
    """Django's model backend, except that demo accounts sign in only while DEBUG is on.

    seed_demo refuses to run without DEBUG, and this closes the other door: a database
    seeded on a laptop and later served in production never accepts the demo passwords.
    With single sign-on on, only the emergency administrators sign in with a password
    (accounts/sso.py).
    """

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        if not sso.local_signin_allowed(user):
            return False
        return super().user_can_authenticate(user)
