from django.apps import AppConfig

from core.decisions import register as register_decision
from core.tallies import register as register_tally


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"

    def ready(self):
        # What waits for the Chief's decision, in the inbox.
        from surveys import inbox

        for kind in inbox.KINDS:
            register_decision(kind)

        # The counts the database keeps of the answers (surveys/tallies.py).
        from surveys import tallies

        for tally in tallies.TALLIES:
            register_tally(tally)
