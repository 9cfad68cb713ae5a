from django.apps import AppConfig

from imports.specs import register as register_import


class ProgramsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "programs"

    def ready(self):
        from programs import imports

        register_import(imports.spec())
