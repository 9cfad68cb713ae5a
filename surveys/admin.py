from django.contrib import admin

from surveys.models import (
    ForumLink,
    Invitation,
    PaperBatch,
    Question,
    Response,
    SocialLink,
    Survey,
    SurveyAction,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "kind", "dimension", "text", "text_es", "required", "code")


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "opens_on", "closes_on", "status")
    list_filter = ("audience", "status")
    search_fields = ("title",)
    raw_id_fields = ("created_by", "decided_by")
    readonly_fields = ("slug", "submitted_at", "decided_by", "decided_at", "closed_at")
    inlines = [QuestionInline]


@admin.register(ForumLink)
class ForumLinkAdmin(admin.ModelAdmin):
    list_display = ("name", "survey", "held_on")
    raw_id_fields = ("survey", "activity")


@admin.register(SocialLink)
class SocialLinkAdmin(admin.ModelAdmin):
    list_display = ("name", "survey", "created_at")
    raw_id_fields = ("survey",)
    readonly_fields = ("slug",)


@admin.register(PaperBatch)
class PaperBatchAdmin(admin.ModelAdmin):
    list_display = ("label", "survey", "source", "received_on")
    list_filter = ("source",)
    raw_id_fields = ("survey", "created_by")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Agency invitations are made on the survey page, which emails the link; here they
    are only looked at (the link itself is never stored, only its hash)."""

    list_display = ("__str__", "survey", "agency_type", "head_name", "used", "sent_at")
    list_filter = ("agency_type", "used")
    list_select_related = ("survey",)
    exclude = ("code_hash",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    """Read-only: answers are evidence of what respondents said."""

    list_display = ("id", "survey", "channel", "batch", "agency_type", "language", "submitted_on")
    list_filter = ("channel", "batch__source", "agency_type", "language")
    list_select_related = ("survey", "batch")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SurveyAction)
class SurveyActionAdmin(admin.ModelAdmin):
    list_display = ("text", "survey", "responsible", "due_on", "done_on")
    raw_id_fields = ("survey", "decided_by")
