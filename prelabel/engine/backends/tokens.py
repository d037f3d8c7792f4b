"""Token classification (NER-style tagging) → ``spans`` with character offsets.

Texts longer than the model's window are cut into overlapping windows (``stride`` tokens of
context on each side) rather than truncated, so an entity at the end of a long document is
still found. A word is tagged by its first sub-word token ("first" aggregation), and words are
joined into spans by their BIO/BIOES tags. Offsets come from the fast tokenizer's
``offset_mapping``, which counts Python characters, so they index the original string (CJK
characters, which BERT splits one per word, included).
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForTokenClassification

from annotation.schema import LabelSpec
from prelabel.engine.backends.base import max_length, model_labels, padded_batches, to_numpy
from prelabel.engine.inputs import text_of
from prelabel.engine.labels import LabelMap
from prelabel.engine.loading import load_cached, load_tokenizer
from prelabel.engine.runtime import autocast, softmax
from prelabel.engine.types import Backend, EngineError, Prediction

BEGIN, INSIDE, OUTSIDE = "B", "I", "O"
PREFIXES = {"B": BEGIN, "S": BEGIN, "U": BEGIN, "I": INSIDE, "E": INSIDE, "L": INSIDE}


@dataclass
class Word:
    start: int  # character offsets into the text
    end: int
    tag: str  # the model's label for the word's first token
    prob: float


def split_tag(tag: str) -> tuple[str, str | None]:
    """``"B-PER"`` → ("B", "PER"); ``"O"`` → ("O", None); a bare ``"PER"`` → ("I", "PER")."""
    if tag.upper() == "O" or not tag:
        return OUTSIDE, None
    head, sep, rest = tag.partition("-")
    if sep and head.upper() in PREFIXES and rest:
        return PREFIXES[head.upper()], rest
    return INSIDE, tag


def words_to_spans(words: Sequence[Word], labels: LabelMap) -> list[dict[str, Any]]:
    """Join tagged words into spans ``{"start", "end", "label"}`` in text order.

    An entity type the schema lacks is treated as outside. ``I-X`` after ``O`` or another type
    starts a span, as most taggers emit such sequences and dropping them loses entities.
    """
    spans: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for word in words:
        prefix, kind = split_tag(word.tag)
        option = labels.option(kind) if kind is not None else None
        if option is None:
            current = None
            continue
        if current is None or prefix == BEGIN or current["label"] != option:
            current = {"start": word.start, "end": word.end, "label": option}
            spans.append(current)
        current["end"] = word.end
    return spans


def load_token_classifier(
    path: str | os.PathLike[str], device: str | torch.device | None, version: str = ""
) -> tuple[Any, Any]:
    return load_cached("tok-cls", path, device, version, AutoModelForTokenClassification, load_tokenizer)


class TokenClassificationBackend(Backend):
    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        label: LabelSpec,
        *,
        field: str,
        label_map: Mapping[str, str | None] | None = None,
        stride: int = 32,
        batch_size: int = 32,
    ) -> None:
        if label.type != "spans":
            raise EngineError(f"token classification fills spans labels, not {label.type}")
        if not getattr(tokenizer, "is_fast", False):
            raise EngineError("token classification needs a fast tokenizer (offset mapping)")
        self.model, self.tokenizer = model, tokenizer
        self.device = next(model.parameters()).device
        self.label, self.field, self.batch_size = label.name, field, batch_size
        self.tags = model_labels(model)
        kinds = {k for _, k in map(split_tag, self.tags) if k is not None}
        self.labels = LabelMap.build(sorted(kinds), label.options, label_map)
        self.max_length = max_length(tokenizer, model)
        self.stride = min(stride, self.max_length // 4)
        self.pad_id = int(tokenizer.pad_token_id or 0)

    @torch.inference_mode()
    def _window_probs(self, features: dict[str, list[list[int]]]) -> list[np.ndarray]:
        out: list[np.ndarray] = [np.empty(0)] * len(features["input_ids"])
        for rows, batch in padded_batches(features, self.batch_size, self.pad_id, self.device):
            with autocast(self.device):
                logits = to_numpy(self.model(**batch).logits)
            probs = softmax(logits)
            for j, row in enumerate(rows):
                out[row] = probs[j, : len(features["input_ids"][row])]
        return out

    def _words(self, encodings: Any, windows: Sequence[int], probs: list[np.ndarray]) -> list[Word]:
        """The words of one text, each tagged from the first window that saw its first token."""
        words: dict[int, Word] = {}
        for w in windows:
            enc = encodings[w]
            for t, (word_id, (start, end)) in enumerate(zip(enc.word_ids, enc.offsets)):
                if word_id is None or end <= start:
                    continue  # special tokens and zero-width pieces
                if word_id in words:
                    words[word_id].end = max(words[word_id].end, end)
                    continue
                k = int(probs[w][t].argmax())
                words[word_id] = Word(start, end, self.tags[k], float(probs[w][t][k]))
        return [words[i] for i in sorted(words)]

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        texts = [text_of(item, self.field) for item in items]
        if not texts:
            return []
        features = self.tokenizer(
            texts, truncation=True, max_length=self.max_length, stride=self.stride,
            return_overflowing_tokens=True, return_offsets_mapping=True,
            return_attention_mask=False,
        )
        probs = self._window_probs(features)
        by_text: dict[int, list[int]] = {}
        for w, t in enumerate(features["overflow_to_sample_mapping"]):
            by_text.setdefault(int(t), []).append(w)
        out = []
        for i in range(len(texts)):
            words = self._words(features.encodings, by_text.get(i, []), probs)
            spans = words_to_spans(words, self.labels)
            # The score covers every word, not only the spans: a confident "no entity here" is
            # as useful a pre-label as a confident entity.
            score = float(np.mean([w.prob for w in words])) if words else 1.0
            out.append(Prediction(result={self.label: spans}, score=score))
        return out
