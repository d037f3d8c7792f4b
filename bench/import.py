"""Import benchmark: N short text tasks from a generated JSONL file through the job's service.

    DATA_DIR=/tmp/zb-bench python bench/import.py --n 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zhibiao_bench DATA_DIR=/tmp/zb-bench python bench/import.py

The database must be migrated. Prints tasks/s, peak RSS and the load average around the run; the
last line is one JSON object. On PostgreSQL the service writes batches on its writer threads (own
connections) while it reads, as the job does.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from annotation.models import Organization, Task  # noqa: E402
from annotation.services.imports import task_import  # noqa: E402
from annotation.services.jobs import job_create, job_finish, job_start  # noqa: E402
from annotation.services.projects import project_create  # noqa: E402

WORDS = ("the market rose on strong earnings while analysts in Hefei and Shanghai expected rates to hold "
         "as the new phone sold out and the team won again after a long season").split()
SCHEMA = {"data": {"text": "text"},
          "labels": {"sentiment": {"type": "choice", "options": ["pos", "neg", "neu"]}}}


def rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return peak / 1024


def generate(path: Path, n: int) -> None:
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(rng.choices(WORDS, k=rng.randint(6, 14)))
            out.write(json.dumps({"text": f"{i}: {text}"}, ensure_ascii=False) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()

    source = Path(settings.DATA_DIR) / "bench" / f"import-{args.n}.jsonl"
    source.parent.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        generate(source, args.n)
    organization = Organization.objects.create(name="Bench base", city="Hefei")
    project = project_create(organization=organization, actor=None, name=f"Import bench {time.time():.0f}",
                             schema=SCHEMA)
    job = job_create(organization_id=organization.pk, project_id=project.pk, kind="import", created_by=None,
                     params={"format": "jsonl", "filename": source.name})
    job_start(job_id=job.pk)
    rss_before, load_before = rss_mb(), os.getloadavg()[0]
    started = time.perf_counter()
    result = task_import(job=job, path=source, fmt="jsonl", batch_size=args.batch)
    seconds = time.perf_counter() - started
    job_finish(job_id=job.pk, result=result)
    count = Task.objects.filter(project=project).count()
    assert count == args.n == result["created"], (count, result["created"])
    figures = {
        "bench": "import", "database": connection.vendor, "n": args.n, "batch": args.batch,
        "seconds": round(seconds, 2), "tasks_per_s": round(args.n / seconds),
        "peak_rss_mb": round(rss_mb(), 1), "rss_before_import_mb": round(rss_before, 1),
        "file_mb": round(source.stat().st_size / 2**20, 1), "errors": result["error_count"],
        # The 1-minute load average before and after: other work on the machine shows here.
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    print(f"imported {args.n} tasks in {seconds:.1f} s: {figures['tasks_per_s']} tasks/s, "
          f"peak RSS {figures['peak_rss_mb']} MB ({connection.vendor})")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
