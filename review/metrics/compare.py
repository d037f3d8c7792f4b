"""One similarity in [0, 1] per label type, behind a registry.

`compare(label_type, a, b, **params)` is what consistency checks call on two annotators'
values for one label; `grade(label_type, gold, answer, **params)` is the same function with
the gold answer first, so detail fields such as precision and recall read from the gold side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from review.metrics.geometry import (
    DEFAULT_RASTER_SIZE,
    box_iou_matrix,
    match_pairs,
    polygon_iou_matrix,
)
from review.metrics.textsim import answers_match, edit_similarity, normalize_answer


@dataclass(frozen=True)
class Comparison:
    """`score` is the similarity in [0, 1]; `detail` holds the type's richer figures."""

    score: float
    detail: Mapping[str, Any] = field(default_factory=dict)


class Comparator(Protocol):
    def __call__(self, a: Any, b: Any, /, **params: Any) -> Comparison: ...


_REGISTRY: dict[str, Comparator] = {}


def register(label_type: str) -> Callable[[Comparator], Comparator]:
    """Add a comparator; refusing a second registration keeps one meaning per type."""

    def add(fn: Comparator) -> Comparator:
        if label_type in _REGISTRY:
            raise ValueError(f"a comparator for {label_type!r} is already registered")
        _REGISTRY[label_type] = fn
        return fn

    return add


def label_types() -> list[str]:
    return sorted(_REGISTRY)


def compare(label_type: str, a: Any, b: Any, **params: Any) -> Comparison:
    """Similarity of two values of one label. A missing value (None) only matches another."""
    try:
        fn = _REGISTRY[label_type]
    except KeyError:
        raise ValueError(f"unknown label type {label_type!r}") from None
    if a is None or b is None:
        return Comparison(1.0 if a is b else 0.0, {"missing": True})
    return fn(a, b, **params)


def grade(label_type: str, gold: Any, answer: Any, **params: Any) -> Comparison:
    """Score an exam answer against the gold answer (precision/recall are the answer's)."""
    return compare(label_type, gold, answer, **params)


def _f1(matched: int, n_a: int, n_b: int) -> float:
    # Two empty lists agree perfectly: "nothing to label here" is an answer.
    return 1.0 if n_a + n_b == 0 else 2.0 * matched / (n_a + n_b)


def _prf(matched: int, n_gold: int, n_answer: int) -> dict[str, float]:
    return {
        "precision": matched / n_answer if n_answer else float(n_gold == 0),
        "recall": matched / n_gold if n_gold else float(n_answer == 0),
        "f1": _f1(matched, n_gold, n_answer),
    }


@register("choice")
def compare_choice(a: Any, b: Any) -> Comparison:
    return Comparison(float(a == b))


@register("preference")
def compare_preference(a: Any, b: Any) -> Comparison:
    return Comparison(float(a == b))


@register("multi_choice")
def compare_multi_choice(a: Iterable[Any], b: Iterable[Any]) -> Comparison:
    sa, sb = set(a), set(b)
    union = sa | sb
    jaccard = len(sa & sb) / len(union) if union else 1.0
    return Comparison(jaccard, {"jaccard": jaccard, **_prf(len(sa & sb), len(sa), len(sb))})


@register("rating")
def compare_rating(a: float, b: float, *, min: float, max: float) -> Comparison:  # noqa: A002
    """1 − |a − b| / (max − min): adjacent stars on a 1–5 scale score 0.75."""
    span = max - min
    if span <= 0:
        return Comparison(float(a == b))
    score = float(np.clip(1.0 - abs(a - b) / span, 0.0, 1.0))
    return Comparison(score, {"difference": abs(a - b)})


@register("text")
def compare_text(a: str, b: str, *, normalize: bool = True) -> Comparison:
    return Comparison(edit_similarity(a, b, normalize=normalize))


def _span_key(span: Mapping[str, Any]) -> tuple[int, int, str]:
    return int(span["start"]), int(span["end"]), str(span.get("label", ""))


@register("spans")
def compare_spans(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], *, mode: str = "exact"
) -> Comparison:
    """Entity-level F1. `exact`: same start, end and label. `overlap`: same label and any
    shared character, paired one-to-one (most pairs, then largest character IoU)."""
    if mode not in ("exact", "overlap"):
        raise ValueError("mode must be 'exact' or 'overlap'")
    ka, kb = [_span_key(s) for s in a], [_span_key(s) for s in b]
    exact = sum((Counter(ka) & Counter(kb)).values())
    iou = np.zeros((len(ka), len(kb)))
    for i, (s0, e0, l0) in enumerate(ka):
        for j, (s1, e1, l1) in enumerate(kb):
            inter = min(e0, e1) - max(s0, s1)
            if l0 == l1 and inter > 0:
                iou[i, j] = inter / (max(e0, e1) - min(s0, s1))
    overlap = match_pairs(iou, iou > 0)
    detail = {
        "exact": _prf(exact, len(ka), len(kb)),
        "overlap": _prf(overlap.count, len(ka), len(kb)),
        "overlap_mean_iou": overlap.mean_score,
    }
    return Comparison(detail[mode]["f1"], detail)  # type: ignore[index]


