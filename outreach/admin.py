from django.contrib import admin

from outreach.models import (
    CommunityInputReport,
    CommunityOrganization,
    Material,
    MaterialDistribution,
    OutreachActivity,
    Participant,
    Recognition,
    ReportingAssignment,
    TrainingNeed,
)


@admin.register(CommunityOrganization)
class CommunityOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "area", "liaison_officer", "helped_establish", "is_active")
    list_filter = ("kind", "is_active", "helped_establish")
    search_fields = ("name", "area", "contact_name")
    raw_id_fields = ("liaison_officer",)


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = (
        "name",
        "is_minor",
        "guardian_name",
        "waiver_signed_on",
        "background_check",
        "attended",
    )


@admin.register(OutreachActivity)
class OutreachActivityAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "kind", "status", "organization", "attendance", "staff_hours")
    list_filter = ("kind", "status")
    search_fields = ("title", "summary", "area")
    date_hierarchy = "date"
    list_select_related = ("organization",)
    raw_id_fields = ("organization", "logged_by", "officers", "notified_supervisor")
    show_full_result_count = False
    inlines = [ParticipantInline]

    def get_queryset(self, request):
        # Scheduled events too: the default manager holds only the held ones.
        return OutreachActivity.with_scheduled.all()


class DistributionInline(admin.TabularInline):
    model = MaterialDistribution
    extra = 0
    raw_id_fields = ("activity", "recorded_by")

    def has_add_permission(self, request, obj=None):
        # Handing out is recorded in the app, which refuses it before approval.
        return False


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Read-mostly: approval is the Chief's, in the app, where it is checked."""

    list_display = ("name", "source", "quantity", "cost", "status", "decided_by")
    list_filter = ("status", "source")
    search_fields = ("name", "donor")
    readonly_fields = (
        "status",
        "design_type",
        "created_by",
        "submitted_at",
        "decided_by",
        "decided_at",
        "chief_comment",
    )
    inlines = [DistributionInline]


@admin.register(TrainingNeed)
class TrainingNeedAdmin(admin.ModelAdmin):
    list_display = ("topic", "topic_detail", "source", "status", "scheduled_for", "delivered_on")
    list_filter = ("status", "topic", "source")
    raw_id_fields = ("identified_by",)


@admin.register(Recognition)
class RecognitionAdmin(admin.ModelAdmin):
    list_display = ("date", "member", "community_member")
    raw_id_fields = ("member", "recognized_by")


@admin.register(ReportingAssignment)
class ReportingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("officer", "duty", "since", "is_active")
    list_filter = ("duty", "is_active")
    raw_id_fields = ("officer",)


@admin.register(CommunityInputReport)
class CommunityInputReportAdmin(admin.ModelAdmin):
    list_display = ("assignment", "submitted_on")
    raw_id_fields = ("assignment",)
