"""Calendar feeds (issue: integration): a secret, revocable iCalendar link per person that
Outlook, Google or Apple calendars subscribe to.

The feed holds the outreach activities the person takes part in and, for those who answer
for them, the due dates of the periodic reports and program evaluations. It never holds a
concern, a participant or an activity's free-text summary: a calendar app copies what it
reads to servers the department does not run.

Only a SHA-256 of the secret is stored; the link is shown once, when it is made. The
services come first, then the pages (`accounts/calendar_urls.py` mounts them at
`/calendar/`).
"""

import datetime as dt
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from icalendar import Calendar, Event

from accounts.models import Agency, User
from core.permissions import Permission, has_permission, require
from core.web import crumbs, require_permission, secret_digest
from desk.models import CalendarFeed
from outreach.models import OutreachActivity
from programs.services import evaluation_schedule
from reports.models import Report
from reports.periods import calendar_rows

PRODID = "-//Community Relations Desk//EN"
FILENAME = "community-relations.ics"
# The window of activities a feed carries: the week just past and the year ahead.
DAYS_BACK = 7
DAYS_AHEAD = 365
# A bound on one feed, whatever happens to the data: a year of one person's outreach.
MAX_ACTIVITIES = 1000
# How often calendar apps should come back (a hint; Google decides for itself).
REFRESH = dt.timedelta(hours=1)  # keep X-PUBLISHED-TTL below in step

# What the audit trail writes for the path of a feed, in place of the secret.
PATH_IN_TRAIL = "/calendar/(secret link).ics"

NOT_YOUR_FEED = gettext_lazy("You can revoke only your own calendar link.")


def token_hash(token: str) -> str:
    return secret_digest(token)


def feed_url(token: str) -> str:
    """The full link to subscribe to, on the site's public address."""
    return settings.CRD_SITE_URL.rstrip("/") + reverse("calendar:feed", args=[token])


def _host() -> str:
    return urlsplit(settings.CRD_SITE_URL).hostname or "localhost"


