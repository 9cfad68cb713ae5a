from django.contrib import admin

from imports.models import ImportLog


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "file_name",
        "by",
        "status",
        "rows",
        "created",
        "problems",
    )
    list_filter = ("kind", "status")
    search_fields = ("file_name", "by__username")
    readonly_fields = [f.name for f in ImportLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
