from django.apps import AppConfig

from notifications.registry import register as register_reminder


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = "Imports"

    def ready(self):
        from imports import cleanup

        register_reminder("old uploads removed", cleanup.clean_uploads)
