from django.apps import AppConfig


class DeskConfig(AppConfig):
    """Pages that gather several apps: home, the Chief's dashboard and inbox, the roll-call
    briefing, calendar feeds; backup, restore and the demo data."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "desk"
    verbose_name = "Desk"
