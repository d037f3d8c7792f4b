"""Majority vote, Dawid–Skene, box and span consensus."""

from __future__ import annotations

import numpy as np
import pytest

from review.metrics import Ratings, box_consensus, dawid_skene, majority_vote, span_consensus

ACCURACIES = np.linspace(0.6, 0.95, 10)


def simulate(
    seed: int = 7, items: int = 4000, k: int = 4, per_item: int = 3
) -> tuple[np.ndarray, Ratings]:
    """Known truth; each item labelled by `per_item` distinct annotators of known accuracy,
    who err uniformly over the other classes."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, size=items)
    coders = np.argsort(rng.random((items, len(ACCURACIES))), axis=1)[:, :per_item].ravel()
    item_ids = np.repeat(np.arange(items), per_item)
    t = truth[item_ids]
    right = rng.random(len(t)) < ACCURACIES[coders]
    wrong = (t + rng.integers(1, k, size=len(t))) % k
    values = np.where(right, t, wrong)
    return truth, Ratings.from_arrays(item_ids, coders, values, n_coders=len(ACCURACIES))


def test_weighted_majority_follows_the_reliable_annotator() -> None:
    m = np.array([[0, 1, 1], [2, 2, 0]])
    plain = majority_vote(m)
    assert plain.labels.tolist() == [1, 2]
    weighted = majority_vote(m, weights=[3.0, 1.0, 1.0])
    assert weighted.labels.tolist() == [0, 2]
    assert weighted.confidence[0] == pytest.approx(3 / 5)


def test_majority_ties_go_to_the_lowest_code_and_unrated_items_get_none() -> None:
    m = np.array([[2, 1, -1], [-1, -1, -1], [1, 2, -1]])
    result = majority_vote(m, n_categories=3)
    assert result.labels.tolist() == [1, -1, 1]
    assert result.confidence.tolist() == [0.5, 0.0, 0.5]


def test_dawid_skene_is_at_least_as_accurate_as_majority_vote() -> None:
    truth, ratings = simulate()
    mv = np.mean(majority_vote(ratings).labels == truth)
    ds = dawid_skene(ratings)
    assert ds.converged
    assert np.mean(ds.labels == truth) >= mv
    assert np.mean(ds.labels == truth) > 0.9


def test_dawid_skene_recovers_annotator_accuracy() -> None:
    _, ratings = simulate()
    result = dawid_skene(ratings)
    np.testing.assert_allclose(result.accuracy, ACCURACIES, atol=0.05)
    # The confusion diagonals say the same thing class by class.
    diagonals = np.einsum("jkk->jk", result.confusion).mean(axis=1)
    np.testing.assert_allclose(diagonals, ACCURACIES, atol=0.05)


def test_dawid_skene_posteriors_are_distributions_and_confidence_is_their_peak() -> None:
    _, ratings = simulate(items=500)
    result = dawid_skene(ratings, max_iter=5)
    np.testing.assert_allclose(result.posterior.sum(axis=1), 1.0)
    np.testing.assert_allclose(result.confidence, result.posterior.max(axis=1))
    assert result.iterations == 5
    assert result.prior.sum() == pytest.approx(1.0)


def test_dawid_skene_keeps_unanimous_labels() -> None:
    m = np.array([[0, 0, 0], [1, 1, 1], [2, 2, 2], [1, 1, 1]])
    result = dawid_skene(m)
    assert result.labels.tolist() == [0, 1, 2, 1]
    assert np.all(result.confidence > 0.95)


def car(x: float, y: float, w: float = 40, h: float = 20, label: str = "car") -> dict[str, object]:
    return {"x": x, "y": y, "w": w, "h": h, "label": label}


def test_box_consensus_averages_boxes_a_majority_drew() -> None:
    annotations = [
        [car(10, 10), car(200, 200, label="person")],
        [car(12, 10)],
        [car(11, 13), car(100, 100)],
    ]
    result = box_consensus(annotations)
    assert len(result.items) == 1
    box = result.items[0]
    assert (box["x"], box["y"], box["w"], box["h"]) == pytest.approx((11, 11, 40, 20))
    assert box["label"] == "car"
    assert box["support"] == 3
    assert 0.8 < box["confidence"] <= 1.0
    assert 0.0 < result.confidence < 1.0


def test_box_consensus_needs_a_strict_majority_unless_told_otherwise() -> None:
    annotations = [[car(10, 10)], [car(10, 10)], [], []]
    assert box_consensus(annotations).items == []
    assert len(box_consensus(annotations, min_support=2).items) == 1


def test_box_consensus_uses_one_box_per_annotator_in_a_cluster() -> None:
    # Annotator 0 drew the same car twice; it must not count as two votes or skew the mean.
    annotations = [[car(10, 10), car(14, 10)], [car(12, 10)], [car(12, 10)]]
    result = box_consensus(annotations)
    assert [b["support"] for b in result.items] == [3]


def test_box_consensus_of_empty_annotations_is_empty_and_certain() -> None:
    result = box_consensus([[], []])
    assert result.items == []
    assert result.confidence == 1.0


def span(start: int, end: int, label: str = "PER") -> dict[str, object]:
    return {"start": start, "end": end, "label": label}


def test_span_consensus_takes_characters_a_majority_labelled() -> None:
    annotations = [[span(0, 5)], [span(0, 6)], [span(1, 5), span(10, 12, "ORG")]]
    result = span_consensus(annotations)
    assert [(s["start"], s["end"], s["label"]) for s in result.items] == [(0, 5, "PER")]
    assert result.items[0]["confidence"] == pytest.approx((2 / 3 + 4 * 1) / 5)


def test_span_consensus_keeps_adjacent_entities_apart_where_a_majority_starts_one() -> None:
    annotations = [[span(0, 4, "LOC"), span(4, 8, "LOC")]] * 2 + [[span(0, 8, "LOC")]]
    result = span_consensus(annotations)
    assert [(s["start"], s["end"]) for s in result.items] == [(0, 4), (4, 8)]


def test_span_consensus_of_identical_annotations_is_certain() -> None:
    annotations = [[span(0, 3), span(5, 9, "ORG")]] * 3
    result = span_consensus(annotations)
    assert result.confidence == 1.0
    found = [(s["start"], s["end"], s["label"]) for s in result.items]
    assert found == [(0, 3, "PER"), (5, 9, "ORG")]