def _labels(items: Sequence[Mapping[str, Any]]) -> np.ndarray:
    return np.array([str(it.get("label", "")) for it in items], dtype=object)


def _matched_detail(
    iou: np.ndarray, la: np.ndarray, lb: np.ndarray, threshold: float
) -> Comparison:
    same_label = la[:, None] == lb[None, :] if iou.size else np.zeros(iou.shape, dtype=bool)
    iou = np.where(same_label, iou, 0.0)
    matching = match_pairs(iou, iou >= threshold)
    n_a, n_b = iou.shape
    detail = {
        **_prf(matching.count, n_a, n_b),
        "mean_iou": matching.mean_score if matching.count else float(n_a + n_b == 0),
        "matches": matching.pairs,
        "threshold": threshold,
    }
    return Comparison(detail["f1"], detail)


@register("boxes")
def compare_boxes(
    a: Sequence[Mapping[str, Any]], b: Sequence[Mapping[str, Any]], *, iou_threshold: float = 0.5
) -> Comparison:
    """F1 of same-label boxes paired one-to-one at IoU ≥ threshold, plus their mean IoU."""
    xywh_a = [[bx["x"], bx["y"], bx["w"], bx["h"]] for bx in a]
    xywh_b = [[bx["x"], bx["y"], bx["w"], bx["h"]] for bx in b]
    iou = box_iou_matrix(xywh_a, xywh_b)
    return _matched_detail(iou, _labels(a), _labels(b), iou_threshold)


@register("polygons")
def compare_polygons(
    a: Sequence[Mapping[str, Any]],
    b: Sequence[Mapping[str, Any]],
    *,
    iou_threshold: float = 0.5,
    raster_size: int = DEFAULT_RASTER_SIZE,
) -> Comparison:
    """As boxes, with area IoU of polygons (exact for convex pairs, rasterised otherwise)."""
    la, lb = _labels(a), _labels(b)
    pa = [p["points"] for p in a]
    pb = [p["points"] for p in b]
    iou = np.zeros((len(pa), len(pb)))
    for i in range(len(pa)):
        # Only same-label pairs can match; skipping the rest saves most rasterisations.
        cols = [j for j in range(len(pb)) if lb[j] == la[i]]
        if cols:
            others = [pb[j] for j in cols]
            iou[i, cols] = polygon_iou_matrix([pa[i]], others, raster_size=raster_size)[0]
    return _matched_detail(iou, la, lb, iou_threshold)


def align_steps(a: Sequence[str], b: Sequence[str]) -> tuple[float, list[tuple[int, int, float]]]:
    """Order-preserving alignment of reasoning steps maximising summed edit similarity.

    Steps may be skipped on either side (a merged or extra step) but not reordered: a proof
    read backwards is a different proof. Score = best sum / the longer chain's length.
    """
    n, m = len(a), len(b)
    if n == 0 and m == 0:
        return 1.0, []
    sim = np.array([[edit_similarity(x, y) for y in b] for x in a]).reshape(n, m)
    best = np.zeros((n + 1, m + 1))
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            best[i, j] = max(best[i - 1, j], best[i, j - 1], best[i - 1, j - 1] + sim[i - 1, j - 1])
    pairs: list[tuple[int, int, float]] = []
    i, j = n, m
    while i > 0 and j > 0:
        if best[i, j] == best[i - 1, j - 1] + sim[i - 1, j - 1] and sim[i - 1, j - 1] > 0:
            pairs.append((i - 1, j - 1, float(sim[i - 1, j - 1])))
            i, j = i - 1, j - 1
        elif best[i, j] == best[i - 1, j]:
            i -= 1
        else:
            j -= 1
    pairs.reverse()
    return float(min(1.0, best[n, m] / max(n, m))), pairs


@register("chain_of_thought")
def compare_chain_of_thought(
    a: Mapping[str, Any], b: Mapping[str, Any], *, answer_weight: float = 0.5
) -> Comparison:
    """Weighted mean of final-answer match (normalised) and step alignment."""
    answer = float(answers_match(a.get("answer", ""), b.get("answer", "")))
    steps, pairs = align_steps(list(a.get("steps", [])), list(b.get("steps", [])))
    score = answer_weight * answer + (1.0 - answer_weight) * steps
    detail = {
        "answer_match": bool(answer),
        "answers": (normalize_answer(a.get("answer", "")), normalize_answer(b.get("answer", ""))),
        "step_alignment": steps,
        "aligned_steps": pairs,
    }
    return Comparison(float(np.clip(score, 0.0, 1.0)), detail)
