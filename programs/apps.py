from django.apps import AppConfig

from core.decisions import register as register_decision
from imports.specs import register as register_import


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"

    def ready(self):
        from programs import imports

        register_import(imports.spec())

        # What waits for the Chief's decision, in the inbox.
        from programs import inbox

        for kind in inbox.KINDS:
            register_decision(kind)
