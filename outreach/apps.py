from django.apps import AppConfig


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"

    def ready(self):
        from accounts.permissions import RECORD_RULES, Permission
        from outreach import rules

        RECORD_RULES[Permission.EDIT_ACTIVITY] = rules.may_edit_activity
        RECORD_RULES[Permission.SUBMIT_COMMUNITY_INPUT] = rules.holds_assignment
