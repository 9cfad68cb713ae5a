"""The authorization matrix (security issue, item 1).

One table (`TABLE`) says what a GET answers to every named URL for every persona: anonymous,
each role, and a staff user holding no role. `test_get_answers_as_the_table_says` walks the
whole URLconf; a named URL without an entry fails ("add <name> to the authorization table"),
and `test_the_table_names_only_urls_that_exist` fails on a stale entry. Admin URLs follow one
rule (`admin_row`), so that a model added to the admin is checked without a new entry.

The records the URLs point at are built once per test module (`module_records`), inside a
transaction rolled back at the end; each test runs in a savepoint of it, as usual.

The record-level tests at the end guess ids: another officer's concern, a conduct concern,
a participant's data, an unpublished report, a survey's responses.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import AddressPoint, Area, Closure, DirectoryGroup, DirectoryLink
from core.decisions import Decision
from core.roles import Role
from tests.conftest import IMMEDIATE_TASKS, sign_in
from tests.factories import (
    ActivityFactory,
    AgencyFactory,
    ConcernFactory,
    DepartmentFactory,
    MaterialFactory,
    OrganizationFactory,
    ProgramFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# --- Personas and outcomes -------------------------------------------------------------------

PERSONAS = (
    "anonymous",
    "officer",
    "supervisor",
    "cro",
    "chief",
    "training_officer",
    "staff_no_role",
)
ROLES = ("officer", "supervisor", "cro", "chief", "training_officer")
OVERSIGHT = ("supervisor", "cro", "chief")  # see every concern (001 IV.C)
CRO_AND_CHIEF = ("cro", "chief")

LOGIN = "login"  # 302 to /accounts/login/?next=<the path>
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=<the path>


@dataclass(frozen=True)
class Redirect:
    """A legitimate 302. `to` is a path, or a function of the records giving one; None
    accepts any target."""

    to: object = None

    def target(self, records):
        return self.to(records) if callable(self.to) else self.to

    def __repr__(self):
        return f"302 to {self.to!r}" if self.to else "302"


def row(allowed=(), *, ok=200, others=403, anonymous=LOGIN, **exceptions) -> dict:
    """One table row: `ok` for the `allowed` personas, `others` for the rest of the signed-in
    personas, `anonymous` for a visitor; keyword arguments name single exceptions."""
    outcome = dict.fromkeys(PERSONAS, others)
    outcome["anonymous"] = anonymous
    outcome.update(dict.fromkeys(allowed, ok))
    unknown = set(exceptions) - set(PERSONAS)
    assert not unknown, unknown
    outcome.update(exceptions)
    return outcome


def only(*allowed, others=403) -> dict:
    return row(allowed, others=others)


EVERY_ROLE = row(ROLES)  # every role 200, a staff user without a role 403, anonymous login
SIGNED_IN = row(ROLES + ("staff_no_role",))  # anyone signed in, role or not
PUBLIC = row(PERSONAS, anonymous=200)  # @login_not_required pages and the Open311 API
# A POST-only view answers a GET 405 once signed in. LoginRequiredMiddleware runs first,
# so a visitor is sent to the login page before the view could say 405.
POST_ONLY = row(others=405)
NOBODY = row()  # every persona 403 (administrators only, or DEBUG on)
SEES_CONCERN = row(("officer",) + OVERSIGHT, others=404)  # the officer's own concern

TABLE: dict[str, dict] = {
    # --- Home, health, the Chief's dashboard and inbox
    "home": SIGNED_IN,  # a staff user without a role reads "You hold no role yet"
    "healthz": PUBLIC,
    "healthz-web": PUBLIC,
    "dashboard-pdf": only(*CRO_AND_CHIEF),
    "inbox": only("chief"),
    "inbox-decide": POST_ONLY,
    # --- Accounts
    "accounts:login": row(anonymous=200, others=Redirect("/")),
    "accounts:logout": POST_ONLY,
    "accounts:password-change": SIGNED_IN,
    "accounts:password-changed": SIGNED_IN,
    "accounts:agency": only(*CRO_AND_CHIEF),
    "accounts:agency-logo": row(CRO_AND_CHIEF, ok=404),  # the test agency has no logo
    "accounts:closures": only(*CRO_AND_CHIEF),
    # Single sign-on's two pages do not exist until CRD_OIDC_ISSUER names a directory
    # (tests/sso/ walks them with one).
    "accounts:sso-start": row(others=404, anonymous=404),
    "accounts:sso-callback": row(others=404, anonymous=404),
    "accounts:locked": only(*CRO_AND_CHIEF),
    # The agency's areas: the CRO (and administrators, tests/accounts/test_areas_pages.py).
    "accounts:areas": only("cro"),
    "accounts:area-new": only("cro"),
    "accounts:area-edit": only("cro"),
    "accounts:area-active": POST_ONLY,
    "accounts:area-import": only("cro"),
    "accounts:area-match": only("cro"),
    "audit:trail": only("chief"),
    "audit:export": only("chief"),
    "audit:integrity": only("chief"),
    # Two-factor pages. The personas whose role needs a second factor come signed in past
    # it (tests/conftest.sign_in); the officer and the training officer have none set up.
    "accounts:mfa-verify": row(
        others=Redirect("/"),
        officer=Redirect("/accounts/two-factor/setup/"),
        training_officer=Redirect("/accounts/two-factor/setup/"),
    ),
    "accounts:mfa-setup": row(
        ("officer", "training_officer"), others=Redirect("/accounts/two-factor/manage/")
    ),
    "accounts:mfa-manage": row(
        others=200,
        officer=Redirect("/accounts/two-factor/setup/"),
        training_officer=Redirect("/accounts/two-factor/setup/"),
    ),
    # --- Notifications (tests run with DEBUG off: the outbox is the administrators')
    "notifications:list": SIGNED_IN,
    "notifications:menu": SIGNED_IN,
    "notifications:read-all": POST_ONLY,
    "notifications:settings": SIGNED_IN,
    "notifications:outbox": NOBODY,
    "notifications:outbox-message": NOBODY,
    "notifications:outbox-retry": POST_ONLY,
    # The supervisor's own notification; anyone else's is 404.
    "notifications:open": row(others=404, supervisor=Redirect(lambda r: r.notification.url)),
    "notifications:read": POST_ONLY,
    # --- Imports (the CRO and administrators)
    "imports:home": only("cro"),
    "imports:check": only("cro"),  # the token is the CRO's own upload
    "imports:log": only("cro"),
    "imports:template": only("cro"),
    "imports:export": only("cro"),
    # --- Calendar feeds: the feed itself is public, its secret is the key
    "calendar:settings": EVERY_ROLE,
    "calendar:create": POST_ONLY,
    "calendar:revoke": POST_ONLY,
    "calendar:feed": PUBLIC,
    # --- Open311 GeoReport v2 (public by the specification)
    "open311:discovery": PUBLIC,
    "open311:services": PUBLIC,
    "open311:service": PUBLIC,
    "open311:requests": PUBLIC,
    "open311:request": PUBLIC,
    "open311:unknown": row(PERSONAS, anonymous=404, ok=404),  # any other path: 404, spec format
    "resident-stop": PUBLIC,
    # --- Concerns
    "concerns:list": EVERY_ROLE,
    "concerns:map": EVERY_ROLE,  # the list's map, for the same filter
    "concerns:mine": EVERY_ROLE,
    "concerns:new": EVERY_ROLE,
    "concerns:export": only(*OVERSIGHT),
    "briefing": only(*OVERSIGHT),
    "briefing-pdf": only(*OVERSIGHT),
    "concerns:departments": only("cro"),
    "concerns:department-add": only("cro"),
    "concerns:department-edit": only("cro"),
    "concerns:unit-add": only("cro"),
    "concerns:unit-edit": only("cro"),
    "concerns:open311-keys": only("cro"),
    "concerns:open311-key-revoke": POST_ONLY,
    "concerns:detail": SEES_CONCERN,
    "concerns:logged": row(("officer",), others=404),  # only the officer who logged it
    "concerns:respond": POST_ONLY,
    "concerns:acknowledge": POST_ONLY,
    # A concern's photos and documents: exactly those who see the concern (issue 22).
    "concerns:attachment": SEES_CONCERN,
    "concerns:attachment-thumbnail": SEES_CONCERN,
    "concerns:attachment-add": POST_ONLY,
    # Duplicates (issue 22): the CRO merges; those who see the concern but may not merge
    # get 403, the others 404 (a concern they may not see does not exist).
    "concerns:merge": row(("cro",), others=404, officer=403, supervisor=403, chief=403),
    "concerns:unmerge": POST_ONLY,
    "concerns:not-a-duplicate": POST_ONLY,
    "concerns:tell-organization": POST_ONLY,
    "concerns:possible-duplicates": only("cro"),
    # A GET of a step (not fetched by the page) leads to the concern's page, step open.
    "concerns:step": row(
        ("officer",) + OVERSIGHT,
        ok=Redirect(lambda r: reverse("concerns:detail", args=[r.concern.reference])),
        others=404,
    ),
    # --- Outreach
    "outreach:organizations": EVERY_ROLE,
    "outreach:organization-lookup": EVERY_ROLE,
    "outreach:activity-lookup": EVERY_ROLE,
    "accounts:member-lookup": EVERY_ROLE,
    "outreach:organization-new": only("cro"),
    "outreach:organization": EVERY_ROLE,
    "outreach:organization-edit": only("cro"),
    "outreach:activities": EVERY_ROLE,
    "outreach:activity-new": EVERY_ROLE,
    "outreach:activity-export": EVERY_ROLE,
    # The officer's own activity: others who may not see it get 404, those who may see it
    # but not change it 403.
    "outreach:activity": SEES_CONCERN,
    "outreach:activity-edit": row(("officer", "cro"), others=404, supervisor=403, chief=403),
    "outreach:participant-new": row(("cro",), others=404, officer=403, supervisor=403, chief=403),
    "outreach:participant-edit": row(("cro",), others=404, officer=403, supervisor=403, chief=403),
    "outreach:participant-remove": POST_ONLY,
    "outreach:materials": only(*CRO_AND_CHIEF),
    "outreach:material-new": only("cro"),
    "outreach:material": only(*CRO_AND_CHIEF),
    "outreach:material-edit": only("cro"),
    "outreach:material-design": only(*CRO_AND_CHIEF),
    "outreach:material-submit": POST_ONLY,
    "outreach:material-decide": POST_ONLY,
    "outreach:material-distribute": POST_ONLY,
    "outreach:training": only(*OVERSIGHT, "training_officer"),
    "outreach:training-new": only(*OVERSIGHT),
    "outreach:training-step": POST_ONLY,
    "outreach:recognition": EVERY_ROLE,
    "outreach:recognition-new": only(*CRO_AND_CHIEF),
    "outreach:reporting": only(*CRO_AND_CHIEF),
    "outreach:command-staff": only(*CRO_AND_CHIEF),
    "outreach:assignment-add": POST_ONLY,
    "outreach:community-input": only("officer"),  # the officer holds a reporting duty
    # --- Programs
    "programs:list": EVERY_ROLE,
    "programs:new": only("cro"),
    "programs:export": EVERY_ROLE,
    "programs:schedule": only(*CRO_AND_CHIEF),
    "programs:evaluation": only(*CRO_AND_CHIEF),
    "programs:evaluation-edit": only("cro"),
    "programs:evaluation-submit": POST_ONLY,
    "programs:evaluation-decide": POST_ONLY,
    "programs:detail": EVERY_ROLE,
    "programs:edit": only("cro"),
    "programs:evaluate": only("cro"),
    "programs:move": POST_ONLY,
    # --- Reports (a draft report)
    "reports:list": only(*CRO_AND_CHIEF),
    "reports:generate": POST_ONLY,
    # Without the date range in the query string the archive goes back to the list.
    "reports:archive": row(CRO_AND_CHIEF, ok=Redirect("/reports/")),
    "reports:detail": only(*CRO_AND_CHIEF),
    "reports:narratives": POST_ONLY,
    "reports:submit": POST_ONLY,
    "reports:return": POST_ONLY,
    "reports:approve": POST_ONLY,
    "reports:render": POST_ONLY,
    "reports:render-spanish": POST_ONLY,
    "reports:screening-accept": POST_ONLY,
    "reports:pdf": only(*CRO_AND_CHIEF),
    "reports:listing": only(*CRO_AND_CHIEF),
    "reports:plan": only(*CRO_AND_CHIEF),
    "reports:plan-save": POST_ONLY,
    "reports:plan-submit": POST_ONLY,
    "reports:plan-decide": POST_ONLY,
    "reports:recommendations": only(*CRO_AND_CHIEF),
    "reports:recommendation-new": only("cro"),
    "reports:recommendation": only(*CRO_AND_CHIEF),
    "reports:recommendation-edit": only("cro"),
    "reports:recommendation-submit": POST_ONLY,
    "reports:recommendation-decide": POST_ONLY,
    "reports:recommendation-complete": POST_ONLY,
    # --- Surveys (an open survey)
    "surveys:list": only(*CRO_AND_CHIEF),
    "surveys:new": only("cro"),
    "surveys:detail": only(*CRO_AND_CHIEF),
    "surveys:edit": only("cro"),
    "surveys:preview": only(*CRO_AND_CHIEF),
    "surveys:question-new": only("cro"),
    "surveys:question-edit": only("cro"),
    "surveys:question-delete": POST_ONLY,
    "surveys:question-move": POST_ONLY,
    "surveys:submit": POST_ONLY,
    "surveys:decide": POST_ONLY,
    "surveys:close": POST_ONLY,
    "surveys:forum-add": POST_ONLY,
    "surveys:forum-sheet": only(*CRO_AND_CHIEF),
    "surveys:invitations": POST_ONLY,
    "surveys:paper-batch-add": POST_ONLY,
    "surveys:agency-invite": POST_ONLY,
    "surveys:social-add": POST_ONLY,
    "surveys:agency-answer": PUBLIC,  # an agency head's single-use link, not yet used
    "surveys:social": PUBLIC,
    "surveys:paper": only("cro"),
    "surveys:results": only(*CRO_AND_CHIEF),
    "surveys:results-csv": only(*CRO_AND_CHIEF),
    "reports:survey-summary": POST_ONLY,
    "surveys:action-add": POST_ONLY,
    "surveys:action-done": POST_ONLY,
    # --- Public pages
    "transparency": PUBLIC,
    "transparency-pdf": PUBLIC,  # the approved transparency report
    "transparency-year": PUBLIC,  # its year's page
    "transparency-year-pdf": PUBLIC,  # its year's PDF, in English or Spanish
    "feedback": PUBLIC,
    "feedback-received": PUBLIC,
    "status": PUBLIC,  # a resident's concern, by reference and private code
    "survey-public": PUBLIC,
    "survey-forum": PUBLIC,
    "survey-thanks": PUBLIC,
}

# Authorization bugs found: (url name, persona) -> reason. The table holds the correct
# outcome; these cases are expected to fail until the application is fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# --- The admin: one rule for every admin URL ---------------------------------------------------

ADMIN_MODEL_SUFFIXES = ("_changelist", "_add", "_history", "_delete", "_change")
# django-otp's admin pages that show an authenticator's secret (its set-up QR code): model
# pages like the others, for those with permission on authenticators only.
OTP_DEVICE_VIEWS = ("otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode")


def admin_row(name: str) -> dict | None:
    """Signed-in members who are not staff are sent to the admin's login; a staff user
    without a role holds no model permission: the index and their own password pages
    answer, every model page is 403. A visitor meets LoginRequiredMiddleware first: the
    site's own views name the admin's login, a ModelAdmin's views the app's. None when the
    rule does not know the name (a custom admin view needs its own entry in TABLE)."""
    short = name.removeprefix("admin:")
    if short == "login":
        # The form, also to a member who is not staff ("not authorized"); staff go in.
        return row(ROLES, anonymous=200, staff_no_role=Redirect("/admin/"))
    if short == "logout":
        # The admin's logout needs a POST; a non-staff member is sent to the index.
        return row(anonymous=ADMIN_LOGIN, others=Redirect("/admin/"), staff_no_role=405)
    site = {
        "index": 200,
        "password_change": 200,
        "password_change_done": 200,
        "jsi18n": 200,
        "autocomplete": 403,
        # An app's index lists the models one may see: none, so it does not exist.
        "app_list": 404,
        # Django's "view on site" redirects a staff member to the object's own page, which
        # decides for itself (here a concern: 404 to a staff user without a role).
        "view_on_site": Redirect(lambda r: r.concern.get_absolute_url()),
    }
    if short in site:
        staff, anonymous = site[short], ADMIN_LOGIN
    elif short in ("auth_user_password_change", *OTP_DEVICE_VIEWS) or (
        short.endswith(ADMIN_MODEL_SUFFIXES) and admin_model(name)
    ):
        staff, anonymous = 403, LOGIN
    else:
        return None
    return row(others=ADMIN_LOGIN, anonymous=anonymous, staff_no_role=staff)


def admin_model(name: str):
    """The model behind an admin URL name such as admin:concerns_concern_change."""
    short = name.removeprefix("admin:")
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if short.startswith(prefix) and short.removeprefix(prefix) in {
            s.lstrip("_") for s in ADMIN_MODEL_SUFFIXES
        }:
            return model
    return None


# --- The URLconf -----------------------------------------------------------------------------


def named_urls(resolver=None, namespace="") -> dict[str, set[str]]:
    """Every named URL ("namespace:name") with the names of its arguments."""
    found: dict[str, set[str]] = {}
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            for name, args in named_urls(entry, inner).items():
                found.setdefault(name, set()).update(args | _arguments(entry))
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            found.setdefault(name, set()).update(_arguments(entry))
    return found


def _arguments(entry) -> set[str]:
    pattern = entry.pattern
    if hasattr(pattern, "converters") and pattern.converters:
        return set(pattern.converters)
    return set(pattern.regex.groupindex)


def expected_outcome(name: str, persona: str):
    if name in TABLE:
        return TABLE[name][persona]
    if name.startswith("admin:") and (rule := admin_row(name)) is not None:
        return rule[persona]
    pytest.fail(f"add {name} to the authorization table (tests/security/test_authorization.py)")


URLS = named_urls()
CASES = [
    pytest.param(
        name,
        persona,
        id=f"{name}-{persona}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name, persona])]
        if (name, persona) in KNOWN_BUGS
        else [],
    )
    for name in sorted(URLS)
    for persona in PERSONAS
]


# --- The records -----------------------------------------------------------------------------

CONDUCT_TEXT = "Officer on the night shift used a slur toward the complainant."
PARTICIPANT = "Dana Quillfeather"


def _users() -> dict:
    """The conftest's personas (same usernames, so its fixtures return these rows), another
    officer, and a staff user holding no role."""
    return {
        "officer": UserFactory(username="t-officer", rank="Officer", roles=[Role.OFFICER]),
        "other_officer": UserFactory(username="t-officer2", rank="Officer", roles=[Role.OFFICER]),
        "supervisor": UserFactory(username="t-supervisor", rank="Sgt.", roles=[Role.SUPERVISOR]),
        "cro": UserFactory(
            username="t-cro", rank="Lt.", unit="Community Relations Unit", roles=[Role.CRO]
        ),
        "chief": UserFactory(
            username="t-chief", rank="Chief", unit="Office of the Chief", roles=[Role.CHIEF]
        ),
        "training_officer": UserFactory(
            username="t-training", rank="Sgt.", unit="Training", roles=[Role.TRAINING_OFFICER]
        ),
        "staff_no_role": UserFactory(
            username="t-staff-no-role", rank="Clerk", unit="Records", is_staff=True
        ),
    }


def _photo_on(concern, by):
    """A photo on the concern, through the service that checks and re-encodes it."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from concerns.attachments import add_attachment, prepare_upload

    data = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(data, format="JPEG")
    prepared = prepare_upload(SimpleUploadedFile("photo.jpg", data.getvalue()))
    return add_attachment(concern=concern, by=by, prepared=prepared)


