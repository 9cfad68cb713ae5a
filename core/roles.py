"""The department roles. Each is a Django group created by a data migration (DESIGN §1)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "Officer", _("Officer")
    SUPERVISOR = "Supervisor", _("Supervisor")
    CRO = "Community Relations Officer", _("Community Relations Officer")
    CHIEF = "Chief", _("Chief")
    TRAINING_OFFICER = "Training Officer", _("Training Officer")
