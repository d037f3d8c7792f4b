import math

import pytest

from prelabel.engine.uncertainty import (
    binary_entropy,
    entropy,
    margin,
    margin_uncertainty,
    multi_label_entropy,
    task_uncertainty,
)


def test_a_uniform_distribution_is_maximally_uncertain():
    assert entropy({"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}) == pytest.approx(1.0)
    assert entropy([0.5, 0.5], normalized=False) == pytest.approx(math.log(2))
    assert margin({"a": 0.5, "b": 0.5}) == pytest.approx(0.0)


def test_a_one_hot_distribution_is_certain():
    assert entropy({"a": 1.0, "b": 0.0, "c": 0.0}) == 0.0
    assert margin([0.0, 1.0, 0.0]) == 1.0
    assert margin_uncertainty([0.0, 1.0, 0.0]) == 0.0


def test_entropy_grows_as_the_top_two_options_close_in():
    sure, unsure = [0.9, 0.05, 0.05], [0.5, 0.45, 0.05]
    assert entropy(sure) < entropy(unsure)
    assert margin(sure) == pytest.approx(0.85)
    assert margin(unsure) == pytest.approx(0.05)


def test_degenerate_inputs_do_not_crash():
    assert entropy([]) == 0.0
    assert entropy([1.0]) == 0.0
    assert margin([]) == 0.0
    assert multi_label_entropy([]) == 0.0


def test_multi_label_entropy_is_the_mean_binary_entropy():
    assert binary_entropy(0.5) == pytest.approx(1.0)
    assert multi_label_entropy({"a": 0.5, "b": 1.0}) == pytest.approx(0.5)


def test_a_task_is_as_uncertain_as_its_most_uncertain_label():
    value = task_uncertainty(
        {"sentiment": {"pos": 0.99, "neg": 0.01}, "tags": {"a": 0.5, "b": 0.0}},
        multi_label={"tags"},
    )
    assert value == pytest.approx(0.5)
    assert task_uncertainty({}, fallback_score=0.2) == pytest.approx(0.8)
