"""The roll-call briefing: the community's open concerns and the unit's recent outreach, by
area, on one page a supervisor reads out at the start of a shift (004 1.2: supervisors keep
their subordinates apprised of specific community problems and concerns).

What it leaves out is deliberate. Conduct and bias concerns are personnel matters (001 IV.C)
and never reach a roll call; the names and contacts of the people who raised a concern are
confidential and are never read from the database here. The caps keep the page, and its PDF,
to one letter-size sheet; each area links to the full list for the rest.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When, Window
from django.db.models.functions import Left, RowNumber
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.maps import by_area
from accounts.models import Agency, Area
from concerns.models import Concern
from core.pdf import pdf_response, render_pdf
from core.permissions import Permission
from core.web import crumbs, require_permission
from outreach.models import OutreachActivity

DAYS_CHOICES = (7, 14, 30)
DEFAULT_DAYS = 14
# One letter-size sheet holds this much at the worst (long areas, long descriptions); the
# one-page test renders exactly that case, so raise a cap only with that test passing.
# Four areas of concerns and three of outreach, since the beats' map (every beat's count)
# shares the sheet with them.
CONCERN_AREAS = 4
CONCERNS_PER_AREA = 3
ACTIVITY_AREAS = 3
ACTIVITIES_PER_AREA = 3
DESCRIPTION_CHARS = 160
AREA_CHARS = 70
TITLE_CHARS = 70
NO_AREA = _("Not placed in an area")

# Urgent and high first: what the shift must know before what it may like to know.
PRIORITY_ORDER = Case(
    When(priority=Concern.Priority.URGENT, then=Value(0)),
    When(priority=Concern.Priority.HIGH, then=Value(1)),
    When(priority=Concern.Priority.NORMAL, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

CATEGORY_LABELS = dict(Concern.Category.choices)
NATURE_LABELS = dict(Concern.Nature.choices)
STATUS_LABELS = dict(Concern.Status.choices)
PRIORITY_LABELS = dict(Concern.Priority.choices)
KIND_LABELS = dict(OutreachActivity.Kind.choices)


def _days_label(days: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


days_label = lazy(_days_label, str)


class BriefingFilterForm(forms.Form):
    area = forms.CharField(
        label=_("Area contains"),
        required=False,
        max_length=160,
        widget=forms.TextInput(attrs={"placeholder": _("Neighborhood, beat or street")}),
    )
    days = forms.TypedChoiceField(
        label=_("Recent means the last"),
        choices=[(d, days_label(d)) for d in DAYS_CHOICES],
        coerce=int,
        required=False,
        empty_value=DEFAULT_DAYS,
    )


def read_filters(query) -> tuple[str, int]:
    """The area and the number of days asked for; anything unusable falls back to the
    default for that field alone, without an error (a briefing is never refused)."""
    form = BriefingFilterForm(query)
    form.is_valid()
    area = "" if "area" in form.errors else form.cleaned_data.get("area", "").strip()
    days = DEFAULT_DAYS if "days" in form.errors else form.cleaned_data.get("days")
    return area, days or DEFAULT_DAYS


@dataclass
class AreaGroup:
    area: str
    label: str
    total: int
    rows: list[dict] = field(default_factory=list)
    list_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class Briefing:
    area: str
    days: int
    today: dt.date
    since: dt.date
    open_total: int
    new_total: int
    concern_area_total: int
    concern_groups: list[AreaGroup]
    activity_total: int
    attendance_total: int
    activity_area_total: int
    activity_groups: list[AreaGroup]
    all_open_url: str
    by_beat: dict = field(default_factory=dict)

    @property
    def concerns_listed(self) -> int:
        return sum(len(g.rows) for g in self.concern_groups)

    @property
    def concern_areas_more(self) -> int:
        return self.concern_area_total - len(self.concern_groups)

    @property
    def activities_listed(self) -> int:
        return sum(len(g.rows) for g in self.activity_groups)

    @property
    def activity_areas_more(self) -> int:
        return self.activity_area_total - len(self.activity_groups)


def _concern_list_url(area: str = "", defined_area=None, *, placed: bool = True) -> str:
    """The concern list's open concerns in one defined area ("null": those not placed)."""
    query = {"open": "on"}
    if not placed:
        query["defined_area"] = "null"
    elif defined_area is not None:
        query["defined_area"] = defined_area
    elif area:
        query["area"] = area
    return f"{reverse('concerns:list')}?{urlencode(query)}"


