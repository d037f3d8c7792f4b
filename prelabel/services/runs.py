"""Pre-label jobs: the open tasks of a project, in chunks, through the active model version.

Idempotent by construction: a Prediction is unique per (task, model version), a chunk skips the
tasks that already have one, and a re-run recounts progress from zero. The Job row is the truth.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from celery import current_app
from django.db import transaction

from annotation.models import Job, Prediction, Project, Task, TaskStatus
from annotation.schema import SchemaError, validate_result
from annotation.services.jobs import job_create, job_enqueue, job_is_cancelled, job_progress
from prelabel.models import ModelVersion
from prelabel.services.registry import engine_item, model_version_active, prelabeler_for

log = logging.getLogger(__name__)

CHUNK_SIZE = 256
RUN_TASK = "prelabel.tasks.prelabel_run"  # by name: the routes send prelabel.tasks.* to queue "prelabel"


def prelabel_job_create(*, project: Project, actor, model: ModelVersion | None = None) -> Job:
    """A queued pre-label job for the open tasks, pinned to a model version (the active one)."""
    model = model or model_version_active(project)
    total = Task.objects.filter(project=project, status=TaskStatus.OPEN).count()
    return job_create(organization_id=project.organization_id, project_id=project.pk, kind="prelabel",
                      created_by=actor, params={"model_version": model.version}, total=total)


def prelabel_start(*, project: Project, actor, model: ModelVersion | None = None) -> Job:
    """Create the job and queue it once committed; BrokerUnavailable when the queue is down."""
    with transaction.atomic():
        job = prelabel_job_create(project=project, actor=actor, model=model)
        job_enqueue(job, lambda: current_app.send_task(RUN_TASK, args=[job.pk]))
    return job


def _version_of(job: Job) -> ModelVersion:
    return ModelVersion.objects.get(project_id=job.project_id, version=job.params["model_version"])


def prelabel_job_run(*, job_id: int, chunk_size: int = CHUNK_SIZE,
                     on_progress: Callable[[int, int], None] | None = None) -> dict[str, Any]:
    """Run every chunk of the job in order, stopping between chunks when it is cancelled."""
    job = Job.objects.select_related("project").get(pk=job_id, kind="prelabel")
    task_ids = list(Task.objects.filter(project_id=job.project_id, status=TaskStatus.OPEN)
                    .order_by("pk").values_list("pk", flat=True))
    job_progress(job_id=job_id, done=0, total=len(task_ids))
    totals = {"model_version": job.params["model_version"], "created": 0, "skipped": 0, "invalid": 0,
              "cancelled": False}
    done = 0
    for start in range(0, len(task_ids), chunk_size):
        if job_is_cancelled(job_id=job_id):
            totals["cancelled"] = True
            break
        chunk = task_ids[start:start + chunk_size]
        counts = prelabel_chunk(job_id=job_id, task_ids=chunk)
        for key in ("created", "skipped", "invalid"):
            totals[key] += counts[key]
        done += len(chunk)
        if on_progress is not None:
            on_progress(done, len(task_ids))
    return totals


def prelabel_chunk(*, job_id: int, task_ids: list[int]) -> dict[str, int]:
    """Predict the tasks of one chunk that lack a prediction of the job's version; store the valid,
    non-empty results and the tasks' uncertainty; advance the job by the chunk's size."""
    job = Job.objects.select_related("project").get(pk=job_id)
    counts = predictions_store(project=job.project, model=_version_of(job), task_ids=task_ids,
                               log_prefix=f"prelabel job {job_id}")
    job_progress(job_id=job_id, add=len(task_ids))
    return counts


def predictions_store(*, project: Project, model: ModelVersion, task_ids: list[int],
                      log_prefix: str = "prelabel") -> dict[str, int]:
    """The shared core of a chunk and of the single-task fast path: predict the given tasks that
    lack a prediction of ``model``, bulk-write the valid, non-empty results (a conflict with a row
    another run wrote meanwhile is skipped) and the tasks' uncertainty."""
    schema = project.parsed_schema
    have = set(Prediction.objects.filter(task_id__in=task_ids, model_version=model.version)
               .values_list("task_id", flat=True))
    tasks = [t for t in Task.objects.filter(pk__in=task_ids, project=project).only(
        "pk", "data", "media", "media_width", "media_height") if t.pk not in have]
    items = [engine_item(task, schema) for task in tasks]
    order = sorted(range(len(tasks)), key=lambda i: sum(len(v) for v in items[i].values() if isinstance(v, str)))
    tasks, items = [tasks[i] for i in order], [items[i] for i in order]  # similar lengths pad less
    predictions = prelabeler_for(model, schema, project.schema).predict(items) if items else []
    rows, scored, invalid = [], [], 0
    for task, predicted in zip(tasks, predictions):
        task.uncertainty = predicted.uncertainty
        scored.append(task)
        result = {name: value for name, value in predicted.result.items() if value is not None}
        if not result:
            continue
        try:
            validate_result(schema, result, data=task.data, width=task.media_width, height=task.media_height,
                            require_complete=False)
        except SchemaError as exc:
            invalid += 1
            log.warning("%s: dropped an invalid result for task %s: %s", log_prefix, task.pk, exc)
            continue
        rows.append(Prediction(task=task, model_version=model.version, result=result, score=predicted.score))
    with transaction.atomic():
        created = Prediction.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
        Task.objects.bulk_update(scored, ["uncertainty"], batch_size=500)
    return {"created": len(created), "skipped": len(have), "invalid": invalid}
