"""Photos and documents attached to a concern (issue 22).

A photo is stored as the service re-encoded it (concerns/attachments.py): decoded, turned
upright, stripped of every tag and shrunk, with a thumbnail beside it. A document is a PDF
stored as it came. Neither is ever reachable by a public address: both are served by
concerns/views/attachments.py to those who may see the concern, and only to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from concerns.models.concern import Concern
from core.loading import quick_from_db
from core.permissions import Permission, has_permission
from core.uploads import concern_file_path


class Attachment(models.Model):
    from_db = quick_from_db  # read without __init__ (core/loading.py)

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    # Indexed by attachment_concern_idx (concern, created_at).
    concern = models.ForeignKey(
        Concern,
        on_delete=models.CASCADE,
        related_name="attachments",
        db_index=False,
        verbose_name=_("concern"),
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    # Under a generated name (core/uploads.py); the uploader's name is only the label.
    file = models.FileField(upload_to=concern_file_path, max_length=200, verbose_name=_("file"))
    label = models.CharField(
        max_length=120,
        help_text=_("The name the file had when it was added, cleaned, for display only."),
        verbose_name=_("label"),
    )
    content_type = models.CharField(max_length=40, verbose_name=_("content type"))
    size = models.PositiveIntegerField(help_text=_("Bytes stored."), verbose_name=_("size"))
    width = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("width"))
    height = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("height"))
    thumbnail = models.FileField(
        upload_to=concern_file_path, max_length=200, blank=True, verbose_name=_("thumbnail")
    )
    # Empty: the resident who sent the concern through the public form.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["concern", "created_at"], name="attachment_concern_idx")]
        constraints = [
            # A photo has its pixel size and thumbnail; a document has neither.
            models.CheckConstraint(
                condition=Q(
                    kind="photo",
                    width__isnull=False,
                    height__isnull=False,
                    content_type__in=["image/jpeg", "image/png"],
                )
                & ~Q(thumbnail="")
                | Q(
                    kind="document",
                    width__isnull=True,
                    height__isnull=True,
                    thumbnail="",
                    content_type="application/pdf",
                ),
                name="attachment_kind_fields",
            ),
        ]

    def __str__(self):
        return f"{self.concern_id} {self.label}"

    def get_absolute_url(self):
        return reverse("concerns:attachment", args=[self.concern.reference, self.pk])

    @property
    def is_photo(self) -> bool:
        return self.kind == self.Kind.PHOTO

    @property
    def by_resident(self) -> bool:
        return self.added_by_id is None

    def is_visible_to(self, user) -> bool:
        """Exactly those who may see the concern (concerns/rules.py can_view): a conduct or
        bias concern's files are as restricted as the concern itself."""
        return has_permission(user, Permission.VIEW_CONCERN, concern=self.concern)

    def get_thumbnail_url(self):
        return reverse("concerns:attachment-thumbnail", args=[self.concern.reference, self.pk])
