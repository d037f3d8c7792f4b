"""The checks themselves: agreement, consensus and rules for one task, with no database writes.

``evaluate()`` takes the parsed schema, the task's data and its submitted annotations and returns
an ``Evaluation``; ``consistency.py`` turns it into a status and a report. Keeping the maths apart
from the writes lets exams, the quality view and tests call it directly.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from annotation.schema import LabelSpec, Schema
from review.metrics import Ratings, box_consensus, compare, encode_labels, majority_vote, span_consensus

CATEGORICAL = ("choice", "preference", "rating")
# Labels whose value is a list: left empty (None) means the same as an empty list.
LIST_TYPES = ("multi_choice", "spans", "boxes", "polygons")


@dataclass(frozen=True)
class Policy:
    """``Project.review_policy`` as the checks read it (the review app owns that dict)."""

    agreement_threshold: float = 0.8
    min_lead_time: float = 2.0
    single_annotation: str = "accept"  # "accept" | "review": what to do with overlap-1 tasks
    span_token_boundaries: bool = False  # spans must start and end between tokens
    # A prediction at least this sure that disagrees with the people is worth an expert's look.
    model_confidence: float = 0.9
    # Cosine similarity of stored task embeddings at which two tasks are near-duplicates.
    near_duplicate_similarity: float = 0.95

    @classmethod
    def from_project(cls, review_policy: Any) -> Policy:
        raw = review_policy if isinstance(review_policy, Mapping) else {}

        def number(key: str, default: float) -> float:
            value = raw.get(key, default)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            return float(value) if ok else default

        def share(key: str, default: float) -> float:
            value = number(key, default)
            return value if 0.0 <= value <= 1.0 else default

        single = raw.get("single_annotation", cls.single_annotation)
        return cls(
            agreement_threshold=number("agreement_threshold", cls.agreement_threshold),
            min_lead_time=number("min_lead_time", cls.min_lead_time),
            single_annotation=single if single in ("accept", "review") else cls.single_annotation,
            span_token_boundaries=raw.get("span_token_boundaries") is True,
            model_confidence=share("model_confidence", cls.model_confidence),
            near_duplicate_similarity=share("near_duplicate_similarity", cls.near_duplicate_similarity),
        )


@dataclass(frozen=True)
class Submitted:
    """One submitted annotation, as the checks need it."""

    id: int
    annotator_id: int
    result: dict
    lead_time: float


@dataclass
class Evaluation:
    agreement: dict[str, float | None] = field(default_factory=dict)
    overall_agreement: float | None = None
    consensus: dict[str, dict] = field(default_factory=dict)
    confidence: float | None = None
    reasons: list[dict] = field(default_factory=list)
    annotator_agreement: dict[str, float] = field(default_factory=dict)
    accepted: bool = False


def compare_params(spec: LabelSpec) -> dict[str, Any]:
    if spec.type == "rating":
        return {"min": spec.min, "max": spec.max}
    return {}


def label_values(spec: LabelSpec, annotations: Sequence[Submitted]) -> list[Any]:
    values = [a.result.get(spec.name) for a in annotations]
    return [v or [] for v in values] if spec.type in LIST_TYPES else values


def similarity(spec: LabelSpec, a: Any, b: Any) -> float:
    return float(compare(spec.type, a, b, **compare_params(spec)).score)


def label_agreement(spec: LabelSpec, values: Sequence[Any]) -> float | None:
    """Mean similarity over every pair of annotations; None with fewer than two."""
    scores = [similarity(spec, a, b) for a, b in combinations(values, 2)]
    return float(np.mean(scores)) if scores else None


def _categorical(values: Sequence[Any]) -> dict:
    present = [v for v in values if v is not None]
    if not present:
        return {"value": None, "confidence": 1.0, "votes": {}}
    codes, categories = encode_labels(present)
    ratings = Ratings.from_arrays(np.zeros(len(codes)), np.arange(len(codes)), codes)
    vote = majority_vote(ratings, n_categories=len(categories))
    votes = {str(c): int(n) for c, n in zip(categories, vote.scores[0]) if n}
    # Confidence counts the annotators who left the label empty as disagreeing.
    winner = categories[int(vote.labels[0])]
    return {"value": winner, "confidence": float(vote.scores[0].max() / len(values)), "votes": votes}


def _multi_choice(values: Sequence[Any]) -> dict:
    """An option is in the consensus when a strict majority chose it."""
    sets = [set(v or ()) for v in values]
    options = sorted(set().union(*sets)) if sets else []
    n = len(sets)
    chosen, shares = [], []
    for option in options:
        share = sum(option in s for s in sets) / n
        if 2 * share > 1:
            chosen.append(option)
        shares.append(max(share, 1 - share))
    return {"value": chosen, "confidence": float(np.mean(shares)) if shares else 1.0}


def _medoid(spec: LabelSpec, values: Sequence[Any]) -> dict:
    """The value closest on average to the others (text, chain of thought, polygons)."""
    if len(values) == 1:
        return {"value": values[0], "confidence": 1.0, "index": 0}
    closeness = [
        float(np.mean([similarity(spec, v, w) for j, w in enumerate(values) if j != i]))
        for i, v in enumerate(values)
    ]
    best = int(np.argmax(closeness))  # ties: the earliest submission
    return {"value": values[best], "confidence": closeness[best], "index": best}


def label_consensus(spec: LabelSpec, values: Sequence[Any], data: Mapping[str, Any]) -> dict:
    if all(v is None for v in values):
        return {"value": None, "confidence": 1.0}
    if spec.type in CATEGORICAL:
        return _categorical(values)
    if spec.type == "multi_choice":
        return _multi_choice(values)
    if spec.type == "boxes":
        result = box_consensus(values)
        return {"value": result.items, "confidence": result.confidence}
    if spec.type == "spans":
        text = data.get(spec.on) if spec.on else None
        result = span_consensus(values, text_length=len(text) if isinstance(text, str) else None)
        return {"value": result.items, "confidence": result.confidence}
    return _medoid(spec, values)


def _word_char(ch: str) -> bool:
    """Part of a multi-character token: letters and digits, except CJK ideographs and kana,
    which are tokens on their own (Chinese and Japanese text has no spaces)."""
    return ch.isalnum() and not ("\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff")


def on_token_boundary(text: str, offset: int) -> bool:
    if offset <= 0 or offset >= len(text):
        return True
    return not (_word_char(text[offset - 1]) and _word_char(text[offset]))


def _spans_off_boundaries(spec: LabelSpec, value: Any, data: Mapping[str, Any]) -> list[int]:
    text = data.get(spec.on) if spec.on else None
    if not isinstance(text, str) or not isinstance(value, list):
        return []
    return [i for i, span in enumerate(value) if isinstance(span, Mapping)
            and not (on_token_boundary(text, span.get("start", 0)) and on_token_boundary(text, span.get("end", 0)))]


def rule_reasons(schema: Schema, annotations: Sequence[Submitted], policy: Policy,
                 data: Mapping[str, Any] | None = None) -> list[dict]:
    """Rules every annotation must pass whatever the others did."""
    reasons: list[dict] = []
    for ann in annotations:
        for name, spec in schema.labels.items():
            value = ann.result.get(name)
            if spec.type == "spans" and policy.span_token_boundaries and data is not None:
                for index in _spans_off_boundaries(spec, value, data):
                    reasons.append({"code": "span_off_token_boundary", "label": name, "span": index,
                                    "annotation": ann.id, "annotator": ann.annotator_id})
            if spec.required and value is None:
                reasons.append({"code": "required_missing", "label": name, "annotation": ann.id,
                                "annotator": ann.annotator_id})
            if spec.type == "chain_of_thought" and value is not None and not _cot_complete(value):
                reasons.append({"code": "cot_incomplete", "label": name, "annotation": ann.id,
                                "annotator": ann.annotator_id})
        if ann.lead_time < policy.min_lead_time:
            reasons.append({"code": "lead_time_too_short", "annotation": ann.id, "annotator": ann.annotator_id,
                            "lead_time": ann.lead_time, "min_lead_time": policy.min_lead_time})
    return reasons


def _cot_complete(value: Any) -> bool:
    if not isinstance(value, Mapping):
        return False
    steps, answer = value.get("steps"), value.get("answer")
    has_steps = isinstance(steps, list) and any(isinstance(s, str) and s.strip() for s in steps)
    return has_steps and isinstance(answer, str) and bool(answer.strip())


def evaluate(schema: Schema, data: Mapping[str, Any], annotations: Sequence[Submitted], policy: Policy) -> Evaluation:
    """Agreement per label (overall = the weakest label), consensus per label, rules, decision."""
    out = Evaluation()
    n = len(annotations)
    if n == 0:
        out.reasons.append({"code": "no_annotations"})
        return out
    per_annotator: dict[int, list[float]] = {a.annotator_id: [] for a in annotations}
    for name, spec in schema.labels.items():
        values = label_values(spec, annotations)
        out.agreement[name] = label_agreement(spec, values)
        consensus = label_consensus(spec, values, data)
        out.consensus[name] = consensus
        for ann, value in zip(annotations, values):
            per_annotator[ann.annotator_id].append(similarity(spec, value, consensus["value"]))
    measured = [v for v in out.agreement.values() if v is not None]
    out.overall_agreement = min(measured) if measured else None
    confidences = [c["confidence"] for c in out.consensus.values()]
    out.confidence = float(min(confidences)) if confidences else None
    out.annotator_agreement = {str(k): float(np.mean(v)) if v else 1.0 for k, v in per_annotator.items()}

    out.reasons.extend(rule_reasons(schema, annotations, policy, data))
    if n >= 2:
        for name, value in out.agreement.items():
            if value is not None and value < policy.agreement_threshold:
                out.reasons.append({"code": "low_agreement", "label": name, "agreement": round(value, 6),
                                    "threshold": policy.agreement_threshold})
    elif policy.single_annotation != "accept":
        out.reasons.append({"code": "single_annotation"})
    out.accepted = not out.reasons
    return out