def _area_label(row: dict) -> str:
    if row["defined_area"] is None:
        return str(NO_AREA)
    return _short(f"{row['defined_area__code']} · {row['defined_area__name']}", AREA_CHARS)


def _where(qs, area: str):
    """The typed filter matches the typed place or the defined area's name or code."""
    if not area:
        return qs
    return qs.filter(
        Q(area__icontains=area)
        | Q(defined_area__name__icontains=area)
        | Q(defined_area__code__iexact=area)
    )


def _short(text: str, limit: int) -> str:
    """One line of text, cut at a word where one is near the limit."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + "…"


def _open_concerns(user, area: str):
    qs = (
        Concern.objects.visible_to(user)
        .open()
        # 001 IV.C: conduct and bias concerns are personnel matters, not for a roll call.
        .exclude(category=Concern.Category.CONDUCT_BIAS)
        # A concern merged into another is read out once, as its lead.
        .filter(duplicate_of__isnull=True)
    )
    return _where(qs, area)


def _recent_activities(user, area: str, since: dt.date, today: dt.date):
    qs = OutreachActivity.objects.visible_to(user).filter(date__gte=since, date__lte=today)
    return _where(qs, area)


def _by_defined_area(qs) -> list[dict]:
    """Every defined area's count (an agency has tens), largest first: the map counts them
    all, the page lists the first few."""
    return list(
        qs.values("defined_area", "defined_area__code", "defined_area__name")
        .annotate(n=Count("id"))
        .order_by("-n", "defined_area__code")
    )


def _concern_groups(concerns, since: dt.date) -> tuple[list[AreaGroup], dict]:
    """The defined areas (beats) with the most open concerns, each with its first few:
    three queries however many concerns there are (totals, every area's count, a window
    over the top areas). The typed place stays on each line."""
    totals = concerns.aggregate(
        open=Count("id"), new=Count("id", filter=Q(date_received__gte=since))
    )
    counts = _by_defined_area(concerns)
    totals["areas"] = len(counts)
    totals["counts"] = {t["defined_area"]: t["n"] for t in counts}
    groups = {
        t["defined_area"]: AreaGroup(
            area=t["defined_area__code"] or "",
            label=_area_label(t),
            total=t["n"],
            list_url=_concern_list_url(
                defined_area=t["defined_area"], placed=t["defined_area"] is not None
            ),
        )
        for t in counts[:CONCERN_AREAS]
    }
    if groups:
        placed = [key for key in groups if key is not None]
        in_groups = Q(defined_area__in=placed)
        if None in groups:
            in_groups |= Q(defined_area__isnull=True)
        rows = (
            concerns.filter(in_groups)
            .annotate(
                # Enough of the description to cut at a word, never the whole text.
                short=Left("description", DESCRIPTION_CHARS + 40),
                position=Window(
                    RowNumber(),
                    partition_by=[F("defined_area")],
                    order_by=[PRIORITY_ORDER.asc(), F("date_received").desc(), F("id").desc()],
                ),
            )
            .filter(position__lte=CONCERNS_PER_AREA)
            # Named fields only: the source's name and contact are never read.
            .values(
                "reference",
                "date_received",
                "summary",
                "category",
                "nature",
                "area",
                "defined_area",
                "status",
                "priority",
                "short",
                "position",
            )
            .order_by("defined_area", "position")
        )
        for row in rows:
            groups[row["defined_area"]].rows.append(
                {
                    "place": _short(row["area"], AREA_CHARS),
                    "reference": row["reference"],
                    "date_received": row["date_received"],
                    "summary": row["summary"],
                    "is_new": row["date_received"] >= since,
                    "category": CATEGORY_LABELS.get(row["category"], row["category"]),
                    "nature": NATURE_LABELS.get(row["nature"], row["nature"]),
                    "status": row["status"],
                    "status_label": STATUS_LABELS.get(row["status"], row["status"]),
                    "priority": row["priority"],
                    "priority_label": PRIORITY_LABELS.get(row["priority"], row["priority"]),
                    "description": _short(row["short"], DESCRIPTION_CHARS),
                }
            )
    return list(groups.values()), totals


def _activity_groups(activities) -> tuple[list[AreaGroup], dict]:
    """The defined areas with the most recent activities, newest first within each: three
    queries."""
    totals = activities.aggregate(count=Count("id"), attendance=Sum("attendance"))
    counts = _by_defined_area(activities)
    totals["areas"] = len(counts)
    groups = {
        t["defined_area"]: AreaGroup(
            area=t["defined_area__code"] or "", label=_area_label(t), total=t["n"]
        )
        for t in counts[:ACTIVITY_AREAS]
    }
    if groups:
        placed = [key for key in groups if key is not None]
        in_groups = Q(defined_area__in=placed)
        if None in groups:
            in_groups |= Q(defined_area__isnull=True)
        rows = (
            activities.filter(in_groups)
            .annotate(
                position=Window(
                    RowNumber(),
                    partition_by=[F("defined_area")],
                    order_by=[F("date").desc(), F("id").desc()],
                )
            )
            .filter(position__lte=ACTIVITIES_PER_AREA)
            .values("id", "date", "kind", "title", "area", "defined_area", "attendance", "position")
            .order_by("defined_area", "position")
        )
        for row in rows:
            groups[row["defined_area"]].rows.append(
                {
                    "place": _short(row["area"], AREA_CHARS),
                    "url": reverse("outreach:activity", args=[row["id"]]),
                    "date": row["date"],
                    "kind": KIND_LABELS.get(row["kind"], row["kind"]),
                    "title": _short(row["title"], TITLE_CHARS),
                    "attendance": row["attendance"],
                }
            )
    return list(groups.values()), totals


def build_briefing(user, *, area: str = "", days: int = DEFAULT_DAYS, today=None) -> Briefing:
    today = today or timezone.localdate()
    # "The last 7 days" are today and the six before it.
    since = today - dt.timedelta(days=days - 1)
    concern_groups, concern_totals = _concern_groups(_open_concerns(user, area), since)
    activity_groups, activity_totals = _activity_groups(
        _recent_activities(user, area, since, today)
    )
    return Briefing(
        area=area,
        days=days,
        today=today,
        since=since,
        open_total=concern_totals["open"],
        new_total=concern_totals["new"],
        concern_area_total=concern_totals["areas"],
        concern_groups=concern_groups,
        activity_total=activity_totals["count"],
        attendance_total=activity_totals["attendance"] or 0,
        activity_area_total=activity_totals["areas"],
        activity_groups=activity_groups,
        all_open_url=_concern_list_url(area),
        # The beats a roll call is organised by, shaded by open concerns.
        by_beat=by_area(concern_totals["counts"], kind=Area.Kind.BEAT),
    )


# --- Views ----------------------------------------------------------------------------


@never_cache
@require_GET
def briefing_page(request):
    require_permission(request, Permission.VIEW_BRIEFING)
    area, days = read_filters(request.GET)
    briefing = build_briefing(request.user, area=area, days=days)
    query = urlencode({"area": area, "days": days} if area else {"days": days})
    return render(
        request,
        "desk/briefing.html",
        {
            "briefing": briefing,
            "form": BriefingFilterForm(initial={"area": area, "days": days}),
            "pdf_url": f"{reverse('briefing-pdf')}?{query}",
            "generated_at": timezone.localtime(),
            "breadcrumbs": crumbs((gettext("Roll-call briefing"), None)),
        },
    )


@never_cache
@require_GET
def briefing_pdf(request):
    """One page renders in well under a second, so it is made in the request: a briefing
    printed minutes before roll call must show what is true now."""
    require_permission(request, Permission.VIEW_BRIEFING)
    area, days = read_filters(request.GET)
    briefing = build_briefing(request.user, area=area, days=days)
    generated_at = timezone.localtime()
    pdf = render_pdf(
        "desk/pdf/briefing.html",
        {
            **Agency.load().letterhead(),
            "briefing": briefing,
            "generated_at": generated_at,
            "generated_by": request.user,
        },
    )
    return pdf_response(pdf, f"roll-call-briefing-{generated_at:%Y%m%d-%H%M}.pdf")
