from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the database refuses changes and deletions to the trail anyway. The
    Chief's search page (Setup → Audit trail) is the usual way in."""

    list_display = ("at", "action", "actor_name", "record_type", "record_id", "path")
    list_filter = ("action",)
    search_fields = ("actor_name", "record_id")
    show_full_result_count = False
    readonly_fields = [f.name for f in AuditEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
