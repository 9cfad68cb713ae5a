"""A small closed-loop load generator shared by the benchmark scripts.

Each simulated member is a thread with its own keep-alive connection and session cookie; it
sends a request, waits for the whole answer, thinks (if asked) and goes again until the
time is up. Every request is timed and its status and the server's X-Queries header (the
SQL queries it made; served with CRD_BENCH=true) are kept, so a run gives percentiles,
throughput, errors and queries per request. Threads, not an event loop: the server, not
this client, must be the bottleneck, and at these rates (a few hundred requests a second at
most) Python threads keep up.
"""

import http.client
import random
import re
import statistics
import threading
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
INTAKE_TOKEN = re.compile(r'name="intake_token" value="([^"]+)"')


@dataclass
class Sample:
    ms: float
    status: int
    queries: int | None
    body: bytes = b""


@dataclass
class Result:
    label: str
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    users: int = 0
    # The web server's CPU seconds over the run (bench/run.py reads them from /proc).
    server_cpu: float | None = None

    def add(self, sample: Sample):
        self.samples.append(sample)

    @property
    def count(self) -> int:
        return len(self.samples)

    def percentile(self, p: float) -> float:
        times = sorted(s.ms for s in self.samples)
        if not times:
            return float("nan")
        return times[min(len(times) - 1, max(0, round(p / 100 * len(times)) - 1))]

    @property
    def throughput(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def errors(self, ok=(200, 302)) -> int:
        return sum(s.status not in ok for s in self.samples)

    @property
    def cpu_ms(self) -> float | None:
        """The web server's CPU milliseconds per request, on average over the run."""
        if self.server_cpu is None or not self.count:
            return None
        return 1000 * self.server_cpu / self.count

    @property
    def queries(self) -> float | None:
        counted = [s.queries for s in self.samples if s.queries is not None]
        return statistics.median(counted) if counted else None


class Member:
    """One simulated person: a keep-alive connection and the session's cookies. With
    keep_alive=False every request comes on a new connection, which the server's workers
    take in turn, so that each of them serves some of the load."""

    def __init__(self, port: int, session: str | None = None, host="127.0.0.1", keep_alive=True):
        self.port, self.host = port, host
        self.cookies = {"sessionid": session} if session else {}
        self.conn = None
        self.keep_alive = keep_alive

    def _connection(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def request(self, method: str, path: str, form: dict | None = None) -> Sample:
        headers = {"Host": self.host}
        if not self.keep_alive:
            headers["Connection"] = "close"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn is not None
            try:
                conn = self._connection()
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                break
            except (OSError, http.client.HTTPException):
                self.close()
                # The server closes a keep-alive connection left idle (gunicorn: after 2 s);
                # like a browser, send again once on a fresh connection. A request on a
                # fresh connection that gets no answer is a failure.
                if not reused or attempt == 2:
                    return Sample((time.perf_counter() - started) * 1000, 0, None)
        ms = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";")[0]
        if not self.keep_alive or response.getheader("Connection", "").lower() == "close":
            self.close()
        queries = response.getheader("X-Queries")
        return Sample(ms, response.status, int(queries) if queries else None, content)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def run(label, users: list[Member], step, seconds: float, think: float = 0.0) -> Result:
    """Every member runs `step(member, result)` in a loop for `seconds`. With `think`,
    members arrive spread over the first think time and then think between half and one
    and a half times it (on average `think`, as locust's `between()`): people do not act in
    step. (Until 2026-11-23 every member started at once and thought exactly `think`, so
    20 officers sent 20 forms in the same instant every second.)"""
    result = Result(label, users=len(users))
    deadline = time.perf_counter() + seconds
    lock = threading.Lock()
    rng = random.Random(7)
    starts = [rng.uniform(0, think) for _ in users]
    pauses = [random.Random(n) for n in range(len(users))]

    class Locked:
        def add(self, sample):
            with lock:
                result.add(sample)

    sink = Locked()

    def loop(member, start, pause):
        time.sleep(start)
        while time.perf_counter() < deadline:
            step(member, sink)
            if think:
                time.sleep(pause.uniform(0.5 * think, 1.5 * think))

    started = time.perf_counter()
    threads = [
        threading.Thread(target=loop, args=(m, start, pause), daemon=True)
        for m, start, pause in zip(users, starts, pauses, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    for m in users:
        m.close()
    return result


def get_step(paths):
    """A step that GETs the next path of a list (or the one path), in turn."""
    paths = [paths] if isinstance(paths, str) else list(paths)
    counter = {"i": 0}
    lock = threading.Lock()

    def step(member, sink):
        with lock:
            path = paths[counter["i"] % len(paths)]
            counter["i"] += 1
        sink.add(member.request("GET", path))

    return step


def intake_form(marker: str) -> dict:
    """What an officer types into the concern intake form (marker: text to find it by)."""
    return {
        # Yesterday: today in UTC can still be tomorrow in the department's time zone.
        "date_received": time.strftime("%Y-%m-%d", time.localtime(time.time() - 86400)),
        "source_type": "citizen",
        "source_name": "Bench Resident",
        "source_contact": "555-0100",
        "category": "traffic",
        "nature": "actual",
        "area": "Elm and 5th",
        "priority": "normal",
        "summary": "Speeding at school time",
        "description": f"Speeding at school time. {marker}",
        "suggestions": "Radar trailer.",
    }


def intake_step(outcomes: list | None = None):
    """Open the intake form, then send it; only the POST is recorded. With `outcomes`, each
    POST's (marker, status, body, time answered) is kept for checking afterwards what was stored."""

    def step(member, sink):
        page = member.request("GET", "/concerns/new/")
        csrf = CSRF_FIELD.search(page.body.decode("utf-8", "replace"))
        token = INTAKE_TOKEN.search(page.body.decode("utf-8", "replace"))
        marker = f"bench-{uuid.uuid4().hex[:12]}"
        if page.status != 200 or not csrf:
            failed = Sample(page.ms, page.status or 0, page.queries, page.body)
            sink.add(failed)
            if outcomes is not None:
                outcomes.append((marker, failed.status, page.body, time.perf_counter()))
            return
        form = intake_form(marker)
        form["csrfmiddlewaretoken"] = csrf.group(1)
        form["intake_token"] = token.group(1) if token else str(uuid.uuid4())
        sample = member.request("POST", "/concerns/new/", form)
        sink.add(sample)
        if outcomes is not None:
            outcomes.append((marker, sample.status, sample.body, time.perf_counter()))

    return step


def table(results: list[Result], yardstick: Result | None = None) -> str:
    lines = [
        f"{'page':34} {'users':>5} {'reqs':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'req/s':>7} {'errors':>6} {'queries':>7} {'x bare':>7} {'cpu ms':>7}"
    ]
    for r in results:
        ratio = r.throughput / yardstick.throughput if yardstick and yardstick.throughput else 0
        q = r.queries
        lines.append(
            f"{r.label:34} {r.users:5d} {r.count:6d} {r.percentile(50):8.1f} "
            f"{r.percentile(95):8.1f} {r.percentile(99):8.1f} {r.throughput:7.1f} "
            f"{r.errors():6d} {('-' if q is None else f'{q:.0f}'):>7} {ratio:7.3f} "
            f"{('-' if r.cpu_ms is None else f'{r.cpu_ms:.1f}'):>7}"
        )
    return "\n".join(lines)
