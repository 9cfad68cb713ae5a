from django.contrib import admin

from concerns.models import (
    Concern,
    ConcernUpdate,
    Department,
    Open311Key,
    Referral,
    Routing,
    Unit,
)
from concerns.open311 import set_key_scope
from core.permissions import Permission, has_permission


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class UpdateInline(ReadOnlyInline):
    model = ConcernUpdate
    fields = ("created_at", "kind", "author", "text")
    readonly_fields = fields


class RoutingInline(ReadOnlyInline):
    model = Routing
    fields = ("unit", "routed_by", "routed_at", "acknowledged_by", "acknowledged_at")
    readonly_fields = fields


class ReferralInline(ReadOnlyInline):
    model = Referral
    fields = ("department", "referred_on", "due_on", "responded_on", "response")
    readonly_fields = fields


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-mostly: workflow steps are taken in the app, where they are checked and timed."""

    list_display = (
        "reference",
        "summary",
        "date_received",
        "category",
        "status",
        "area",
        "assignee",
    )
    list_filter = ("status", "category", "source_type", "nature")
    search_fields = ("reference", "summary", "area")

    date_hierarchy = "date_received"
    list_select_related = ("assignee",)
    show_full_result_count = False
    raw_id_fields = ("reported_by", "assignee")
    readonly_fields = (
        "reference",
        "status",
        "reported_by",
        "reporter_name",
        "reporter_dsn",
        "resolved_at",
        "created_at",
        "updated_at",
    )
    fields = (
        "reference",
        "status",
        "date_received",
        "source_type",
        "source_name",
        "source_contact",
        "category",
        "nature",
        "area",
        "summary",
        "description",
        "suggestions",
        "priority",
        "reported_by",
        "reporter_name",
        "reporter_dsn",
        "resolved_at",
        "created_at",
        "updated_at",
    )
    inlines = [RoutingInline, ReferralInline, UpdateInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # A correction here counts as a revision, so an edit form open in the app meanwhile
        # is refused rather than overwriting it.
        if change:
            obj.revision = (obj.revision or 0) + 1
        super().save_model(request, obj, form, change)


@admin.register(ConcernUpdate)
class ConcernUpdateAdmin(admin.ModelAdmin):
    list_display = ("concern", "kind", "author", "created_at")
    list_filter = ("kind",)
    list_select_related = ("concern", "author")
    search_fields = ("concern__reference",)
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "contact_name", "phone", "response_days", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "commander", "is_active")
    list_filter = ("is_active",)
    raw_id_fields = ("commander",)


@admin.register(Open311Key)
class Open311KeyAdmin(admin.ModelAdmin):
    """Keys are issued and revoked on the CRO's page, which shows a key once. Here an
    administrator sets what a key may read (its scope, issue 21); nothing else changes."""

    list_display = ("name", "prefix", "scope", "created_at", "revoked_at", "last_used_at")
    list_filter = ("scope", "revoked_at")
    search_fields = ("name", "prefix")
    fields = (
        "name",
        "prefix",
        "scope",
        "created_by",
        "created_at",
        "last_used_at",
        "revoked_by",
        "revoked_at",
    )
    readonly_fields = tuple(name for name in fields if name != "scope")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return has_permission(request.user, Permission.MANAGE_ACCOUNTS)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service, which checks the permission again and saves the scope only.
        set_key_scope(key=obj, scope=form.cleaned_data["scope"], by=request.user)
