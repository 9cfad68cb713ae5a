"""Surveys of community members, department members and outside agencies (002 300.5,
001 IV.D, 003, 004).

The Chief approves a survey's content before it opens (004). Responses are anonymous by
construction: a `Response` row holds the survey, the channel (and the forum, social-media
link or paper batch it came by), the language, the day it came in and a random submission
token; an outside agency's response also names the agency (not the person). No user,
address, invitation code or time of day is stored with the answers; invitations only
record that they were used.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import SubmittedToTheChief

LANGUAGES = [("en", "English"), ("es", "Español")]


def new_slug() -> str:
    """An unguessable public link part (a draft's link cannot be found by counting)."""
    return secrets.token_urlsafe(6).replace("_", "x").replace("-", "y").lower()


class Dimension(models.TextChoices):
    """The six perceptions 002 300.5 asks a survey to evaluate, plus "other"."""

    OVERALL = "overall", _("Overall performance of the department")
    COMPETENCE = "competence", _("Overall competence of members")
    ATTITUDE = "attitude", _("Attitude and behavior of members")
    TRUST = "trust", _("Level of community trust")
    SAFETY = "safety", _("Safety, security and other concerns")
    RECOMMENDATIONS = "recommendations", _("Recommendations and suggestions")
    OTHER = "other", _("Other")


class Survey(SubmittedToTheChief):
    class Audience(models.TextChoices):
        COMMUNITY = "community", _("Community members")
        DEPARTMENT = "department", _("Department members")
        AGENCIES = "agencies", _("Outside agencies")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for the Chief")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved")
        CLOSED = "closed", _("Closed")

    title = models.CharField(max_length=150, verbose_name=_("title"))
    title_es = models.CharField(_("Title (Spanish)"), max_length=150, blank=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, verbose_name=_("audience"))
    opens_on = models.DateField(verbose_name=_("opens on"))
    closes_on = models.DateField(verbose_name=_("closes on"))
    intro = models.TextField(_("Introduction (English)"), blank=True)
    intro_es = models.TextField(_("Introduction (Spanish)"), blank=True)
    slug = models.SlugField(max_length=16, unique=True, default=new_slug, verbose_name=_("slug"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed at"))

    class Meta(SubmittedToTheChief.Meta):
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-opens_on", "title"]
        constraints = [
            *SubmittedToTheChief.Meta.constraints,
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_period_order"
            ),
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
        """A survey counts in the year its results close: one open from December into
        January is that January's survey, as the annual report (surveys closed in the year)
        and the year-over-year trend both read it."""
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

    @property
    def invitation_only(self) -> bool:
        """Outside agencies answer through the link sent to their head, never the open
        link: the answer must say which agency it speaks for (001 IV.D.3)."""
        return self.audience == self.Audience.AGENCIES


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", _("Rating, 1 to 5")
        SINGLE = "single", _("One choice")
        MULTIPLE = "multiple", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")
        TEXT = "text", _("Free text")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey")
    )
    position = models.PositiveSmallIntegerField(verbose_name=_("position"))
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    dimension = models.CharField(
        max_length=16, choices=Dimension.choices, verbose_name=_("dimension")
    )
    text = models.CharField(_("Question (English)"), max_length=300)
    text_es = models.CharField(_("Question (Spanish)"), max_length=300, blank=True)
    choices = models.TextField(_("Choices (English), one per line"), blank=True)
    choices_es = models.TextField(_("Choices (Spanish), one per line"), blank=True)
    required = models.BooleanField(default=True, verbose_name=_("required"))
    # Questions of the standard instrument keep their code from year to year, so trends
    # compare the same question (blank for a survey's own questions).
    code = models.SlugField(max_length=30, blank=True, verbose_name=_("code"))
    # The words at the ends of a rating as residents were shown them (surveys/scales.py),
    # kept with the question so that past results keep the scale their answers were given
    # on. Blank: "1 = very poor, 5 = excellent", what a survey's own ratings show.
    scale = models.CharField(max_length=16, blank=True, editable=False)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
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

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="forums", verbose_name=_("survey")
    )
    name = models.CharField(
        max_length=150, help_text=_("e.g. Eastside community forum"), verbose_name=_("name")
    )
    held_on = models.DateField(verbose_name=_("held on"))
    activity = models.ForeignKey(
        "outreach.OutreachActivity",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    slug = models.SlugField(max_length=16, unique=True, default=new_slug, verbose_name=_("slug"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("forum link")
        verbose_name_plural = _("forum links")
        ordering = ["-held_on", "name"]

    def __str__(self):
        return f"{self.name} ({date_format(self.held_on, 'M j, Y')})"

    def public_url(self):
        return reverse("survey-forum", args=[self.survey.slug, self.slug])


class AgencyType(models.TextChoices):
    """The kinds of outside agency whose heads comment on the department's personnel: the
    list of 001 IV.D.3 a-h, with the Highway Department under public works and business
    associations added, as the department works with them too."""

    FIRE = "fire", _("Fire department")
    EMS = "ems", _("Emergency medical services")
    PUBLIC_WORKS = "public_works", _("Highway or public works")
    SCHOOL = "school", _("School or college")
    TOWN = "town", _("Town or city administration")
    LAW = "law", _("Other law enforcement")
    SOCIAL = "social", _("Social or human services")
    BUSINESS = "business", _("Business association")
    OTHER = "other", _("Other agency or organization")


class Invitation(models.Model):
    """A one-time code for a department-member survey, or the single-use link sent to the
    head of an outside agency (001 IV.D.3). Only the code's or the link's hash is kept,
    and whether it was used: never with which response. An agency invitation names the
    agency and its head, so the CRO knows whom to ask; the response keeps the agency's name
    and type only (`Response.agency_name`), not the head's."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey")
    )
    code_hash = models.CharField(max_length=64, unique=True, verbose_name=_("code hash"))
    used = models.BooleanField(default=False, verbose_name=_("used"))
    batch = models.PositiveSmallIntegerField(default=1, verbose_name=_("batch"))
    agency_name = models.CharField(_("agency"), max_length=150, blank=True)
    agency_type = models.CharField(
        _("kind of agency"), max_length=12, choices=AgencyType.choices, blank=True
    )
    head_name = models.CharField(_("name of the agency head"), max_length=150, blank=True)
    head_email = models.EmailField(_("email of the agency head"), blank=True)
    language = models.CharField(
        _("language of the email"), max_length=2, choices=LANGUAGES, default="en"
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["agency_name", "id"]

    def __str__(self):
        if self.is_agency:
            return self.agency_name
        if self.used:
            return gettext("Invitation %(number)s (used)") % {"number": self.pk}
        return gettext("Invitation %(number)s (unused)") % {"number": self.pk}

    @property
    def is_agency(self) -> bool:
        return bool(self.agency_name)


class SocialLink(models.Model):
    """The survey's link posted on the department's social media (004 §2 "feedback
    opportunities are available via the agency's social media outlets"): its own address,
    so answers that came that way count as their own channel."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="social_links", verbose_name=_("survey")
    )
    name = models.CharField(
        max_length=150,
        help_text=_("e.g. Facebook and Instagram post, October"),
        verbose_name=_("where it is posted"),
    )
    slug = models.SlugField(max_length=16, unique=True, default=new_slug, verbose_name=_("slug"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("social media link")
        verbose_name_plural = _("social media links")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name

    def public_url(self):
        return reverse("surveys:social", args=[self.survey.slug, self.slug])


class PaperBatch(models.Model):
    """A stack of paper forms the CRO types in together: the forms returned with one water
    bill, or those handed in at one forum (004 §2 names both as separate mechanisms)."""

    class Source(models.TextChoices):
        WATER_BILL = "water_bill", _("Water bill")
        FORUM = "forum", _("Forum")
        OTHER = "other", _("Other")

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="paper_batches", verbose_name=_("survey")
    )
    label = models.CharField(
        max_length=150, help_text=_("e.g. Water bill, March 2026"), verbose_name=_("batch")
    )
    source = models.CharField(max_length=10, choices=Source.choices, verbose_name=_("source"))
    received_on = models.DateField(verbose_name=_("received on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("paper batch")
        verbose_name_plural = _("paper batches")
        ordering = ["-received_on", "-id"]

    def __str__(self):
        return self.label


class Response(models.Model):
    class Channel(models.TextChoices):
        WEB = "web", _("Web link")
        FORUM = "forum", _("Forum sheet")
        PAPER = "paper", _("Paper, entered by staff")
        SOCIAL = "social", _("Social media link")
        AGENCY = "agency", _("Agency invitation")

    survey = models.ForeignKey(
        Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey")
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, verbose_name=_("channel"))
    forum = models.ForeignKey(
        ForumLink,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("forum"),
    )
    batch = models.ForeignKey(
        PaperBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("paper batch"),
    )
    # An outside agency's answer records the agency, copied from its invitation, never
    # the person who answered for it (001 IV.D.3 asks for the agency's view).
    agency_name = models.CharField(_("agency"), max_length=150, blank=True)
    agency_type = models.CharField(
        _("kind of agency"), max_length=12, choices=AgencyType.choices, blank=True
    )
    language = models.CharField(
        max_length=2, choices=LANGUAGES, default="en", verbose_name=_("language")
    )
    # The day only: a time of day could be matched against a log or an invitation.
    submitted_on = models.DateField(verbose_name=_("submitted on"))
    # A random value from the form, so a double submit stores one response.
    token = models.UUIDField(unique=True, verbose_name=_("token"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["survey", "channel"], name="response_channel_idx")]

    def __str__(self):
        return gettext("Response %(number)s") % {"number": self.pk}


class Answer(models.Model):
    """One answer. `value` is the rating (1-5), the yes (1) or no (2), or the number of the
    chosen option (1-based); a multiple-choice answer is one row per option chosen."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    value = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("value"))
    text = models.TextField(blank=True, verbose_name=_("text"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["question", "value"], name="answer_question_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text=""), name="answer_not_empty"
            )
        ]

    def __str__(self):
        return gettext("Answer %(number)s") % {"number": self.pk}


class SurveyAction(models.Model):
    """An action the Chief decided from the results (004 III.2.e: "for review and action")."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="actions", verbose_name=_("survey")
    )
    text = models.CharField(max_length=500, verbose_name=_("text"))
    responsible = models.CharField(max_length=150, blank=True, verbose_name=_("responsible"))
    due_on = models.DateField(null=True, blank=True, verbose_name=_("due on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(auto_now_add=True, verbose_name=_("decided at"))
    done_on = models.DateField(null=True, blank=True, verbose_name=_("done on"))

    class Meta:
        verbose_name = _("survey action")
        verbose_name_plural = _("survey actions")
        ordering = ["decided_at", "id"]

    def __str__(self):
        return self.text


# The tallies the database keeps of the answers (surveys/tallies.py).
from surveys.tally_models import AnswerTally, ResponseTally  # noqa: E402, F401
