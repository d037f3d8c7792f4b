import itertools

import numpy as np
import pytest

from annotation.schema import parse_schema
from prelabel.engine import EngineError, HeadBackend, LinearHead, ZeroShotBackend, accuracy
from prelabel.engine import train_head

# Two topics the option names say nothing about: zero-shot can only guess, a head can learn.
KITCHEN = [f"{who} {verb} the {food} for dinner." for who, verb, food in itertools.product(
    ["My aunt", "The chef", "We"], ["baked", "seasoned", "fried", "chopped"],
    ["onions", "salmon", "bread"])]
SKY = [f"{who} {verb} the {thing} through a telescope." for who, verb, thing in itertools.product(
    ["The astronomer", "A student", "They"], ["watched", "photographed", "tracked", "found"],
    ["comet", "nebula", "moon of Jupiter"])]
SCHEMA = parse_schema({"data": {"text": "text"},
                       "labels": {"group": {"type": "choice", "options": ["alpha", "beta"]},
                                  "flags": {"type": "multi_choice",
                                            "options": ["x", "y", "z"]}}})


@pytest.fixture(scope="module")
def toy(encoder):
    texts = KITCHEN + SKY
    labels = ["alpha"] * len(KITCHEN) + ["beta"] * len(SKY)
    return texts, labels, encoder.embed(texts)


def test_a_head_beats_zero_shot_on_a_separable_set(encoder, toy):
    texts, labels, vectors = toy
    report = train_head(vectors, labels, ["alpha", "beta"], holdout=0.3)
    held = list(report.eval_indices)
    assert report.eval_size == len(held) >= 20 and report.train_size + report.eval_size == 72
    zero_shot = ZeroShotBackend(encoder, SCHEMA.labels["group"], field="text")
    zs_answers = [p.result["group"] for p in zero_shot.predict([{"text": texts[i]} for i in held])]
    zs_accuracy = accuracy(zs_answers, [labels[i] for i in held])
    assert report.accuracy is not None and report.accuracy >= 0.95
    assert report.accuracy > zs_accuracy + 0.2  # zero-shot is near a coin flip here


def test_the_trained_head_predicts_through_the_backend(encoder, toy):
    _, labels, vectors = toy
    head = train_head(vectors, labels, ["alpha", "beta"]).head
    backend = HeadBackend(encoder, head, SCHEMA.labels["group"], field="text")
    out = backend.predict([{"text": "The baker kneaded the dough for dinner."},
                           {"text": "We saw a bright comet through the telescope."}])
    assert [p.result["group"] for p in out] == ["alpha", "beta"]
    assert all(0.5 < p.score <= 1.0 for p in out)
    assert out[0].distribution is not None
    assert list(out[0].distribution) == ["alpha", "beta"]


def _blobs(seed=0, n=40, dim=16):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(3, dim)) * 3
    x = np.concatenate([c + rng.normal(size=(n, dim)) for c in centres]).astype(np.float32)
    return x, ["x"] * n + ["y"] * n + ["z"] * n


def test_multi_label_heads_learn_independent_options():
    x, single = _blobs()
    # "z" examples also carry "x": the head must learn two options at once for them.
    labels = [["x", "z"] if s == "z" else [s] for s in single]
    report = train_head(x, labels, ["x", "y", "z"], multi_label=True)
    assert report.head.multi_label
    assert report.accuracy is not None and report.accuracy >= 0.9
    assert sorted(report.head.predict_labels(x[-1:])[0]) == ["x", "z"]


def test_a_head_round_trips_through_safetensors_without_pickle(tmp_path):
    x, labels = _blobs()
    head = train_head(x, labels, ["x", "y", "z"], encoder="builtin:test@1").head
    path = tmp_path / "head.safetensors"
    head.save(path)
    raw = path.read_bytes()
    assert b"__metadata__" in raw[:4096] and not raw.startswith(b"\x80")  # not a pickle stream
    loaded = LinearHead.load(path)
    assert loaded.options == ("x", "y", "z") and loaded.encoder == "builtin:test@1"
    np.testing.assert_array_equal(loaded.weight, head.weight)
    np.testing.assert_allclose(loaded.probabilities(x), head.probabilities(x))
    assert LinearHead.from_bytes(head.to_bytes()).options == head.options


def test_garbage_is_not_loaded_as_a_head():
    with pytest.raises(EngineError):
        LinearHead.from_bytes(b"\x80\x04garbage")


def test_training_needs_two_different_answers_and_known_options():
    x, _ = _blobs()
    with pytest.raises(EngineError, match="two different"):
        train_head(x, ["x"] * len(x), ["x", "y"])
    with pytest.raises(EngineError, match="not options"):
        train_head(x, ["x", "nope"] * (len(x) // 2), ["x", "y"])


def test_tiny_sets_train_without_a_held_out_score():
    x = np.eye(2, 4, dtype=np.float32)
    report = train_head(x, ["x", "y"], ["x", "y"])
    assert report.accuracy is None and report.eval_size == 0
    assert report.head.predict_labels(x) == ["x", "y"]


def test_a_head_must_match_its_encoder_and_label(encoder):
    x, labels = _blobs()
    head = train_head(x, labels, ["x", "y", "z"]).head  # 16-d, the encoder is 384-d
    with pytest.raises(EngineError, match="16-d"):
        HeadBackend(encoder, head, SCHEMA.labels["flags"], field="text")


def test_accuracy_compares_multi_choice_answers_as_sets():
    assert accuracy([["a", "b"], ["c"]], [["b", "a"], ["d"]]) == 0.5
    assert accuracy(["a", "b"], ["a", "a"]) == 0.5