def active_feed(user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


# --- Services --------------------------------------------------------------------------


@transaction.atomic
def create_feed(*, by) -> tuple[CalendarFeed, str]:
    """A new link for `by`; their earlier links stop working. Returns the feed and the
    secret, which is not stored and cannot be shown again."""
    require(by, Permission.VIEW_HOME)
    # Lock the person's row: two clicks at once leave one working link, not two.
    User.objects.select_for_update().filter(pk=by.pk).first()
    now = timezone.now()
    CalendarFeed.objects.filter(user=by, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=by, token_hash=token_hash(token))
    return feed, token


@transaction.atomic
def revoke_feed(*, feed: CalendarFeed, by) -> CalendarFeed:
    """Stop a link from working. Only its owner may; revoking twice changes nothing."""
    if feed.user_id != by.pk:
        raise PermissionDenied(NOT_YOUR_FEED)
    CalendarFeed.objects.filter(pk=feed.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    feed.refresh_from_db(fields=["revoked_at"])
    return feed


# --- The calendar ----------------------------------------------------------------------


def feed_activities(user, today: dt.date):
    """The activities in the feed's window that `user` logged or took part in: one query,
    the officers through a subquery so that no DISTINCT is needed."""
    took_part = OutreachActivity.officers.through.objects.filter(user_id=user.pk).values(
        "outreachactivity_id"
    )
    # Scheduled events too: a calendar is where the coming Citizen's Academy belongs.
    return (
        OutreachActivity.with_scheduled.filter(
            date__gte=today - dt.timedelta(days=DAYS_BACK),
            date__lte=today + dt.timedelta(days=DAYS_AHEAD),
        )
        .filter(Q(logged_by_id=user.pk) | Q(pk__in=took_part))
        .select_related("program")
        .only("id", "date", "title", "area", "kind", "updated_at", "program__name")
        .order_by("date", "id")
    )


def period_text(start: dt.date, end: dt.date) -> str:
    """`Jul 1 – Sep 30, 2026`; the year on both ends only when they differ."""
    if start.year == end.year:
        return f"{start:%b} {start.day} – {end:%b} {end.day}, {end.year}"
    return f"{start:%b} {start.day}, {start.year} – {end:%b} {end.day}, {end.year}"


def _all_day(*, uid: str, day: dt.date, summary: str, stamp: dt.datetime, **extra) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    for name, value in extra.items():
        if value:
            event.add(name, value)
    return event


def build_calendar(user, today: dt.date) -> bytes:
    """The person's iCalendar: their activities, and the report and evaluation due dates
    when they hold the permissions that answer for them. A fixed number of queries."""
    site, host = settings.CRD_SITE_URL.rstrip("/"), _host()
    now = timezone.now().astimezone(dt.UTC)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", Agency.load().name)
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")  # Outlook's name for the same hint

    kinds = dict(OutreachActivity.Kind.choices)
    for activity in feed_activities(user, today)[:MAX_ACTIVITIES]:
        description = str(kinds.get(activity.kind, activity.kind))
        if activity.program_id:
            description += "\n" + _("Session of the program %(name)s") % {
                "name": activity.program.name
            }
        # The model keeps a date, not times: an all-day event.
        cal.add_component(
            _all_day(
                uid=f"activity-{activity.pk}@{host}",
                day=activity.date,
                summary=activity.title,
                stamp=activity.updated_at.astimezone(dt.UTC),
                location=activity.area,
                description=description,
                url=site + activity.get_absolute_url(),
            )
        )

    if has_permission(user, Permission.VIEW_REPORTS):
        reports_url = site + reverse("reports:list")
        for row in calendar_rows(today):
            if row["done"] or row["due"] < today:
                continue
            label = str(Report.Kind(row["kind"]).label)
            cal.add_component(
                _all_day(
                    uid=f"report-{row['kind']}-{row['start']:%Y-%m-%d}@{host}",
                    day=row["due"],
                    summary=_("Due: %(report)s (%(period)s)")
                    % {"report": label, "period": period_text(row["start"], row["end"])},
                    stamp=now,
                    description=_("%(report)s, due to the Chief.") % {"report": label},
                    url=reports_url,
                    transp="TRANSPARENT",
                )
            )

    if has_permission(user, Permission.VIEW_EVALUATIONS):
        for row in evaluation_schedule(today):
            program = row["program"]
            cal.add_component(
                _all_day(
                    uid=f"evaluation-{program.pk}-{row['due']:%Y-%m-%d}@{host}",
                    day=row["due"],
                    summary=_("Due: Program evaluation of %(name)s") % {"name": program.name},
                    stamp=now,
                    description=_("Semi-annual program evaluation (003 1.a.8)."),
                    url=site + program.get_absolute_url(),
                    transp="TRANSPARENT",
                )
            )
    return cal.to_ical()


# --- Pages -----------------------------------------------------------------------------


@login_not_required
@require_GET
def feed(request, token: str):
    """The subscription itself. The secret is the only key: an unknown, revoked or
    deactivated link, or a person who no longer holds a role, is a 404. Each fetch is in
    the audit trail, with whose feed it was; the secret never is."""
    request.audit_path = PATH_IN_TRAIL
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if found is None or not has_permission(found.user, Permission.VIEW_HOME):
        raise Http404
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    body = build_calendar(found.user, timezone.localdate())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{FILENAME}"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    response.audit_detail = f"feed of {found.user.get_username()}"  # audit.trail
    return response


def _page(request, *, new_token: str | None = None, status: int = 200):
    user = request.user
    link = feed_url(new_token) if new_token else ""
    response = render(
        request,
        "desk/calendar.html",
        {
            "feed": active_feed(user),
            "new_link": link,
            "webcal_link": "webcal://" + link.split("://", 1)[1] if link else "",
            "activity_count": feed_activities(user, timezone.localdate()).count(),
            "days_back": DAYS_BACK,
            "has_reports": has_permission(user, Permission.VIEW_REPORTS),
            "has_evaluations": has_permission(user, Permission.VIEW_EVALUATIONS),
            "breadcrumbs": crumbs((_("Calendar feed"), None)),
        },
        status=status,
    )
    if new_token:
        response["Cache-Control"] = "no-store"  # the secret must not sit in any cache
    return response


@require_GET
def settings_page(request):
    require_permission(request, Permission.VIEW_HOME)
    return _page(request)


@require_POST
def create(request):
    require_permission(request, Permission.VIEW_HOME)
    _, token = create_feed(by=request.user)
    # Shown once, in this response: only the hash is stored, so there is no redirect to a
    # page that could show it again.
    return _page(request, new_token=token)


@require_POST
def revoke(request, pk: int):
    feed_row = get_object_or_404(CalendarFeed, pk=pk, user=request.user)
    revoke_feed(feed=feed_row, by=request.user)
    messages.success(request, _("The calendar link is revoked. Calendars using it stop updating."))
    return redirect("calendar:settings")
