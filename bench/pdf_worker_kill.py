"""A task worker killed in the middle of a report's PDF: nothing on the report changes, the
page says the render was interrupted, and a retry on a new worker completes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crd_helper_pdfkill \\
        .venv/bin/python bench/pdf_worker_kill.py

DATABASE_URL must name a scratch database holding the demo data (`manage.py migrate &&
manage.py seed_demo`); the script adds a draft version of the annual report to it (an
approved report's final file is never rendered again) and gives it a first PDF. Then it
asks for a render, starts `manage.py db_worker`, kills the worker with SIGKILL while
WeasyPrint lays the PDF out, and checks that the report (status, stored file and its
SHA-256) is unchanged and that the layout process ended with the worker. It waits until the
render counts as interrupted, reads the report page as the CRO, starts a new worker, asks
again from the page, and checks the render completes. CRD_PDF_TIMEOUT_SECONDS is 15 here
unless set, so the wait is 45 s rather than two and a half minutes.

Prints PASS or FAIL per check, with timings; exits 1 if any check failed.
"""

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "true")
os.environ.setdefault("CRD_PDF_TIMEOUT_SECONDS", "15")

failures = []


def check(ok: bool, what: str, detail: str = "") -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {what}{f'  ({detail})' if detail else ''}", flush=True)
    if not ok:
        failures.append(what)
    return ok


def timing(what: str, seconds: float) -> None:
    print(f"      {what:44} {seconds:7.2f} s", flush=True)


# --- Processes -------------------------------------------------------------------------


def start_worker(log):
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--queue-name",
            "documents",  # renders run on their own queue (core/queues.py)
            "--no-reload",  # the task runs in this very process, as in production
            "--no-startup-delay",
            "--interval",
            "0.1",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else int(fields[1])


def children_of(pid: int) -> list[int]:
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and parent_of(int(p.name)) == pid
    ]


def descendants(pid: int) -> list[int]:
    found = []
    for child in children_of(pid):
        found += [child, *descendants(child)]
    return found


def grandchildren(pid: int) -> list[int]:
    """The worker's fork server's children: the layout processes."""
    return [p for p in descendants(pid) if parent_of(p) != pid]


def alive(pid: int) -> bool:
    # A zombie has finished; its parent (init, once orphaned) has not reaped it yet.
    return parent_of(pid) is not None


# --- The report ------------------------------------------------------------------------


def snapshot(report) -> dict:
    report.refresh_from_db()
    with report.pdf.open("rb") as f:
        content = f.read()
    return {
        "status": report.status,
        "pdf": report.pdf.name,
        "pdf_sha256": report.pdf_sha256,
        "file sha256": hashlib.sha256(content).hexdigest(),
        "narratives": report.narratives,
        "revision": report.revision,
        "rendered_at": report.rendered_at,
    }


