"""The command staff's attendance at community meetings, for the Chief and the CRO
(004 §2.0, 002 §300.4(g)): per member, how many meetings in the period, the last one,
and links to the latest."""

import calendar
import datetime as dt

from django import forms
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.permissions import Permission
from core.web import crumbs, require_permission
from core.widgets import DateInput
from outreach.command_staff import (
    COMMUNITY_MEETING_KINDS,
    RECENT_MEETINGS,
    attendance_by_member,
    meetings_attended,
    recent_meetings,
)
from outreach.models import OutreachActivity

CUSTOM_NEEDS_BOTH = gettext_lazy("Give both dates of the custom period.")
CUSTOM_BACKWARDS = gettext_lazy("The custom period ends before it starts.")
CUSTOM_TOO_LONG = gettext_lazy("A custom period can be ten years at most.")


class PeriodForm(forms.Form):
    """The period the page shows: this year by default, as the annual report counts."""

    period = forms.ChoiceField(
        label=gettext_lazy("Period"),
        required=False,
        choices=[
            ("year", gettext_lazy("This year")),
            ("quarter", gettext_lazy("This quarter")),
            ("month", gettext_lazy("This month")),
            ("custom", gettext_lazy("Custom dates")),
        ],
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("period") == "custom" and not self.errors:
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(CUSTOM_NEEDS_BOTH)
            if end < start:
                raise forms.ValidationError(CUSTOM_BACKWARDS)
            if (end - start).days > 3660:
                raise forms.ValidationError(CUSTOM_TOO_LONG)
        return data

    def dates(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The first and last day picked; this year when the input is missing or bad."""
        key = self.cleaned_data.get("period") if self.is_valid() else "year"
        if key == "custom":
            return self.cleaned_data["start"], self.cleaned_data["end"]
        if key == "month":
            last = calendar.monthrange(today.year, today.month)[1]
            return today.replace(day=1), today.replace(day=last)
        if key == "quarter":
            first = (today.month - 1) // 3 * 3 + 1
            last = calendar.monthrange(today.year, first + 2)[1]
            return dt.date(today.year, first, 1), dt.date(today.year, first + 2, last)
        return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def command_staff_attendance(request):
    require_permission(request, Permission.VIEW_DASHBOARD)
    form = PeriodForm(request.GET or None)
    start, end = form.dates(timezone.localdate())
    members = attendance_by_member(start, end)
    latest = recent_meetings([m.pk for m in members], start, end)
    kinds = dict(OutreachActivity.Kind.choices)
    activities = reverse("outreach:activities")
    rows = [
        {
            "member": m,
            "meetings": m.meetings,
            "last": m.last_meeting,
            "recent": [{**a, "kind": kinds[a["kind"]]} for a in latest.get(m.pk, [])],
            # Every activity of theirs in the period, meetings or not: the list's own filter.
            "all_url": activities
            + "?"
            + urlencode({"officer": m.pk, "date_from": start, "date_to": end}),
        }
        for m in members
    ]
    return render(
        request,
        "outreach/command_staff.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rows": rows,
            "total": meetings_attended(start, end),
            "recent_limit": RECENT_MEETINGS,
            "meeting_kinds": sorted(str(kinds[k]) for k in COMMUNITY_MEETING_KINDS),
            "breadcrumbs": crumbs((_("Command staff at community meetings"), None)),
        },
    )
