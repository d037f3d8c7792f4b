"""Content diversity: how spread the labels and the texts of a release are.

- Label entropy per label (Shannon, in bits, and normalised by the number of categories so
  labels with 3 and 30 options compare): 1 = every category equally used, 0 = one category only.
- Near-duplicate rate and spread of the texts' embeddings from the built-in sentence encoder
  (unit vectors): the share of texts whose nearest other text has cosine similarity at or above a
  threshold, the mean pairwise cosine distance, and the mean distance to the centroid.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from annotation.schema import LabelSpec, Schema
from prelabel.engine.uncertainty import entropy
from release.quality.common import num

NEAR_DUPLICATE_SIMILARITY = 0.95
BLOCK = 1024  # rows of the similarity matrix computed at a time


def categories(spec: LabelSpec) -> list[str] | None:
    """The categories a label's values fall into, or None for free text."""
    if spec.type in ("choice", "multi_choice", "spans", "boxes", "polygons"):
        return list(spec.options)
    if spec.type == "preference":
        return list(spec.between)
    if spec.type == "rating":
        return [str(v) for v in range(spec.min, spec.max + 1)]
    return None


def _observed(spec: LabelSpec, value: Any) -> list[str]:
    """The category mentions in one value: one for a choice, one per item for boxes."""
    if value is None:
        return []
    if spec.type in ("choice", "preference"):
        return [str(value)]
    if spec.type == "rating":
        return [str(value)] if isinstance(value, int) and not isinstance(value, bool) else []
    if spec.type == "multi_choice":
        return [str(v) for v in value] if isinstance(value, list) else []
    if isinstance(value, list):
        return [str(item.get("label")) for item in value if isinstance(item, dict)]
    return []


def distribution_entropy(counts: dict[str, int], k: int) -> dict:
    """Entropy of a count distribution over ``k`` categories (zeros included)."""
    total = sum(counts.values())
    if total == 0 or k < 2:
        return {"entropy_bits": None, "normalized_entropy": None}
    values = list(counts.values()) + [0] * max(0, k - len(counts))
    nats = entropy(values, normalized=False)
    return {"entropy_bits": num(nats / math.log(2)), "normalized_entropy": num(nats / math.log(k))}


class LabelTally:
    """Category counts per label over the accepted results; feed with :meth:`add`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.counts: dict[str, Counter[str]] = {name: Counter() for name in schema.labels}

    def add(self, result: Any) -> None:
        values = result if isinstance(result, dict) else {}
        for name, spec in self.schema.labels.items():
            self.counts[name].update(_observed(spec, values.get(name)))

    def summary(self) -> dict:
        out = {}
        for name, spec in self.schema.labels.items():
            cats = categories(spec)
            if cats is None:
                out[name] = {"type": spec.type, "entropy_bits": None, "normalized_entropy": None,
                             "note": "free text has no categories to count"}
                continue
            counts = {c: self.counts[name].get(c, 0) for c in cats}
            out[name] = {"type": spec.type, "counts": counts, "total": sum(counts.values()),
                         **distribution_entropy(counts, len(cats))}
        return out


def record_text(schema: Schema, data: Any) -> str:
    """The text of a record's data: its text fields, in schema order, one per line."""
    if not isinstance(data, dict):
        return ""
    parts = [data.get(name) for name in schema.text_fields()]
    return "\n".join(p for p in parts if isinstance(p, str) and p.strip())


def embedding_spread(embeddings: np.ndarray, *, threshold: float = NEAR_DUPLICATE_SIMILARITY) -> dict:
    """Near-duplicates and spread of ``(n, dim)`` embeddings (rows are L2-normalised here)."""
    x = np.asarray(embeddings, dtype=np.float64)
    n = int(x.shape[0]) if x.ndim == 2 else 0
    if n < 2:
        return {"count": n, "near_duplicate_rate": None, "mean_pairwise_distance": None,
                "dispersion": None, "reason": "at least two texts are needed"}
    x = x / np.clip(np.linalg.norm(x, axis=1, keepdims=True), 1e-12, None)
    nearest = np.empty(n)
    similarity_sum = 0.0
    for start in range(0, n, BLOCK):
        block = x[start:start + BLOCK] @ x.T
        rows = np.arange(block.shape[0])
        similarity_sum += float(block.sum() - block[rows, start + rows].sum())
        block[rows, start + rows] = -np.inf  # a text is not its own neighbour
        nearest[start:start + BLOCK] = block.max(axis=1)
    centroid = x.mean(axis=0)
    return {
        "count": n,
        "near_duplicate_threshold": threshold,
        "near_duplicates": int((nearest >= threshold).sum()),
        "near_duplicate_rate": num(float((nearest >= threshold).mean())),
        "mean_pairwise_distance": num(1.0 - similarity_sum / (n * (n - 1))),
        "dispersion": num(float(np.linalg.norm(x - centroid, axis=1).mean())),
    }


def diversity_section(labels: dict, embeddings: np.ndarray | None) -> dict:
    """The ``diversity`` criterion from the label tally's summary and the sample's embeddings."""
    spread = (embedding_spread(embeddings) if embeddings is not None else
              {"count": 0, "near_duplicate_rate": None, "mean_pairwise_distance": None, "dispersion": None,
               "reason": "no record has text; the built-in encoder reads text only"})
    normalized = [v["normalized_entropy"] for v in labels.values() if v.get("normalized_entropy") is not None]
    parts = []
    if normalized:
        parts.append(f"labels use {sum(normalized) / len(normalized):.0%} of their maximum entropy on average")
    if spread.get("near_duplicate_rate") is not None:
        parts.append(f"{spread['near_duplicate_rate']:.1%} of sampled texts have a near-duplicate "
                     f"(cosine ≥ {spread['near_duplicate_threshold']})")
        parts.append(f"mean pairwise cosine distance {spread['mean_pairwise_distance']:.3f}")
    summary = "; ".join(parts) if parts else "nothing to measure"
    return {"summary": summary[0].upper() + summary[1:] + ".", "labels": labels, "embeddings": spread}
