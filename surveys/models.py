"""Surveys of community members, department members and outside agencies (002 300.5,
001 IV.D, 003, 004).

The Chief approves a survey's content before it opens (004). Responses are anonymous by
construction: a `Response` row holds the survey, the channel, the language, the day it
came in and a random submission token, and nothing else. No user, address, invitation code
or time of day is stored with the answers; invitations only record that they were used.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

LANGUAGES = [("en", "English"), ("es", "Español")]


def new_slug() -> str:
    """An unguessable public link part (a draft's link cannot be found by counting)."""
    return secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()


class Dimension(models.TextChoices):
    """The six perceptions 002 300.5 asks a survey to evaluate, plus "other"."""

    OVERALL = "overall", "Overall performance of the department"
    COMPETENCE = "competence", "Overall competence of members"
    ATTITUDE = "attitude", "Attitude and behavior of members"
    TRUST = "trust", "Level of community trust"
    SAFETY = "safety", "Safety, security and other concerns"
    RECOMMENDATIONS = "recommendations", "Recommendations and suggestions"
    OTHER = "other", "Other"


class Survey(models.Model):
    class Audience(models.TextChoices):
        COMMUNITY = "community", "Community members"
        DEPARTMENT = "department", "Department members"
        AGENCIES = "agencies", "Outside agencies"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for the Chief"
        RETURNED = "returned", "Returned for changes"
        APPROVED = "approved", "Approved"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=150)
    title_es = models.CharField("Title (Spanish)", max_length=150, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices)
    opens_on = models.DateField()
    closes_on = models.DateField()
    intro = models.TextField("Introduction (English)", blank=True)
    intro_es = models.TextField("Introduction (Spanish)", blank=True)
    slug = models.SlugField(max_length=16, unique=True, default=new_slug)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    chief_comment = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_period_order"
            )
        ]
        indexes = [models.Index(fields=["audience", "-opens_on"], name="survey_audience_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:detail", args=[self.pk])

    def public_url(self):
        return reverse("survey-public", args=[self.slug])

    def title_in(self, language: str) -> str:
        return self.title_es if language == "es" and self.title_es else self.title

    def intro_in(self, language: str) -> str:
        return self.intro_es if language == "es" and self.intro_es else self.intro

    @property
    def year(self) -> int:
        return self.closes_on.year

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED, self.Status.APPROVED)

    @property
    def is_open(self) -> bool:
        today = timezone.localdate()
        return self.status == self.Status.APPROVED and self.opens_on <= today <= self.closes_on

    @property
    def needs_code(self) -> bool:
        return self.audience == self.Audience.DEPARTMENT


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Rating, 1 to 5"
        SINGLE = "single", "One choice"
        MULTIPLE = "multiple", "Several choices"
        YES_NO = "yes_no", "Yes or no"
        TEXT = "text", "Free text"

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    text = models.CharField("Question (English)", max_length=300)
    text_es = models.CharField("Question (Spanish)", max_length=300, blank=True)
    choices = models.TextField("Choices (English), one per line", blank=True)
    choices_es = models.TextField("Choices (Spanish), one per line", blank=True)
    required = models.BooleanField(default=True)
    # Questions of the standard instrument keep their code from year to year, so trends
    # compare the same question (blank for a survey's own questions).
    code = models.SlugField(max_length=30, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="question_position_once",
                deferrable=models.Deferrable.DEFERRED,
            )
        ]

    def __str__(self):
        return self.text

    def text_in(self, language: str) -> str:
        return self.text_es if language == "es" and self.text_es else self.text

    def options(self, language: str = "en") -> list[str]:
        """The answer options shown, numbered from 1 in the stored answers."""
        if self.kind == self.Kind.RATING:
            return [str(n) for n in range(1, 6)]
        if self.kind == self.Kind.YES_NO:
            return ["Sí", "No"] if language == "es" else ["Yes", "No"]
        source = self.choices_es if language == "es" and self.choices_es else self.choices
        return [line.strip() for line in source.splitlines() if line.strip()]

    @property
    def is_scored(self) -> bool:
        return self.kind in (self.Kind.RATING, self.Kind.YES_NO)


class ForumLink(models.Model):
    """A link printed as a QR code on the sheet handed out at one forum (004 III.2.c)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="forums")
    name = models.CharField(max_length=150, help_text="e.g. Eastside community forum")
    held_on = models.DateField()
    activity = models.ForeignKey(
        "outreach.OutreachActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    slug = models.SlugField(max_length=16, unique=True, default=new_slug)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "name"]

    def __str__(self):
        return f"{self.name} ({self.held_on:%b %-d, %Y})"

    def public_url(self):
        return reverse("survey-forum", args=[self.survey.slug, self.slug])


class Invitation(models.Model):
    """A one-time code for a department-member survey. Only its hash is kept, and whether
    it was used: never by whom, when, or with which response."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)
    batch = models.PositiveSmallIntegerField(default=1)

    def __str__(self):
        return f"Invitation {self.pk} ({'used' if self.used else 'unused'})"


class Response(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", "Web link"
        FORUM = "forum", "Forum sheet"
        PAPER = "paper", "Paper, entered by staff"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    forum = models.ForeignKey(
        ForumLink, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    language = models.CharField(max_length=2, choices=LANGUAGES, default="en")
    # The day only: a time of day could be matched against a log or an invitation.
    submitted_on = models.DateField()
    # A random value from the form, so a double submit stores one response.
    token = models.UUIDField(unique=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "channel"], name="response_channel_idx")]

    def __str__(self):
        return f"Response {self.pk}"


class Answer(models.Model):
    """One answer. `value` is the rating (1-5), the yes (1) or no (2), or the number of the
    chosen option (1-based); a multiple-choice answer is one row per option chosen."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["question", "value"], name="answer_question_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"
            )
        ]

    def __str__(self):
        return f"Answer {self.pk}"


class ResponseThrottle(models.Model):
    """When a client last answered a public survey: for the rate limit. A keyed hash of the
    address and nothing that joins it to a response."""

    client = models.CharField(max_length=64)
    forum = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"], name="throttle_client_idx")]

    def __str__(self):
        return self.client[:8]


class SurveyAction(models.Model):
    """An action the Chief decided from the results (004 III.2.e: "for review and action")."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    responsible = models.CharField(max_length=150, blank=True)
    due_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self):
        return self.text
