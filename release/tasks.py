"""Celery tasks of the release app: thin, idempotent, they take ids and call one service."""
from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

from annotation.models import Job
from annotation.services.jobs import job_fail, job_finish, job_is_cancelled, job_start
from release.models import Release
from release.services.snapshot import JOB_KIND, ReleaseBuildFailed, release_build, release_fail

log = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(OperationalError, InterfaceError), max_retries=3,
             retry_backoff=True, name="release.build")
def release_build_run(job_id: int) -> None:
    """Build the job's release. A finished job is left alone (a redelivered message); a crashed
    one resumes after the last record it wrote."""
    job = Job.objects.filter(pk=job_id, kind=JOB_KIND).first()
    if job is None:
        return
    release = Release.objects.select_related("project", "created_by").filter(pk=job.params.get("release")).first()
    if not job_start(job_id=job_id):
        if release is not None and job_is_cancelled(job_id=job_id):
            release_fail(release=release, error="The build was cancelled.")  # cancelled before it ran
        return
    if release is None:
        job_fail(job_id=job_id, error="The release of this job does not exist.")
        return
    try:
        release = release_build(release=release, job_id=job_id, should_stop=lambda: job_is_cancelled(job_id=job_id))
    except ReleaseBuildFailed as exc:
        release_fail(release=release, error=str(exc))
        job_fail(job_id=job_id, error=str(exc))
    except (OperationalError, InterfaceError):
        raise  # transient: retried, the build resumes after its last record
    except Exception:
        log.exception("release job %s failed", job_id)
        error = "The release build failed with an internal error; the log has the details."
        release_fail(release=release, error=error)
        job_fail(job_id=job_id, error=error)
    else:
        if job_is_cancelled(job_id=job_id):
            release_fail(release=release, error="The build was cancelled.")
        else:
            job_finish(job_id=job_id, result={"release": release.pk, "version": release.version,
                                              "records": release.record_count, "merkle_root": release.merkle_root})

# The report job's task ("report") lives beside its service; importing it here registers it in workers.
from release.report_tasks import release_report_run  # noqa: E402,F401
