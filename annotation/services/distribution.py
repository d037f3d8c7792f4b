"""Task distribution: who gets which task next, with leases that expire.

Leases are operational state and are not audited; skips and submissions are.

The candidate query walks an index in the project's task order and stops at the first fit, so
no request sorts the table. On PostgreSQL the pick takes the row with ``FOR UPDATE SKIP
LOCKED``; everywhere, capacity is checked again under the task row's lock before the lease is
written, so overlap can never be exceeded (SQLite serializes writers with IMMEDIATE
transactions, which gives the same guarantee).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from annotation.errors import Conflict
from annotation.models import Annotation, Assignment, Prediction, Project, Task, TaskOrder, TaskStatus
from annotation.services.audit import audit_record

ORDER_SQL = {
    TaskOrder.SEQUENTIAL: "t.id",
    TaskOrder.PRIORITY: "t.priority DESC, t.id",
    TaskOrder.RANDOM: "t.random_key, t.id",
    TaskOrder.UNCERTAINTY: "t.uncertainty DESC NULLS LAST, t.id",
}
MAX_PICKS = 8


@dataclass
class Claim:
    task: Task
    predictions: list[Prediction]
    annotation: Annotation | None
    lease_expires_at: datetime


def _lease_ttl() -> timedelta:
    return timedelta(seconds=settings.LEASE_TTL_SECONDS)


def live_leases_of_others(task_id: int, user_id: int, now: datetime) -> int:
    return Assignment.objects.filter(task_id=task_id, state=Assignment.State.ACTIVE, expires_at__gt=now).exclude(
        user_id=user_id).count()


def has_capacity(task: Task, user_id: int, overlap: int, now: datetime) -> bool:
    """Call with the task row locked: room for one more annotator besides live leases."""
    return task.submitted_count + live_leases_of_others(task.pk, user_id, now) < overlap


def _pick(project: Project, user_id: int, now: datetime) -> int | None:
    task_table, lease_table = Task._meta.db_table, Assignment._meta.db_table
    lock = " FOR UPDATE OF t SKIP LOCKED" if connection.vendor == "postgresql" else ""
    sql = f"""
        SELECT t.id FROM {task_table} t
        WHERE t.project_id = %s AND t.status = %s
          AND NOT EXISTS (SELECT 1 FROM {lease_table} a
                          WHERE a.task_id = t.id AND a.user_id = %s AND a.state <> %s)
          AND t.submitted_count + (SELECT COUNT(*) FROM {lease_table} a
                                   WHERE a.task_id = t.id AND a.state = %s AND a.expires_at > %s
                                     AND a.user_id <> %s) < %s
        ORDER BY {ORDER_SQL[project.task_order]}
        LIMIT 1{lock}"""
    active = Assignment.State.ACTIVE
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, TaskStatus.OPEN, user_id, active, active, now, user_id, project.overlap])
        row = cursor.fetchone()
    return row[0] if row else None


def _claim_result(task: Task, user, expires_at: datetime) -> Claim:
    predictions = list(Prediction.objects.filter(task=task).order_by("-created_at")[:5])
    draft = Annotation.objects.filter(task=task, annotator=user).first()
    return Claim(task=task, predictions=predictions, annotation=draft, lease_expires_at=expires_at)


def task_next(*, user, project: Project) -> Claim | None:
    """The caller's next task with its predictions, or None when nothing is left for them."""
    now = timezone.now()
    expires_at = now + _lease_ttl()
    with transaction.atomic():
        # An unexpired lease of the caller's comes back first: a reload never loses a task.
        mine = (Assignment.objects.select_for_update().filter(
            user=user, task__project=project, task__status=TaskStatus.OPEN, state=Assignment.State.ACTIVE,
            expires_at__gt=now).order_by("created_at").first())
        if mine is not None:
            mine.expires_at = expires_at
            mine.save(update_fields=["expires_at"])
            return _claim_result(Task.objects.get(pk=mine.task_id), user, expires_at)
        for _ in range(MAX_PICKS):
            task_id = _pick(project, user.pk, now)
            if task_id is None:
                return None
            task = Task.objects.select_for_update().get(pk=task_id)
            if task.status != TaskStatus.OPEN or not has_capacity(task, user.pk, project.overlap, now):
                continue  # another claim won the race between pick and lock; pick again
            Assignment.objects.update_or_create(
                task=task, user=user, defaults={"state": Assignment.State.ACTIVE, "expires_at": expires_at})
            return _claim_result(task, user, expires_at)
    return None


def lease_renew(*, user, task: Task) -> datetime:
    expires_at = timezone.now() + _lease_ttl()
    updated = Assignment.objects.filter(task=task, user=user, state=Assignment.State.ACTIVE).update(
        expires_at=expires_at)
    if not updated:
        raise Conflict("You hold no lease on this task; ask for the next task again.")
    return expires_at


def task_skip(*, user, task: Task) -> None:
    """Give the task back; it is not offered to this user again."""
    with transaction.atomic():
        Task.objects.select_for_update().filter(pk=task.pk).values_list("pk").get()
        if Annotation.objects.filter(task=task, annotator=user, status=Annotation.Status.SUBMITTED).exists():
            raise Conflict("You already submitted this task.")
        Assignment.objects.update_or_create(
            task=task, user=user, defaults={"state": Assignment.State.SKIPPED, "expires_at": timezone.now()})
        audit_record(organization_id=task.project.organization_id, actor=user, action="task.skip", obj=task)
