from django.apps import AppConfig

from notifications.registry import register as register_reminder


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from reports import reminders

        register_reminder("reports and evaluations due", reminders.due_dates)
