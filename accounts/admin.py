from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import (
    DSN_REQUIRED_FOR_STAFF,
    Agency,
    AuditEvent,
    CalendarFeed,
    ImportLog,
    Notification,
    OutboundEmail,
    ResidentOptOut,
    User,
)


class DepartmentUserCreationForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "last_name", "email", "dsn", "rank", "unit")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dsn"].required = True
        self.fields["dsn"].error_messages["required"] = DSN_REQUIRED_FOR_STAFF


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = DepartmentUserCreationForm
    list_display = ("username", "display_name", "dsn", "unit", "roles", "is_active")
    list_filter = ("groups", "is_active", "is_superuser", "unit")
    search_fields = ("username", "first_name", "last_name", "dsn", "email")
    ordering = ("last_name", "first_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Department member"),
            {"fields": ("first_name", "last_name", "email", "dsn", "rank", "unit")},
        ),
        (
            _("Roles"),
            {"fields": ("groups",), "description": _("The roles decide what this person may do.")},
        ),
        (
            _("Administration"),
            {"fields": ("is_active", "is_staff", "is_superuser"), "classes": ("collapse",)},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined"), "classes": ("collapse",)}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "first_name",
                    "last_name",
                    "email",
                    "dsn",
                    "rank",
                    "unit",
                    "groups",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    filter_horizontal = ("groups",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(sorted(g.name for g in obj.groups.all())) or "—"


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "chief_name", "phone")

    def has_add_permission(self, request):
        return not Agency.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "delivery", "created_at", "read_at")
    list_filter = ("kind", "delivery", ("read_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "recipient__username", "recipient__last_name")
    list_select_related = ("recipient",)
    show_full_result_count = False
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """Failed messages are listed here and on /notifications/outbox/, with a retry."""

    list_display = ("subject", "to", "kind", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    show_full_result_count = False
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send the selected failed messages again"))
    def send_again(self, request, queryset):
        from django.db import transaction
        from django.utils import timezone

        from accounts.notify import enqueue_delivery

        ids = list(queryset.filter(status=OutboundEmail.Status.FAILED).values_list("pk", flat=True))
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
        )
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue_delivery(pk))
        self.message_user(
            request,
            ngettext(
                "%(count)d message(s) queued again.", "%(count)d message(s) queued again.", len(ids)
            )
            % {"count": len(ids)},
        )


@admin.register(ResidentOptOut)
class ResidentOptOutAdmin(admin.ModelAdmin):
    list_display = ("address_hash", "created_at")
    readonly_fields = ("address_hash", "created_at")

    def has_add_permission(self, request):
        return False


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


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Revoke a lost link here too (set "revoked at"); the secret itself is never stored."""

    list_display = ("user", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "token_hash", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False


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
