"""The public survey form under a forum crowd, served as in production.

    .venv/bin/python bench/survey_crowd.py [--respondents 500] [--seconds 60] [--double-taps 0]

At the end of a community forum the room scans the QR code on the sheet and answers the
survey on their phones, all through the venue's one connection. This script rebuilds a
separate benchmark database from scratch (BENCH_SURVEY_DATABASE_URL, by default the
PostgreSQL server at 127.0.0.1:5432, database crdesk_bench_survey: it is dropped on every
run, so the counts below are exact), has a CRO build a community survey from the standard
instrument, the Chief approve it and the CRO add a forum link, then serves the app with
gunicorn as deployed (DEBUG off, sync workers, behind a TLS proxy: requests carry
X-Forwarded-Proto: https) and sends the crowd.

Respondent i arrives at i * seconds / respondents (0 seconds: the whole room at once) and
is a thread of its own, so a slow server cannot slow the arrivals down. Each opens the
forum link with its own cookies, reads the CSRF token and the form token from the page,
answers every required question and some optional ones (a fifth in Spanish), sends the
form and follows the redirect to the thank-you page. With --double-taps a share of them
send the form twice at once, as an impatient thumb does; that must still store one
response each.

Afterwards the responses stored for the survey are compared with the submissions that were
answered with a redirect, token by token, and the answer rows with those sent. The script
prints the latencies, the errors, the stored and lost responses and the throughput, and
exits with status 1 when any request failed or any response was lost or duplicated.
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import shlex
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
URL = os.environ.get(
    "BENCH_SURVEY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/crdesk_bench_survey"
)

COMMENTS = [
    "More officers walking the neighborhood in the evening, please.",
    "The streetlights on Harbor Road have been out for weeks.",
    "Thank you for holding these forums.",
    "Cars speed past the school at pick-up time.",
    "Más patrullas cerca del parque por la noche.",
    "Answer the non-emergency line faster.",
]


def env() -> dict:
    e = dict(os.environ)
    e.update(
        DATABASE_URL=URL,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-only-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_PROXY_SSL_HEADER="true",
        DJANGO_LOG_LEVEL="WARNING",
    )
    return e


def manage(*args) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env(), capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {args[0]} failed:\n{result.stderr}")
    return result.stdout


def reset_database(url: str) -> None:
    """Drop and recreate the benchmark database, so every run starts with no responses."""
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must say 'bench'.")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


SETUP = """
import datetime as dt, json
from django.contrib.auth.models import Group
from django.utils import timezone
from accounts.models import User
from core.decisions import Decision
from core.roles import Role
from surveys import services
from surveys.models import ForumLink

