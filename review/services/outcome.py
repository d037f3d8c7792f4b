"""``TaskOutcome``: the accepted result of a task, written when it becomes ``accepted`` and
deleted when it is reopened. Both run inside the caller's transaction (the consistency check or a
review decision), next to the status change they belong to."""
from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from annotation.models import Annotation, Task
from annotation.schema import Schema, SchemaError, validate_result
from annotation.signals import task_accepted
from review.models import TaskOutcome

# Consensus items carry support and confidence; a result keeps only what the schema allows.
ITEM_KEYS = {"boxes": ("x", "y", "w", "h", "label"), "spans": ("start", "end", "label")}


def _clean(spec_type: str, value: Any) -> Any:
    keys = ITEM_KEYS.get(spec_type)
    if keys is None or not isinstance(value, list):
        return value
    return [{k: item[k] for k in keys if k in item} for item in value if isinstance(item, dict)]


def consensus_result(schema: Schema, consensus: dict) -> dict:
    """``{label: consensus[label]["value"]}`` for every label with a value (``consensus`` as the
    checks compute it and the report stores it), items trimmed to the schema's keys."""
    out = {}
    for name, spec in schema.labels.items():
        value = (consensus.get(name) or {}).get("value")
        if value is not None:
            out[name] = _clean(spec.type, value)
    return out


def result_errors(task: Task, result: dict) -> dict[str, list[str]]:
    """Schema errors of a result on this task ({} when valid)."""
    try:
        validate_result(task.project.parsed_schema, result, data=task.data, width=task.media_width,
                        height=task.media_height, require_complete=True)
    except SchemaError as exc:
        return exc.as_dict()
    return {}


def submitted_annotator_ids(task: Task) -> list[int]:
    return list(Annotation.objects.filter(task=task, status=Annotation.Status.SUBMITTED)
                .order_by("submitted_at", "pk").values_list("annotator_id", flat=True))


def outcome_write(*, task: Task, result: dict, source: str, annotators: list[int], decided_by=None,
                  decided_level: int | None = None, reviews: list[dict] | None = None,
                  cot_verdicts: dict | None = None) -> TaskOutcome:
    """Replace the task's outcome (a task accepted again after a reopening gets a fresh one)."""
    outcome, _ = TaskOutcome.objects.update_or_create(task=task, defaults={
        "result": result, "source": source, "annotators": annotators, "decided_by": decided_by,
        "decided_level": decided_level, "domain": task.project.domain, "reviews": reviews or [],
        "cot_verdicts": cot_verdicts or None, "decided_at": timezone.now(),
    })
    transaction.on_commit(lambda: task_accepted.send(sender=Task, task=task))  # the prelabel flywheel counts these
    return outcome


def outcome_delete(*, task: Task) -> int:
    return TaskOutcome.objects.filter(task=task).delete()[0]
