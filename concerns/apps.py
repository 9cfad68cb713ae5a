from django.apps import AppConfig
from django.utils.translation import gettext

from audit import naming
from core.permissions import RECORD_RULES, Permission
from core.tallies import register as register_tally
from imports.specs import register as register_import
from notifications.registry import register as register_reminder


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"

    def ready(self):
        from concerns import rules

        # How the audit trail names a concern: by its reference, as everyone does.
        naming.register(
            "concerns.Concern",
            lambda c: gettext("Concern %(reference)s") % {"reference": c.reference},
            fields=["reference"],
        )

        RECORD_RULES[Permission.VIEW_CONCERN] = rules.can_view
        RECORD_RULES[Permission.NOTE_CONCERN] = rules.can_view
        RECORD_RULES[Permission.ESCALATE_CONCERN] = rules.holds_concern
        RECORD_RULES[Permission.RESOLVE_AS_OFFICER] = rules.holds_concern
        RECORD_RULES[Permission.ACKNOWLEDGE_ROUTING] = rules.commands_unit

        # The hourly sweep's reminders about concerns.
        from concerns import reminders

        register_reminder("routings not acknowledged", reminders.routings_unacknowledged)
        register_reminder("referrals overdue", reminders.referrals_overdue)

        from concerns import imports

        register_import(imports.spec())

        from concerns import counts

        for tally in counts.TALLIES:
            register_tally(tally)
