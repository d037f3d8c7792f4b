"""Turning per-option probabilities into choice / multi_choice predictions.

Shared by every classifier-like backend so that a zero-shot guess, a trained head and a
fine-tuned model fill a label the same way and report comparable scores.
"""
from __future__ import annotations

from collections.abc import Mapping

from prelabel.engine.types import EngineError, Prediction

CLASSIFY_TYPES = ("choice", "multi_choice")
DEFAULT_THRESHOLD = 0.5


def check_classify_type(label_type: str) -> None:
    if label_type not in CLASSIFY_TYPES:
        raise EngineError(f"this backend fills choice or multi_choice labels, not {label_type}")


def choice_prediction(
    label: str, distribution: Mapping[str, float], *, mapped_mass: float = 1.0
) -> Prediction:
    """The most probable option. The score is scaled by the mass that mapped onto options, so a
    model sure of a label the schema lacks does not look sure of the option it fell back to."""
    dist = {o: float(p) for o, p in distribution.items()}
    best = max(dist, key=dist.__getitem__)
    score = dist[best] * min(1.0, max(0.0, mapped_mass))
    return Prediction(result={label: best}, score=score, distribution=dist)


def multi_choice_prediction(
    label: str, distribution: Mapping[str, float], *, threshold: float = DEFAULT_THRESHOLD
) -> Prediction:
    """Every option whose independent probability reaches ``threshold``, in schema order.

    The score is the mean confidence of the per-option yes/no decisions, so one coin-flip option
    among many clear ones lowers it without sinking it.
    """
    dist = {o: float(p) for o, p in distribution.items()}
    chosen = [o for o, p in dist.items() if p >= threshold]
    score = sum(max(p, 1.0 - p) for p in dist.values()) / len(dist) if dist else 0.0
    return Prediction(result={label: chosen}, score=score, distribution=dist)


def classify(
    label: str,
    label_type: str,
    distribution: Mapping[str, float],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    mapped_mass: float = 1.0,
) -> Prediction:
    if label_type == "multi_choice":
        return multi_choice_prediction(label, distribution, threshold=threshold)
    return choice_prediction(label, distribution, mapped_mass=mapped_mass)
