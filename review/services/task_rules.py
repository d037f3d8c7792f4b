"""Rule checks that need more than the task's own annotations: other tasks (duplicates) and the
model's predictions (disagreement with a confident model). ``checks.evaluate`` stays pure maths;
``consistency.task_evaluate`` adds these reasons before deciding.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np

from annotation.models import Prediction, Task, TaskEmbedding
from review.services.checks import LIST_TYPES, Evaluation, Policy, similarity

MAX_DUPLICATES_LISTED = 5
# A check compares the task with at most this many other embeddings of its project (the newest):
# enough for projects of tens of thousands of tasks without a vector index; the release quality
# report measures the near-duplicate rate of a whole release.
NEAR_DUPLICATE_SCAN = 50_000


def duplicate_reasons(task: Task) -> list[dict]:
    """Other tasks of the project with exactly the same data: labelled twice, or a leak between
    splits of a dataset. Compared in the database (JSON equality), so no task is loaded."""
    others = list(Task.objects.filter(project_id=task.project_id, data=task.data).exclude(pk=task.pk)
                  .order_by("pk").values_list("pk", flat=True)[:MAX_DUPLICATES_LISTED])
    return [{"code": "duplicate_task", "tasks": others}] if others else []


_scans: ContextVar[dict | None] = ContextVar("near_duplicate_scans", default=None)


@contextmanager
def shared_embedding_scans() -> Iterator[None]:
    """Within the block each project's embeddings are read once, not once per check: a sweep or
    a recompute checks many tasks of one project in a row (reading up to 50,000 vectors, ~77 MB,
    each time would dominate it). Embeddings written meanwhile are not seen inside the block."""
    token = _scans.set({})
    try:
        yield
    finally:
        _scans.reset(token)


def _project_embeddings(project_id: int, model: str) -> tuple[np.ndarray, np.ndarray]:
    """Task ids and vectors (one row each) of the newest NEAR_DUPLICATE_SCAN + 1 embeddings:
    one more than a check compares with, as the task itself may be among them."""
    cache, key = _scans.get(), (project_id, model)
    if cache is not None and key in cache:
        return cache[key]
    found = list(TaskEmbedding.objects.filter(task__project_id=project_id, model=model)
                 .order_by("-task_id").values_list("task_id", "vector")[:NEAR_DUPLICATE_SCAN + 1])
    ids = np.array([task_id for task_id, _ in found], dtype=np.int64)
    matrix = np.frombuffer(b"".join(bytes(v) for _, v in found), dtype="<f4").reshape(len(found), -1)
    if cache is not None:
        cache[key] = (ids, matrix)
    return ids, matrix


def near_duplicate_reasons(task: Task, policy: Policy) -> list[dict]:
    """Other tasks whose text embedding (stored by the prelabel app when tasks are imported) is at
    least ``near_duplicate_similarity`` (cosine, default 0.95) close to this task's."""
    own = TaskEmbedding.objects.filter(task=task).order_by("-created_at").values("model", "vector").first()
    if own is None:
        return []
    bar = policy.near_duplicate_similarity
    mine = np.frombuffer(bytes(own["vector"]), dtype="<f4")
    ids, matrix = _project_embeddings(task.project_id, own["model"])
    if len(ids) == 0 or matrix.shape[1] != mine.shape[0]:
        return []
    scores = matrix @ mine
    itself = ids == task.pk
    scores[itself] = -np.inf
    if not itself.any() and len(ids) > NEAR_DUPLICATE_SCAN:
        scores[-1] = -np.inf  # the task is not among the newest: compare with NEAR_DUPLICATE_SCAN only
    close = np.flatnonzero(scores >= bar)
    if close.size == 0:
        return []
    top = close[np.argsort(-scores[close], kind="stable")][:MAX_DUPLICATES_LISTED]
    return [{"code": "near_duplicate_task", "tasks": [int(ids[i]) for i in top],
             "similarity": round(float(scores[top[0]]), 4), "threshold": bar}]


def model_disagreement_reasons(task: Task, evaluation: Evaluation, policy: Policy) -> list[dict]:
    """Labels where the most confident prediction (score ≥ the policy's bar) differs from the
    consensus of the people."""
    bar = policy.model_confidence  # 1.0 turns the rule off
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


def task_rule_reasons(task: Task, evaluation: Evaluation, policy: Policy) -> list[dict]:
    return (duplicate_reasons(task) + near_duplicate_reasons(task, policy)
            + model_disagreement_reasons(task, evaluation, policy))
