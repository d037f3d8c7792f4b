"""Per-label-type similarity: worked examples plus symmetry/identity/range properties."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.metrics import compare, grade, label_types, register

LABELS = ["car", "person"]

boxes = st.lists(
    st.fixed_dictionaries(
        {
            "x": st.integers(0, 100),
            "y": st.integers(0, 100),
            "w": st.integers(0, 60),
            "h": st.integers(0, 60),
            "label": st.sampled_from(LABELS),
        }
    ),
    max_size=5,
)


@st.composite
def star_polygons(draw: st.DrawFn) -> list[list[float]]:
    """Simple (possibly non-convex) polygons: random radii at increasing angles."""
    n = draw(st.integers(3, 8))
    cx, cy = draw(st.integers(0, 60)), draw(st.integers(0, 60))
    radii = draw(st.lists(st.integers(2, 30), min_size=n, max_size=n))
    return [
        [cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)]
        for i, r in enumerate(radii)
    ]


polygons = st.lists(
    st.fixed_dictionaries({"points": star_polygons(), "label": st.sampled_from(LABELS)}),
    max_size=3,
)
spans = st.lists(
    st.builds(
        lambda s, n, lab: {"start": s, "end": s + n, "label": lab},
        st.integers(0, 40),
        st.integers(1, 15),
        st.sampled_from(["PER", "ORG"]),
    ),
    max_size=5,
)
cot = st.fixed_dictionaries(
    {
        "steps": st.lists(st.text(alphabet="ab =1+2", max_size=12), max_size=4),
        "answer": st.sampled_from(["42", "42.0", "４２。", "forty-two", "x", "X!"]),
    }
)

VALUES: dict[str, tuple[st.SearchStrategy[Any], dict[str, Any]]] = {
    "choice": (st.sampled_from(["pos", "neg", "neu"]), {}),
    "multi_choice": (st.lists(st.sampled_from("abcd"), unique=True), {}),
    "spans": (spans, {}),
    "boxes": (boxes, {}),
    "polygons": (polygons, {}),
    "rating": (st.integers(1, 5), {"min": 1, "max": 5}),
    "text": (st.text(max_size=30), {}),
    "preference": (st.sampled_from(["response_a", "response_b"]), {}),
    "chain_of_thought": (cot, {}),
}


def test_every_schema_label_type_has_a_comparator() -> None:
    assert set(label_types()) == set(VALUES)


@pytest.mark.parametrize("label_type", sorted(VALUES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_similarity_is_symmetric_in_range_and_one_on_identity(
    label_type: str, data: st.DataObject
) -> None:
    strategy, params = VALUES[label_type]
    a, b = data.draw(strategy), data.draw(strategy)
    ab = compare(label_type, a, b, **params).score
    ba = compare(label_type, b, a, **params).score
    assert 0.0 <= ab <= 1.0
    assert ab == pytest.approx(ba, abs=1e-9)
    assert compare(label_type, a, a, **params).score == 1.0


def test_unknown_label_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown label type"):
        compare("audio_segments", [], [])


def test_a_label_type_cannot_be_registered_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register("choice")(lambda a, b: None)  # type: ignore[arg-type,return-value]


def test_missing_value_matches_only_another_missing_value() -> None:
    assert compare("choice", None, None).score == 1.0
    assert compare("choice", "pos", None).score == 0.0


def test_choice_and_preference_score_equality() -> None:
    assert compare("choice", "pos", "neg").score == 0.0
    assert compare("preference", "response_a", "response_a").score == 1.0


def test_multi_choice_is_jaccard() -> None:
    result = compare("multi_choice", ["a", "b", "c"], ["b", "c", "d"])
    assert result.score == pytest.approx(2 / 4)
    assert compare("multi_choice", [], []).score == 1.0


def test_rating_scales_distance_by_the_range() -> None:
    assert compare("rating", 4, 5, min=1, max=5).score == pytest.approx(0.75)
    assert compare("rating", 1, 5, min=1, max=5).score == 0.0


def test_text_similarity_is_normalised_edit_distance() -> None:
    assert compare("text", "kitten", "sitting").score == pytest.approx(1 - 3 / 7)
    # Full-width letters and doubled spaces are typing accidents, not disagreement.
    assert compare("text", "ＡＢＣ  def", "ABC def").score == 1.0
    assert compare("text", "ＡＢＣ", "ABC", normalize=False).score == 0.0


def test_spans_report_exact_and_overlap_f1() -> None:
    gold = [{"start": 0, "end": 5, "label": "PER"}, {"start": 10, "end": 14, "label": "ORG"}]
    answer = [{"start": 0, "end": 4, "label": "PER"}, {"start": 10, "end": 14, "label": "LOC"}]
    result = compare("spans", gold, answer)
    assert result.score == 0.0
    assert result.detail["overlap"]["f1"] == pytest.approx(0.5)  # the ORG/LOC pair never counts
    assert compare("spans", gold, answer, mode="overlap").score == pytest.approx(0.5)


def test_overlap_spans_pair_one_to_one() -> None:
    one_long = [{"start": 0, "end": 10, "label": "PER"}]
    two_short = [{"start": 0, "end": 4, "label": "PER"}, {"start": 5, "end": 10, "label": "PER"}]
    result = compare("spans", one_long, two_short, mode="overlap")
    assert result.score == pytest.approx(2 * 1 / 3)


def box(x: float, y: float, w: float, h: float, label: str = "car") -> dict[str, Any]:
    return {"x": x, "y": y, "w": w, "h": h, "label": label}


def test_boxes_match_one_to_one_at_the_iou_threshold() -> None:
    a = [box(0, 0, 10, 10), box(50, 50, 10, 10)]
    b = [box(1, 0, 10, 10), box(80, 80, 5, 5)]
    result = compare("boxes", a, b)
    assert result.score == pytest.approx(0.5)
    assert result.detail["mean_iou"] == pytest.approx(90 / 110)
    assert result.detail["matches"] == [(0, 0)]
    assert compare("boxes", a, b, iou_threshold=0.9).score == 0.0


def test_boxes_with_different_labels_never_match() -> None:
    a = [{"x": 0, "y": 0, "w": 10, "h": 10, "label": "car"}]
    b = [{"x": 0, "y": 0, "w": 10, "h": 10, "label": "person"}]
    assert compare("boxes", a, b).score == 0.0


def test_box_matching_prefers_more_matches_over_one_better_match() -> None:
    # A greedy or max-IoU-sum assignment pairs a0-b0 (IoU 1) and leaves a1 unmatched.
    a = [box(0, 0, 10, 10), box(3, 0, 10, 10)]
    b = [box(0, 0, 10, 10), box(-3, 0, 10, 10)]
    assert compare("boxes", a, b).detail["f1"] == 1.0


def test_polygon_iou_is_exact_for_convex_and_close_for_concave_shapes() -> None:
    square = {"points": [[0, 0], [10, 0], [10, 10], [0, 10]], "label": "lesion"}
    shifted = {"points": [[2, 0], [12, 0], [12, 10], [2, 10]], "label": "lesion"}
    ell = {"points": [[0, 0], [10, 0], [10, 5], [5, 5], [5, 10], [0, 10]], "label": "lesion"}
    assert compare("polygons", [square], [shifted]).detail["mean_iou"] == pytest.approx(80 / 120)
    assert compare("polygons", [square], [ell]).detail["mean_iou"] == pytest.approx(0.75, abs=0.01)


def test_chain_of_thought_normalises_the_final_answer() -> None:
    a = {"steps": ["6 * 7 = 42"], "answer": "42"}
    for same in ["42.0", "４２。", " 42 ", "\\boxed{42}", "84/2"]:
        result = compare("chain_of_thought", a, {"steps": ["6 * 7 = 42"], "answer": same})
        assert result.detail["answer_match"], same
        assert result.score == 1.0
    assert not compare("chain_of_thought", a, {"steps": [], "answer": "41"}).detail["answer_match"]
    paris = compare("chain_of_thought", {"steps": [], "answer": "Paris."}, {"answer": "paris"})
    assert paris.score == 1.0


def test_chain_of_thought_aligns_steps_in_order_and_tolerates_a_skipped_step() -> None:
    a = {"steps": ["let x = 2", "then y = x + 1", "so y = 3"], "answer": "3"}
    b = {"steps": ["let x = 2", "so y = 3"], "answer": "3"}
    result = compare("chain_of_thought", a, b)
    assert [(i, j) for i, j, _ in result.detail["aligned_steps"]] == [(0, 0), (2, 1)]
    assert result.detail["step_alignment"] == pytest.approx(2 / 3)
    assert result.score == pytest.approx(0.5 + 0.5 * 2 / 3)


def test_grading_reads_precision_and_recall_from_the_gold_side() -> None:
    gold = [{"start": 0, "end": 5, "label": "PER"}, {"start": 10, "end": 14, "label": "ORG"}]
    answer = [{"start": 0, "end": 5, "label": "PER"}]
    exact = grade("spans", gold, answer).detail["exact"]
    assert exact["precision"] == 1.0
    assert exact["recall"] == 0.5
