from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and agency"

    def ready(self):
        # The deployment checks register on import, and so does the session clock's sign-in
        # receiver: connected here, not when the first request happens to load the middleware.
        from accounts import checks, middleware  # noqa: F401
