"""Saving and submitting annotations. ``version`` guards every update against lost work."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from annotation.errors import Conflict
from annotation.access import object_id, require_role
from annotation.models import Annotation, AnnotationRevision, Prediction, Project, Task, TaskStatus
from annotation.schema import SchemaError, validate_result
from annotation.services.audit import audit_record
from annotation.services.distribution import (PLACES_COLUMNS, honeypots_on, lease_missing, places_taken,
                                              submission_counted, submission_ctes)
from annotation.signals import annotation_submitted, task_completed
from annotation.sql import db_time, fetch, for_update, insert, insert_statement, inserted, is_row_id, rows

SUBMITTED = Annotation.Status.SUBMITTED
MAX_LEAD_TIME = 7 * 24 * 3600.0


def _validate(task: Task, result, status: str) -> None:
    try:
        validate_result(task.project.parsed_schema, result, data=task.data, width=task.media_width,
                        height=task.media_height, require_complete=status == SUBMITTED)
    except SchemaError as exc:
        raise ValidationError(exc.as_dict()) from exc


def _check_lead_time(lead_time: float | None) -> None:
    if lead_time is not None and not 0 <= lead_time <= MAX_LEAD_TIME:
        raise ValidationError({"lead_time": [_("must be between 0 and {limit:.0f} seconds").format(limit=MAX_LEAD_TIME)]})


def _count_submission(task: Task, annotation: Annotation, *, taken: int, now, store: bool = True) -> None:
    """Runs with the task row locked: take one place of the overlap, or refuse.

    ``taken`` is ``places_taken(...)[0]``, read after the lock: the places others hold. With
    ``store=False`` the caller writes the count itself (``submission_ctes``).
    """
    if task.status != TaskStatus.OPEN:
        raise Conflict(_("This task no longer takes annotations."), task_status=task.status)
    honeypot = task.gold is not None and honeypots_on(task.project)
    if taken >= task.project.overlap and not honeypot:
        raise Conflict(_("This task already has all the annotations it needs; your draft is kept."))
    task.submitted_count += 1
    # A honeypot stays open: every annotator meets it once and it is never decided or released.
    if task.submitted_count >= task.project.overlap and not honeypot:
        task.status = TaskStatus.COMPLETED
    if store:
        submission_counted(task=task, user_id=annotation.annotator_id, now=now)
    annotation.submitted_at = now


def _after_submit(task: Task, annotation: Annotation) -> None:
    transaction.on_commit(lambda: annotation_submitted.send(sender=Annotation, annotation=annotation))
    if task.status == TaskStatus.COMPLETED:
        transaction.on_commit(lambda: task_completed.send(sender=Task, task=task))


def _revision(annotation: Annotation, author) -> None:
    insert(AnnotationRevision(annotation=annotation, version=annotation.version, result=annotation.result,
                              status=annotation.status, author=author))


REVISION_OF_NEW = (f"INSERT INTO {AnnotationRevision._meta.db_table} "
                   f"(annotation_id, version, result, status, author_id, created_at) "
                   f"SELECT id, version, result, status, %s, %s FROM new RETURNING annotation_id")


def _insert_with_revision(annotation: Annotation, author, *, counted: Task | None = None) -> None:
    """The new annotation and its first revision; one statement on PostgreSQL (a writable CTE).
    With ``counted`` (PostgreSQL), the same statement also stores that task's count and turns the
    caller's lease into a submission (``submission_ctes``): a submit's writes in one round trip."""
    if connection.vendor != "postgresql":
        insert(annotation)
        _revision(annotation, author)
        return
    sql, values = insert_statement(annotation)
    ctes, params, leases = "", [], ""
    if counted is not None:
        ctes, params = submission_ctes(task=counted, user_id=annotation.annotator_id, now=annotation.submitted_at)
        ctes, leases = f"{ctes}, ", ", (SELECT COUNT(*) FROM lease)"
    row = fetch(f"WITH {ctes}new AS ({sql} RETURNING id, version, result, status) {REVISION_OF_NEW}{leases}",
                [*params, *values, author.pk, db_time(timezone.now())])
    inserted(annotation, row[0])
    if counted is not None:
        lease_missing(leases=row[1], task=counted, user_id=annotation.annotator_id, now=annotation.submitted_at)


@cache
def _lock_task_sql(lock: str) -> str:
    return f"SELECT {rows(Task).columns('t')} FROM {Task._meta.db_table} t WHERE t.id = %s{lock}"


def _lock_task(task: Task) -> Task:
    """The task row, locked and read afresh, with the caller's project (a submit must not queue
    on the project's row: submits to one project would all wait there)."""
    row = fetch(_lock_task_sql(for_update()), [task.pk])
    if row is None:
        raise NotFound()  # deleted since the request found it
    locked = rows(Task).load(row)
    locked.project = task.project
    return locked


