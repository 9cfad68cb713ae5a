"""A report's PDF render that fails, overruns its time limit, or dies with its worker leaves
the report exactly as it was, says so in plain words, and can be asked for again
(performance and reliability issue). bench/pdf_worker_kill.py kills a real worker."""

import datetime as dt
import hashlib
import multiprocessing
import time

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from reports import services, tasks
from reports.models import RENDER_MARGIN, Report
from reports.pdf import store_pdf
from reports.tasks import render_report

pytestmark = pytest.mark.django_db

R = Report.Render

# WeasyPrint needs many seconds for a table this long (about 4 s a thousand rows).
SLOW_HTML = "<table>" + "<tr><td>Row</td><td>Some text</td></tr>" * 5000 + "</table>"


@pytest.fixture
def report(cro):
    """A draft quarterly report for a quarter already under way."""
    day = timezone.localdate() - dt.timedelta(days=120)
    return services.generate_report(kind="quarterly", day=day, by=cro)


@pytest.fixture
def ask_render(cro, django_capture_on_commit_callbacks):
    """Ask for a render as the CRO; the task runs at once (immediate backend)."""

    def ask(report):
        with django_capture_on_commit_callbacks(execute=True):
            services.request_render(report=report, by=cro)
        report.refresh_from_db()
        return report

    return ask


@pytest.fixture
def rendered(report, ask_render):
    """The report with a draft PDF already stored."""
    ask_render(report)
    assert report.render_state == R.DONE and report.pdf
    return report


def stored(report) -> dict:
    """What must not change when a render does not complete."""
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        content = hashlib.sha256(f.read()).hexdigest()
    return {
        "status": report.status,
        "pdf": report.pdf.name,
        "pdf_sha256": report.pdf_sha256,
        "file": content,
        "narratives": report.narratives,
        "revision": report.revision,
        "rendered_at": report.rendered_at,
    }


def files_on_disk(settings) -> set[str]:
    folder = settings.MEDIA_ROOT / "reports"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def test_render_that_raises_leaves_the_report_unchanged_and_retryable(
    rendered, ask_render, monkeypatch, settings
):
    before, files = stored(rendered), files_on_disk(settings)

    def broken(report):
        raise RuntimeError("the section template broke")

    monkeypatch.setattr("reports.pdf.report_html", broken)
    ask_render(rendered)
    assert rendered.render_state == R.FAILED
    assert rendered.render_error == (
        "The PDF could not be rendered (RuntimeError: the section template broke). Nothing "
        "was changed. Try again; if it fails again, tell your administrator."
    )
    assert stored(rendered) == before
    assert files_on_disk(settings) == files

    monkeypatch.undo()
    ask_render(rendered)
    assert rendered.render_state == R.DONE and rendered.render_error == ""
    assert rendered.pdf.name != before["pdf"]
    assert files_on_disk(settings) == {rendered.pdf.name.rsplit("/", 1)[-1]}  # old one gone


def test_layout_that_fails_in_its_process_leaves_the_report_unchanged(
    rendered, ask_render, monkeypatch
):
    before = stored(rendered)
    monkeypatch.setattr("reports.pdf.report_html", lambda report: None)  # WeasyPrint refuses
    ask_render(rendered)
    assert rendered.render_state == R.FAILED
    assert rendered.render_error.startswith("The PDF could not be rendered (TypeError: ")
    assert stored(rendered) == before


def test_layout_past_the_time_limit_is_stopped(
    rendered, ask_render, monkeypatch, settings, client_for, cro
):
    settings.CRD_PDF_TIMEOUT_SECONDS = 1
    before, files = stored(rendered), files_on_disk(settings)
    monkeypatch.setattr("reports.pdf.report_html", lambda report: SLOW_HTML)
    started = time.monotonic()
    ask_render(rendered)
    assert time.monotonic() - started < 8  # stopped, not left to run its many seconds
    assert rendered.render_state == R.FAILED
    assert rendered.render_error == tasks.RENDER_TIMED_OUT.format(seconds=1)
    assert rendered.render_error.startswith(
        "The PDF took too long and was stopped. Nothing was changed. Try again, or"
    )
    assert multiprocessing.active_children() == []  # the layout process was killed
    assert stored(rendered) == before
    assert files_on_disk(settings) == files
    page = client_for(cro).get(rendered.get_absolute_url()).content.decode()
    assert "The PDF took too long and was stopped." in page
    assert "Try again</button>" in page and 'http-equiv="refresh"' not in page


