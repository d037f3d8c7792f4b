"""Read queries of the prelabel app."""
from __future__ import annotations

from annotation.models import Prediction, Task


def task_predictions(*, task: Task) -> list[Prediction]:
    """What the workspace shows as the suggestion: newest first, like next-task."""
    return list(Prediction.objects.filter(task=task).order_by("-created_at", "-pk")[:5])
