"""Build a release: create it with its job, snapshot the accepted tasks in chunks, then seal it.

``release_create`` (the web request) writes the release row in ``building`` state and its job and
sends the job on commit (a broker failure fails both). ``release_build`` (the Celery task) does the
work and can be run again at any time: each chunk starts where the written records stop and is
written in a transaction that locks the release row and checks nobody wrote meanwhile, so a
crashed build resumes after its last written record, and two deliveries of the same message never
write a record twice. Sealing computes the manifest and the Merkle root from the written records
and moves the release to ``ready`` in one transaction with its audit event.
"""
from __future__ import annotations

from collections.abc import Callable

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from annotation.models import AuditEvent, Job, Project, Task, TaskStatus
from annotation.services.audit import audit_record
from annotation.services.jobs import job_create, job_enqueue, job_progress
from release.models import Release, ReleaseRecord
from release.selectors import release_records
from release.services.manifest import ManifestBuilder, manifest_start, schema_of
from release.services.records import TASK_FIELDS, build_records, canonical_line, line_sha256

JOB_KIND = "release"
CHUNK = 1000


class ReleaseBuildFailed(Exception):
    """The build cannot produce a release (nothing matches the filters); the message says why."""


def matching_tasks(project_id: int, filters: dict):
    """Accepted tasks with an outcome that pass the release's filters."""
    tasks = Task.objects.filter(project_id=project_id, status=TaskStatus.ACCEPTED, outcome__isnull=False)
    if filters.get("task_ids"):
        tasks = tasks.filter(pk__in=filters["task_ids"])
    if filters.get("sources"):
        tasks = tasks.filter(outcome__source__in=filters["sources"])
    if filters.get("min_agreement") is not None:
        # Tasks with no agreement figure (a single annotation) do not pass an agreement filter.
        tasks = tasks.filter(consistency_report__overall_agreement__gte=filters["min_agreement"])
    return tasks


def release_create(*, project: Project, actor, name: str = "", note: str = "", filters: dict | None = None,
                   send: Callable[[Job], object]) -> Release:
    """A new release (next version of the project) in ``building`` state and its queued job.
    Raises ``BrokerUnavailable`` (→ 503) when the job cannot be sent; the job is then failed."""
    filters = filters or {}
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).values_list("pk").get()
        version = (Release.objects.filter(project=project).aggregate(v=Max("version"))["v"] or 0) + 1
        job = job_create(organization_id=project.organization_id, project_id=project.pk, kind=JOB_KIND,
                         created_by=actor, params={"version": version, "filters": filters},
                         total=matching_tasks(project.pk, filters).count())
        release = Release.objects.create(
            project=project, version=version, name=name or f"v{version}", note=note, filters=filters, job=job,
            created_by=actor, manifest=manifest_start(project=project, version=version, filters=filters))
        Job.objects.filter(pk=job.pk).update(params={**job.params, "release": release.pk})
        audit_record(organization_id=project.organization_id, actor=actor, action="release.create", obj=release,
                     data={"version": version, "filters": filters, "job": job.pk})
        job_enqueue(job, lambda: _send_or_fail(release, job, send))
    release.refresh_from_db()
    return release


def _send_or_fail(release: Release, job: Job, send: Callable[[Job], object]) -> None:
    """Send the job; if the broker refuses, the release fails with it (job_enqueue fails the job
    and the view answers 503), so no release waits in ``building`` for a job that never comes."""
    try:
        send(job)
    except Exception:
        release_fail(release=release, error="The task queue was unavailable; nothing was built.")
        raise


def _last_record(release_id: int) -> tuple[int, int] | None:
    return (ReleaseRecord.objects.filter(release_id=release_id).order_by("-seq")
            .values_list("seq", "task_id").first())


def _write_chunk(release_id: int, project_id: int, filters: dict) -> int | None:
    """Write the next chunk of records; the number now written, or None when nothing was left.

    The records are built outside the transaction and written inside one that locks the release
    row and checks nobody wrote meanwhile (a second delivery of the message): the lock is held
    for the insert only, which matters on SQLite, where a write transaction locks the database.
    """
    last = _last_record(release_id)
    next_seq, after = (last[0] + 1, last[1]) if last else (0, 0)
    tasks = list(matching_tasks(project_id, filters).filter(pk__gt=after).order_by("pk").values(*TASK_FIELDS)[:CHUNK])
    if not tasks:
        return None
    rows = []
    for seq, record in enumerate(build_records(tasks), start=next_seq):
        line = canonical_line(record)
        rows.append((release_id, seq, record["id"], record["key"], line_sha256(line), line))
    with transaction.atomic():
        locked = Release.objects.select_for_update().filter(pk=release_id, state=Release.State.BUILDING)
        if not locked.values_list("pk").first():
            return None
        if _last_record(release_id) != last:
            return next_seq  # another delivery wrote this chunk first; the caller reads on from there
        _insert_records(rows)
    return next_seq + len(rows)


RECORD_COLUMNS = ("release_id", "seq", "task_id", "key", "sha256", "line")


def _insert_records(rows: list[tuple]) -> None:
    """Write-once rows: COPY on PostgreSQL (bulk_create's array quoting of long lines costs
    more than building them), bulk_create elsewhere. Runs inside the chunk's transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY release_releaserecord ({', '.join(RECORD_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    ReleaseRecord.objects.bulk_create([ReleaseRecord(**dict(zip(RECORD_COLUMNS, row))) for row in rows])


def _seal(release: Release) -> Release:
    """Sum the written records up and move the release to ready (or failed when it is empty)."""
    builder = ManifestBuilder(schema_of(release.manifest))
    for record in release_records(release):
        builder.add(record)
    summary = builder.summary()
    if summary["counts"]["records"] == 0:
        raise ReleaseBuildFailed("No accepted task matches the release's filters.")
    organization_id = release.project.organization_id
    with transaction.atomic():
        if not Release.objects.select_for_update().filter(pk=release.pk, state=Release.State.BUILDING).exists():
            return release
        head = (AuditEvent.objects.filter(organization_id=organization_id).order_by("-seq")
                .values("seq", "digest").first())
        root = summary["merkle"]["root"]
        manifest = {**release.manifest, **summary, "merkle_root": root, "audit_head": head}
        Release.objects.filter(pk=release.pk, state=Release.State.BUILDING).update(
            state=Release.State.READY, record_count=summary["counts"]["records"], manifest=manifest,
            merkle_root=root, audit_head=head["digest"] if head else "", finished_at=timezone.now())
        audit_record(organization_id=organization_id, actor=release.created_by, action="release.ready",
                     obj=release, data={"version": release.version, "records": summary["counts"]["records"],
                                        "merkle_root": root})
    release.refresh_from_db()
    return release


def release_build(*, release: Release, job_id: int | None = None, should_stop: Callable[[], bool] = lambda: False
                  ) -> Release:
    """Snapshot the matching tasks in id order, chunk by chunk, then seal. Safe to run again."""
    if release.state != Release.State.BUILDING:
        return release
    while not should_stop():
        written = _write_chunk(release.pk, release.project_id, release.filters)
        if written is None:
            break
        if job_id is not None:
            job_progress(job_id=job_id, done=written)
    if should_stop():
        return release
    return _seal(release)


def release_fail(*, release: Release, error: str) -> None:
    with transaction.atomic():
        if Release.objects.filter(pk=release.pk, state=Release.State.BUILDING).update(
                state=Release.State.FAILED, error=error[:5000], finished_at=timezone.now()):
            audit_record(organization_id=release.project.organization_id, actor=release.created_by,
                         action="release.failed", obj=release, data={"version": release.version, "error": error[:500]})
