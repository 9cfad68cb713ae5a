from django.apps import AppConfig
from django.core.signals import setting_changed


class DeskConfig(AppConfig):
    """Pages that gather several apps: home, the Chief's dashboard and inbox, the roll-call
    briefing, calendar feeds; backup, restore and the demo data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Desk"

    def ready(self):
        from desk.navigation import forget_menus

        setting_changed.connect(forget_menus, dispatch_uid="desk.forget_menus")
