from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, OutboundEmail, ResidentOptOut


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

        from notifications.notify import enqueue_delivery

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
