"""What single sign-on keeps (accounts/sso.py): the administrator's mapping of the
directory's groups to roles and units, each directory person's link to their account, and
the second factor a directory sign-in brings with it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from core.roles import Role


class DirectoryGroup(models.Model):
    """A group in the department's directory, and what being in it gives here. A person
    signing in through the directory gets exactly the roles their groups give, and the
    unit of the first of them (by name) that names one."""

    name = models.CharField(
        _("group in the directory"),
        max_length=255,
        unique=True,
        help_text=_(
            "Exactly as the directory sends it in the groups claim: the group's name, or for "
            "Microsoft Entra ID its object ID."
        ),
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    unit = models.CharField(
        _("unit"), max_length=80, blank=True, help_text=_("Division, section or unit.")
    )

    class Meta:
        verbose_name = _("directory group")
        verbose_name_plural = _("directory groups")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if not self.role and not self.unit:
            raise ValidationError(_("Give the group a role, a unit, or both."))


class DirectoryLink(models.Model):
    """The directory's person behind an account: its subject (`sub`), which never changes
    even when the name or email does."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="directory_link",
        verbose_name=_("user"),
    )
    subject = models.CharField(_("subject in the directory"), max_length=255, unique=True)
    linked_at = models.DateTimeField(_("first signed in"), auto_now_add=True)
    signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)
    deactivated_at = models.DateTimeField(
        _("deactivated by the directory"),
        null=True,
        blank=True,
        help_text=_(
            "When a sign-in showed the person no longer in a group that gives a role. Back "
            "in one, they are let in again; an account an administrator deactivated is not."
        ),
    )

    # The directory's refresh token, sealed (accounts/sso_refresh.py): asked of the directory
    # every hour, it tells whether the person's account there still stands. The column is
    # named "token" so that the audit trail records only that it changed.
    refresh_token = models.TextField(db_column="token", blank=True, editable=False)
    checked_at = models.DateTimeField(_("last checked with the directory"), null=True, blank=True)

    class Meta:
        verbose_name = _("directory sign-in")
        verbose_name_plural = _("directory sign-ins")

    def __str__(self):
        return str(self.user)


class DirectoryFactor(Device):
    """The second factor the directory asked for at sign-in (its `amr` or `acr` claim said
    so). It proves the session for django-otp as an authenticator code would, and can
    never check a code itself."""

    class Meta:
        verbose_name = _("second factor given to the directory")

    def verify_token(self, token):
        return False
