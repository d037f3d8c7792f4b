"""The Celery task of the release report job: thin and idempotent, it takes the job's id.

Imported by ``release.tasks`` so that ``autodiscover_tasks`` registers it in every worker.
"""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotation.models import Job
from annotation.services.jobs import job_fail, job_finish, job_is_cancelled, job_start
from release.models import Release
from release.services.quality_report import JOB_KIND, ReportUnavailable, release_report_compute
from release.services.value import TokenizerUnavailable

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="release.report")
def release_report_run(job_id: int) -> None:
    """Measure the job's release. A finished job is left alone (a redelivered message), and a
    release whose report is already stored is not measured again."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND).first()
    if job is None or not job_start(job_id=job_id):
        return
    release = Release.objects.filter(pk=job.params.get("release")).first()
    if release is None:
        job_fail(job_id=job_id, error="The release of this job does not exist.")
        return
    try:
        done = release_report_compute(release=release, actor=job.created_by, job_id=job_id,
                                      should_stop=lambda: job_is_cancelled(job_id=job_id))
    except (ReportUnavailable, TokenizerUnavailable) as exc:
        job_fail(job_id=job_id, error=str(exc))
    except (OperationalError, InterfaceError):
        raise  # transient: retried from the start; nothing is stored until the end
    except Exception:
        log.exception("release report job %s failed", job_id)
        job_fail(job_id=job_id, error="The release report failed with an internal error; the log has the details.")
    else:
        if done is not None:
            job_finish(job_id=job_id, result={"release": release.pk})
