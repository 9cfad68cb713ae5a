from django.apps import AppConfig
from django.utils.translation import gettext

from audit import naming
from core.decisions import register as register_decision
from core.permissions import RECORD_RULES, Permission
from core.tallies import Tally
from core.tallies import register as register_tally
from imports.specs import register as register_import
from notifications.registry import register as register_reminder


class OutreachConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outreach"

    def ready(self):
        from outreach import rules

        naming.register(
            "outreach.OutreachActivity",
            lambda a: (
                gettext("Activity “%(title)s” of %(date)s")
                % {"title": a.title, "date": a.date.isoformat()}
            ),
            fields=["title", "date"],
        )
        naming.register(
            "outreach.CommunityOrganization",
            lambda o: gettext("Organization %(name)s") % {"name": o.name},
            fields=["name"],
        )

        RECORD_RULES[Permission.EDIT_ACTIVITY] = rules.may_edit_activity
        RECORD_RULES[Permission.SUBMIT_COMMUNITY_INPUT] = rules.holds_assignment

        from outreach import reminders, reminders_input

        register_reminder("events not ready", reminders.events_not_ready)
        register_reminder("quarterly community input", reminders_input.input_due_or_overdue)

        # Spreadsheets of organizations and activities (the concerns' spec reads the
        # organizations' names, so outreach registers first, as INSTALLED_APPS orders it).
        from outreach import imports

        register_import(imports.organization_spec())
        register_import(imports.activity_spec())

        # What waits for the Chief's decision, in the inbox.
        from outreach import inbox

        for kind in inbox.KINDS:
            register_decision(kind)

        # Activities by day, kept by the database for the dashboard (core/tallies.py).
        from outreach.models import ActivityDayTally, OutreachActivity

        register_tally(
            Tally(
                table=ActivityDayTally._meta.db_table,
                source=OutreachActivity._meta.db_table,
                keys={"day": "r.date"},
            )
        )
