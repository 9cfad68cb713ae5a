"""The import pages: choose a kind and a file, see every problem, import all or nothing.

The uploaded file is stored as it came and read and checked by the task worker
(imports.tasks), which the check page follows; no request parses a spreadsheet. It waits in
the storage (imports.files) under a generated name between the check and the import, named
by a signed token bound to the person; it is deleted once imported. A second click on
"Import" waits for the first's lock on the check, finds the file held by its import, and
imports nothing twice.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.paging import paginate
from core.permissions import Permission
from core.web import crumbs, csv_download, require_permission
from imports import files
from imports.engine import SHOWN_PROBLEMS, queue_import, template_dataset
from imports.models import FileCheck, ImportLog
from imports.reading import MAX_BYTES, NOT_A_SPREADSHEET
from imports.specs import specs
from imports.tasks import queue_check

SALT = "crd.import"
GONE = _(
    "The uploaded file is no longer here: it was imported already, or it waited more than a "
    "day. Upload it again."
)


def _token(stored: str, kind: str, user_id: int, name: str) -> str:
    return signing.dumps({"f": stored, "k": kind, "u": user_id, "n": name}, salt=SALT)


class UploadForm(forms.Form):
    # The kinds the apps registered (imports.specs), in the order they registered them.
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=lambda: [(kind, spec.label) for kind, spec in specs().items()],
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV (.csv) or Excel (.xlsx), up to 10 MB and 20,000 rows, with a header row."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                gettext("The file is larger than 10 MB. Split it and import each part.")
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(NOT_A_SPREADSHEET)
        # Only its first bytes are looked at here: the file is read by the task worker.
        if upload.name.lower().endswith(".xlsx"):
            upload.seek(0)
            start = upload.read(2)
            upload.seek(0)
            if start != b"PK":
                raise ValidationError(NOT_A_SPREADSHEET)
        return upload


def import_home(request):
    require_permission(request, Permission.IMPORT_RECORDS)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Stored as it came; read and checked by the task worker, never in this request.
        stored = files.save(upload, upload.name.rsplit(".", 1)[-1].lower())
        kind = form.cleaned_data["kind"]
        queue_check(stored_file=stored, kind=kind, file_name=upload.name, by=request.user)
        return redirect("imports:check", token=_token(stored, kind, request.user.pk, upload.name))
    logs = paginate(ImportLog.objects.select_related("by"), request.GET.get("page"), per_page=20)
    return render(
        request,
        "imports/home.html",
        {
            "form": form,
            "specs": specs().values(),
            "page": logs,
            "breadcrumbs": crumbs((gettext("Import records"), None)),
        },
        status=400 if request.method == "POST" else 200,
    )


def _pending(request, token: str) -> dict:
    try:
        pending = signing.loads(token, salt=SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise Http404 from None
    if pending.get("u") != request.user.pk or pending.get("k") not in specs():
        raise Http404
    if not files.valid_name(pending["f"]):
        raise Http404
    return pending


def import_check(request, token: str):
    """The check of an uploaded file: followed while the task worker runs it, then every
    problem, the columns to match, and the button that imports."""
    require_permission(request, Permission.IMPORT_RECORDS)
    pending = _pending(request, token)
    spec = specs()[pending["k"]]
    if not files.available(pending["f"]):
        messages.error(request, GONE)
        return redirect("imports:home")
    queue = {
        "stored_file": pending["f"],
        "kind": pending["k"],
        "file_name": pending["n"],
        "by": request.user,
    }
    entry = FileCheck.objects.filter(stored_file=pending["f"], by=request.user).first()
    if entry is None:  # its record was swept, or the link is older than background checks
        entry = queue_check(**queue)
    if request.method == "POST" and not entry.is_running:
        mapping = {c.name: request.POST.get(f"map-{c.name}", "") for c in spec.columns}
        if request.POST.get("action") != "import" or mapping != entry.mapping:
            entry = queue_check(**queue, mapping=mapping)
        if request.POST.get("action") == "import" and entry.ok:
            return _start_import(request, spec, pending, entry)
    if request.method == "POST" and entry.is_running:
        return redirect("imports:check", token=token)  # the page follows the check
    problems = [{"row": r, "column": c, "message": m} for r, c, m in entry.problem_list]
    return render(
        request,
        "imports/check.html",
        {
            "spec": spec,
            "token": token,
            "file_name": pending["n"],
            "check": entry,
            "headers": entry.headers,
            "columns": [(c, entry.mapping.get(c.name, "")) for c in spec.columns],
            "problems": problems,
            "more_problems": max(entry.problems - SHOWN_PROBLEMS, 0),
            "preview": entry.preview,
            "breadcrumbs": crumbs((gettext("Import records"), "/import/"), (pending["n"], None)),
        },
        status=400 if request.method == "POST" and not entry.ok else 200,
    )


def _start_import(request, spec, pending: dict, entry: FileCheck):
    with transaction.atomic():
        # One click wins: a second waits here until the first's import is committed, then
        # finds the file held by it.
        FileCheck.objects.select_for_update().filter(pk=entry.pk).first()
        if not files.available(pending["f"]):
            messages.info(request, GONE)
            return redirect("imports:home")
        log = queue_import(
            spec=spec,
            stored_file=pending["f"],
            mapping=entry.mapping,
            file_name=pending["n"],
            by=request.user,
        )
    return redirect(log)


def import_log(request, pk: int):
    """One import: its progress while it runs, then what came of it."""
    require_permission(request, Permission.IMPORT_RECORDS)
    log = ImportLog.objects.select_related("by").filter(pk=pk).first()
    if log is None:
        raise Http404
    retry = ""
    mine = log.by_id == request.user.pk and log.stored_file
    if log.status == ImportLog.Status.REFUSED and mine and files.available(log.stored_file):
        retry = _token(log.stored_file, log.kind, request.user.pk, log.file_name)
    return render(
        request,
        "imports/log.html",
        {
            "log": log,
            "retry": retry,
            "breadcrumbs": crumbs((gettext("Import records"), "/import/"), (log.file_name, None)),
        },
    )


def _spec(kind: str):
    if kind not in specs():
        raise Http404
    return specs()[kind]


@require_GET
def import_template(request, kind: str, extension: str):
    """An empty template with the header row, as CSV or Excel."""
    require_permission(request, Permission.IMPORT_RECORDS)
    spec = _spec(kind)
    if extension not in ("csv", "xlsx"):
        raise Http404
    dataset = template_dataset(spec)
    if extension == "xlsx":
        response = HttpResponse(
            dataset.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(dataset.export("csv"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.{extension}"'
    return response


@require_GET
def import_export(request, kind: str):
    """The records already here, in the template's columns: what an import would read."""
    require_permission(request, Permission.IMPORT_RECORDS)
    spec = _spec(kind)
    rows = (["" if v is None else v for v in row] for row in spec.export())
    return csv_download([c.name for c in spec.columns], rows, f"{kind}-export.csv")
