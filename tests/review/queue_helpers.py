"""Shared set-up for the review queue and decision tests: certified people and tasks that went
through the real consistency check into review."""
from __future__ import annotations

from django.utils import timezone

from annotation.models import Annotation, AnnotationRevision, Role, Task, TaskStatus
from review.models import ReviewItem
from review.services.certification import certification_grant
from review.services.consistency import consistency_check
from tests.factories import MembershipFactory, TaskFactory, UserFactory


def member(base, username: str, role: str = Role.REVIEWER):
    user = UserFactory(username=username)
    MembershipFactory(user=user, organization=base, role=role)
    return user


def certify(user, base, level: int, *, domain: str = "general", by=None):
    return certification_grant(organization=base, user=user, domain=domain, level=level, granted_by=by,
                               reason="test")


def reviewed_task(project, annotators, results, *, lead_time: float = 10.0, task: Task | None = None,
                  **task_fields) -> tuple[Task, ReviewItem | None]:
    """A task (new, or ``task``) whose annotators submitted ``results``, checked by the real
    consistency check. Returns the task and its open review item (None when it was accepted)."""
    if task is None:
        task = TaskFactory(project=project, **task_fields)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.COMPLETED, submitted_count=len(results))
    now = timezone.now()
    for user, result in zip(annotators, results):
        annotation = Annotation.objects.create(task=task, annotator=user, result=result, lead_time=lead_time,
                                               status=Annotation.Status.SUBMITTED, submitted_at=now)
        AnnotationRevision.objects.create(annotation=annotation, version=1, result=result,
                                          status=Annotation.Status.SUBMITTED, author=user)
    consistency_check(task_id=task.pk)
    task.refresh_from_db()
    return task, ReviewItem.objects.filter(task=task).exclude(status=ReviewItem.Status.DONE).first()
