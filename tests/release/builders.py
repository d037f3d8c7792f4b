"""Build accepted tasks with their outcomes, and releases, the way the services would leave them."""
from __future__ import annotations

from django.utils import timezone

from annotation.models import Annotation, Prediction, Task, TaskStatus
from release.models import Release
from release.services.snapshot import release_build, release_create
from review.models import ConsistencyReport, TaskOutcome


def accept(task: Task, *, result: dict, annotators: list, source: str = "auto", reviews: list | None = None,
           decided_by=None, level: int | None = None, suggestion: str | None = None,
           agreement: float | None = None, cot_verdicts: dict | None = None) -> TaskOutcome:
    """Submitted annotations by ``annotators`` (starting from ``suggestion``'s prediction when
    given), the task accepted with that result, and its outcome (and consistency report)."""
    prediction = None
    if suggestion:
        prediction = Prediction.objects.create(task=task, model_version=suggestion, result=result, score=0.9)
    for user in annotators:
        Annotation.objects.create(task=task, annotator=user, result=result, status=Annotation.Status.SUBMITTED,
                                  prediction=prediction, submitted_at=timezone.now())
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.ACCEPTED, submitted_count=len(annotators))
    if agreement is not None:
        ConsistencyReport.objects.create(task=task, overall_agreement=agreement, annotation_count=len(annotators),
                                         decision=ConsistencyReport.Decision.ACCEPTED)
    return TaskOutcome.objects.create(task=task, result=result, source=source, annotators=[u.pk for u in annotators],
                                      decided_by=decided_by, decided_level=level, domain=task.project.domain,
                                      reviews=reviews or [], cot_verdicts=cot_verdicts)


def review_entry(reviewer, *, level: int, decision: str = "accept", stage: int = 1) -> dict:
    return {"stage": stage, "reviewer": reviewer.pk, "username": reviewer.username, "level": level,
            "decision": decision, "at": "2026-11-22T08:00:00+00:00"}


def build_release(project, actor, **kwargs) -> Release:
    """Create a release and run its build here (the job's message is not sent anywhere)."""
    release = release_create(project=project, actor=actor, send=lambda job: None, **kwargs)
    return release_build(release=release, job_id=release.job_id)
