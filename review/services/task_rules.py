"""Rule checks that need more than the task's own annotations: other tasks (duplicates) and the
model's predictions (disagreement with a confident model). ``checks.evaluate`` stays pure maths;
``consistency.task_evaluate`` adds these reasons before deciding.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from annotation.models import Prediction, Task
from review.services.checks import LIST_TYPES, Evaluation, similarity

DEFAULT_MODEL_CONFIDENCE = 0.9
MAX_DUPLICATES_LISTED = 5


def model_confidence(review_policy: Any) -> float:
    """``review_policy["model_confidence"]``: a prediction at least this sure that disagrees with
    the people is worth an expert's look (1.0 disables the rule)."""
    raw = review_policy.get("model_confidence") if isinstance(review_policy, Mapping) else None
    ok = isinstance(raw, (int, float)) and not isinstance(raw, bool) and math.isfinite(raw) and 0 <= raw <= 1
    return float(raw) if ok else DEFAULT_MODEL_CONFIDENCE


def duplicate_reasons(task: Task) -> list[dict]:
    """Other tasks of the project with exactly the same data: labelled twice, or a leak between
    splits of a dataset. Compared in the database (JSON equality), so no task is loaded."""
    others = list(Task.objects.filter(project_id=task.project_id, data=task.data).exclude(pk=task.pk)
                  .order_by("pk").values_list("pk", flat=True)[:MAX_DUPLICATES_LISTED])
    return [{"code": "duplicate_task", "tasks": others}] if others else []


def model_disagreement_reasons(task: Task, evaluation: Evaluation) -> list[dict]:
    """Labels where the most confident prediction (score ≥ the policy's bar) differs from the
    consensus of the people."""
    bar = model_confidence(task.project.review_policy)
    prediction = (Prediction.objects.filter(task=task, score__gte=bar).order_by("-score", "-created_at")
                  .values("model_version", "result", "score").first())
    if prediction is None or not isinstance(prediction["result"], dict):
        return []
    reasons = []
    for name, spec in task.project.parsed_schema.labels.items():
        if name not in prediction["result"] or name not in evaluation.consensus:
            continue
        people, model = evaluation.consensus[name].get("value"), prediction["result"][name]
        if spec.type in LIST_TYPES:
            people, model = people or [], model or []
        if similarity(spec, people, model) < 1.0:
            reasons.append({"code": "model_disagreement", "label": name, "model_version": prediction["model_version"],
                            "score": prediction["score"]})
    return reasons


def task_rule_reasons(task: Task, evaluation: Evaluation) -> list[dict]:
    return duplicate_reasons(task) + model_disagreement_reasons(task, evaluation)
