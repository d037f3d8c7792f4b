"""A classifier head on frozen encoder embeddings, trained on accepted labels (the flywheel).

Logistic regression (softmax for choice, one-vs-rest sigmoid for multi_choice) fitted with
L-BFGS on the whole batch: with a few hundred to a few thousand 384-d vectors this takes well
under a second on CPU. Heads are stored as safetensors with their options in the header, never
pickled, so loading a head cannot run code.
"""
from __future__ import annotations

import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from safetensors.torch import load as load_bytes
from safetensors.torch import save as save_bytes

from annotation.schema import LabelSpec
from prelabel.engine.decide import DEFAULT_THRESHOLD, check_classify_type, classify
from prelabel.engine.encoder import Encoder
from prelabel.engine.inputs import text_of
from prelabel.engine.types import Backend, EngineError, Prediction

HEAD_FORMAT = "zhibiao-head/1"
Label = str | Sequence[str]  # one option (choice) or a list of options (multi_choice)


@dataclass(frozen=True)
class LinearHead:
    weight: np.ndarray  # (options, dim) float32
    bias: np.ndarray  # (options,) float32
    options: tuple[str, ...]
    multi_label: bool = False
    encoder: str = ""  # the encoder source/version it was trained on, for a loud mismatch

    @property
    def dim(self) -> int:
        return int(self.weight.shape[1])

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        logits = np.asarray(embeddings, dtype=np.float64) @ self.weight.T.astype(np.float64)
        logits += self.bias
        if self.multi_label:
            return 1.0 / (1.0 + np.exp(-logits))
        logits -= logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        return e / e.sum(axis=1, keepdims=True)

    def predict_labels(self, embeddings: np.ndarray, threshold: float = DEFAULT_THRESHOLD) -> list:
        probs = self.probabilities(embeddings)
        if self.multi_label:
            return [[o for o, p in zip(self.options, row) if p >= threshold] for row in probs]
        return [self.options[i] for i in probs.argmax(axis=1)]

    def to_bytes(self) -> bytes:
        tensors = {"weight": torch.from_numpy(self.weight), "bias": torch.from_numpy(self.bias)}
        meta = {
            "format": HEAD_FORMAT,
            "options": json.dumps(list(self.options), ensure_ascii=False),
            "multi_label": "1" if self.multi_label else "0",
            "encoder": self.encoder,
        }
        return save_bytes(tensors, metadata=meta)

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearHead:
        meta = _header_metadata(data)
        if meta.get("format") != HEAD_FORMAT:
            raise EngineError(f"not a {HEAD_FORMAT} file")
        tensors = load_bytes(data)
        options = tuple(json.loads(meta["options"]))
        weight = tensors["weight"].float().numpy()
        bias = tensors["bias"].float().numpy()
        if weight.shape[0] != len(options) or bias.shape != (len(options),):
            raise EngineError("head tensors do not match its options")
        return cls(weight, bias, options, meta.get("multi_label") == "1", meta.get("encoder", ""))

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LinearHead:
        with open(path, "rb") as f:
            return cls.from_bytes(f.read())


def _header_metadata(data: bytes) -> dict[str, str]:
    # safetensors layout: u64 little-endian header size, then a JSON header whose
    # "__metadata__" holds our string fields. Reading it needs no tensor parsing.
    if len(data) < 8:
        raise EngineError("not a safetensors file")
    (size,) = struct.unpack("<Q", data[:8])
    try:
        header = json.loads(data[8:8 + size])
    except ValueError as exc:
        raise EngineError("not a safetensors file") from exc
    return dict(header.get("__metadata__") or {})


@dataclass(frozen=True)
class HeadReport:
    """What training produced. ``accuracy`` is on held-out examples (None if too few to hold
    any out); compare it with the current model's accuracy on ``eval_indices`` before
    registering the head as a new version."""

    head: LinearHead
    accuracy: float | None
    train_size: int
    eval_size: int
    eval_indices: tuple[int, ...]


def accuracy(predicted: Sequence[Label], gold: Sequence[Label]) -> float:
    """Exact-match accuracy; multi_choice answers compare as sets (order does not matter)."""
    if len(predicted) != len(gold):
        raise ValueError("predicted and gold differ in length")
    if not gold:
        return float("nan")

    def key(value: Label) -> Any:
        return value if isinstance(value, str) else frozenset(value)

    return sum(key(p) == key(g) for p, g in zip(predicted, gold)) / len(gold)


def _targets(labels: Sequence[Label], options: Sequence[str], multi: bool) -> np.ndarray:
    index = {o: i for i, o in enumerate(options)}
    if multi:
        y = np.zeros((len(labels), len(options)), dtype=np.float32)
        for row, value in enumerate(labels):
            if isinstance(value, str):
                raise EngineError("multi_choice labels must be lists of options")
            for option in value:
                if option not in index:
                    raise EngineError(f"label {option!r} is not one of the options")
                y[row, index[option]] = 1.0
        return y
    missing = {v for v in labels if v not in index}
    if missing:
        raise EngineError(f"labels {sorted(map(str, missing))} are not options")
    return np.array([index[v] for v in labels], dtype=np.int64)