@cache
def _submit_lock_sql() -> str:
    # Whether the locked row is newer than the version this statement's snapshot sees (see
    # _lock_for_submit); SQLite serializes writers, so its snapshot is never behind.
    newer = (f"t.xmin <> (SELECT s.xmin FROM {Task._meta.db_table} s WHERE s.id = t.id)"
             if connection.vendor == "postgresql" else "0")
    return f"""
        SELECT {rows(Task).columns('t')}, {rows(Project).columns('p')}, {PLACES_COLUMNS}, {newer},
               (SELECT 1 FROM {Prediction._meta.db_table} r WHERE r.id = %s AND r.task_id = t.id)
        FROM {Task._meta.db_table} t JOIN {Project._meta.db_table} p ON p.id = t.project_id
        WHERE t.id = %s{for_update("t")}"""


@dataclass
class Locked:
    task: Task  # with its project
    taken: int  # places held by others: submitted annotations and others' live leases
    existing: int | None  # the caller's own annotation on the task
    prediction_found: bool


def _lock_for_submit(task_id: int, user_id: int, prediction_id: int | None, now) -> Locked:
    """The task and its project, locked, with ``places_taken`` and the prediction check: one
    statement, the submit's first in its transaction.

    The counts come from the statement's snapshot, taken before the lock, while PostgreSQL
    locks the row's newest version: when a write to the row (another submit) committed in
    between, the two disagree (the other's annotation counted and its lease still live), so the
    counts are read again after the lock, as ``places_taken`` does. Writes that leave the row
    alone may still be missed, harmlessly: a lease that another claim took meanwhile exists only
    if the caller's own had expired (the task had room for it), and the claimer's submit is the
    one refused; the caller's own annotation from a double submit meets the unique constraint,
    which ``annotation_create`` answers with the same 409.
    """
    row = fetch(_submit_lock_sql(), [db_time(now), user_id, user_id, prediction_id or 0, task_id])
    if row is None:
        raise NotFound()
    task = rows(Task).load(row)
    task.project = rows(Project).load(row, rows(Task).width)
    taken, existing, newer, prediction = row[-4:]
    if newer:
        taken, existing = places_taken(task_id, user_id, now)
    return Locked(task, taken, existing, prediction is not None)


def _already_annotated(annotation_id: int) -> Conflict:
    return Conflict(_("You already have an annotation on this task; update it instead."), annotation_id=annotation_id)


