"""The engine's vocabulary: what a backend returns and the errors it raises.

Nothing here imports Django; the app layer (``prelabel.services`` / ``prelabel.tasks``) turns a
:class:`Prediction` into a database row.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any


class EngineError(Exception):
    """A model cannot serve a label: wrong kind, labels that match no option, bad input."""


class UnsafeModelError(EngineError):
    """A model directory whose weights could run code on load (pickle) or that is not local."""


@dataclass(frozen=True)
class Prediction:
    """One task's suggestion from one backend.

    ``result`` is keyed by label name, like an annotation result, and validates against the
    schema. It is empty when the model has nothing to suggest (e.g. an empty generation).
    ``score`` is a confidence in [0, 1]. ``distribution`` maps each option to a probability for
    choice labels (sums to 1) and to an independent per-option probability for multi_choice.
    """

    result: dict[str, Any]
    score: float
    distribution: dict[str, float] | None = None


@dataclass(frozen=True)
class TaskPrediction:
    """The merged suggestion of several backends (one per label) for one task."""

    result: dict[str, Any]
    score: float
    distributions: dict[str, dict[str, float]] = field(default_factory=dict)
    uncertainty: float = 0.0


class Backend(abc.ABC):
    """Predicts one schema label for a batch of tasks.

    ``items`` are task data dicts keyed by the schema's data field names (text as ``str``;
    images as a Pillow image, a path or bytes). Output order follows input order.
    """

    label: str  # the schema label this backend fills

    @abc.abstractmethod
    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        raise NotImplementedError
