from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "concerns"

    def ready(self):
        from accounts.permissions import RECORD_RULES, Permission
        from concerns import rules

        RECORD_RULES[Permission.VIEW_CONCERN] = rules.can_view
        RECORD_RULES[Permission.NOTE_CONCERN] = rules.can_view
        RECORD_RULES[Permission.ESCALATE_CONCERN] = rules.holds_concern
        RECORD_RULES[Permission.RESOLVE_AS_OFFICER] = rules.holds_concern
        RECORD_RULES[Permission.ACKNOWLEDGE_ROUTING] = rules.commands_unit
