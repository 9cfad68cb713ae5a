from django.contrib import admin

from reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are generated, submitted and approved in the app, and an approved
    report's file is never changed."""

    list_display = ("kind", "period_start", "version", "status", "decided_by", "pdf_sha256")
    list_filter = ("kind", "status")
    date_hierarchy = "period_start"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
