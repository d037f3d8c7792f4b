"""Release export over real HTTP: a project of N accepted tasks → its ready release → JSONL.

    createdb -h 127.0.0.1 -U postgres zb_bench_export
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zb_bench_export DATA_DIR=/tmp/zb-bx \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zb_bench_export DATA_DIR=/tmp/zb-bx \\
        .venv/bin/python bench/export.py [--tasks 1000000] [--formats jsonl,csv] [--skip-setup]

Set-up (skipped when a ready release of ``--tasks`` records already exists, unless ``--rebuild``;
it adds a new project each time, so drop the bench database to reclaim the space):
the tasks and their ``TaskOutcome`` rows are bulk-inserted directly (on PostgreSQL generated in
the server with ``generate_series``; no import, annotation or review runs: that is set-up speed,
not what is measured); annotations are not created, so the records' provenance names the
annotators listed on the outcome. The release itself is built by the real code: ``release_create``,
then the Celery task's body ``release_build_run`` called in this process, chunk by chunk, as the
worker would; its build rate is printed too.

Measured: ``GET /api/v1/releases/{id}/export/?format=jsonl`` served by gunicorn (1 worker,
1 thread) on 127.0.0.1, read to the end by one client; rows/s = records / wall time of the whole
download, peak RSS = the highest resident memory of the gunicorn worker (psutil, sampled every
20 ms) while it streams, shown with the worker's RSS just before the download (after one warm-up
request) and the growth between the two. Prints a table, then one line of JSON.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from annotation.models import Membership, Organization, Project, Role, Task, TaskStatus  # noqa: E402
from bench._server import GunicornServer  # noqa: E402
from release.models import Release  # noqa: E402
from release.services.snapshot import release_create  # noqa: E402
from release.tasks import release_build_run  # noqa: E402
from review.models import TaskOutcome  # noqa: E402

ORG_NAME = "Bench base (export)"
PROJECT_NAME = "Bench export"
SCHEMA = {
    "data": {"text": "text"},
    "labels": {"sentiment": {"type": "choice", "options": ["pos", "neg", "neu"], "required": True},
               "entities": {"type": "spans", "on": "text", "options": ["PER", "ORG", "LOC"]},
               "note": {"type": "text"}},
}
PHRASES = ["张三 joined Acme in Hefei last spring", "Customers praised the battery life of the new phone",
           "The delivery arrived two days late, again", "Prices at the Wuhu market stayed flat this week",
           "The hospital added forty beds to its emergency ward", "Fans were unhappy with the referee's call"]
INSERT_BATCH = 20_000
SAMPLE_S = 0.02


def _users() -> tuple:
    user_model = get_user_model()
    people = {}
    for name in ("bench-bx-manager", "bench-bx-a1", "bench-bx-a2", "bench-bx-expert"):
        user, created = user_model.objects.get_or_create(username=name)
        if created:
            user.set_unusable_password()
            user.save()
        people[name] = user
    return people["bench-bx-manager"], [people["bench-bx-a1"], people["bench-bx-a2"]], people["bench-bx-expert"]


def setup(tasks: int) -> tuple[Release, float]:
    """A fresh project of ``tasks`` accepted tasks with outcomes and its release built by the
    service; the seconds the build took."""
    org, _ = Organization.objects.get_or_create(name=ORG_NAME, defaults={"city": "Hefei"})
    manager, annotators, expert = _users()
    for user, role in ((manager, Role.MANAGER), (annotators[0], Role.ANNOTATOR), (annotators[1], Role.ANNOTATOR),
                       (expert, Role.REVIEWER)):
        Membership.objects.get_or_create(user=user, organization=org, defaults={"role": role})
    project = Project.objects.create(organization=org, name=PROJECT_NAME, schema=SCHEMA, created_by=manager)
    started = time.perf_counter()
    if connection.vendor == "postgresql":
        _insert_sql(project, tasks, annotators, expert)
    else:
        _insert_orm(project, tasks, annotators, expert)
    print(f"  {tasks:,} tasks and outcomes inserted in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    release = release_create(project=project, actor=manager, name="bench", send=lambda job: None)
    started = time.perf_counter()
    release_build_run(release.job_id)  # the Celery task's body, run here: job state, progress and all
    release.refresh_from_db()
    build_s = time.perf_counter() - started
    print(f"  release built by the service in {build_s:.1f}s", file=sys.stderr)
    return release, build_s


def _review(expert) -> dict:
    return {"stage": 1, "reviewer": expert.pk, "username": expert.username, "level": 4, "decision": "accept",
            "at": "2026-11-22T08:00:00+00:00"}


def _insert_sql(project, tasks: int, annotators, expert) -> None:
    """PostgreSQL: generate the rows in the server (generate_series), the fastest set-up there is."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO annotation_task (project_id, data, media, status, priority, random_key, submitted_count,
                                         import_key, created_at, pii)
            SELECT %s, jsonb_build_object('text', (%s::text[])[i %% %s + 1] || ' (item ' || i || ')'), '',
                   'accepted', 0, random(), 2, 'bench:' || i, now(), '[]'::jsonb
            FROM generate_series(0, %s - 1) AS i""", [project.pk, PHRASES, len(PHRASES), tasks])
        cursor.execute("""
            INSERT INTO review_taskoutcome (task_id, result, source, annotators, decided_by_id, decided_level,
                                            domain, reviews, decided_at)
            SELECT t.id,
                   jsonb_build_object('sentiment', (ARRAY['pos', 'neg', 'neu'])[n %% 3 + 1],
                                      'entities', CASE WHEN n %% 2 = 1
                                                  THEN '[{"start": 0, "end": 2, "label": "PER"}]'::jsonb
                                                  ELSE '[]'::jsonb END,
                                      'note', CASE WHEN n %% 5 = 0 THEN 'checked' ELSE '' END),
                   CASE WHEN n %% 5 = 0 THEN 'review' ELSE 'auto' END, %s::jsonb,
                   CASE WHEN n %% 5 = 0 THEN %s END, CASE WHEN n %% 5 = 0 THEN 4 END, %s,
                   CASE WHEN n %% 5 = 0 THEN %s::jsonb ELSE '[]'::jsonb END, now()
            FROM (SELECT id, split_part(import_key, ':', 2)::int AS n FROM annotation_task
                  WHERE project_id = %s) AS t""",
                       [json.dumps([a.pk for a in annotators]), expert.pk, project.domain,
                        json.dumps([_review(expert)]), project.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotation_task")
        cursor.execute("ANALYZE review_taskoutcome")


def _insert_orm(project, tasks: int, annotators, expert) -> None:
    """Other databases (SQLite): the same rows through bulk_create, in batches."""
    rng = random.Random(7)
    for start in range(0, tasks, INSERT_BATCH):
        batch = range(start, min(tasks, start + INSERT_BATCH))
        with transaction.atomic():
            created = Task.objects.bulk_create([
                Task(project=project, data={"text": f"{PHRASES[i % len(PHRASES)]} (item {i})"},
                     status=TaskStatus.ACCEPTED, submitted_count=2, import_key=f"bench:{i}", random_key=rng.random())
                for i in batch])
            TaskOutcome.objects.bulk_create([
                TaskOutcome(task=task, source="review" if i % 5 == 0 else "auto",
                            result={"sentiment": ("pos", "neg", "neu")[i % 3],
                                    "entities": [{"start": 0, "end": 2, "label": "PER"}] if i % 2 else [],
                                    "note": "checked" if i % 5 == 0 else ""},
                            annotators=[a.pk for a in annotators], decided_by=expert if i % 5 == 0 else None,
                            decided_level=4 if i % 5 == 0 else None, domain=project.domain,
                            reviews=[_review(expert)] if i % 5 == 0 else [])
                for i, task in zip(batch, created)])


def existing(tasks: int) -> Release | None:
    return (Release.objects.filter(project__organization__name=ORG_NAME, project__name=PROJECT_NAME,
                                   state=Release.State.READY, record_count=tasks).order_by("-version").first())


class PeakRss:
    """Samples the resident memory of some processes in a thread; ``peak`` in bytes."""

    def __init__(self, pids: list[int]) -> None:
        self.processes = [psutil.Process(pid) for pid in pids]
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for process in self.processes:
                try:
                    self.peak = max(self.peak, process.memory_info().rss)
                except psutil.Error:
                    pass
            time.sleep(SAMPLE_S)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def warm_up(port: int, token: str, release_id: int) -> None:
    """One small request first, so the URL configuration and the first connection are not timed."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", f"/api/v1/releases/{release_id}/", headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"release detail answered {response.status}")


