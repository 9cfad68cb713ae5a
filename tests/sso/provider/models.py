from django.conf import settings
from django.db import models


class Person(models.Model):
    """What the directory knows of a person beyond Django's user: the serial number and
    whether the sign-in asks for a second factor. Created by `migrate --run-syncdb`."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    employee_id = models.CharField(max_length=20, blank=True)
    second_factor = models.BooleanField(default=False)
    title = models.CharField(max_length=60, blank=True)

    def __str__(self):
        return self.user.username
