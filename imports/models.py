"""The record of each spreadsheet import (issue: integration)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports.specs import SPECS, label_of


class ImportLog(models.Model):
    """One import of a spreadsheet: who, when, which file, and what came of it. Records it
    created point back here, so each shows it was imported and from where."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Importing")
        IMPORTED = "imported", _("Imported")
        REFUSED = "refused", _("Refused")

    # Which spec it followed (imports.specs): each app declares its own kinds.
    kind = models.CharField(max_length=16, verbose_name=_("kind"))
    file_name = models.CharField(max_length=200, verbose_name=_("file name"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished at"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    progress = models.PositiveSmallIntegerField(default=0, verbose_name=_("progress"))
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    created = models.PositiveIntegerField(default=0, verbose_name=_("created"))
    problems = models.PositiveIntegerField(default=0, verbose_name=_("problems"))
    # While it runs: the uploaded file (a generated name) and the column mapping chosen.
    stored_file = models.CharField(
        max_length=64, blank=True, editable=False, verbose_name=_("stored file")
    )
    mapping = models.JSONField(default=dict, blank=True, editable=False, verbose_name=_("mapping"))
    # The first problems found, to show on the import's page: [[row, column, message]].
    problem_list = models.JSONField(
        default=list, blank=True, editable=False, verbose_name=_("problem list")
    )

    class Meta:
        verbose_name = _("import log")
        verbose_name_plural = _("import logs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return gettext("%(kind)s from %(file)s (%(day)s)") % {
            "kind": self.kind_label,
            "file": self.file_name,
            "day": f"{self.created_at:%Y-%m-%d}",
        }

    def get_absolute_url(self):
        return reverse("imports:log", args=[self.pk])

    @property
    def kind_label(self) -> str:
        return label_of(self.kind)

    @property
    def list_url(self) -> str:
        """The page listing the kind of record it brought in."""
        spec = SPECS.get(self.kind)
        return reverse(spec.list_url) if spec and spec.list_url else ""

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class FileCheck(models.Model):
    """The check of an uploaded spreadsheet, run by the task worker (imports.tasks): the file
    is read (within the limits of imports.reading) and every row checked against the column
    mapping chosen, nothing saved. The check page follows it and then shows what it found;
    a new mapping starts it again. Removed with its file after a day (imports.cleanup)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Checking")
        CHECKED = "checked", _("Checked")
        UNREADABLE = "unreadable", _("Could not be read")

    stored_file = models.CharField(max_length=64, unique=True, verbose_name=_("stored file"))
    kind = models.CharField(max_length=16, verbose_name=_("kind"))
    file_name = models.CharField(max_length=200, verbose_name=_("file name"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, verbose_name=_("status")
    )
    # Raised each time a check is asked for: a check still running for an older mapping
    # writes nothing when it ends.
    generation = models.PositiveIntegerField(default=1, verbose_name=_("generation"))
    mapping = models.JSONField(default=dict, blank=True, verbose_name=_("mapping"))
    # What it found: the file's headers, how many rows, every problem (the first
    # SHOWN_PROBLEMS as [row, column, message]), the first rows as they would be saved, and
    # why the file could not be read at all.
    headers = models.JSONField(default=list, blank=True, verbose_name=_("headers"))
    rows = models.PositiveIntegerField(default=0, verbose_name=_("rows"))
    problems = models.PositiveIntegerField(default=0, verbose_name=_("problems"))
    problem_list = models.JSONField(default=list, blank=True, verbose_name=_("problem list"))
    preview = models.JSONField(default=list, blank=True, verbose_name=_("preview"))
    error = models.TextField(blank=True, verbose_name=_("error"))

    class Meta:
        verbose_name = _("file check")
        verbose_name_plural = _("file checks")

    def __str__(self):
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def ok(self) -> bool:
        return self.status == self.Status.CHECKED and not self.problems and self.rows > 0


def import_log_field():
    """The link from an imported record to the import that created it (one definition for
    the concerns, organizations, activities and programs that carry it)."""
    return models.ForeignKey(
        "imports.ImportLog",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        editable=False,
        verbose_name=_("import log"),
        help_text=_("The import that created this record, if it came from a spreadsheet."),
    )