def build_records() -> SimpleNamespace:
    from django_tasks_db.models import DBTaskResult

    from concerns import intake as concern_intake
    from concerns import services as concern_services
    from concerns.open311 import issue_key
    from desk.calendar import create_feed
    from imports import files as import_files
    from imports import views as import_views
    from imports.engine import template_dataset
    from imports.models import ImportLog
    from imports.specs import specs
    from notifications.models import Notification, OutboundEmail, ResidentOptOut
    from notifications.notify import stop_token
    from outreach.models import (
        CommunityInputReport,
        Participant,
        Recognition,
        ReportingAssignment,
        TrainingNeed,
    )
    from programs.models import ProgramEvaluation
    from reports import recommendations
    from reports import services as report_services
    from surveys import channels as survey_channels
    from surveys import services as survey_services
    from surveys.models import Invitation, Question, Response

    today = timezone.localdate()
    r = SimpleNamespace(today=today)
    AgencyFactory()
    r.users = users = _users()
    officer, supervisor, cro, chief = (users[k] for k in ("officer", "supervisor", "cro", "chief"))

    # Concerns: the officer's own, one worked by the supervisor and the CRO (routed,
    # referred), a conduct concern the officer logged, a resident's with an email address.
    r.organization = OrganizationFactory(name="Elm Street Watch")
    r.concern = ConcernFactory(
        reported_by=officer, organization=r.organization, source_name="Jordan Secretsource"
    )
    r.attachment = _photo_on(r.concern, officer)
    r.unit = UnitFactory(name="Traffic Unit", commander=supervisor)
    r.area = Area.objects.create(code="B3", name="Beat 3", kind="beat")
    r.address = AddressPoint.objects.create(
        address="14 Birch Lane", key="14 birch lane", latitude=41.6, longitude=-88.1
    )
    r.closure = Closure.objects.create(day=dt.date(2026, 11, 27), name="Day after Thanksgiving")
    DirectoryGroup.objects.create(name="CRD-Patrol", role=Role.OFFICER)
    DirectoryLink.objects.create(user=officer, subject="directory-subject-1")
    r.department = DepartmentFactory(name="Public Works")
    r.worked = ConcernFactory(reported_by=officer, category="noise")
    concern_services.escalate_concern(concern=r.worked, by=officer)
    concern_services.forward_concern(concern=r.worked, by=supervisor)
    r.routing = concern_services.route_to_unit(concern=r.worked, by=cro, unit=r.unit)
    r.referral = concern_services.refer_concern(
        concern=r.worked, by=cro, department=r.department, referred_on=today
    )
    r.conduct, _ = concern_intake.log_concern(
        by=officer,
        data={
            "date_received": today,
            "source_type": "citizen",
            "source_name": "Casey Complainant",
            "source_contact": "(555) 010-9999",
            "category": "conduct_bias",
            "nature": "actual",
            "area": "Oak Avenue",
            "description": CONDUCT_TEXT,
            "suggestions": "",
        },
    )
    r.resident_concern = ConcernFactory(
        reported_by=None,
        source_type="web_form",
        contact_email="resident@example.test",
        consent_to_contact=True,
    )
    r.stop_token = stop_token(r.resident_concern)
    r.notification = Notification.objects.filter(recipient=supervisor).order_by("pk").first()
    assert r.notification is not None, "the escalation should have notified the supervisor"
    r.email = OutboundEmail.objects.order_by("pk").first() or OutboundEmail.objects.create(
        to="someone@police.test", kind="test", subject="Test", body_text="x", body_html="x"
    )
    ResidentOptOut.objects.create(address_hash="0" * 64)

    # Outreach: an activity the officer logged, with a participant; a material, a training
    # need, a recognition, a reporting duty and its report.
    r.program = ProgramFactory(name="Coffee with a Cop", proposed_by=cro)
    r.activity = ActivityFactory(
        logged_by=officer,
        organization=r.organization,
        program=r.program,
        title="Elm Street Watch meeting",
        date=today,
    )
    r.participant = Participant.objects.create(
        activity=r.activity, name=PARTICIPANT, phone="(555) 010-4242", email="dana@example.test"
    )
    r.other_activity = ActivityFactory(logged_by=cro, title="Chief's town hall", date=today)
    r.material = MaterialFactory(created_by=cro, name="Junior badge stickers")
    r.training_need = TrainingNeed.objects.create(
        topic="communication",
        source="supervisors",
        description="De-escalation with residents at traffic stops.",
        identified_by=supervisor,
    )
    Recognition.objects.create(
        member=officer, reason="Ran the watch meeting.", date=today, recognized_by=cro
    )
    assignment = ReportingAssignment.objects.create(
        officer=officer, duty="safety", since=today - dt.timedelta(days=30)
    )
    CommunityInputReport.objects.create(
        assignment=assignment, submitted_on=today, concerns_heard="Speeding on Elm."
    )

    # Programs: an evaluation waiting as a draft.
    r.evaluation = ProgramEvaluation.objects.create(
        program=r.program,
        period_start=dt.date(today.year - 1, 1, 1),
        period_end=dt.date(today.year - 1, 6, 30),
        evaluator=cro,
        rating=4,
        criteria="Attendance.",
        outcomes="Good.",
        recommendation="changes",
    )

    # Reports: a draft with its draft PDF, a submitted one, an approved (published)
    # transparency report and an unpublished transparency report with a draft PDF.
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r.draft_report = report_services.generate_report(kind="monthly", day=last_month, by=cro)
        report_services.request_render(report=r.draft_report, by=cro)
        r.submitted_report = report_services.generate_report(
            kind="quarterly", day=dt.date(today.year - 1, 5, 1), by=cro
        )
        report_services.submit_report(report=r.submitted_report, by=cro, late_reason="test")
        r.published = report_services.generate_report(
            kind="transparency", day=dt.date(today.year - 1, 6, 1), by=cro
        )
        report_services.submit_report(report=r.published, by=cro, late_reason="test")
        report_services.decide_report(decision=Decision.APPROVE, report=r.published, by=chief)
        r.unpublished = report_services.generate_report(
            kind="transparency", day=dt.date(today.year - 2, 6, 1), by=cro
        )
        report_services.request_render(report=r.unpublished, by=cro)
    for report in (r.draft_report, r.submitted_report, r.published, r.unpublished):
        report.refresh_from_db()
    assert r.draft_report.pdf and r.unpublished.pdf and r.published.pdf_sha256
    r.plan = report_services.save_plan(
        year=today.year, by=cro, objectives_text="Meet every watch group."
    )
    r.recommendation = recommendations.save_recommendation(
        by=cro,
        data={
            "kind": "practice",
            "title": "Speed trailer at the schools",
            "text": "Rotate the speed trailer past the schools.",
            "reasons": "Speeding near schools.",
        },
    )

    # Surveys: an open one with a forum link, a response and an action; a draft one.
    survey_data = {
        "title": "Community survey",
        "title_es": "Encuesta comunitaria",
        "audience": "community",
        "opens_on": today - dt.timedelta(days=5),
        "closes_on": today + dt.timedelta(days=30),
        "intro": "",
        "intro_es": "",
    }
    survey = survey_services.create_survey(by=cro, data=survey_data)
    survey_services.submit_survey(survey=survey, by=cro)
    r.survey = survey_services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
    r.forum = survey_services.add_forum(survey=r.survey, by=cro, name="Eastside", held_on=today)
    r.question = r.survey.questions.order_by("position").first()
    answers = {
        q.pk: [4] if q.kind == Question.Kind.RATING else [1]
        for q in r.survey.questions.filter(required=True)
    }
    r.response, _ = survey_services.submit_response(
        survey=r.survey,
        answers=answers,
        channel=Response.Channel.WEB,
        language="en",
        token=uuid.uuid4(),
    )
    r.action = survey_services.record_action(
        survey=r.survey, by=chief, data={"text": "More foot patrols on Elm."}
    )
    # The channels of 004 §2 and the outside agencies' survey of 001 IV.D.3: a social-media
    # link and a paper batch on the community survey; an agency survey with one invitation.
    r.social = survey_channels.add_social_link(survey=r.survey, by=cro, name="Facebook page")
    r.batch = survey_channels.start_paper_batch(
        survey=r.survey,
        by=cro,
        label="Water bill, this month",
        source="water_bill",
        received_on=today,
    )
    agencies = survey_services.create_survey(
        by=cro, data={**survey_data, "title": "Outside agencies", "audience": "agencies"}
    )
    survey_services.submit_survey(survey=agencies, by=cro)
    agencies = survey_services.decide_survey(survey=agencies, by=chief, decision=Decision.APPROVE)
    r.agency_token = "authz-agency-link-0001"
    r.invitation = Invitation.objects.create(
        survey=agencies,
        code_hash=survey_channels.link_hash(r.agency_token),
        agency_name="Riverbend Fire Department",
        agency_type="fire",
        head_name="Chief Ada Moreno",
        head_email="fire.chief@example.org",
    )
    r.draft_survey = survey_services.create_survey(
        by=cro, data={**survey_data, "title": "Draft survey on school safety"}
    )

    # Integration: an Open311 key, the officer's calendar feed, an import and an upload the
    # CRO is checking.
    r.key, _ = issue_key(by=cro, name="City 311 system")
    r.feed, r.feed_token = create_feed(by=officer)
    r.import_log = ImportLog.objects.create(
        kind="concerns", file_name="old-concerns.csv", by=cro, status="imported"
    )
    content = template_dataset(specs()["concerns"]).export("csv")
    stored = import_files.save(ContentFile(content.encode()), "csv")
    r.import_token = import_views._token(stored, "concerns", cro.pk, "concerns.csv")
    if apps.is_installed("axes"):  # sign-in lockout: rows for its admin pages
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        seen = {"user_agent": "test", "ip_address": "10.0.0.1", "http_accept": "*/*"}
        AccessAttempt.objects.create(
            **seen,
            username="nobody",
            path_info="/accounts/login/",
            get_data="",
            post_data="",
            failures_since_start=1,
        )
        AccessFailureLog.objects.create(**seen, username="nobody", path_info="/accounts/login/")
        AccessLog.objects.create(**seen, username="t-officer", path_info="/accounts/login/")
    DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="reports.tasks.render_report",
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )
    # Second factors: a confirmed authenticator and recovery codes (the admin lists them).
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    r.totp = TOTPDevice.objects.create(user=cro, name="Phone", confirmed=True)
    r.static = StaticDevice.objects.create(user=cro, name="Recovery codes", confirmed=True)
    return r


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(autouse=True)
def media_root(settings, shared_media):
    """Overrides the conftest's: the files of the module's records (a design, PDFs, an
    upload) live in one folder for the whole module."""
    settings.MEDIA_ROOT = shared_media


