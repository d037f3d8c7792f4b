"""Grading an exam answer against the gold answer, one label at a time.

The comparison per label type is the one the consistency checks use (``review.metrics.grade``:
exact match for choices and preferences, Jaccard for multi-choice, entity F1 for spans, F1 of
IoU-matched boxes, area IoU for polygons, scaled distance for ratings, edit similarity for text,
answer match and step alignment for chain-of-thought), so "agrees with the gold" means the same
thing in an exam as in a consistency check.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from annotation.schema import Schema
from review.metrics import grade
from review.services.checks import LIST_TYPES, compare_params


@dataclass(frozen=True)
class ItemGrade:
    """`score` in [0, 1] is the mean over the gold's labels; `labels` holds each label's score."""

    score: float
    labels: dict[str, float] = field(default_factory=dict)


def graded_labels(schema: Schema, expected: Mapping[str, Any]) -> list[str]:
    """The labels an item is graded on: those of the schema the gold answer fills in.

    A gold answer that leaves a label out says nothing about it, so the candidate is not graded
    on it either (a CoT gold without a preference grades the reasoning only)."""
    return [name for name in schema.labels if expected.get(name) is not None]


def _value(label_type: str, value: Any) -> Any:
    # A list label left out means "nothing here", the same as an empty list (as in the checks).
    if value is None and label_type in LIST_TYPES:
        return []
    return value


def grade_result(schema: Schema, expected: Mapping[str, Any], given: Mapping[str, Any] | None) -> ItemGrade:
    """Score ``given`` against ``expected``; an unanswered item (None) scores 0 on every label."""
    names = graded_labels(schema, expected)
    if not names:
        # A gold answer with no label of the current schema cannot be graded; it counts as passed
        # by nobody rather than by everybody.
        return ItemGrade(0.0, {})
    scores: dict[str, float] = {}
    for name in names:
        spec = schema.labels[name]
        if given is None:
            scores[name] = 0.0
            continue
        comparison = grade(spec.type, _value(spec.type, expected[name]), _value(spec.type, given.get(name)),
                           **compare_params(spec))
        scores[name] = float(comparison.score)
    return ItemGrade(sum(scores.values()) / len(scores), scores)
