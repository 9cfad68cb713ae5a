from django.apps import AppConfig

from core.decisions import register as register_decision
from notifications.registry import register as register_reminder


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"

    def ready(self):
        from reports import reminders

        register_reminder("reports and evaluations due", reminders.due_dates)

        # What waits for the Chief's decision, in the inbox.
        from reports import inbox

        for kind in inbox.KINDS:
            register_decision(kind)