def annotation_create(*, user, task: Task | int, result, status: str, lead_time: float = 0.0,
                      prediction_id: int | None = None, roles=None) -> Annotation:
    """Create the caller's annotation on ``task``, a draft or a submission.

    Given a task id from outside, pass the ``roles`` allowed to annotate: the task is then found,
    scoped to the caller's organizations and locked in one statement (``NotFound`` for another
    base's task, ``PermissionDenied`` for a role not in ``roles``). Everything is checked under the
    task's lock, and nothing is written unless everything passes."""
    _check_lead_time(lead_time)
    if prediction_id is not None and not is_row_id(prediction_id):
        raise ValidationError({"prediction": [_("No such prediction on this task.")]})
    task_id = object_id(task) if roles is not None else task.pk
    try:
        with transaction.atomic():
            now = timezone.now()
            locked = _lock_for_submit(task_id, user.pk, prediction_id, now)
            task = locked.task
            if roles is not None:
                require_role(user, task.project.organization_id, roles)
            _validate(task, result, status)
            if prediction_id is not None and not locked.prediction_found:
                raise ValidationError({"prediction": [_("No such prediction on this task.")]})
            if locked.existing is not None:
                raise _already_annotated(locked.existing)
            annotation = Annotation(task=task, annotator=user, result=result, status=status,
                                    lead_time=lead_time or 0.0, prediction_id=prediction_id)
            # On PostgreSQL the count, the lease and the insert are one statement.
            together = status == SUBMITTED and connection.vendor == "postgresql"
            if status == SUBMITTED:
                _count_submission(task, annotation, taken=locked.taken, now=now, store=not together)
            _insert_with_revision(annotation, user, counted=task if together else None)
            audit_record(organization_id=task.project.organization_id, actor=user, action=f"annotation.{status}",
                         obj=annotation, data={"task": task.pk, "version": 1})
            if status == SUBMITTED:
                _after_submit(task, annotation)
    except IntegrityError:
        # The caller's own annotation committed while this waited for the task's lock.
        existing = fetch(f"SELECT id FROM {Annotation._meta.db_table} WHERE task_id = %s AND annotator_id = %s",
                         [task_id, user.pk])
        if existing is None:
            raise
        raise _already_annotated(existing[0]) from None
    return annotation


def annotation_update(*, user, annotation: Annotation, version: int, result=None, status: str | None = None,
                      lead_time: float | None = None) -> Annotation:
    if annotation.annotator_id != user.pk:
        raise PermissionDenied(_("Only its annotator edits an annotation."))
    _check_lead_time(lead_time)
    task = annotation.task
    new_status = status or annotation.status
    if result is not None:
        _validate(task, result, new_status)
    with transaction.atomic():
        task = _lock_task(task)
        current = Annotation.objects.select_for_update().get(pk=annotation.pk)
        if current.version != version:
            raise Conflict(_("Someone saved this annotation after you loaded it; your changes were not saved."),
                           current_version=current.version)
        if current.status == SUBMITTED and new_status != SUBMITTED:
            raise ValidationError({"status": [_("A submitted annotation cannot go back to draft.")]})
        if task.status in (TaskStatus.ACCEPTED, TaskStatus.REJECTED):
            raise Conflict(_("This task has been decided; it can no longer be edited."), task_status=task.status)
        if task.status in (TaskStatus.COMPLETED, TaskStatus.IN_REVIEW) and current.status == SUBMITTED:
            # The checks and the reviewers judge the submitted set: it must not move under them.
            raise Conflict(_("This task is being checked or reviewed; your submitted annotation can no longer "
                             "be edited."), task_status=task.status)
        if result is None and new_status == SUBMITTED and current.status != SUBMITTED:
            _validate(task, current.result, new_status)
        becomes_submitted = new_status == SUBMITTED and current.status != SUBMITTED
        if becomes_submitted:
            now = timezone.now()
            _count_submission(task, current, taken=places_taken(task.pk, user.pk, now)[0], now=now)
        if result is not None:
            current.result = result
        if lead_time is not None:
            current.lead_time = lead_time
        current.status = new_status
        current.version = F("version") + 1
        current.save()
        current.refresh_from_db()
        _revision(current, user)
        audit_record(organization_id=task.project.organization_id, actor=user, action=f"annotation.{new_status}",
                     obj=current, data={"task": task.pk, "version": current.version})
        if becomes_submitted:
            _after_submit(task, current)
    return current
