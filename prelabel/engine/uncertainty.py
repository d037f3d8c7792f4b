"""Uncertainty of a prediction from its distribution, for active-learning order.

All measures are scaled to [0, 1] with 1 = most uncertain, so labels with different numbers of
options, and single- and multi-label ones, can be compared and combined.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

Distribution = Mapping[str, float] | Sequence[float]


def _values(distribution: Distribution) -> list[float]:
    values = distribution.values() if isinstance(distribution, Mapping) else distribution
    return [max(0.0, float(p)) for p in values]


def entropy(distribution: Distribution, *, normalized: bool = True) -> float:
    """Shannon entropy (nats) of a distribution summing to 1; normalised by log(n) to [0, 1]."""
    probs = _values(distribution)
    total = sum(probs)
    if len(probs) < 2 or total <= 0:
        return 0.0
    h = -sum((p / total) * math.log(p / total) for p in probs if p > 0)
    return h / math.log(len(probs)) if normalized else h


def margin(distribution: Distribution) -> float:
    """Top-1 minus top-2 probability: 1 = sure, 0 = a tie."""
    probs = sorted(_values(distribution), reverse=True)
    if not probs:
        return 0.0
    if len(probs) == 1:
        return probs[0]
    return probs[0] - probs[1]


def margin_uncertainty(distribution: Distribution) -> float:
    return 1.0 - margin(distribution)


def binary_entropy(p: float) -> float:
    """Entropy of one yes/no decision in bits (1 at p = 0.5)."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1 - p) * math.log2(1 - p))


def multi_label_entropy(distribution: Distribution) -> float:
    """Mean per-option binary entropy, for multi_choice's independent probabilities."""
    probs = _values(distribution)
    return sum(binary_entropy(min(p, 1.0)) for p in probs) / len(probs) if probs else 0.0


def task_uncertainty(
    distributions: Mapping[str, Distribution],
    multi_label: Iterable[str] = (),
    *,
    fallback_score: float | None = None,
) -> float:
    """One number per task: the most uncertain of its labels.

    Labels without a distribution (spans, boxes, generations) contribute ``1 - score`` through
    ``fallback_score`` when given.
    """
    multi = set(multi_label)
    values = [
        multi_label_entropy(d) if name in multi else entropy(d)
        for name, d in distributions.items()
    ]
    if fallback_score is not None:
        values.append(1.0 - max(0.0, min(1.0, fallback_score)))
    return max(values, default=0.0)