def _split(keys: Sequence[Any], holdout: float, seed: int) -> tuple[list[int], list[int]]:
    """Stratified split: each class gives ``holdout`` of its examples to evaluation, but always
    keeps one for training so that no class is unseen by the head."""
    rng = np.random.default_rng(seed)
    groups: dict[Any, list[int]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(k, []).append(i)
    train: list[int] = []
    held: list[int] = []
    for members in groups.values():
        members = list(rng.permutation(members))
        n_eval = min(int(round(holdout * len(members))), len(members) - 1)
        held += members[:n_eval]
        train += members[n_eval:]
    return sorted(train), sorted(held)


def _fit(
    x: np.ndarray, y: np.ndarray, k: int, multi: bool, l2: float, steps: int
) -> tuple[np.ndarray, np.ndarray]:
    torch.manual_seed(0)
    xt = torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))
    yt = torch.from_numpy(y)
    w = torch.zeros(k, xt.shape[1], requires_grad=True)
    b = torch.zeros(k, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1.0, max_iter=steps, line_search_fn="strong_wolfe")
    loss_fn = (torch.nn.functional.binary_cross_entropy_with_logits if multi
               else torch.nn.functional.cross_entropy)

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = loss_fn(xt @ w.T + b, yt) + l2 * (w * w).sum()
        loss.backward()
        return loss

    with torch.enable_grad():  # callers may sit inside inference_mode
        opt.step(closure)
    return w.detach().numpy().copy(), b.detach().numpy().copy()


def train_head(
    embeddings: np.ndarray,
    labels: Sequence[Label],
    options: Sequence[str],
    *,
    multi_label: bool = False,
    holdout: float = 0.2,
    l2: float = 1e-3,
    steps: int = 200,
    seed: int = 0,
    encoder: str = "",
) -> HeadReport:
    """Fit a head on ``embeddings`` (one row per accepted task) and their ``labels``.

    Accuracy is measured on a stratified held-out share, then the returned head is refitted on
    all examples: with few labels every example counts, and the held-out figure stays a fair
    (slightly pessimistic) estimate of it.
    """
    x = np.asarray(embeddings, dtype=np.float32)
    if x.ndim != 2 or x.shape[0] != len(labels):
        raise EngineError("embeddings must be (n, dim) with one row per label")
    options = tuple(options)
    y = _targets(labels, options, multi_label)
    keys = [frozenset(v) if multi_label else v for v in labels]
    if len(set(keys)) < 2:
        raise EngineError("training a head needs examples of at least two different answers")
    train, held = _split(keys, holdout, seed)
    measured = None
    if held:
        w, b = _fit(x[train], y[train], len(options), multi_label, l2, steps)
        probe = LinearHead(w, b, options, multi_label)
        measured = accuracy(probe.predict_labels(x[held]), [labels[i] for i in held])
    w, b = _fit(x, y, len(options), multi_label, l2, steps)
    head = LinearHead(w, b, options, multi_label, encoder)
    return HeadReport(head, measured, len(train), len(held), tuple(held))


class HeadBackend(Backend):
    """Encoder + trained head for a choice or multi_choice label."""

    def __init__(
        self,
        encoder: Encoder,
        head: LinearHead,
        label: LabelSpec,
        *,
        field: str,
        threshold: float = DEFAULT_THRESHOLD,
        batch_size: int = 64,
    ) -> None:
        check_classify_type(label.type)
        if head.dim != encoder.dim:
            raise EngineError(f"head expects {head.dim}-d embeddings, encoder gives {encoder.dim}")
        if set(head.options) - set(label.options):
            raise EngineError("the head predicts options the schema no longer has")
        if head.multi_label != (label.type == "multi_choice"):
            raise EngineError("head and label disagree on single vs multiple choice")
        self.encoder, self.head = encoder, head
        self.label, self.label_type = label.name, label.type
        self.field, self.threshold, self.batch_size = field, threshold, batch_size
        self.options = tuple(label.options)

    def predict_embeddings(self, embeddings: np.ndarray) -> list[Prediction]:
        out = []
        for row in self.head.probabilities(embeddings):
            # Options added to the schema after training get probability 0 until retraining.
            dist = dict.fromkeys(self.options, 0.0) | dict(zip(self.head.options, row.tolist()))
            out.append(classify(self.label, self.label_type, dist, threshold=self.threshold))
        return out

    def predict(self, items: list[dict[str, Any]]) -> list[Prediction]:
        texts = [text_of(item, self.field) for item in items]
        return self.predict_embeddings(self.encoder.embed(texts, batch_size=self.batch_size))
