"""How far each annotator of a project can be trusted, from the two signals that do not depend
on their peers: accuracy on gold tasks (honeypots and any task with a gold answer) and how often
review overturned their work. Agreement with the consensus, the third signal, is per task in the
ConsistencyReport; the quality view shows all three side by side.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import F

from annotation.models import Annotation, AnnotationRevision, Project
from annotation.schema import Schema
from review.models import ReviewDecision
from review.services.checks import LIST_TYPES, similarity

OVERTURNING = (ReviewDecision.Kind.REJECT, ReviewDecision.Kind.FIX)


def result_score(schema: Schema, reference: Mapping[str, Any], result: Mapping[str, Any]) -> float | None:
    """Mean similarity of ``result`` to ``reference`` over the labels the reference states."""
    scores = []
    for name, expected in reference.items():
        spec = schema.labels.get(name)
        if spec is None:
            continue
        given = result.get(name)
        if spec.type in LIST_TYPES:
            expected, given = expected or [], given or []
        scores.append(similarity(spec, expected, given))
    return sum(scores) / len(scores) if scores else None


def gold_scores(project: Project, annotator_ids: Iterable[int] | None = None) -> dict[int, list[float]]:
    """Each annotator's scores on the gold tasks they submitted (all annotators, or those given)."""
    schema = project.parsed_schema
    scores: dict[int, list[float]] = defaultdict(list)
    rows = Annotation.objects.filter(task__project=project, task__gold__isnull=False,
                                     status=Annotation.Status.SUBMITTED)
    if annotator_ids is not None:
        rows = rows.filter(annotator_id__in=list(annotator_ids))
    rows = rows.values_list("annotator_id", "result", "task__gold")
    for annotator_id, result, gold in rows.iterator(chunk_size=2000):
        if isinstance(gold, dict) and isinstance(result, dict):
            score = result_score(schema, gold, result)
            if score is not None:
                scores[annotator_id].append(score)
    return scores


def overturns(project: Project) -> dict[int, tuple[int, int]]:
    """``{annotator: (overturned, reviewed)}`` over the tasks review decided.

    A reject overturns everyone who had submitted the task; a fix overturns those whose own last
    result differs from the fix (an annotator the reviewer agreed with was not overturned).
    """
    schema = project.parsed_schema
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    decisions = (ReviewDecision.objects.filter(task__project=project)
                 .order_by("task_id", "created_at").values("task_id", "decision", "result", "created_at"))
    by_task: dict[int, list[dict]] = defaultdict(list)
    for decision in decisions:
        by_task[decision["task_id"]].append(decision)
    if not by_task:
        return {}
    # Each annotator's own results (revisions they authored), oldest first, for the decided tasks.
    own: dict[tuple[int, int], list[tuple[Any, dict]]] = defaultdict(list)
    revisions = (AnnotationRevision.objects.filter(annotation__task_id__in=list(by_task))
                 .filter(author_id=F("annotation__annotator_id"))  # theirs, not a reviewer's fix
                 .order_by("created_at", "pk")
                 .values_list("annotation__task_id", "annotation__annotator_id", "created_at", "result"))
    for task_id, annotator_id, created_at, result in revisions.iterator(chunk_size=2000):
        own[(task_id, annotator_id)].append((created_at, result if isinstance(result, dict) else {}))
    for (task_id, annotator_id), history in own.items():
        for decision in by_task[task_id]:
            before = [result for at, result in history if at <= decision["created_at"]]
            if not before:
                continue  # they joined the task after this decision
            counts[annotator_id][1] += 1
            if decision["decision"] == ReviewDecision.Kind.REJECT:
                counts[annotator_id][0] += 1
            elif decision["decision"] == ReviewDecision.Kind.FIX:
                score = result_score(schema, decision["result"] or {}, before[-1])
                counts[annotator_id][0] += int(score is not None and score < 1.0)
    return {a: (c[0], c[1]) for a, c in counts.items()}


def annotator_reliability(project: Project) -> dict[int, dict]:
    """``{annotator: {"gold_accuracy", "gold_seen", "overturn_rate", "reviewed"}}``."""
    gold = gold_scores(project)
    turned = overturns(project)
    out: dict[int, dict] = {}
    for annotator_id in set(gold) | set(turned):
        scores = gold.get(annotator_id, [])
        overturned, reviewed = turned.get(annotator_id, (0, 0))
        out[annotator_id] = {
            "gold_accuracy": sum(scores) / len(scores) if scores else None,
            "gold_seen": len(scores),
            "overturn_rate": overturned / reviewed if reviewed else None,
            "reviewed": reviewed,
        }
    return out