def download(port: int, token: str, release_id: int, fmt: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    started = time.perf_counter()
    conn.request("GET", f"/api/v1/releases/{release_id}/export/?format={fmt}",
                 headers={"Authorization": f"Token {token}"})
    response = conn.getresponse()
    if response.status != 200:
        raise RuntimeError(f"export answered {response.status}: {response.read(500)!r}")
    size = newlines = 0
    first_byte = None
    while True:
        chunk = response.read(1 << 20)
        if not chunk:
            break
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
        newlines += chunk.count(b"\n")
    conn.close()
    return {"seconds": time.perf_counter() - started, "bytes": size, "lines": newlines,
            "first_byte_s": first_byte or 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--formats", default="jsonl", help="comma-separated export formats to time")
    parser.add_argument("--rebuild", action="store_true", help="set up again even if a release of that size exists")
    parser.add_argument("--port", type=int, default=None)
    args = parser.parse_args()

    release, build_s = (None, None) if args.rebuild else (existing(args.tasks), None)
    if release is None:
        release, build_s = setup(args.tasks)
    if release.state != Release.State.READY:
        raise SystemExit(f"the release did not build: {release.state} {release.error}")
    manager = get_user_model().objects.get(username="bench-bx-manager")
    token, _ = Token.objects.get_or_create(user=manager)
    vendor = connection.vendor
    db_version = connection.cursor().connection.info.server_version if vendor == "postgresql" else \
        connection.cursor().connection.execute("select sqlite_version()").fetchone()[0]
    connection.close()  # the bench process keeps no connection open while the server works

    results = []
    with GunicornServer(workers=1, threads=1, port=args.port) as server:
        pids = server.worker_pids()
        warm_up(server.port, token.key, release.pk)
        for fmt in args.formats.split(","):
            baseline = max(psutil.Process(pid).memory_info().rss for pid in pids)
            with PeakRss(pids) as rss:
                figures = download(server.port, token.key, release.pk, fmt)
            figures.update(format=fmt, records=release.record_count,
                           rows_per_s=release.record_count / figures["seconds"],
                           mb_per_s=figures["bytes"] / figures["seconds"] / 1e6, baseline_rss_mb=baseline / 1e6,
                           peak_rss_mb=rss.peak / 1e6, growth_rss_mb=(rss.peak - baseline) / 1e6)
            if fmt == "jsonl" and figures["lines"] != release.record_count:
                raise SystemExit(f"expected {release.record_count} lines, got {figures['lines']}")
            results.append(figures)

    print()
    print(f"Release export over HTTP: {vendor} {db_version}, {os.cpu_count()} cores, gunicorn 1 worker x 1 thread, "
          f"{release.record_count:,} records" + (f", built by the service in {build_s:.1f}s "
                                                f"({release.record_count / build_s:,.0f} records/s)" if build_s else ""))
    print(f"{'format':8} {'records':>10} {'seconds':>8} {'rows/s':>10} {'MB':>8} {'MB/s':>7} {'1st byte':>9} "
          f"{'RSS before':>11} {'peak RSS':>9} {'growth':>7}  (MB)")
    for f in results:
        print(f"{f['format']:8} {f['records']:>10,} {f['seconds']:>8.2f} {f['rows_per_s']:>10,.0f} "
              f"{f['bytes'] / 1e6:>8.1f} {f['mb_per_s']:>7.1f} {f['first_byte_s']:>9.3f} {f['baseline_rss_mb']:>11.1f} "
              f"{f['peak_rss_mb']:>9.1f} {f['growth_rss_mb']:>7.1f}")
    load = os.getloadavg()
    print(f"load average during the run (1, 5, 15 min): {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    summary = {"database": f"{vendor} {db_version}", "cores": os.cpu_count(), "load_average": [round(x, 2) for x in load],
               "records": release.record_count,
               "build_s": build_s, "exports": [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in f.items()}
                                               for f in results]}
    print(json.dumps(summary, separators=(",", ":")))


if __name__ == "__main__":
    main()
