"""Agreement statistics against the reference implementations, to 1e-9."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats import inter_rater

from review.metrics import (
    Ratings,
    category_counts,
    cohens_kappa,
    encode_labels,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)

SEEDS = range(8)


def sparse_codes(
    seed: int, items: int = 80, coders: int = 7, k: int = 4, missing: float = 0.4
) -> np.ndarray:
    """items × coders float codes with np.nan holes; coders agree more often than chance."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, size=items)
    noisy = rng.integers(0, k, size=(items, coders))
    m = np.where(rng.random((items, coders)) < 0.6, truth[:, None], noisy).astype(np.float64)
    m[rng.random((items, coders)) < missing] = np.nan
    return m


@pytest.mark.parametrize("seed", SEEDS)
def test_nominal_alpha_equals_the_krippendorff_package_with_missing_values(seed: int) -> None:
    m = sparse_codes(seed)
    expected = krippendorff.alpha(reliability_data=m.T, level_of_measurement="nominal")
    assert krippendorff_alpha(m, "nominal") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_alpha_equals_the_krippendorff_package_with_missing_values(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    truth = rng.normal(50, 10, size=60)
    m = truth[:, None] + rng.normal(0, 5, size=(60, 5))
    m[rng.random(m.shape) < 0.35] = np.nan
    expected = krippendorff.alpha(reliability_data=m.T, level_of_measurement="interval")
    assert krippendorff_alpha(m, "interval") == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_interval_alpha_on_rating_codes_equals_the_krippendorff_package(seed: int) -> None:
    m = sparse_codes(seed, k=5) + 1  # a 1–5 star scale
    expected = krippendorff.alpha(reliability_data=m.T, level_of_measurement="interval")
    assert krippendorff_alpha(m, "interval") == pytest.approx(expected, abs=1e-9)


def test_alpha_on_krippendorffs_textbook_example() -> None:
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the 4-coder example.
    nan = np.nan
    data = np.array(
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
        ]
    ).T
    assert krippendorff_alpha(data - 1, "nominal") == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(data, "interval") == pytest.approx(0.849, abs=5e-4)


@pytest.mark.parametrize("seed", SEEDS)
def test_fleiss_kappa_equals_statsmodels(seed: int) -> None:
    m = sparse_codes(seed, items=120, coders=5, missing=0.0).astype(np.int64)
    table, _ = inter_rater.aggregate_raters(m, n_cat=4)
    expected = inter_rater.fleiss_kappa(table)
    assert fleiss_kappa(m, n_categories=4) == pytest.approx(expected, abs=1e-9)


def test_fleiss_kappa_keeps_items_with_fewer_ratings() -> None:
    m = sparse_codes(3, items=120, coders=5, missing=0.0)
    m[0, 0] = np.nan
    kappa = fleiss_kappa(m)
    assert -1.0 <= kappa <= 1.0
    assert kappa != pytest.approx(fleiss_kappa(m[1:]), abs=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_cohens_kappa_equals_sklearn_and_statsmodels(seed: int, weights: str | None) -> None:
    m = sparse_codes(seed, items=200, coders=2, missing=0.0).astype(np.int64)
    a, b = m[:, 0], m[:, 1]
    ours = cohens_kappa(a, b, n_categories=4, weights=weights)  # type: ignore[arg-type]
    expected = cohen_kappa_score(a, b, labels=range(4), weights=weights)
    assert ours == pytest.approx(expected, abs=1e-9)
    if weights is None:
        table = np.bincount(a * 4 + b, minlength=16).reshape(4, 4)
        assert ours == pytest.approx(inter_rater.cohens_kappa(table).kappa, abs=1e-9)


def test_cohens_kappa_drops_pairs_with_a_missing_side() -> None:
    a = np.array([0, 1, 2, -1, 1])
    b = np.array([0, 1, 1, 2, -1])
    assert cohens_kappa(a, b) == pytest.approx(cohen_kappa_score([0, 1, 2], [0, 1, 1]), abs=1e-12)


def test_a_coder_pair_is_aligned_on_the_items_both_rated() -> None:
    r = Ratings.from_arrays(items=[0, 0, 1, 2, 2], coders=[0, 1, 0, 0, 1], values=[1, 1, 0, 2, 0])
    a, b = r.pair(0, 1)
    assert a.tolist() == [1, 2]
    assert b.tolist() == [1, 0]


def test_percent_agreement_averages_agreeing_pairs_per_item() -> None:
    # Item 0: 3 of 3 pairs agree; item 1: 1 of 3; item 2 has one rating and is not pairable.
    m = np.array([[0, 0, 0], [1, 1, 2], [2, -1, -1]])
    assert percent_agreement(m) == pytest.approx((1 + 1 / 3) / 2)


def test_long_form_dense_matrix_and_negative_one_holes_give_the_same_alpha() -> None:
    dense = sparse_codes(5)
    as_int = np.where(np.isnan(dense), -1, dense).astype(np.int64)
    items, coders = np.nonzero(~np.isnan(dense))
    values = dense[items, coders].astype(np.int64)
    long = Ratings.from_arrays(items, coders, values, n_items=dense.shape[0])
    expected = krippendorff_alpha(dense)
    assert krippendorff_alpha(as_int) == pytest.approx(expected, abs=1e-12)
    assert krippendorff_alpha(long) == pytest.approx(expected, abs=1e-12)
    np.testing.assert_array_equal(long.to_matrix(), dense)


def test_labels_are_encoded_to_stable_codes() -> None:
    codes, categories = encode_labels(["neg", "pos", None, "neu", "pos"])
    assert categories == ["neg", "neu", "pos"]
    assert codes.tolist() == [0, 2, -1, 1, 2]
    with pytest.raises(ValueError, match="not among the categories"):
        encode_labels(["maybe"], categories=["pos", "neg"])


def test_category_counts_are_items_by_categories() -> None:
    counts = category_counts(np.array([[0, 1, 1], [2, 2, -1]]), n_categories=3)
    assert counts.tolist() == [[1, 2, 0], [0, 0, 2]]


def test_alpha_is_undefined_without_any_variation() -> None:
    assert np.isnan(krippendorff_alpha(np.array([[1, 1], [1, 1]])))


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), perm_seed=st.integers(0, 10_000))
def test_nominal_statistics_ignore_category_names_and_coder_order(
    seed: int, perm_seed: int
) -> None:
    m = sparse_codes(seed, items=30, coders=4, missing=0.2)
    rng = np.random.default_rng(perm_seed)
    relabel = rng.permutation(4).astype(np.float64)
    relabelled = np.where(np.isnan(m), np.nan, relabel[np.nan_to_num(m).astype(int)])
    shuffled = relabelled[:, rng.permutation(4)]
    for stat in (krippendorff_alpha, fleiss_kappa, percent_agreement):
        assert stat(shuffled) == pytest.approx(stat(m), abs=1e-12, nan_ok=True)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_alpha_is_at_most_one_and_exactly_one_when_coders_agree(seed: int) -> None:
    m = sparse_codes(seed, items=30, coders=4, missing=0.3)
    alpha = krippendorff_alpha(m)
    assert np.isnan(alpha) or alpha <= 1.0 + 1e-12
    rng = np.random.default_rng(seed)
    agreed = np.repeat(rng.integers(0, 3, size=(30, 1)).astype(np.float64), 4, axis=1)
    agreed[:, 2:][rng.random((30, 2)) < 0.5] = np.nan
    if len(np.unique(agreed[~np.isnan(agreed)])) > 1:
        assert krippendorff_alpha(agreed) == pytest.approx(1.0)
