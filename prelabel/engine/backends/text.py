"""Sequence classifiers for choice / multi_choice labels: fine-tuned and NLI zero-shot."""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForSequenceClassification

from annotation.schema import LabelSpec
from prelabel.engine.backends.base import (
    max_length,
    model_labels,
    padded_batches,
    rows_to_dicts,
    to_numpy,
)
from prelabel.engine.decide import DEFAULT_THRESHOLD, check_classify_type, classify
from prelabel.engine.inputs import text_of
from prelabel.engine.labels import LabelMap
from prelabel.engine.loading import load_cached, load_tokenizer
from prelabel.engine.runtime import autocast, sigmoid, softmax
from prelabel.engine.types import Backend, EngineError, Prediction


def load_sequence_classifier(
    path: str | os.PathLike[str], device: str | torch.device | None, version: str = ""
) -> tuple[Any, Any]:
    """(model, tokenizer), loaded once per process per (path, version, device)."""
    return load_cached("seq-cls", path, device, version, AutoModelForSequenceClassification, load_tokenizer)


class _SequenceBackend(Backend):
    def __init__(self, model: Any, tokenizer: Any, *, batch_size: int) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.device = next(model.parameters()).device
        self.batch_size = batch_size
        self.max_length = max_length(tokenizer, model)
        self.pad_id = int(tokenizer.pad_token_id or 0)

    @torch.inference_mode()
    def logits(self, first: list[str], second: list[str] | None = None) -> np.ndarray:
        """Logits for every text (or text pair), computed in length-sorted batches."""
        if not first:
            return np.zeros((0, self.model.config.num_labels))
        features = self.tokenizer(
            first, second, truncation=True, max_length=self.max_length,
            return_attention_mask=False,
        )
        out: np.ndarray | None = None
        for rows, batch in padded_batches(features, self.batch_size, self.pad_id, self.device):
            with autocast(self.device):
                logits = to_numpy(self.model(**batch).logits)
            if out is None:
                out = np.empty((len(first), logits.shape[1]), dtype=np.float32)
            out[rows] = logits
        assert out is not None
        return out


class TextClassificationBackend(_SequenceBackend):
    """A fine-tuned sequence classifier whose labels map onto the schema's options."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        label: LabelSpec,
        *,
        field: str,
        label_map: Mapping[str, str | None] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 64,
    ) -> None:
        check_classify_type(label.type)
        super().__init__(model, tokenizer, batch_size=batch_size)
        self.label, self.label_type, self.field = label.name, label.type, field
        self.threshold = threshold
        self.names = model_labels(model)
        self.labels = LabelMap.build(self.names, label.options, label_map)
        # A multi-label model scores each label on its own; a single-label one shares mass.
        self.independent = (label.type == "multi_choice"
                            and model.config.problem_type == "multi_label_classification")

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        logits = self.logits([text_of(item, self.field) for item in items])
        if self.independent:
            return [
                classify(self.label, self.label_type, self.labels.collapse_independent(row),
                         threshold=self.threshold)
                for row in rows_to_dicts(self.names, sigmoid(logits))
            ]
        out = []
        for row in rows_to_dicts(self.names, softmax(logits)):
            dist, mass = self.labels.collapse(row)
            out.append(classify(self.label, self.label_type, dist, threshold=self.threshold,
                                mapped_mass=mass))
        return out


DEFAULT_HYPOTHESIS = "This example is {}."


class NliZeroShotBackend(_SequenceBackend):
    """Zero-shot classification with an NLI model: does the text entail "This example is X."?

    One (text, hypothesis) pair per option, all batched together. For a choice label the
    entailment logits of the options are softmaxed against each other; for multi_choice each
    option is judged alone (entailment vs contradiction).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        label: LabelSpec,
        *,
        field: str,
        hypothesis: str = DEFAULT_HYPOTHESIS,
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 64,
    ) -> None:
        check_classify_type(label.type)
        super().__init__(model, tokenizer, batch_size=batch_size)
        if "{}" not in hypothesis:
            raise EngineError("hypothesis must contain {} where the option goes")
        names = [n.casefold() for n in model_labels(model)]
        entail = [i for i, n in enumerate(names) if n.startswith("entail")]
        contra = [i for i, n in enumerate(names) if n.startswith("contradict")]
        if not entail or not contra:
            raise EngineError(
                f"an NLI model needs entailment and contradiction labels, has {names}"
            )
        self.entail, self.contra = entail[0], contra[0]
        self.label, self.label_type, self.field = label.name, label.type, field
        self.options = tuple(label.options)
        self.hypotheses = [hypothesis.format(o.replace("_", " ")) for o in self.options]
        self.threshold = threshold

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        texts = [text_of(item, self.field) for item in items]
        k = len(self.options)
        premises = [t for t in texts for _ in range(k)]
        logits = self.logits(premises, self.hypotheses * len(texts)).reshape(len(texts), k, -1)
        if self.label_type == "multi_choice":
            pair = logits[:, :, [self.contra, self.entail]]
            probs = softmax(pair)[:, :, 1]
        else:
            probs = softmax(logits[:, :, self.entail])
        return [
            classify(self.label, self.label_type, dict(zip(self.options, row.tolist())),
                     threshold=self.threshold)
            for row in probs
        ]
