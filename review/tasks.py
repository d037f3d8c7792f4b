"""Celery tasks of the review app: thin, idempotent, they take ids and call one service."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotation.models import Job
from annotation.services.jobs import job_fail, job_finish, job_is_cancelled, job_start
from review.services.consistency import JOB_KIND, consistency_check, consistency_recompute, consistency_sweep

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="review.consistency_check")
def consistency_check_task(task_id: int) -> None:
    """Check one completed task. Running it twice is harmless: the status only moves from
    ``completed``, so the second run finds the task decided and writes nothing."""
    consistency_check(task_id=task_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="review.consistency_sweep")
def consistency_sweep_task(project_id: int) -> None:
    """Check every completed task of a project (see ``review.receivers``). Sweeps that overlap,
    or a redelivered one, are harmless: each task's status only moves from ``completed``."""
    consistency_sweep(project_id=project_id)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="review.consistency_recompute")
def consistency_recompute_run(job_id: int) -> None:
    """Run a recompute job; a finished job is left alone (a redelivered message)."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND).first()
    if job is None or not job_start(job_id=job_id):
        return
    try:
        result = consistency_recompute(job=job, should_stop=lambda: job_is_cancelled(job_id=job_id))
    except (OperationalError, InterfaceError):
        raise  # transient: retried; checked tasks are no longer `completed`, so nothing runs twice
    except Exception:
        log.exception("consistency recompute job %s failed", job_id)
        job_fail(job_id=job_id, error="The recompute failed with an internal error; the log has the details.")
    else:
        job_finish(job_id=job_id, result=result)