today = timezone.localdate()
cro = User.objects.create_user(username="bench-cro", dsn="B-1", last_name="CRO")
cro.groups.add(Group.objects.get(name=Role.CRO))
chief = User.objects.create_user(username="bench-chief", dsn="B-2", last_name="Chief")
chief.groups.add(Group.objects.get(name=Role.CHIEF))
survey = services.create_survey(
    by=cro,
    data={
        "title": "Community survey",
        "title_es": "Encuesta comunitaria",
        "intro": "",
        "intro_es": "",
        "audience": "community",
        "opens_on": today,
        "closes_on": today + dt.timedelta(days=30),
    },
    standard=True,
)
services.submit_survey(survey=survey, by=cro)
services.decide_survey(survey=survey, by=chief, decision=Decision.APPROVE)
forum = ForumLink.objects.create(survey=survey, name="Eastside community forum", held_on=today)
questions = [
    {"id": q.pk, "kind": q.kind, "required": q.required, "options": len(q.options())}
    for q in survey.questions.all()
]
print(json.dumps({"slug": survey.slug, "forum": forum.slug, "questions": questions}))
"""

COUNT = """
import json
from django.db.models import Count, Q
from surveys.models import Answer, Response
rows = Response.objects.filter(survey__slug={slug!r})
print(json.dumps({{
    "tokens": [str(t) for t in rows.values_list("token", flat=True)],
    "off_forum": rows.exclude(channel="forum", forum__slug={forum!r}).count(),
    "answers": Answer.objects.filter(response__in=rows).count(),
}}))
"""


@dataclass
class Visit:
    """What one respondent saw: statuses and milliseconds of each request."""

    lag_ms: float = 0.0
    form: tuple[int, float] | None = None
    sends: list[tuple[int, float]] = field(default_factory=list)
    thanks: tuple[int, float] | None = None
    error: str = ""
    token: str = ""
    answer_rows: int = 0
    sent_at: float = 0.0
    done_at: float = 0.0


def request(port: int, method: str, path: str, cookies: dict, body: str = ""):
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    headers = {"X-Forwarded-Proto": "https", "User-Agent": "crdesk-bench"}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Origin"] = f"https://127.0.0.1:{port}"
        headers["Referer"] = f"https://127.0.0.1:{port}{path}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    started = time.perf_counter()
    try:
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
    finally:
        conn.close()
    elapsed = (time.perf_counter() - started) * 1000
    for header in response.headers.get_all("Set-Cookie") or []:
        jar = SimpleCookie()
        jar.load(header)
        cookies.update({name: morsel.value for name, morsel in jar.items()})
    return response.status, elapsed, text, response.getheader("Location", "")


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return found.group(1) if found else ""


def answers_for(questions: list[dict], rng: random.Random) -> tuple[list, int]:
    """Form fields answering every required question and some optional ones, and the
    number of answer rows they should store."""
    fields, rows = [], 0
    for q in questions:
        name = f"q{q['id']}"
        if q["kind"] == "rating":
            values = [rng.randint(1, 5)]
        elif q["kind"] == "yes_no":
            values = [rng.choice([1, 2])]
        elif not q["required"] and rng.random() < 0.4:
            continue  # left blank
        elif q["kind"] == "single":
            values = [rng.randint(1, q["options"])]
        elif q["kind"] == "multiple":
            values = rng.sample(range(1, q["options"] + 1), rng.randint(1, 3))
        else:
            fields.append((name, rng.choice(COMMENTS)))
            rows += 1
            continue
        fields.extend((name, str(v)) for v in values)
        rows += len(values)
    return fields, rows


def respond(n: int, at: float, start: float, setup: dict, args, visit: Visit) -> None:
    rng = random.Random(n)
    delay = start + at - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    visit.lag_ms = max(0.0, -delay * 1000)
    language = "es" if rng.random() < 0.2 else "en"
    path = f"/s/{setup['slug']}/f/{setup['forum']}/"
    cookies: dict[str, str] = {}
    try:
        status, ms, page, _ = request(args.port, "GET", f"{path}?lang={language}", cookies)
        visit.form = (status, ms)
        if status != 200:
            visit.error = f"form answered {status}"
            return
        missing = [q["id"] for q in setup["questions"] if f'name="q{q["id"]}"' not in page]
        if missing or "csrftoken" not in cookies:
            visit.error = f"form lacks questions {missing} or the CSRF cookie"
            return
        visit.token = hidden(page, "token")
        fields, visit.answer_rows = answers_for(setup["questions"], rng)
        body = urlencode(
            [
                ("csrfmiddlewaretoken", hidden(page, "csrfmiddlewaretoken")),
                ("token", visit.token),
                ("lang", hidden(page, "lang")),
                *fields,
            ]
        )
        taps = 2 if rng.random() < args.double_taps else 1
        visit.sent_at = time.perf_counter()
        replies = [None] * taps

        def send(i):
            try:
                replies[i] = request(args.port, "POST", path, dict(cookies), body)
            except (OSError, http.client.HTTPException) as exc:
                replies[i] = exc

        threads = [threading.Thread(target=send, args=(i,)) for i in range(taps)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        visit.done_at = time.perf_counter()
        for reply in replies:
            if isinstance(reply, Exception):
                raise reply
        visit.sends = [(status, ms) for status, ms, _, _ in replies]
        location = replies[0][3]
        if any(status != 302 for status, _ in visit.sends):
            visit.error = f"form sent, answered {[s for s, _ in visit.sends]}"
            return
        status, ms, _, _ = request(args.port, "GET", location, cookies)
        visit.thanks = (status, ms)
        if status != 200 or f"lang={language}" not in location:
            visit.error = f"thank-you page {location} answered {status}"
    except (OSError, http.client.HTTPException) as exc:
        visit.error = f"{type(exc).__name__}: {exc}"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def start_server(args) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{args.port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env(),
    )
    for _ in range(150):
        if server.poll() is not None:
            sys.exit(f"gunicorn exited with status {server.returncode}")
        try:
            if request(args.port, "GET", "/healthz", {})[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not answer /healthz within 30 s")


def report(setup: dict, visits: list[Visit], args) -> bool:
    stored = json.loads(
        manage("shell", "-c", COUNT.format(slug=setup["slug"], forum=setup["forum"]))
        .strip()
        .splitlines()[-1]
    )
    failed = [v for v in visits if v.error]
    accepted = [v for v in visits if v.sends and all(s == 302 for s, _ in v.sends)]
    expected = {v.token for v in accepted}
    tokens = stored["tokens"]
    lost = len(expected - set(tokens))
    extra = len(tokens) - len(expected & set(tokens))
    answer_rows = sum(v.answer_rows for v in accepted)
    sends = [ms for v in visits for _, ms in v.sends]
    posts_failed = sum(s != 302 for v in visits for s, _ in v.sends)
    span = max(v.done_at for v in accepted) - min(v.sent_at for v in accepted) if accepted else 0

    workers = f"{args.workers} sync workers"
    if args.threads > 1:
        workers = f"{args.workers} gthread workers x {args.threads} threads"
    print(
        f"\n{len(visits)} respondents over {args.seconds:g} s, "
        f"{sum(len(v.sends) == 2 for v in visits)} of them double-tapping; gunicorn {workers}\n"
    )
    print(f"{'request':12} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for label, values in (
        ("form GET", [v.form[1] for v in visits if v.form]),
        ("send POST", sends),
        ("thanks GET", [v.thanks[1] for v in visits if v.thanks]),
    ):
        figures = " ".join(f"{percentile(values, p):8.1f}" for p in (50, 95, 99, 100))
        print(f"{label:12} {len(values):6} {figures}")
    print(f"\nerrors: {len(failed)} respondents ({posts_failed} sends not answered 302)")
    for problem in sorted({v.error for v in failed})[:10]:
        print(f"  {sum(v.error == problem for v in failed):4} x {problem}")
    print(
        f"stored: {len(tokens)} responses for {len(expected)} accepted; lost {lost}, "
        f"unexpected {extra}, not on the forum link {stored['off_forum']}"
    )
    print(f"answer rows: {stored['answers']} stored, {answer_rows} sent")
    print(
        f"throughput: {len(expected) / span if span else 0:.1f} responses/s "
        f"({len(expected)} accepted in {span:.1f} s from the first send to the last answer)"
    )
    print(f"arrivals behind schedule: at most {max(v.lag_ms for v in visits):.0f} ms")
    print(f"command: {shlex.join([os.path.relpath(PYTHON), *sys.argv])}")
    return not (failed or lost or extra or stored["off_forum"] or stored["answers"] != answer_rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0, help="arrival window")
    parser.add_argument("--double-taps", type=float, default=0.0, help="share sending twice")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    if not port_free(args.port):
        sys.exit(f"Something already listens on 127.0.0.1:{args.port}: pass --port.")

    print(f"Rebuilding the benchmark database {URL.rpartition('/')[2]} ...", flush=True)
    reset_database(URL)
    manage("migrate", "--no-input", "-v", "0")
    manage("collectstatic", "--no-input", "-v", "0")
    setup = json.loads(manage("shell", "-c", SETUP).strip().splitlines()[-1])
    kinds = ", ".join(f"q{q['id']} {q['kind']}" for q in setup["questions"])
    print(f"Survey /s/{setup['slug']}/f/{setup['forum']}/: {kinds}", flush=True)

    server = start_server(args)
    try:
        for _ in range(4 * args.workers):  # load templates and connections in every worker
            request(args.port, "GET", f"/s/{setup['slug']}/f/{setup['forum']}/", {})
        print(f"Sending {args.respondents} respondents over {args.seconds:g} s ...", flush=True)
        step = args.seconds / args.respondents
        visits = [Visit() for _ in range(args.respondents)]
        start = time.perf_counter() + 0.5
        threads = [
            threading.Thread(target=respond, args=(n, n * step, start, setup, args, visit))
            for n, visit in enumerate(visits)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(10)
    sys.exit(0 if report(setup, visits, args) else 1)


if __name__ == "__main__":
    main()
