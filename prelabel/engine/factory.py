"""From a stored configuration to a ready backend, and many backends to one task prediction.

``BackendSpec`` is plain data (JSON-able) so the model registry can keep it in a JSONField; the
engine validates it here, once, and fails with a message a project owner can act on.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from annotation.schema import Schema
from prelabel.engine.inputs import input_field
from prelabel.engine.types import Backend, EngineError, TaskPrediction
from prelabel.engine.uncertainty import task_uncertainty

if TYPE_CHECKING:
    import torch

    from prelabel.engine.head import LinearHead

CLASSIFY = ("choice", "multi_choice")
# kind → (label types it fills, data kind it reads, parameters it accepts)
KINDS: dict[str, tuple[tuple[str, ...], str, frozenset[str]]] = {
    "zero_shot": (CLASSIFY, "text",
                  frozenset({"template", "descriptions", "temperature", "threshold"})),
    "embedding_head": (CLASSIFY, "text", frozenset({"threshold"})),
    "text_classification": (CLASSIFY, "text", frozenset({"threshold"})),
    "zero_shot_nli": (CLASSIFY, "text", frozenset({"hypothesis", "threshold"})),
    "token_classification": (("spans",), "text", frozenset({"stride"})),
    "image_classification": (CLASSIFY, "image", frozenset({"threshold"})),
    "object_detection": (("boxes",), "image", frozenset({"threshold", "max_boxes"})),
    "text_generation": (("chain_of_thought",), "text", frozenset({"prompt", "max_new_tokens"})),
}
ENCODER_KINDS = ("zero_shot", "embedding_head")  # path None = the built-in MiniLM


@dataclasses.dataclass(frozen=True)
class BackendSpec:
    """How to fill one label. ``path`` is a local model directory (None for the built-in
    encoder); ``version`` keys the model cache so a new registry version reloads."""

    kind: str
    path: str | None = None
    version: str = ""
    field: str | None = None
    label_map: Mapping[str, str | None] | None = None
    head_path: str | None = None
    batch_size: int | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise EngineError(f"unknown backend kind {self.kind!r}; one of {sorted(KINDS)}")
        unknown = set(self.params) - KINDS[self.kind][2]
        if unknown:
            raise EngineError(f"{self.kind} does not take {sorted(unknown)}")
        if self.path is None and self.kind not in ENCODER_KINDS:
            raise EngineError(f"{self.kind} needs a local model path")
        if self.batch_size is not None and self.batch_size < 1:
            raise EngineError("batch_size must be at least 1")

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> BackendSpec:
        allowed = set(cls.__dataclass_fields__)
        unknown = set(raw) - allowed
        if unknown:
            raise EngineError(f"unknown backend settings {sorted(unknown)}")
        return cls(**{k: raw[k] for k in raw})

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "path": self.path, "version": self.version, "field": self.field,
            "label_map": dict(self.label_map) if self.label_map else None,
            "head_path": self.head_path, "batch_size": self.batch_size,
            "params": dict(self.params),
        }


def _batch(spec: BackendSpec, default: int) -> dict[str, int]:
    return {"batch_size": spec.batch_size or default}


def load_backend(
    spec: BackendSpec,
    schema: Schema,
    label_name: str,
    *,
    device: str | torch.device | None = None,
    head: LinearHead | None = None,
) -> Backend:
    """A backend filling ``label_name`` of ``schema`` as ``spec`` says; models come from the
    per-process cache. ``head`` (for embedding_head) overrides ``spec.head_path``, for heads
    kept in the database rather than on disk."""
    # the backends import torch and transformers: only a process that loads a model pays for them,
    # so specs (BackendSpec, default_specs, KINDS) stay importable by web processes
    from prelabel.engine.backends.generation import TextGenerationBackend, load_causal_lm
    from prelabel.engine.backends.text import (
        NliZeroShotBackend,
        TextClassificationBackend,
        load_sequence_classifier,
    )
    from prelabel.engine.backends.tokens import TokenClassificationBackend, load_token_classifier
    from prelabel.engine.backends.vision import (
        ImageClassificationBackend,
        ObjectDetectionBackend,
        load_vision_model,
    )
    from prelabel.engine.encoder import get_encoder
    from prelabel.engine.head import HeadBackend, LinearHead
    from prelabel.engine.zero_shot import ZeroShotBackend

    label = schema.labels.get(label_name)
    if label is None:
        raise EngineError(f"the schema has no label {label_name!r}")
    types, data_kind, _ = KINDS[spec.kind]
    if label.type not in types:
        raise EngineError(f"{spec.kind} cannot fill {label.type} label {label_name!r}")
    field_name = input_field(schema, label, data_kind, spec.field)
    p, kw = dict(spec.params), {"field": field_name}
    if spec.kind in ENCODER_KINDS:
        encoder = get_encoder(spec.path, version=spec.version or None, device=device)
        if spec.kind == "zero_shot":
            return ZeroShotBackend(encoder, label, **kw, **p, **_batch(spec, 64))
        if head is None:
            if spec.head_path is None:
                raise EngineError("embedding_head needs a head (head_path or head=)")
            head = LinearHead.load(os.fspath(spec.head_path))
        return HeadBackend(encoder, head, label, **kw, **p, **_batch(spec, 64))
    assert spec.path is not None
    if spec.kind == "text_classification":
        model, tok = load_sequence_classifier(spec.path, device, spec.version)
        return TextClassificationBackend(model, tok, label, label_map=spec.label_map, **kw, **p,
                                         **_batch(spec, 64))
    if spec.kind == "zero_shot_nli":
        model, tok = load_sequence_classifier(spec.path, device, spec.version)
        return NliZeroShotBackend(model, tok, label, **kw, **p, **_batch(spec, 64))
    if spec.kind == "token_classification":
        model, tok = load_token_classifier(spec.path, device, spec.version)
        return TokenClassificationBackend(model, tok, label, label_map=spec.label_map, **kw, **p,
                                          **_batch(spec, 32))
    if spec.kind == "text_generation":
        model, tok = load_causal_lm(spec.path, device, spec.version)
        return TextGenerationBackend(model, tok, label, **kw, **p, **_batch(spec, 8))
    model, processor = load_vision_model(spec.kind, spec.path, device, spec.version)
    if spec.kind == "image_classification":
        return ImageClassificationBackend(model, processor, label, label_map=spec.label_map,
                                          **kw, **p, **_batch(spec, 32))
    return ObjectDetectionBackend(model, processor, label, label_map=spec.label_map, **kw, **p,
                                  **_batch(spec, 8))


def default_specs(schema: Schema) -> dict[str, BackendSpec]:
    """The embedded default: built-in zero-shot for every choice/multi_choice label that has a
    text field to read. Other label types need a registered model."""
    if not schema.text_fields():
        return {}
    return {name: BackendSpec(kind="zero_shot")
            for name, label in schema.labels.items() if label.type in CLASSIFY}


class Prelabeler:
    """Runs one backend per label and merges their outputs into one suggestion per task."""

    def __init__(self, schema: Schema, backends: Sequence[Backend]) -> None:
        labels = [b.label for b in backends]
        if len(set(labels)) != len(labels):
            raise EngineError("two backends fill the same label")
        self.schema, self.backends = schema, list(backends)
        self.multi_label = {n for n, s in schema.labels.items() if s.type == "multi_choice"}

    @classmethod
    def from_specs(
        cls,
        schema: Schema,
        specs: Mapping[str, BackendSpec],
        *,
        device: str | torch.device | None = None,
        heads: Mapping[str, LinearHead] | None = None,
    ) -> Prelabeler:
        heads = heads or {}
        return cls(schema, [
            load_backend(spec, schema, name, device=device, head=heads.get(name))
            for name, spec in specs.items()
        ])

    def predict(self, items: list[dict[str, Any]]) -> list[TaskPrediction]:
        """One :class:`TaskPrediction` per item, in order. The score is the weakest label's
        (a suggestion is as good as its worst part); uncertainty is the most uncertain label's.
        """
        per_backend = [backend.predict(items) for backend in self.backends]
        out = []
        for i in range(len(items)):
            result: dict[str, Any] = {}
            distributions: dict[str, dict[str, float]] = {}
            scores, plain_scores = [], []
            for backend, preds in zip(self.backends, per_backend):
                pred = preds[i]
                result.update(pred.result)
                scores.append(pred.score)
                if pred.distribution is not None:
                    distributions[backend.label] = pred.distribution
                else:
                    plain_scores.append(pred.score)
            uncertainty = task_uncertainty(
                distributions, self.multi_label,
                fallback_score=min(plain_scores) if plain_scores else None,
            )
            out.append(TaskPrediction(result, min(scores, default=0.0), distributions,
                                      uncertainty))
        return out