@pytest.fixture(scope="module")
def module_records(django_db_setup, django_db_blocker, shared_media):
    """The records, built once for the module in a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=shared_media, TASKS=IMMEDIATE_TASKS),
        transaction.atomic(),
    ):
        records = build_records()
        yield records
        transaction.set_rollback(True)


@pytest.fixture
def records(module_records, db):
    return module_records


def url_kwargs(name: str, r) -> dict:
    if name.startswith("admin:"):
        return admin_kwargs(name, r)
    pk = {
        # name -> the record its pk (or id) argument names
        "inbox-decide": r.submitted_report,
        "notifications:outbox-message": r.email,
        "notifications:outbox-retry": r.email,
        "notifications:open": r.notification,
        "notifications:read": r.notification,
        "imports:log": r.import_log,
        "calendar:revoke": r.feed,
        "concerns:department-edit": r.department,
        "accounts:area-edit": r.area,
        "accounts:area-active": r.area,
        "concerns:unit-edit": r.unit,
        "concerns:open311-key-revoke": r.key,
        "concerns:attachment": r.attachment,
        "concerns:attachment-thumbnail": r.attachment,
        "outreach:organization": r.organization,
        "outreach:organization-edit": r.organization,
        "outreach:activity": r.activity,
        "outreach:activity-edit": r.activity,
        "outreach:participant-edit": r.participant,
        "outreach:participant-remove": r.participant,
        "outreach:training-step": r.training_need,
        "programs:evaluation": r.evaluation,
        "programs:evaluation-edit": r.evaluation,
        "programs:evaluation-submit": r.evaluation,
        "programs:evaluation-decide": r.evaluation,
        "transparency-pdf": r.published,
    }
    namespace = name.partition(":")[0] if ":" in name else ""
    default_pk = {
        "outreach": r.material,
        "programs": r.program,
        "reports": r.recommendation if ":recommendation" in name else r.draft_report,
        "surveys": r.survey,
    }
    values = {
        "pk": (pk.get(name) or default_pk.get(namespace) or SimpleNamespace(pk=None)).pk,
        "activity_pk": r.activity.pk,
        "kind": "report" if name == "inbox-decide" else "concerns",
        "decision": {
            "inbox-decide": "approve",
            "outreach:material-decide": "approve",
            "programs:evaluation-decide": "accept",
            "reports:plan-decide": "approve",
            "surveys:decide": "approve",
        }.get(name),
        "token": {
            "imports:check": r.import_token,
            "calendar:feed": r.feed_token,
            "resident-stop": r.stop_token,
            "surveys:agency-answer": r.agency_token,
        }.get(name),
        "link_slug": r.social.slug,
        "extension": "csv",
        "listing": "concerns",
        "fmt": "json",
        "code": "traffic",
        "request_id": str(r.resident_concern.public_id),  # 311 reads name public ids only
        "path": "nothing.json",
        "reference": r.worked.reference
        if name in ("concerns:respond", "concerns:acknowledge")
        else r.concern.reference,
        "routing_id": r.routing.pk,
        "action": "note",
        "step": "forward",
        "move": "approve",
        "year": r.published.period_start.year if name.startswith("transparency") else r.plan.year,
        "language": "en",
        "question_id": r.question.pk,
        "direction": "down",
        "forum_id": r.forum.pk,
        "action_id": r.action.pk,
        "slug": r.survey.slug,
        "forum_slug": r.forum.slug,
    }
    kwargs = {arg: values[arg] for arg in URLS[name]}
    missing = [arg for arg, value in kwargs.items() if value is None]
    assert not missing, f"give {name} a value for {missing} in url_kwargs()"
    return kwargs


def admin_kwargs(name: str, r) -> dict:
    arguments = URLS[name]
    if name == "admin:view_on_site":
        content_type = ContentType.objects.get_for_model(type(r.concern))
        return {"content_type_id": content_type.pk, "object_id": r.concern.pk}
    if "app_label" in arguments:
        return {"app_label": "concerns"}
    if "id" in arguments:  # the user admin's password page
        return {"id": r.users["officer"].pk}
    if name.removeprefix("admin:") in OTP_DEVICE_VIEWS:
        return {next(iter(arguments)): r.totp.pk}
    if "object_id" in arguments:
        model = admin_model(name)
        row_ = model._default_manager.order_by("pk").first()
        assert row_ is not None, f"create a {model.__name__} in build_records() for {name}"
        return {"object_id": row_.pk}
    return {}


# --- The walk --------------------------------------------------------------------------------


def describe(response) -> str:
    where = f" to {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{where}"


def assert_outcome(response, expected, path: str, r) -> None:
    got = describe(response)
    if expected in (LOGIN, ADMIN_LOGIN):
        login = "/accounts/login/" if expected == LOGIN else "/admin/login/"
        assert response.status_code == 302, f"expected the login redirect, got {got}"
        target = urlsplit(response["Location"])
        assert target.path == login, f"expected a redirect to {login}, got {got}"
        assert parse_qs(target.query).get("next") == [path], got
    elif isinstance(expected, Redirect):
        assert response.status_code == 302, f"expected {expected!r}, got {got}"
        if (target := expected.target(r)) is not None:
            assert urlsplit(response["Location"]).path == target, (
                f"expected {expected!r}, got {got}"
            )
    else:
        assert response.status_code == expected, f"expected {expected}, got {got}"


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get_answers_as_the_table_says(name, persona, records, client):
    expected = expected_outcome(name, persona)
    path = reverse(name, kwargs=url_kwargs(name, records))
    if persona != "anonymous":
        sign_in(client, records.users[persona])
    response = client.get(path)
    if response.streaming:
        # Read to the end: the test client closes the response (and its file) then.
        b"".join(response.streaming_content)
    assert_outcome(response, expected, path, records)


def test_the_table_names_only_urls_that_exist():
    stale = sorted(set(TABLE) - set(URLS))
    assert not stale, f"remove {stale} from the authorization table: no such URL"
    assert all(set(outcome) == set(PERSONAS) for outcome in TABLE.values())
    assert not {name for name, _ in KNOWN_BUGS} - set(URLS)


def test_every_admin_url_is_covered_by_the_rule():
    admin_names = [name for name in URLS if name.startswith("admin:")]
    assert len(admin_names) > 100
    uncovered = [n for n in admin_names if n not in TABLE and admin_row(n) is None]
    assert not uncovered, f"add {uncovered} to the authorization table or to admin_row()"


# --- Record-level: ids and references guessed ------------------------------------------------

GUESSERS = ("other_officer", "training_officer", "staff_no_role")


def as_user(client, user):
    client.logout()
    if user is not None:
        sign_in(client, user)
    return client


def text_of(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def step_posts(concern, routing=None) -> list[str]:
    """Every URL that changes a concern, for POST."""
    from concerns.steps import STEPS

    urls = [reverse("concerns:step", args=[concern.reference, step]) for step in STEPS]
    urls.append(reverse("concerns:respond", args=[concern.reference]))
    if routing is not None:
        urls.append(reverse("concerns:acknowledge", args=[concern.reference, routing.pk]))
    return urls


def step_data() -> dict:
    from concerns.steps import STEPS

    today = timezone.localdate().isoformat()
    data = {}
    for step in STEPS:
        data.update(
            {f"{step}-text": "Done.", f"{step}-note": "Done.", f"{step}-referred_on": today}
        )
    return data


def test_another_officers_concern_is_not_found_by_guessing(records, client):
    r = records
    owner, guesser = r.users["officer"], r.users["other_officer"]
    as_user(client, owner)
    assert client.get(reverse("concerns:detail", args=[r.concern.reference])).status_code == 200
    updates = {c.pk: c.updates.count() for c in (r.concern, r.worked)}

    as_user(client, guesser)
    for concern, routing in ((r.concern, None), (r.worked, r.routing)):
        ref = concern.reference
        for name in ("concerns:detail", "concerns:logged"):
            assert client.get(reverse(name, args=[ref])).status_code == 404, name
        for url in step_posts(concern, routing):
            assert client.post(url, step_data()).status_code == 404, url
        # The same answer as a reference that does not exist: guessing reveals nothing.
    assert client.get(reverse("concerns:detail", args=["CR-2099-99999"])).status_code == 404
    for concern in (r.concern, r.worked):
        assert concern.updates.count() == updates[concern.pk], "a refused step changed it"

    # Never listed, found by search, nor counted on a page the guesser may open.
    pages = [
        reverse("concerns:list"),
        reverse("concerns:mine"),
        reverse("concerns:list") + f"?q={r.concern.reference}",
        reverse("concerns:list") + "?q=school",
        reverse("outreach:organization", args=[r.organization.pk]),
        reverse("home"),
        reverse("notifications:list"),
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = text_of(response)
        if "?q=" in path:  # the search box shows what was typed: look at the results
            body = body.replace(f'value="{r.concern.reference}"', "")
        for concern in (r.concern, r.worked):
            assert concern.reference not in body, path
        assert "Jordan Secretsource" not in body, path
    # The CSV export is the oversight roles': an officer is refused it outright.
    response = client.get(reverse("concerns:export"))
    assert response.status_code == 403
    assert r.concern.reference not in text_of(response)
    # The supervisor's export does hold it: the check above could have failed.
    as_user(client, r.users["supervisor"])
    assert r.concern.reference in text_of(client.get(reverse("concerns:export")))


def test_conduct_concern_logged_through_the_page_leaves_the_officers_sight(records, client):
    from concerns.models import Concern

    r = records
    officer = r.users["officer"]
    as_user(client, officer)
    response = client.post(
        reverse("concerns:new"),
        {
            "date_received": r.today.isoformat(),
            "category": "conduct_bias",
            "priority": "normal",
            "area": "Pine Street",
            "nature": "actual",
            "summary": "Desk officer mocked a complainant's accent",
            "description": "The officer at the desk mocked the complainant's accent.",
            "suggestions": "",
            "source_type": "citizen",
            "source_name": "Robin Complainant",
            "source_contact": "(555) 010-3333",
            "intake_token": str(uuid.uuid4()),
        },
    )
    concern = Concern.objects.get(source_name="Robin Complainant")
    assert concern.status == Concern.Status.ESCALATED
    logged = reverse("concerns:logged", args=[concern.reference])
    assert response.status_code == 302 and response["Location"] == logged
    page = client.get(logged)
    assert page.status_code == 200 and concern.reference in page.content.decode()
    assert "mocked" not in page.content.decode()
    assert client.get(concern.get_absolute_url()).status_code == 404
    for url in step_posts(concern):
        assert client.post(url, step_data()).status_code == 404, url


@pytest.mark.parametrize(
    ("persona", "detail", "logged"),
    [
        ("officer", 404, 200),  # logged it; then it is out of sight (001 IV.C)
        ("other_officer", 404, 404),
        ("training_officer", 404, 404),
        ("staff_no_role", 404, 404),
        ("supervisor", 200, 404),
        ("cro", 200, 404),
        ("chief", 200, 404),
    ],
)
def test_conduct_concern_guessed_by_reference(records, client, persona, detail, logged):
    r = records
    ref = r.conduct.reference
    as_user(client, r.users[persona])
    response = client.get(reverse("concerns:detail", args=[ref]))
    assert response.status_code == detail
    assert (CONDUCT_TEXT in response.content.decode()) is (detail == 200)
    assert client.get(reverse("concerns:logged", args=[ref])).status_code == logged
    if detail == 404:
        for url in step_posts(r.conduct):
            assert client.post(url, step_data()).status_code == 404, url
        for path in (reverse("concerns:list"), reverse("concerns:list") + f"?q={ref}"):
            body = client.get(path).content.decode().replace(f'value="{ref}"', "")
            assert ref not in body, path


def test_conduct_concern_never_reaches_a_public_or_shared_page(records, client):
    r = records
    ref = r.conduct.reference
    # Open311 is public: the conduct concern does not exist there, a resident's does (by its
    # public id; no reference is ever shown, issue 21).
    conduct_id = str(r.conduct.public_id)
    for request_id in (ref, conduct_id):
        request = reverse("open311:request", kwargs={"request_id": request_id, "fmt": "json"})
        assert client.get(request).status_code == 404
    found = client.get(reverse("open311:requests", kwargs={"fmt": "json"})).content.decode()
    assert ref not in found and conduct_id not in found
    assert str(r.resident_concern.public_id) in found
    # The roll-call briefing is printed for everyone in the room.
    as_user(client, r.users["supervisor"])
    for name in ("briefing",):
        body = client.get(reverse(name)).content.decode()
        assert ref not in body and CONDUCT_TEXT not in body
        assert r.concern.reference in body or "Elm Street" in body


PARTICIPANT_PAGES = {
    # persona: (participant-new and -edit on GET, participant-remove on POST)
    "officer": 403,  # logged the activity: sees it, may not touch its participants
    "supervisor": 403,
    "chief": 403,  # sees the participants, does not manage them
    "other_officer": 404,  # may not see the activity at all
    "training_officer": 404,
    "staff_no_role": 404,
}


@pytest.mark.parametrize(("persona", "code"), PARTICIPANT_PAGES.items())
def test_participant_pages_refused(records, client, persona, code):
    from outreach.models import Participant

    r = records
    as_user(client, r.users[persona])
    args = [r.activity.pk, r.participant.pk]
    assert client.get(reverse("outreach:participant-new", args=[r.activity.pk])).status_code == code
    assert client.get(reverse("outreach:participant-edit", args=args)).status_code == code
    edit = {"name": "Changed", "background_check": "not_required"}
    assert client.post(reverse("outreach:participant-edit", args=args), edit).status_code == code
    assert client.post(reverse("outreach:participant-remove", args=args)).status_code == code
    assert Participant.objects.get(pk=r.participant.pk).name == PARTICIPANT


@pytest.mark.parametrize(
    ("persona", "sees_names"),
    [("officer", False), ("supervisor", False), ("cro", True), ("chief", True)],
)
def test_participant_names_only_on_the_cro_and_chiefs_view(records, client, persona, sees_names):
    r = records
    as_user(client, r.users[persona])
    body = client.get(reverse("outreach:activity", args=[r.activity.pk])).content.decode()
    assert r.activity.title in body
    assert (PARTICIPANT in body) is sees_names
    if not sees_names:
        assert "(555) 010-4242" not in body and "dana@example.test" not in body
    csv_text = text_of(client.get(reverse("outreach:activity-export")))
    assert PARTICIPANT not in csv_text and "dana@example.test" not in csv_text


def test_participant_guessed_under_another_activity_is_404(records, client):
    r = records
    as_user(client, r.users["cro"])
    assert (
        client.get(
            reverse("outreach:participant-edit", args=[r.activity.pk, r.participant.pk])
        ).status_code
        == 200
    )
    guessed = reverse("outreach:participant-edit", args=[r.other_activity.pk, r.participant.pk])
    assert client.get(guessed).status_code == 404
    # The officer's calendar feed carries the activity, never who took part.
    feed = client.get(reverse("calendar:feed", kwargs={"token": r.feed_token}))
    assert r.activity.title in feed.content.decode()
    assert PARTICIPANT not in feed.content.decode()


@pytest.mark.parametrize(
    "persona", ["anonymous", "officer", "supervisor", "training_officer", "staff_no_role"]
)
def test_unpublished_reports_are_refused(records, client, persona):
    r = records
    as_user(client, None if persona == "anonymous" else r.users[persona])
    for report in (r.draft_report, r.submitted_report, r.unpublished):
        for name, args in (
            ("reports:detail", [report.pk]),
            ("reports:pdf", [report.pk]),
            ("reports:listing", [report.pk, "current_concerns"]),
        ):
            response = client.get(reverse(name, args=args))
            if persona == "anonymous":
                assert response.status_code == 302
                assert response["Location"].startswith("/accounts/login/")
            else:
                assert response.status_code == 403, (name, report.status)
        assert client.get(reverse("transparency-pdf", args=[report.pk])).status_code == 404


def test_only_the_approved_transparency_report_is_public(records, client):
    r = records
    report_ids = sorted(
        report.pk for report in (r.draft_report, r.submitted_report, r.published, r.unpublished)
    )
    # Ids guessed one after another: only the published report's PDF answers.
    for pk in range(max(report_ids[0] - 2, 1), report_ids[-1] + 3):
        response = client.get(reverse("transparency-pdf", args=[pk]))
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == (200 if pk == r.published.pk else 404), pk
    page = client.get(reverse("transparency")).content.decode()
    assert r.published.period_label in page
    assert r.unpublished.period_label not in page
    assert reverse("transparency-pdf", args=[r.unpublished.pk]) not in page
    # The CRO and the Chief do read the drafts: the refusals above are about the person.
    for persona in CRO_AND_CHIEF:
        as_user(client, r.users[persona])
        for report in (r.draft_report, r.unpublished):
            assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 200


SURVEY_ARGUMENTS = {
    "pk",
    "question_id",
    "forum_id",
    "action_id",
    "direction",
    "decision",
    "slug",
    "forum_slug",
    "link_slug",  # a social-media link of a survey
    "token",  # an agency head's invitation: nothing links it to the response it allows
}


def test_no_url_reaches_a_single_survey_response(records, client):
    """Outside the admin, no URL takes the id of a response. (The admin's read-only
    Response pages are administrators' only: 403 to staff without the permission, in the
    matrix above; they show the channel, forum, language and day, not the answers.)"""
    app_urls = {name: args for name, args in URLS.items() if not name.startswith("admin:")}
    survey_urls = {n: a for n, a in app_urls.items() if n.startswith(("surveys:", "survey-"))}
    assert survey_urls
    for name, args in survey_urls.items():
        assert args <= SURVEY_ARGUMENTS, f"{name} takes {args - SURVEY_ARGUMENTS}"
    assert not [name for name in app_urls if "response" in name.split(":")[-1]]
    # Guessed paths that would name a response are not URLs, even for the CRO.
    as_user(client, records.users["cro"])
    pk, response_id = records.survey.pk, records.response.pk
    for path in (
        f"/surveys/{pk}/responses/{response_id}/",
        f"/surveys/{pk}/results/{response_id}/",
        f"/surveys/{pk}/{response_id}/",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    ("persona", "code"),
    [
        ("officer", 403),
        ("supervisor", 403),
        ("training_officer", 403),
        ("staff_no_role", 403),
        ("cro", 200),
        ("chief", 200),
    ],
)
def test_survey_results_need_view_surveys(records, client, persona, code):
    as_user(client, records.users[persona])
    for name in ("surveys:results", "surveys:results-csv", "surveys:detail"):
        response = client.get(reverse(name, args=[records.survey.pk]))
        text_of(response)
        assert response.status_code == code, name


@pytest.mark.parametrize("persona", ["officer", "supervisor", "training_officer", "staff_no_role"])
def test_draft_survey_guessed_by_id(records, client, persona):
    from surveys.models import Survey

    r = records
    draft = r.draft_survey
    question = draft.questions.order_by("position").first()
    as_user(client, r.users[persona])
    for name, args in URLS.items():
        if not name.startswith("surveys:") or "pk" not in args:
            continue
        kwargs = {
            "pk": draft.pk,
            "question_id": question.pk,
            "direction": "down",
            "decision": "approve",
            "forum_id": r.forum.pk,
            "action_id": r.action.pk,
        }
        path = reverse(name, kwargs={arg: kwargs[arg] for arg in args})
        assert client.get(path).status_code in (403, 404, 405), path
        response = client.post(path, {"text": "x", "name": "x", "count": 2})
        assert response.status_code in (403, 404), path
    draft.refresh_from_db()
    assert draft.status == Survey.Status.DRAFT
    assert draft.questions.count() > 0 and not draft.forums.exists()
    # The public link of a draft answers "closed", with none of the unapproved questions.
    as_user(client, None)
    response = client.get(reverse("survey-public", args=[draft.slug]))
    assert response.status_code == 410
    assert question.text not in response.content.decode()


# --- Stored files: only through the views that check ------------------------------------------


def media_pattern():
    """A /media/ route (django.conf.urls.static) would serve stored files to anyone."""
    from django.views.static import serve

    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLPattern) and entry.callback is serve:
            return entry
    return None


@pytest.mark.parametrize(
    "persona", ["anonymous", "officer", "supervisor", "training_officer", "staff_no_role"]
)
def test_stored_files_are_served_only_through_their_views(records, client, persona):
    # Draft report PDFs have guessable names; designs and logos are for some roles only.
    assert media_pattern() is None, "no URL may serve MEDIA_ROOT directly, even with DEBUG on"
    as_user(client, None if persona == "anonymous" else records.users[persona])
    for name in (records.draft_report.pdf.name, records.material.design.name):
        response = client.get("/media/" + name)
        assert response.status_code == 404, f"/media/{name}: {describe(response)}"


def test_the_personas_are_the_conftests(records, personas, other_officer):
    """The module builds its users under the conftest's usernames: its fixtures are these."""
    for persona, user in personas.items():
        if persona in records.users:
            assert records.users[persona] == user, persona
    assert records.users["other_officer"] == other_officer
    staff = records.users["staff_no_role"]
    assert staff.is_staff and not staff.is_superuser and staff.dsn
    assert not staff.groups.exists()
