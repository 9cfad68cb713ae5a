from django.contrib import admin

from programs.models import Program, ProgramEvaluation


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    """Status changes and approvals are made in the app, where they are checked."""

    list_display = ("name", "category", "status", "coordinator", "active_since")
    list_filter = ("status", "category")
    search_fields = ("name", "objectives")
    readonly_fields = ("status", "proposed_by", "approved_by", "approved_at", "active_since")
    raw_id_fields = ("coordinator",)
    filter_horizontal = ("partners",)


@admin.register(ProgramEvaluation)
class ProgramEvaluationAdmin(admin.ModelAdmin):
    list_display = ("program", "period_start", "period_end", "rating", "recommendation", "status")
    list_filter = ("status", "recommendation")
    readonly_fields = (
        "sessions",
        "attendance",
        "staff_hours",
        "materials_cost",
        "status",
        "submitted_at",
        "decided_by",
        "decided_at",
    )
    raw_id_fields = ("program", "evaluator")
