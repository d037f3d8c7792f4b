"""Read queries of the prelabel app."""
from __future__ import annotations

from annotation.models import Job, Prediction, Project, Task


def task_predictions(*, task: Task) -> list[Prediction]:
    """What the workspace shows as the suggestion: newest first, like next-task."""
    return list(Prediction.objects.filter(task=task).order_by("-created_at", "-pk")[:5])


def latest_job(*, project: Project, kind: str) -> Job | None:
    """The project's most recent job of this kind (the page picks up a running one)."""
    return Job.objects.filter(project=project, kind=kind).order_by("-pk").first()
