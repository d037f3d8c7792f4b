"""Consensus of several annotators: categorical (weighted majority, Dawid–Skene), boxes, spans.

Categorical methods read the long-form `Ratings` of `agreement.py` and are vectorised over
all items at once; boxes and spans work on one task's annotations at a time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from review.metrics.agreement import Ratings, as_ratings, category_codes
from review.metrics.compare import compare_boxes
from review.metrics.geometry import box_iou_matrix, match_pairs

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class CategoricalConsensus:
    """Per item: `labels` (−1 where nobody rated), `confidence` in [0, 1], `scores` (items × K)."""

    labels: IntArray
    confidence: FloatArray
    scores: FloatArray


def majority_vote(
    data: Ratings | ArrayLike,
    *,
    weights: ArrayLike | None = None,
    n_categories: int | None = None,
) -> CategoricalConsensus:
    """Votes weighted by each coder's reliability (default 1 each).

    A tie goes to the lowest category code: arbitrary, but the same on every run and every
    worker, so a re-run of the checks cannot flip an accepted label. Confidence is the
    winner's share of the item's total weight.
    """
    r = as_ratings(data)
    codes, k = category_codes(r, n_categories)
    w = np.ones(r.n_coders) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (r.n_coders,) or np.any(w < 0):
        raise ValueError("weights must be one non-negative number per coder")
    scores = np.bincount(r.items * k + codes, weights=w[r.coders], minlength=r.n_items * k)
    scores = scores.reshape(r.n_items, k)
    total = scores.sum(axis=1)
    labels = np.argmax(scores, axis=1).astype(np.int64) if k else np.zeros(r.n_items, np.int64)
    rated = total > 0
    labels[~rated] = -1
    best = scores.max(axis=1) if k else np.zeros(r.n_items)
    confidence = np.where(rated, best / np.where(rated, total, 1.0), 0.0)
    return CategoricalConsensus(labels, confidence, scores)


@dataclass(frozen=True)
class DawidSkeneResult:
    """Posterior over true classes per item plus what EM learned about each annotator.

    `confusion[j, k, l]` = P(annotator j says l | truth k). `accuracy[j]` is the expected
    share of j's own annotations that are correct under the posterior.
    """

    labels: IntArray
    confidence: FloatArray
    posterior: FloatArray
    prior: FloatArray
    confusion: FloatArray
    accuracy: FloatArray
    iterations: int
    log_likelihood: float
    converged: bool


def dawid_skene(
    data: Ratings | ArrayLike,
    *,
    n_categories: int | None = None,
    max_iter: int = 50,
    tol: float = 1e-7,
    smoothing: float = 0.01,
) -> DawidSkeneResult:
    """Dawid & Skene (1979) EM, initialised from the soft majority vote.

    `smoothing` is a pseudo-count added to every confusion cell and class: an annotator who
    never used a class must not get probability 0 for it, or one slip would veto the truth.
    Posteriors are held as (K, items) so every step is a contiguous 1-D gather or bincount.
    """
    r = as_ratings(data)
    codes, k = category_codes(r, n_categories)
    n, j = r.n_items, r.n_coders
    items, coders = r.items, r.coders
    obs_index = coders * k + codes  # row of the (coder, given label) table
    counts = np.bincount(items * k + codes, minlength=n * k).reshape(n, k).T
    totals = counts.sum(axis=0)
    post = np.where(totals > 0, counts / np.maximum(totals, 1), 1.0 / max(k, 1))
    log_lik, converged, iteration = -np.inf, False, 0
    prior = np.full(k, 1.0 / max(k, 1))
    confusion = np.zeros((j, k, k))
    for iteration in range(1, max_iter + 1):
        # M-step: expected (true k, coder, given l) counts from the current posterior.
        prior = post.sum(axis=1) + smoothing
        prior /= prior.sum()
        for t in range(k):
            confusion[:, t, :] = np.bincount(
                obs_index, weights=post[t][items], minlength=j * k
            ).reshape(j, k)
        confusion += smoothing
        confusion /= confusion.sum(axis=2, keepdims=True)
        # E-step: log P(truth = t) + Σ over the item's annotations of log P(given | t).
        log_conf = np.log(confusion).transpose(1, 0, 2).reshape(k, j * k)
        log_post = np.empty((k, n))
        for t in range(k):
            log_post[t] = np.bincount(items, weights=log_conf[t][obs_index], minlength=n)
        log_post += np.log(prior)[:, None]
        peak = log_post.max(axis=0)
        post = np.exp(log_post - peak)
        norm = post.sum(axis=0)
        post /= norm
        new_log_lik = float(np.sum(peak + np.log(norm)))
        if abs(new_log_lik - log_lik) <= tol * max(1.0, abs(new_log_lik)):
            log_lik, converged = new_log_lik, True
            break
        log_lik = new_log_lik
    correct = post.ravel()[codes * n + items]
    rated_by = np.bincount(coders, minlength=j)
    accuracy = np.bincount(coders, weights=correct, minlength=j) / np.maximum(rated_by, 1)
    accuracy[rated_by == 0] = np.nan
    posterior = np.ascontiguousarray(post.T)
    labels = np.argmax(posterior, axis=1).astype(np.int64)
    return DawidSkeneResult(
        labels=labels,
        confidence=posterior.max(axis=1),
        posterior=posterior,
        prior=prior,
        confusion=confusion,
        accuracy=accuracy,
        iterations=iteration,
        log_likelihood=log_lik,
        converged=converged,
    )


@dataclass(frozen=True)
class StructuredConsensus:
    """Consensus items (boxes or spans) each with its own `confidence`, and an overall one."""

    items: list[dict[str, Any]]
    confidence: float


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _majority(support: Any, n_annotators: int, min_support: int | None) -> Any:
    """Strict majority by default (half of two annotators is no consensus); works on arrays."""
    return support >= min_support if min_support is not None else 2 * support > n_annotators


def box_consensus(
    annotations: Sequence[Sequence[Mapping[str, Any]]],
    *,
    iou_threshold: float = 0.5,
    min_support: int | None = None,
) -> StructuredConsensus:
    """Boxes that a majority of annotators drew, at their average coordinates.

    Each pair of annotators is matched one-to-one (same label, IoU ≥ threshold); matched
    boxes are joined into clusters. A chain can pull two boxes of one annotator into a
    cluster, so each annotator is represented by the box closest to the rest of it.
    """
    flat = [(a, dict(b)) for a, boxes in enumerate(annotations) for b in boxes]
    n_annot = len(annotations)
    if not flat:
        return StructuredConsensus([], 1.0 if n_annot else 0.0)
    xywh = np.array([[b["x"], b["y"], b["w"], b["h"]] for _, b in flat], dtype=np.float64)
    owner = np.array([a for a, _ in flat])
    label = np.array([str(b.get("label", "")) for _, b in flat], dtype=object)
    iou = box_iou_matrix(xywh, xywh)
    iou = np.where(label[:, None] == label[None, :], iou, 0.0)
    uf = _UnionFind(len(flat))
    for p in range(n_annot):
        for q in range(p + 1, n_annot):
            rows, cols = np.flatnonzero(owner == p), np.flatnonzero(owner == q)
            sub = iou[np.ix_(rows, cols)]
            for i, c in match_pairs(sub, sub >= iou_threshold).pairs:
                uf.union(int(rows[i]), int(cols[c]))
    clusters: dict[int, list[int]] = {}
    for idx in range(len(flat)):
        clusters.setdefault(uf.find(idx), []).append(idx)
    out: list[dict[str, Any]] = []
    for members in sorted(clusters.values()):
        chosen = []
        for a in sorted({int(owner[m]) for m in members}):
            mine = [m for m in members if owner[m] == a]
            others = [m for m in members if owner[m] != a]
            chosen.append(max(mine, key=lambda m: (iou[m, others].sum(), -m)))
        if not _majority(len(chosen), n_annot, min_support):
            continue
        mean = xywh[chosen].mean(axis=0)
        fit = box_iou_matrix(mean[None, :], xywh[chosen])[0]
        out.append(
            {
                "x": float(mean[0]),
                "y": float(mean[1]),
                "w": float(mean[2]),
                "h": float(mean[3]),
                "label": flat[chosen[0]][1].get("label", ""),
                "support": len(chosen),
                "confidence": float(len(chosen) / n_annot * fit.mean()),
            }
        )
    # Overall: how well the average annotator agrees with the consensus, as box F1.
    fits = [compare_boxes(list(a), out, iou_threshold=iou_threshold).score for a in annotations]
    overall = float(np.mean(fits))
    return StructuredConsensus(out, overall)


def span_consensus(
    annotations: Sequence[Sequence[Mapping[str, Any]]],
    *,
    text_length: int | None = None,
    min_support: int | None = None,
) -> StructuredConsensus:
    """Character votes per label: a character carries a label when a majority put it there.

    Runs of voted characters become spans; a run is split where a majority of annotators
    start a span of that label, so "New York" + "City" drawn as two entities stays two.
    """
    n_annot = len(annotations)
    spans = [
        (a, int(s["start"]), int(s["end"]), str(s.get("label", "")))
        for a, ss in enumerate(annotations)
        for s in ss
    ]
    length = text_length if text_length is not None else max((e for _, _, e, _ in spans), default=0)
    out: list[dict[str, Any]] = []
    agree_cells, total_cells = 0.0, 0
    for lab in sorted({s[3] for s in spans}):
        cover = np.zeros((n_annot, length), dtype=bool)
        starts = np.zeros((n_annot, length + 1), dtype=bool)
        for a, s, e, l in spans:
            if l == lab and e > s:
                cover[a, s:e] = True
                starts[a, s] = True
        votes = cover.sum(axis=0)
        start_votes = starts.sum(axis=0)
        keep = np.asarray(_majority(votes, n_annot, min_support), dtype=bool)
        split = np.asarray(_majority(start_votes[:length], n_annot, min_support), dtype=bool)
        touched = votes > 0
        agree_cells += float((cover == keep[None, :])[:, touched].sum()) / max(n_annot, 1)
        total_cells += int(touched.sum())
        pos = 0
        while pos < length:
            if not keep[pos]:
                pos += 1
                continue
            end = pos + 1
            while end < length and keep[end] and not split[end]:
                end += 1
            out.append(
                {
                    "start": pos,
                    "end": end,
                    "label": lab,
                    "confidence": float(votes[pos:end].mean() / n_annot),
                }
            )
            pos = end
    out.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    confidence = agree_cells / total_cells if total_cells else (1.0 if n_annot else 0.0)
    return StructuredConsensus(out, float(confidence))
