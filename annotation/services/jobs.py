"""Long jobs: the Job row is the truth, the broker only carries its id."""
from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from annotation.models import Job
from annotation.services.audit import audit_record

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The job could not be queued: the user sees this as a 503, never a silent slowdown."""


def job_create(*, organization_id: int, project_id: int | None, kind: str, created_by, params: dict | None = None,
               total: int = 0) -> Job:
    with transaction.atomic():
        job = Job.objects.create(organization_id=organization_id, project_id=project_id, kind=kind,
                                 created_by=created_by, params=params or {}, progress_total=total)
        audit_record(organization_id=organization_id, actor=created_by, action=f"job.{kind}.create", obj=job,
                     data={"params": params or {}})
    return job


def job_enqueue(job: Job, send: Callable[[], object]) -> None:
    """Send the job's message once the job row is committed (at once when no transaction is
    open). A broker failure fails the job and raises BrokerUnavailable so the caller answers 503."""

    def send_now() -> None:
        try:
            send()
        except (BrokerOperationalError, ConnectionError, OSError) as exc:
            log.warning("broker unavailable for job %s: %s", job.pk, exc)
            job_fail(job_id=job.pk, error=f"The task queue is unavailable: {exc}")
            raise BrokerUnavailable(str(exc)) from exc

    transaction.on_commit(send_now, robust=False)


def job_start(*, job_id: int) -> bool:
    """Mark a queued job running; False when it already finished (a redelivered message)."""
    updated = Job.objects.filter(pk=job_id).exclude(state__in=Job.FINISHED).update(
        state=Job.State.RUNNING, started_at=timezone.now()
    )
    return bool(updated)


def job_progress(*, job_id: int, done: int | None = None, add: int = 0, total: int | None = None) -> None:
    values: dict = {}
    if done is not None:
        values["progress_done"] = done
    elif add:
        values["progress_done"] = F("progress_done") + add
    if total is not None:
        values["progress_total"] = total
    if values:
        Job.objects.filter(pk=job_id).update(**values)


def job_is_cancelled(*, job_id: int) -> bool:
    return Job.objects.filter(pk=job_id, state=Job.State.CANCELLED).exists()


def job_finish(*, job_id: int, result: dict | None = None) -> None:
    Job.objects.filter(pk=job_id).exclude(state=Job.State.CANCELLED).update(
        state=Job.State.SUCCEEDED, result=result or {}, finished_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str, result: dict | None = None) -> None:
    values = {"state": Job.State.FAILED, "error": error[:5000], "finished_at": timezone.now()}
    if result is not None:
        values["result"] = result
    Job.objects.filter(pk=job_id).exclude(state=Job.State.CANCELLED).update(**values)


def job_cancel(*, job: Job, actor) -> Job:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).exclude(state__in=Job.FINISHED).update(
            state=Job.State.CANCELLED, finished_at=timezone.now()
        )
        audit_record(organization_id=job.organization_id, actor=actor, action=f"job.{job.kind}.cancel", obj=job)
    job.refresh_from_db()
    return job
