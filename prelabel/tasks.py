"""Celery tasks of the prelabel app (queue ``prelabel``): thin, idempotent, they take a job id.

A redelivered message for a finished job does nothing; one for a job whose worker died runs it
again, and the unique (task, model version) of Prediction makes the re-run skip what was written.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotation.services.jobs import job_fail, job_finish, job_start
from prelabel.engine import EngineError
from prelabel.services import PrelabelError, model_retrain, prelabel_job_run, task_prelabel_run

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)


def _run(job_id: int, kind: str, service) -> None:
    if not job_start(job_id=job_id):
        return  # finished or cancelled already: a redelivered message
    try:
        result = service(job_id=job_id)
    except TRANSIENT:
        raise  # retried; the unique constraints make the next run skip what is in
    except (PrelabelError, EngineError) as exc:
        job_fail(job_id=job_id, error=str(exc))
    except Exception:
        log.exception("%s job %s failed", kind, job_id)
        job_fail(job_id=job_id, error=f"The {kind} job failed with an internal error; the log has the details.")
    else:
        job_finish(job_id=job_id, result=result)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, max_retries=3,
             retry_backoff=True, name="prelabel.tasks.prelabel_run")
def prelabel_run(job_id: int) -> None:
    """Pre-label the open tasks of the job's project, chunk by chunk, with progress on the job."""
    _run(job_id, "prelabel", prelabel_job_run)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, max_retries=3,
             retry_backoff=True, name="prelabel.tasks.retrain_run")
def retrain_run(job_id: int) -> None:
    """Fit a head on submitted labels; register it when better and queue a pre-label job."""
    _run(job_id, "retrain", model_retrain)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, max_retries=1,
             name="prelabel.tasks.prelabel_one")
def prelabel_one(task_id: int, version: str) -> None:
    """The single-task fast path: one task, one version; sent with a short expiry by the API."""
    try:
        task_prelabel_run(task_id=task_id, version=version)
    except (PrelabelError, EngineError) as exc:  # no job row to fail: the workspace just gets no suggestion
        log.warning("fast path for task %s (version %s) failed: %s", task_id, version, exc)


@shared_task(acks_late=True, reject_on_worker_lost=True, autoretry_for=TRANSIENT, max_retries=3,
             retry_backoff=True, name="prelabel.tasks.embed_project")
def embed_project(project_id: int) -> int:
    """Store built-in text embeddings for the project's tasks that lack one (near-duplicate checks)."""
    from prelabel.services.embeddings import embeddings_store

    try:
        return embeddings_store(project_id=project_id)
    except EngineError as exc:  # no job row: the near-duplicate rule simply finds no embedding
        log.warning("embeddings of project %s not stored: %s", project_id, exc)
        return 0
