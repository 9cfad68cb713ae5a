"""The department roles. Each is a Django group created by a data migration (DESIGN §1)."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "Officer", "Officer"
    SUPERVISOR = "Supervisor", "Supervisor"
    CRO = "Community Relations Officer", "Community Relations Officer"
    CHIEF = "Chief", "Chief"
    TRAINING_OFFICER = "Training Officer", "Training Officer"
