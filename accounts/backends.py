from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from accounts import sso
from accounts.models import User


class DepartmentBackend(ModelBackend):
    """Django's model backend, except that demo accounts sign in only while DEBUG is on.

    seed_demo refuses to run without DEBUG, and this closes the other door: a database
    seeded on a laptop and later served in production never accepts the demo passwords.
    With single sign-on on, only the emergency administrators sign in with a password
    (accounts/sso.py).
    """

    def get_user(self, user_id):
        """As Django's, with the person's roles read in the same query (User.signed_in)."""
        user = User.signed_in(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user):
        if getattr(user, "is_demo", False) and not settings.DEBUG:
            return False
        if not sso.local_signin_allowed(user):
            return False
        return super().user_can_authenticate(user)
