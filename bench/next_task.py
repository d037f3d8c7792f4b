"""Task distribution over real HTTP: capacity, latency under load, and double assignments.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhibiao_nt DATA_DIR=/tmp/zb-nt \\
        .venv/bin/python bench/next_task.py [--tasks 100000] [--duration 15] [--skip-setup]

Sets up (or resets) a project of ``--tasks`` short text tasks and annotator users with tokens on
whatever ``DATABASE_URL`` says, starts gunicorn on 127.0.0.1, and drives it with keep-alive HTTP
clients, one thread per simulated annotator:

(a) capacity: closed loops of 1, 8 and 32 annotators doing next-task → submit with no pause;
(b) latency: 200 annotators each pausing 2 s between tasks, p50/p95/p99 of next-task and submit;
(c) double assignments, counted in the database afterwards.

Each phase uses its own annotators. Every loop is bounded by time and the server is stopped at
the end. Prints a table, then one line of JSON with every figure.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from annotation.models import Annotation, Assignment, Membership, Organization, Project, Role, Task  # noqa: E402
from bench._server import GunicornServer  # noqa: E402
from config.celery import app as celery_app  # noqa: E402

ORG_NAME = "Bench base (next-task)"
PROJECT_NAME = "Bench next-task"
USER_PREFIX = "bench-nt-"
SCHEMA = {
    "data": {"text": "text"},
    "labels": {"sentiment": {"type": "choice", "options": ["pos", "neg", "neu"], "required": True},
               "note": {"type": "text"}},
}
PHRASES = ["The new metro line in Hefei opens next month", "Customers praised the battery life",
           "The delivery arrived two days late", "Prices at the market stayed flat this week",
           "The hospital added forty beds to its emergency ward", "Fans were unhappy with the referee"]
CAPACITY_ANNOTATORS = (1, 8, 32)
LOAD_ANNOTATORS = 200
LOAD_PAUSE_S = 2.0


# --- setup --------------------------------------------------------------------------------------

def setup(*, tasks: int, users: int, overlap: int) -> Project:
    """Create the base, users with tokens and the project; reset the project's work if it exists."""
    org, _ = Organization.objects.get_or_create(name=ORG_NAME, defaults={"city": "Hefei"})
    user_model = get_user_model()
    names = [f"{USER_PREFIX}{i:03d}" for i in range(users)]
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    new = [user_model(username=n) for n in names if n not in existing]
    for user in new:
        user.set_unusable_password()  # token auth only; no password hashing for hundreds of users
    user_model.objects.bulk_create(new)
    people = list(user_model.objects.filter(username__in=names))
    Membership.objects.bulk_create([Membership(user=u, organization=org, role=Role.ANNOTATOR) for u in people],
                                   ignore_conflicts=True)
    Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in people
                               if not Token.objects.filter(user=u).exists()])
    project, created = Project.objects.get_or_create(
        organization=org, name=PROJECT_NAME, defaults={"schema": SCHEMA, "overlap": overlap})
    if project.overlap != overlap:
        project.overlap = overlap
        project.save(update_fields=["overlap"])
    with transaction.atomic():
        Annotation.objects.filter(task__project=project).delete()
        Assignment.objects.filter(task__project=project).delete()
        Task.objects.filter(project=project).exclude(status="open", submitted_count=0).update(
            status="open", submitted_count=0)
    have = Task.objects.filter(project=project).count()
    started = time.perf_counter()
    rng = random.Random(7)
    for start in range(have, tasks, 5000):
        Task.objects.bulk_create([
            Task(project=project, import_key=f"bench-{i}", random_key=rng.random(),
                 data={"text": f"{rng.choice(PHRASES)} (item {i})."})
            for i in range(start, min(tasks, start + 5000))])
    if have < tasks:
        print(f"created {tasks - have} tasks in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    with connection.cursor() as cursor:
        # Vacuum too: the reset leaves every task done last run as a dead row in the task indexes,
        # and some servers run without autovacuum (this machine's does); then fresh statistics.
        if connection.vendor == "postgresql":
            for model in (Task, Assignment, Annotation):
                cursor.execute(f"VACUUM {model._meta.db_table}")
        cursor.execute("ANALYZE")
    return project


def tokens(count: int) -> list[str]:
    keys = dict(Token.objects.filter(user__username__startswith=USER_PREFIX).values_list("user__username", "key"))
    names = sorted(keys)
    if len(names) < count:
        raise SystemExit(f"need {count} bench users, found {len(names)}: run without --skip-setup")
    return [keys[n] for n in names[:count]]


# --- load generation ----------------------------------------------------------------------------

class Client:
    """One annotator's keep-alive HTTP connection (http.client: the load generator shares 2 cores)."""

    def __init__(self, port: int, token: str):
        self.port = port
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json",
                        "Accept": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def post(self, path: str, body: dict | None = None) -> tuple[int, bytes]:
        payload = json.dumps(body).encode() if body is not None else b""
        for attempt in (1, 2):
            try:
                self.conn.request("POST", path, payload, self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


@dataclass
class Tally:
    next_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    round_trips: int = 0
    empty: int = 0  # 204: nothing left for this annotator
    conflicts: int = 0  # 409 on submit
    errors: list[str] = field(default_factory=list)


def annotator_loop(client: Client, project_id: int, deadline: float, pause: float, delay: float, tally: Tally,
                   rng: random.Random) -> None:
    time.sleep(delay)
    next_path = f"/api/v1/projects/{project_id}/next-task/"
    while time.monotonic() < deadline:
        started = time.perf_counter()
        status, body = client.post(next_path)
        tally.next_ms.append((time.perf_counter() - started) * 1000)
        if status == 204:
            tally.empty += 1
            return
        if status != 200:
            tally.errors.append(f"next-task {status}: {body[:200]!r}")
            return
        task_id = json.loads(body)["task"]["id"]
        result = {"sentiment": rng.choice(("pos", "neg", "neu"))}
        started = time.perf_counter()
        status, body = client.post(f"/api/v1/tasks/{task_id}/annotations/",
                                   {"result": result, "lead_time": round(rng.uniform(2, 30), 2)})
        tally.submit_ms.append((time.perf_counter() - started) * 1000)
        if status == 201:
            tally.round_trips += 1
        elif status == 409:
            tally.conflicts += 1
        else:
            tally.errors.append(f"submit {status}: {body[:200]!r}")
            return
        if pause:
            time.sleep(max(0.0, min(pause, deadline - time.monotonic())))


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    found = {}
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
            found[pid] = times.user + times.system
        except psutil.Error:
            pass
    return found


def cpu_seconds(pids: list[int]) -> float:
    return sum(cpu_by_pid(pids).values())


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU the processes alive at the end spent since ``before`` (a process that started meanwhile
    counts whole; one that ended meanwhile is not seen, so this never goes below zero)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


BACKEND = re.compile(r": \S+ (\S+) (\d[\d.]*\(\d+\)|\[local\])")


def database_pids() -> list[int]:
    """PostgreSQL's processes serving this bench on this machine: the backends of its database and
    the shared ones (WAL writer, checkpointer, ...), not other databases' backends. Their CPU is
    the other part of a round trip's cost."""
    if connection.vendor != "postgresql":
        return []
    name = settings.DATABASES["default"]["NAME"]
    pids = []
    for process in psutil.process_iter(["name", "cmdline"]):
        if process.info["name"] not in ("postgres", "postmaster"):
            continue
        backend = BACKEND.search(" ".join(process.info["cmdline"] or []))
        if backend is None or backend.group(1) == name:
            pids.append(process.pid)
    return pids


def run_phase(name: str, *, port: int, project_id: int, keys: list[str], duration: float, pause: float,
              server_pids: list[int]) -> dict:
    clients = [Client(port, key) for key in keys]
    tallies = [Tally() for _ in clients]
    load_before = os.getloadavg()[0]
    cpu_server, cpu_db, cpu_self = cpu_seconds(server_pids), cpu_by_pid(database_pids()), time.process_time()
    started = time.monotonic()
    deadline = started + duration
    # With a pause, starts are spread over one pause so the annotators do not move in lockstep.
    threads = [threading.Thread(target=annotator_loop, daemon=True, args=(
        c, project_id, deadline, pause, (pause * i / len(clients)) if pause else 0.0, t, random.Random(i)))
        for i, (c, t) in enumerate(zip(clients, tallies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    elapsed = time.monotonic() - started
    for client in clients:
        client.conn.close()
    next_ms = [v for t in tallies for v in t.next_ms]
    submit_ms = [v for t in tallies for v in t.submit_ms]
    round_trips = sum(t.round_trips for t in tallies)
    errors = [e for t in tallies for e in t.errors]
    figures = {
        "phase": name, "annotators": len(keys), "pause_s": pause, "seconds": round(elapsed, 2),
        "round_trips": round_trips, "rt_per_s": round(round_trips / elapsed, 1),
        "next_p50_ms": _r(percentile(next_ms, 50)), "next_p95_ms": _r(percentile(next_ms, 95)),
        "next_p99_ms": _r(percentile(next_ms, 99)),
        "submit_p50_ms": _r(percentile(submit_ms, 50)), "submit_p95_ms": _r(percentile(submit_ms, 95)),
        "submit_p99_ms": _r(percentile(submit_ms, 99)),
        "mean_rt_ms": _r(statistics.fmean(a + b for a, b in zip(next_ms, submit_ms)) if submit_ms else None),
        "conflicts_409": sum(t.conflicts for t in tallies), "empty_204": sum(t.empty for t in tallies),
        "errors": len(errors), "server_cpu_s": round(cpu_seconds(server_pids) - cpu_server, 1),
        "db_cpu_s": round(cpu_spent(cpu_db, cpu_by_pid(database_pids())), 1),
        "client_cpu_s": round(time.process_time() - cpu_self, 1), "load_avg_before": round(load_before, 2),
    }
    if any(t.is_alive() for t in threads):
        errors.append("an annotator thread did not finish")
    if errors:
        figures["first_errors"] = errors[:3]
    return figures


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


# --- checks -------------------------------------------------------------------------------------

def double_assignments(project: Project) -> dict:
    submitted = (Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
                 .values("task").annotate(n=Count("annotator", distinct=True)))
    over = submitted.filter(n__gt=project.overlap).count()
    two_users = submitted.filter(n__gt=1).count() if project.overlap == 1 else None
    counted = dict(submitted.values_list("task", "n"))
    mismatched = sum(1 for task_id, n in Task.objects.filter(pk__in=list(counted)).values_list("pk", "submitted_count")
                     if counted[task_id] != n)
    live = (Assignment.objects.filter(task__project=project, state=Assignment.State.ACTIVE)
            .values("task").annotate(n=Count("id")).filter(n__gt=project.overlap).count())
    return {"tasks_annotated": len(counted), "tasks_over_overlap": over, "tasks_by_two_users_at_overlap_1": two_users,
            "submitted_count_mismatches": mismatched, "tasks_with_more_live_leases_than_overlap": live}


# --- main ---------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per capacity run (a)")
    parser.add_argument("--load-duration", type=float, default=30.0, help="seconds of the 200-annotator run (b)")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the project as it is (no reset)")
    parser.add_argument("--overlap", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--phases", default="a,b", help="which phases to run: a, b or a,b")
    parser.add_argument("--capacity", default=",".join(map(str, CAPACITY_ANNOTATORS)),
                        help="annotator counts of the capacity runs (a), at most 1,8,32")
    parser.add_argument("--purge-queue", action="store_true",
                        help="afterwards, purge the consistency checks the submits queued (use a Redis "
                             "database of the bench's own in REDIS_URL)")
    args = parser.parse_args()

    capacity_users = sum(CAPACITY_ANNOTATORS)
    users_needed = capacity_users + LOAD_ANNOTATORS
    if args.skip_setup:
        project = Project.objects.get(organization__name=ORG_NAME, name=PROJECT_NAME)
    else:
        project = setup(tasks=args.tasks, users=users_needed, overlap=args.overlap)
    keys = tokens(users_needed)
    open_tasks = Task.objects.filter(project=project, status="open").count()
    vendor = connection.vendor
    db_version = connection.cursor().connection.info.server_version if vendor == "postgresql" else \
        connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
    connection.close()  # the bench process keeps no connection open while the server works

    results = []
    server = GunicornServer(workers=args.workers, threads=args.threads, port=args.port)
    with server:
        pids = [server.process.pid, *server.worker_pids()]
        phases = set(args.phases.split(","))
        offset = 0
        if "a" in phases:
            for n in sorted(int(x) for x in args.capacity.split(",")):
                results.append(run_phase(f"capacity-{n}", port=server.port, project_id=project.pk,
                                         keys=keys[offset:offset + n], duration=args.duration, pause=0.0,
                                         server_pids=pids))
                offset += n
                print(_row(results[-1]), file=sys.stderr)
        if "b" in phases:
            results.append(run_phase(f"load-{LOAD_ANNOTATORS}", port=server.port, project_id=project.pk,
                                     keys=keys[capacity_users:capacity_users + LOAD_ANNOTATORS],
                                     duration=args.load_duration, pause=LOAD_PAUSE_S, server_pids=pids))
            print(_row(results[-1]), file=sys.stderr)
    checks = double_assignments(project)
    broker = "redis" if settings.REDIS_URL else "filesystem"
    if args.purge_queue:
        print(f"purged {celery_app.control.purge()} queued messages", file=sys.stderr)

    print()
    print(f"Task distribution over HTTP: {vendor} {db_version}, {os.cpu_count()} cores, gunicorn "
          f"{args.workers} workers x {args.threads} threads, {open_tasks} open tasks of {args.tasks}, "
          f"overlap {project.overlap}, broker {broker}")
    print(HEADER)
    for figures in results:
        print(_row(figures))
    print(f"double assignments: {checks}")
    summary = {
        "bench": "next_task", "db": vendor, "db_version": str(db_version), "cores": os.cpu_count(),
        "workers": args.workers, "threads": args.threads, "tasks": args.tasks, "open_tasks_at_start": open_tasks,
        "overlap": project.overlap, "broker": broker, "phases": results, **checks,
    }
    for figures in results:
        if figures["phase"].startswith("capacity-"):
            summary[f"rt_per_s_{figures['annotators']}"] = figures["rt_per_s"]
        else:
            for key in ("next_p50_ms", "next_p95_ms", "next_p99_ms", "submit_p50_ms", "submit_p95_ms",
                        "submit_p99_ms", "rt_per_s"):
                summary[f"load_{key}"] = figures[key]
    print(json.dumps(summary, separators=(",", ":")))


HEADER = (f"{'phase':<13}{'users':>6}{'rt/s':>8}{'next p50':>10}{'p95':>8}{'p99':>8}{'submit p50':>12}"
          f"{'p95':>8}{'p99':>8}{'409':>5}{'err':>5}{'srv cpu':>9}{'db cpu':>8}{'load':>6}")


def _row(f: dict) -> str:
    def ms(v):
        return "-" if v is None else f"{v:.1f}"
    return (f"{f['phase']:<13}{f['annotators']:>6}{f['rt_per_s']:>8.1f}{ms(f['next_p50_ms']):>10}"
            f"{ms(f['next_p95_ms']):>8}{ms(f['next_p99_ms']):>8}{ms(f['submit_p50_ms']):>12}"
            f"{ms(f['submit_p95_ms']):>8}{ms(f['submit_p99_ms']):>8}{f['conflicts_409']:>5}{f['errors']:>5}"
            f"{f['server_cpu_s']:>9.1f}{f['db_cpu_s']:>8.1f}{f['load_avg_before']:>6.1f}")


if __name__ == "__main__":
    main()
