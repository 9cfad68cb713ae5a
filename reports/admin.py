from django.contrib import admin

from reports.models import Recommendation, Report, ScreeningAcceptance


class ScreeningAcceptanceInline(admin.TabularInline):
    """Read-only: hits of the screening of a transparency report's public narrative that
    the CRO kept, with the reason (accepted on the report's page, audited)."""

    model = ScreeningAcceptance
    fields = ("kind", "text", "reason", "by", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports are generated, submitted and approved in the app, and an approved
    report's file is never changed."""

    inlines = [ScreeningAcceptanceInline]

    list_display = ("kind", "period_start", "version", "status", "decided_by", "pdf_sha256")
    list_filter = ("kind", "status")
    date_hierarchy = "period_start"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Read-only: recommendations are written, submitted, decided and marked done in the
    app, through the services that check who may do each step."""

    list_display = ("title", "kind", "status", "created_by", "submitted_at", "decided_by")
    list_filter = ("kind", "status")
    search_fields = ("title",)
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + ["concerns"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
