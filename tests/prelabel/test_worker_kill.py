"""A worker killed with SIGKILL in the middle of a pre-label job (issue 4, item 8).

PostgreSQL + Redis only: the production pair, where an unacknowledged message of a dead worker is
handed to another worker (``acks_late``; here after a 10 s visibility timeout instead of an hour,
``kill_settings.py``). The job restarts from the top, the chunks skip what the dead worker
committed, and the job ends with exactly one prediction per task and version.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zb_prelabel REDIS_URL=redis://127.0.0.1:6379/12 \\
      .venv/bin/python -m pytest tests/prelabel/test_worker_kill.py
"""
from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count

from annotation.models import Job, Prediction, Task
from prelabel.models import BUILTIN_VERSION
from prelabel.services import CHUNK_SIZE, prelabel_start
from tests.factories import ProjectFactory
from tests.prelabel.queue import empty_prelabel_queue  # noqa: F401
from tests.worker import start_worker, stop_worker, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql" or not settings.REDIS_URL,
                       reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL): the production broker "
                              "redelivers a dead worker's message; the embedded broker is not under test here"),
]

TASKS = CHUNK_SIZE * 2 + 100  # three chunks: the kill lands after the first


def start(name: str) -> tuple[subprocess.Popen, Path]:
    return start_worker(queues="prelabel", name=f"kill-{name}", settings_module="tests.prelabel.kill_settings")


def test_a_worker_killed_mid_job_leaves_one_prediction_per_task_and_a_finished_job(
        transactional_db, empty_prelabel_queue, base, owner):  # noqa: F811
    project = ProjectFactory(organization=base)
    Task.objects.bulk_create([Task(project=project, data={"text": f"Story {i}: the league final went to penalties."},
                                   import_key=f"kill-{i}") for i in range(TASKS)])
    first, first_log = start("first")
    try:
        job = prelabel_start(project=project, actor=owner)

        def progressed():
            state = Job.objects.values_list("state", "progress_done").get(pk=job.pk)
            return state[1] > 0 and state

        state, done = wait_for(progressed, timeout=300, interval=0.05, what="the first chunk to be written")
        assert state == Job.State.RUNNING and done < TASKS, "the job must still be running when the worker dies"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
        assert first.returncode == -signal.SIGKILL
    finally:
        stop_worker(first)
    written_by_the_dead = Prediction.objects.filter(task__project=project).count()
    assert 0 < written_by_the_dead < TASKS

    second, second_log = start("second")
    try:
        def finished():
            found = Job.objects.get(pk=job.pk)
            return found if found.state in Job.FINISHED else None

        job = wait_for(finished, timeout=420, interval=0.5, what="the redelivered job to finish")
    finally:
        stop_worker(second)
    assert job.state == Job.State.SUCCEEDED, (job.error, second_log.read_text()[-3000:])
    assert job.progress_done == job.progress_total == TASKS
    per_task = (Prediction.objects.filter(task__project=project).values("task_id", "model_version")
                .annotate(n=Count("pk")))
    assert len(per_task) == TASKS
    assert {row["model_version"] for row in per_task} == {BUILTIN_VERSION}
    assert {row["n"] for row in per_task} == {1}
    assert job.result["skipped"] >= written_by_the_dead  # the re-run skipped what was committed
    assert b"prelabel.tasks.prelabel_run" in second_log.read_bytes()