def wait_for(condition, timeout: float, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return None


def main() -> int:
    if not os.environ.get("DATABASE_URL"):
        sys.exit("Set DATABASE_URL to a scratch database with the demo data loaded.")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from core.roles import Role
    from reports import services
    from reports.models import RENDER_MARGIN, Report
    from reports.tasks import render_report

    R = Report.Render
    cro = User.objects.filter(groups__name=Role.CRO.value, is_active=True).first()
    approved = Report.objects.filter(kind=Report.Kind.ANNUAL, status="approved").first()
    if cro is None or approved is None:
        sys.exit("No demo data here: run `manage.py migrate && manage.py seed_demo` first.")

    report = (
        Report.objects.filter(
            kind=Report.Kind.ANNUAL, period_start=approved.period_start, status="draft"
        )
        .order_by("-version")
        .first()
    ) or services.generate_report(kind="annual", day=approved.period_start, by=cro)
    t = time.perf_counter()
    render_report.call(report.pk)
    timing("first render of the draft (in this process)", time.perf_counter() - t)
    report.refresh_from_db()
    if not check(report.render_state == R.DONE, f"report {report} has a stored draft PDF"):
        return 1
    before = snapshot(report)
    media = Path(settings.MEDIA_ROOT) / "reports"
    files_before = {p.name for p in media.iterdir()}
    limit = settings.CRD_PDF_TIMEOUT_SECONDS

    log_path = Path(tempfile.gettempdir()) / f"pdf-worker-kill-{os.getpid()}.log"
    print(f"      worker output in {log_path}")
    with log_path.open("w") as logs:
        # 1. Ask for a render; kill the worker while the layout runs.
        killed = False
        for attempt in range(1, 4):
            services.request_render(report=report, by=cro)
            asked = time.perf_counter()
            worker = start_worker(logs)
            layout = wait_for(lambda pid=worker.pid: grandchildren(pid), 60, 0.01)
            if not layout:
                worker.kill()
                worker.wait()
                check(False, "the worker started the layout process")
                return 1
            time.sleep(0.3)  # into the layout, well before its end
            report.refresh_from_db()
            if report.render_state != R.RUNNING:
                worker.kill()
                worker.wait()
                print(f"      attempt {attempt}: the render ended before the kill; again")
                before = snapshot(report)
                files_before = {p.name for p in media.iterdir()}
                continue
            helpers = descendants(worker.pid)
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait()
            killed = time.perf_counter()
            timing("render asked for, until SIGKILL", killed - asked)
            print(f"      killed at {report.render_progress}%: worker {worker.pid}, {helpers}")
            break
        if not check(bool(killed), "the worker was killed mid-render"):
            return 1

        gone = wait_for(lambda: not any(alive(p) for p in helpers), 10, 0.05)
        check(bool(gone), "the layout process and the fork server ended with the worker")
        timing("until they had ended", time.perf_counter() - killed)

        # 2. Nothing changed.
        after = snapshot(report)
        for key in before:
            check(after[key] == before[key], f"{key} unchanged", str(after[key])[:64])
        files_after = {p.name for p in media.iterdir()}
        check(files_after == files_before, "no new or partial file in the reports folder")
        check(report.render_state == R.RUNNING, "the render still shows as running, for now")

        # 3. Once it has been running longer than a render may take, the page says so.
        client = Client(HTTP_HOST="localhost")
        client.force_login(cro)
        device, _ = TOTPDevice.objects.get_or_create(
            user=cro, name="Benchmark", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        page = client.get(report.get_absolute_url()).content.decode()
        check('http-equiv="refresh"' in page, "the page follows the render while it may still run")
        stale_after = limit + RENDER_MARGIN.total_seconds()
        wait = max(0.0, report.render_started_at.timestamp() + stale_after - time.time()) + 1
        print(f"      waiting {wait:.0f} s for the render to count as interrupted")
        time.sleep(wait)
        page = client.get(report.get_absolute_url()).content.decode()
        check("The PDF was interrupted" in page, "the page says the PDF was interrupted")
        check('http-equiv="refresh"' not in page, "the page no longer refreshes itself")
        check("Try again</button>" in page, "the page offers to try again")

        # 4. A new worker, a retry from the page, a complete render.
        worker = start_worker(logs)
        try:
            t = time.perf_counter()
            response = client.post(reverse("reports:render", args=[report.pk]))
            check(response.status_code == 302, "the retry is accepted", str(response.status_code))

            def finished():
                report.refresh_from_db()
                return report.render_state in (R.DONE, R.FAILED)

            wait_for(finished, 60, 0.1)
            timing("retry, from the click to the stored PDF", time.perf_counter() - t)
        finally:
            worker.terminate()
            worker.wait(10)
        check(report.render_state == R.DONE, "the retried render completed", report.render_error)
        final = snapshot(report)
        with report.pdf.open("rb") as f:
            check(f.read(5) == b"%PDF-", "the new file is a PDF", final["pdf"])
        check(final["pdf"] != before["pdf"], "the report points at the new file")
        check(final["status"] == before["status"], "the report's status is unchanged")
        check(
            not (media / Path(before["pdf"]).name).exists(), "the replaced draft file was removed"
        )
        print()
        print("FAIL" if failures else "PASS", f"({len(failures)} of the checks failed)")
        return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
