"""Ten minutes at a steady load: memory must not creep, nothing may fail.

    .venv/bin/python bench/soak.py [--minutes 10] [--warmup 1]

Uses the benchmark database of bench/run.py (BENCH_DATABASE_URL; run `make bench` once
first to seed it) and serves it the same way: gunicorn (DEBUG off, 3 workers x 4 threads)
and the task worker. A steady mix runs for --minutes: a CRO reading the concern list and
concerns, the Chief on the dashboard and the inbox, eight officers logging a concern every
few seconds, and a quarterly dashboard PDF every 30 seconds through the worker's queue.
The resident memory of every web worker and of the task worker is sampled every 15 s. The
load runs --warmup minutes (imports, template and query caches filled in every worker)
before the baseline is taken, then --minutes more; growth is measured from the baseline to
the end. Passes when every process grew less than 10 %
and no request failed.
"""

import argparse
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load  # noqa: E402
import psutil  # noqa: E402
from run import PORT, prepare, serve  # noqa: E402

LIMIT = 0.10


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=2, help="minutes before the baseline")
    args = parser.parse_args()
    sessions = prepare()
    web, worker = serve()
    processes = {f"web worker {n + 1}": p for n, p in enumerate(psutil.Process(web.pid).children())}
    processes["task worker"] = psutil.Process(worker.pid)
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in processes}
    # The load runs through the warm-up and then for --minutes more.
    seconds = (args.warmup + args.minutes) * 60
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            at = time.perf_counter() - began
            for name, process in processes.items():
                samples[name].append((at, process.memory_info().rss))
            stop.wait(15)

    refs = [f"/concerns/{r}/" for r in sessions["refs"]]
    mixes = [
        ("CRO: list and concerns", [sessions["cro"]], ["/concerns/", *refs[:20]], 0.5),
        ("Chief: dashboard and inbox", [sessions["chief"]], ["/", "/inbox/"], 1.0),
        ("Chief: dashboard PDF", [sessions["chief"]], ["/dashboard.pdf?period=quarter"], 30.0),
    ]
    results, threads = [], []

    def run_mix(label, keys, paths, think):
        members = [load.Member(PORT, k) for k in keys]
        results.append(load.run(label, members, load.get_step(paths), seconds, think=think))

    def run_intake():
        members = [load.Member(PORT, k) for k in sessions["officers"][:8]]
        results.append(
            load.run("8 officers: intake POST", members, load.intake_step(), seconds, think=4)
        )

    # Warm every worker and thread first: twelve members at once (3 workers x 4 threads)
    # open each kind of page, each request on a new connection so that every worker takes
    # its share; no worker's first requests (imports, caches) fall after the baseline.
    # (Kept-alive connections stay with the worker that accepted them: an earlier run had
    # one worker idle until after the baseline and read its warming as growth.)
    burst = [load.Member(PORT, sessions["chief"], keep_alive=False) for _ in range(12)]
    pages = ["/concerns/", *refs[:5], "/", "/inbox/", "/dashboard.pdf?period=quarter"]
    load.run("warm-up", burst, load.get_step(pages), 40)
    officers = [load.Member(PORT, k, keep_alive=False) for k in sessions["officers"][:12]]
    load.run("warm-up intake", officers, load.intake_step(), 20)

    began = time.perf_counter()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    for mix in mixes:
        threads.append(threading.Thread(target=run_mix, args=mix))
    threads.append(threading.Thread(target=run_intake))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    sampler.join()
    web.terminate()
    worker.terminate()
    web.wait(15)
    worker.wait(15)

    print(f"\nSoak: {args.minutes:.0f} minutes measured, after {args.warmup:.0f} of warm-up\n")
    print(load.table(results))
    errors = sum(r.errors() for r in results)
    for r in results:
        statuses = Counter(s.status for s in r.samples if s.status not in (200, 302))
        if statuses:
            print(f"  {r.label}: failed answers by status {dict(statuses)} (0 = no answer)")
    print(f"\n{'process':16} {'baseline MB':>12} {'end MB':>8} {'growth':>8}")
    worst = 0.0
    for name, points in samples.items():
        base = next((rss for at, rss in points if at >= args.warmup * 60), points[0][1])
        end = points[-1][1]
        growth = (end - base) / base
        worst = max(worst, growth)
        print(f"{name:16} {base / 2**20:12.1f} {end / 2**20:8.1f} {growth:8.1%}")
    ok = errors == 0 and worst < LIMIT
    print(
        f"\n{'PASS' if ok else 'FAIL'}: {errors} failed requests, largest memory growth "
        f"{worst:.1%} (limit {LIMIT:.0%})"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
