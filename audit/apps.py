from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from audit import checks, naming, trail  # noqa: F401 - checks registers the deployment checks

        trail.connect_signals()
        naming.register_accounts()
