"""Zero-shot choice labels from the sentence encoder: no training data needed.

Each option becomes a short text (its description, or its name put into a template); a task is
scored by the cosine similarity of its embedding to each option's, turned into a distribution
with a temperature softmax. This is the built-in default that works on day one; a trained head
(``head.py``) replaces it once annotators have accepted enough labels.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from annotation.schema import LabelSpec
from prelabel.engine.decide import DEFAULT_THRESHOLD, check_classify_type, classify
from prelabel.engine.encoder import Encoder
from prelabel.engine.inputs import text_of
from prelabel.engine.runtime import softmax
from prelabel.engine.types import Backend, EngineError, Prediction

# Cosine similarities of MiniLM embeddings spread over roughly [-0.1, 0.8]; at T=1 a softmax over
# them would be nearly uniform, so a small temperature restores a usable confidence.
DEFAULT_TEMPERATURE = 0.05
DEFAULT_TEMPLATE = "{}"


def option_prompts(
    options: Sequence[str],
    descriptions: Mapping[str, str] | None = None,
    template: str = DEFAULT_TEMPLATE,
) -> list[str]:
    """The text embedded for each option: its description, else its name in ``template``."""
    descriptions = descriptions or {}
    unknown = set(descriptions) - set(options)
    if unknown:
        raise EngineError(f"descriptions for unknown options: {sorted(unknown)}")
    if "{}" not in template:
        raise EngineError("template must contain {} where the option name goes")
    return [
        descriptions.get(o) or template.format(o.replace("_", " ").strip()) for o in options
    ]


class ZeroShotBackend(Backend):
    """Embedding-similarity classifier for a choice or multi_choice label."""

    def __init__(
        self,
        encoder: Encoder,
        label: LabelSpec,
        *,
        field: str,
        descriptions: Mapping[str, str] | None = None,
        template: str = DEFAULT_TEMPLATE,
        temperature: float = DEFAULT_TEMPERATURE,
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 64,
    ) -> None:
        check_classify_type(label.type)
        if temperature <= 0:
            raise EngineError("temperature must be positive")
        self.encoder = encoder
        self.label = label.name
        self.label_type = label.type
        self.options = tuple(label.options)
        self.field = field
        self.temperature = temperature
        self.threshold = threshold
        self.batch_size = batch_size
        # Embedded once: options are fixed for the life of the backend.
        prompts = option_prompts(self.options, descriptions, template)
        self.option_vectors = encoder.embed(prompts, batch_size=batch_size)

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """``(n, options)`` softmax over cosine similarities (embeddings are unit vectors)."""
        return softmax(embeddings @ self.option_vectors.T, self.temperature)

    def predict_embeddings(self, embeddings: np.ndarray) -> list[Prediction]:
        probs = self.probabilities(embeddings)
        if self.label_type == "multi_choice":
            # A softmax shares mass between options, so "both apply" looks like "unsure". Rate
            # each option against the best one instead: the best is 1, a close second is near 1.
            probs = probs / probs.max(axis=1, keepdims=True)
        return [
            classify(self.label, self.label_type, dict(zip(self.options, row.tolist())),
                     threshold=self.threshold)
            for row in probs
        ]

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        texts = [text_of(item, self.field) for item in items]
        return self.predict_embeddings(self.encoder.embed(texts, batch_size=self.batch_size))
