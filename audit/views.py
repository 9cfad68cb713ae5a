"""The Chief's page for searching the audit trail, its CSV export, and the result of the
trail's integrity checks."""

import datetime as dt
import json

from django import forms
from django.apps import apps
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import naming
from audit.models import AuditCheck, AuditEvent
from audit.tasks import check_trail
from audit.triggers import audited_tables
from core.permissions import Permission
from core.web import crumbs, csv_download, require_permission

PER_PAGE = 100
VALUE_LIMIT = 200


def record_types() -> list[tuple[str, str]]:
    """(table, "Concern (concerns)") for every audited table, by label."""
    labels = {}
    tables = audited_tables()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in tables and table not in labels:
            labels[table] = naming.kind_label(model)
    # Two kinds that read the same ("Device") are told apart by their app.
    seen = list(labels.values())
    for table, label in labels.items():
        if seen.count(label) > 1:
            labels[table] = f"{label} ({table.split('_')[0]})"
    return sorted(labels.items(), key=lambda pair: pair[1].lower())


class AuditFilter(forms.Form):
    person = forms.CharField(
        label=_("Person (username)"), required=False, max_length=150, strip=True
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("Any action")), *AuditEvent.Action.choices],
    )
    record_type = forms.ChoiceField(label=_("Record type"), required=False, choices=[])
    record_id = forms.CharField(label=_("Record number"), required=False, max_length=64)
    since = forms.DateField(
        label=_("From (UTC)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To (UTC)"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", gettext("Any record")), *record_types()]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("The end date is before the start date."))
        if data.get("record_id") and not data.get("record_type"):
            self.add_error(
                "record_type", gettext("Choose the kind of record the number belongs to.")
            )
        return data

    def filtered(self, queryset):
        data = self.cleaned_data
        if data.get("person"):
            queryset = queryset.filter(actor_name=data["person"])
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("record_type"):
            queryset = queryset.filter(record_type=data["record_type"])
        if data.get("record_id"):
            queryset = queryset.filter(record_id=data["record_id"])
        if data.get("since"):
            queryset = queryset.filter(at__gte=_utc_midnight(data["since"]))
        if data.get("until"):
            queryset = queryset.filter(at__lt=_utc_midnight(data["until"] + dt.timedelta(1)))
        return queryset


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_LIMIT else text[: VALUE_LIMIT - 1] + "…"


def _change_lines(event) -> list[dict]:
    if not isinstance(event.changes, dict):
        return []
    if event.action == AuditEvent.Action.UPDATE:
        return [
            {"field": field, "old": _short(pair[0]), "new": _short(pair[1])}
            if isinstance(pair, list) and len(pair) == 2
            else {"field": field, "old": "", "new": _short(pair)}
            for field, pair in sorted(event.changes.items())
        ]
    return [{"field": field, "new": _short(value)} for field, value in event.changes.items()]


def _search(request):
    form = AuditFilter(request.GET or None)
    queryset = AuditEvent.objects.all()
    if form.is_bound and form.is_valid():
        queryset = form.filtered(queryset)
    elif form.is_bound:
        queryset = queryset.none()
    return form, queryset


def audit_trail(request):
    require_permission(request, Permission.VIEW_AUDIT)
    form, queryset = _search(request)
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None
    if before:
        queryset = queryset.filter(id__lt=before)
    # Newest first, one row more than shown to know whether older ones exist: no count.
    rows = list(queryset.order_by("-id")[: PER_PAGE + 1])
    has_older = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    labels = dict(record_types())
    named = naming.names(rows)
    for row in rows:
        row.record_label = named.get((row.record_type, str(row.record_id))) or (
            f"{labels.get(row.record_type, row.record_type)} {row.record_id}"
            if row.record_type
            else ""
        )
        row.change_lines = _change_lines(row)
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "audit/trail.html",
        {
            "form": form,
            "rows": rows,
            "query": query.urlencode(),
            "older": rows[-1].id if has_older else None,
            "paged": bool(before),
            "breadcrumbs": crumbs((gettext("Audit trail"), None)),
            "export_url": reverse("audit:export"),
        },
    )


def audit_export(request):
    """Every entry the search finds, oldest first, streamed (this download is audited too)."""
    require_permission(request, Permission.VIEW_AUDIT)
    _, queryset = _search(request)
    header = [
        "id",
        "time_utc",
        "action",
        "person",
        "client_address",
        "request",
        "record_type",
        "record_id",
        "detail",
        "changes",
    ]
    rows = (
        [
            e.id,
            e.at.astimezone(dt.UTC).isoformat(),
            e.action,
            e.actor_name,
            e.client_address or "",
            e.path,
            e.record_type,
            e.record_id,
            e.detail,
            json.dumps(e.changes, ensure_ascii=False) if e.changes is not None else "",
        ]
        for e in queryset.order_by("id").iterator(chunk_size=2000)
    )
    return csv_download(header, rows, "audit-trail.csv")


def integrity(request):
    """The trail's daily check: whether every sealed entry is as it was written, and where
    not (audit/chain.py). A check can be asked for now; it runs in the background."""
    require_permission(request, Permission.VIEW_AUDIT)
    if request.method == "POST":
        check_trail.enqueue()
        messages.success(
            request, gettext("A check has started. Its result appears here in a few minutes.")
        )
        return redirect("audit:integrity")
    checks = list(AuditCheck.objects.order_by("-id")[:10])
    return render(
        request,
        "audit/integrity.html",
        {
            "latest": checks[0] if checks else None,
            "checks": checks,
            "breadcrumbs": crumbs(
                (gettext("Audit trail"), reverse("audit:trail")), (gettext("Integrity"), None)
            ),
        },
    )
