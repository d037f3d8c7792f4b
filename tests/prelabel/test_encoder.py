import numpy as np
import pytest

from prelabel.engine import BUILTIN_SOURCE, EngineError, builtin_model_path, get_encoder
from prelabel.engine.runtime import length_batches, pad


def test_the_builtin_model_ships_inside_the_wheel_as_safetensors():
    path = builtin_model_path()
    assert (path / "model.safetensors").is_file()
    assert (path / "config.json").is_file()


def test_embeddings_are_384_dimensional_unit_vectors(encoder):
    vectors = encoder.embed(["A short sentence.", "Another, somewhat longer, sentence here."])
    assert vectors.shape == (2, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_are_closer_than_dissimilar_ones(encoder):
    a, b, c = encoder.embed([
        "The football team won the match on Sunday.",
        "Our soccer club took the victory in the weekend game.",
        "The central bank raised interest rates again.",
    ])
    assert a @ b > a @ c + 0.2
    assert a @ b > b @ c + 0.2


def test_batching_by_length_keeps_the_input_order(encoder):
    texts = ["short", "a much longer sentence with many more words in it " * 3, "mid length text",
             "x", "another medium sentence"]
    batched = encoder.embed(texts, batch_size=2)
    one_by_one = np.stack([encoder.embed([t])[0] for t in texts])
    # Padding must not change a text's embedding, and rows must come back in input order.
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)


def test_long_texts_are_truncated_not_rejected(encoder):
    vectors = encoder.embed(["word " * 2000, "中文文本" * 500])
    assert vectors.shape == (2, 384)
    assert encoder.max_length == 256


def test_empty_input_gives_an_empty_array(encoder):
    assert encoder.embed([]).shape == (0, 384)


def test_non_text_input_is_an_engine_error(encoder):
    with pytest.raises(EngineError, match="expected str"):
        encoder.embed(["ok", None])  # type: ignore[list-item]


def test_the_encoder_is_loaded_once_per_process(encoder):
    assert get_encoder(device="cpu") is encoder
    assert get_encoder(BUILTIN_SOURCE, device="cpu") is encoder


def test_length_batches_put_similar_lengths_together_longest_first():
    batches = list(length_batches([3, 10, 1, 7, 5], batch_size=2))
    assert batches == [[1, 3], [4, 0], [2]]
    with pytest.raises(ValueError):
        list(length_batches([1], batch_size=0))


def test_pad_builds_ids_and_mask_on_either_side():
    ids, mask = pad([[5, 6, 7], [8]], pad_id=0)
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert mask.tolist() == [[1, 1, 1], [1, 0, 0]]
    ids, mask = pad([[5, 6, 7], [8]], pad_id=0, left=True)
    assert ids.tolist() == [[5, 6, 7], [0, 0, 8]]
    assert mask.tolist() == [[1, 1, 1], [0, 0, 1]]