def test_slow_data_past_the_time_limit_is_stopped(rendered, ask_render, monkeypatch, settings):
    settings.CRD_PDF_TIMEOUT_SECONDS = 1
    before = stored(rendered)

    def slow(report):
        time.sleep(1.2)
        return "<p>Too late.</p>"

    monkeypatch.setattr("reports.pdf.report_html", slow)
    ask_render(rendered)
    assert rendered.render_error == tasks.RENDER_TIMED_OUT.format(seconds=1)
    assert stored(rendered) == before


def test_stale_running_render_is_shown_as_interrupted_and_a_retry_works(
    rendered, settings, client_for, cro, django_capture_on_commit_callbacks
):
    before = stored(rendered)
    # The worker died mid-render: "running" since longer than a render may take.
    long_ago = (
        timezone.now()
        - dt.timedelta(seconds=settings.CRD_PDF_TIMEOUT_SECONDS)
        - RENDER_MARGIN
        - dt.timedelta(seconds=5)
    )
    Report.objects.filter(pk=rendered.pk).update(
        render_state=R.RUNNING, render_progress=50, render_started_at=long_ago
    )
    client = client_for(cro)
    page = client.get(rendered.get_absolute_url()).content.decode()
    assert "The PDF was interrupted" in page and "Nothing was changed. Try again." in page
    assert 'http-equiv="refresh"' not in page and "Try again</button>" in page
    assert f'href="{reverse("reports:pdf", args=[rendered.pk])}"' in page  # the earlier PDF
    assert stored(rendered) == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:render", args=[rendered.pk]))
    assert response.status_code == 302
    rendered.refresh_from_db()
    assert rendered.render_state == R.DONE and rendered.rendered_at > before["rendered_at"]


def test_running_render_is_followed_and_not_started_twice(rendered, client_for, cro):
    from tests.reports.test_render_retry import other_session

    before = stored(rendered)
    Report.objects.filter(pk=rendered.pk).update(
        render_state=R.RUNNING, render_progress=50, render_started_at=timezone.now()
    )
    # Its worker is alive: it holds the render lock in its own session (RENDER_LOCK).
    worker = other_session()
    worker.execute("SELECT pg_advisory_lock(730913, %s)", [rendered.pk])
    client = client_for(cro)
    page = client.get(rendered.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and "Try again" not in page
    refused = client.post(reverse("reports:render", args=[rendered.pk]))
    assert refused.status_code == 400
    assert str(services.ALREADY_RENDERING) in refused.content.decode()
    # A second task for the same render (a double click that got through) does nothing.
    render_report.call(rendered.pk)
    rendered.refresh_from_db()
    assert rendered.render_state == R.RUNNING
    assert stored(rendered) == before
    worker.close()


def test_render_waiting_too_long_for_a_worker_says_so(rendered, settings, client_for, cro):
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CRD_PDF_TIMEOUT_SECONDS + 3600)
    Report.objects.filter(pk=rendered.pk).update(render_state=R.QUEUED, render_started_at=long_ago)
    page = client_for(cro).get(rendered.get_absolute_url()).content.decode()
    assert "for the background worker, which may be busy or stopped" in page
    assert 'http-equiv="refresh"' not in page and "Try again</button>" in page


def test_draft_pdf_is_not_kept_on_a_report_submitted_meanwhile(
    rendered, ask_render, monkeypatch, cro, settings
):
    from reports import pdf

    html_of = pdf.report_html
    before, files = stored(rendered), files_on_disk(settings)

    def submitted_meanwhile(report):
        services.submit_report(report=report, by=cro, late_reason="Late.")
        return html_of(report)

    monkeypatch.setattr("reports.pdf.report_html", submitted_meanwhile)
    ask_render(rendered)
    assert rendered.status == "submitted"
    assert rendered.render_state == R.FAILED and rendered.render_error == tasks.REPORT_CHANGED
    assert (rendered.pdf.name, rendered.rendered_at) == (before["pdf"], before["rendered_at"])
    assert files_on_disk(settings) == files  # the new file was removed


def test_pdf_is_stored_whole_under_a_new_name(settings):
    first = store_pdf(default_storage, "reports/annual-2025-v1.pdf", b"%PDF first")
    second = store_pdf(default_storage, "reports/annual-2025-v1.pdf", b"%PDF second")
    assert first == "reports/annual-2025-v1.pdf" and second != first
    with default_storage.open(first) as f:
        assert f.read() == b"%PDF first"  # never replaced
    with default_storage.open(second) as f:
        assert f.read() == b"%PDF second"
    assert not [n for n in files_on_disk(settings) if n.startswith(".render-")]
