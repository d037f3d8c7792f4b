"""Celery tasks of the core app: thin, idempotent, they take ids and call one service."""
from __future__ import annotations

import logging
import shutil

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotation.imports.errors import ImportFailed
from annotation.models import Job
from annotation.services.imports import import_dir, task_import
from annotation.services.jobs import job_fail, job_finish, job_is_cancelled, job_start

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="annotation.import_run")
def import_run(job_id: int) -> None:
    """Run an import job. A finished job is left alone (a redelivered message); a crashed one runs
    again and skips the rows already imported by their keys."""
    job = Job.objects.filter(pk=job_id, kind="import").select_related("created_by").first()
    if job is None or not job_start(job_id=job_id):
        return
    try:
        result = task_import(job=job, should_stop=lambda: job_is_cancelled(job_id=job_id))
    except ImportFailed as exc:
        report = getattr(exc, "report", None)
        job_fail(job_id=job_id, error=str(exc), result=report.as_result() if report else None)
    except (OperationalError, InterfaceError):
        raise  # transient: retried, the keys make the next run skip what is in
    except Exception:
        log.exception("import job %s failed", job_id)
        job_fail(job_id=job_id, error="The import failed with an internal error; the log has the details.")
    else:
        job_finish(job_id=job_id, result=result)
    shutil.rmtree(import_dir(job_id), ignore_errors=True)
