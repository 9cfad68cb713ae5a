from django.contrib import admin

from desk.models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Revoke a lost link here too (set "revoked at"); the secret itself is never stored."""

    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False
