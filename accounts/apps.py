from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts and agency"

    def ready(self):
        # The deployment checks register on import, and so does the session clock's sign-in
        # receiver: connected here, not when the first request happens to load the middleware.
        # The working-days calendar is cached: a change to the profile's country or state,
        # or to a closure, from a page or the admin site, clears it (accounts/working_days.py).
        from django.db.models.signals import post_delete, post_save

        from accounts import checks, middleware  # noqa: F401
        from accounts.models import Agency, Closure
        from accounts.working_days import forget_calendar

        for model in (Agency, Closure):
            post_save.connect(forget_calendar, sender=model, dispatch_uid=f"calendar-{model}")
            post_delete.connect(forget_calendar, sender=model, dispatch_uid=f"calendar-{model}-d")
