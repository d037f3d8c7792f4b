import pytest

from annotation.schema import parse_schema, validate_result
from prelabel.engine import (
    BackendSpec,
    EngineError,
    Prelabeler,
    TaskPrediction,
    default_specs,
    load_backend,
    train_head,
)


def test_specs_round_trip_through_plain_dicts():
    spec = BackendSpec(kind="text_classification", path="/models/x", version="3",
                       label_map={"POSITIVE": "pos"}, params={"threshold": 0.4})
    assert BackendSpec.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(("raw", "message"), [
    ({"kind": "magic"}, "unknown backend kind"),
    ({"kind": "zero_shot", "params": {"stride": 3}}, "does not take"),
    ({"kind": "text_classification"}, "needs a local model path"),
    ({"kind": "zero_shot", "colour": "red"}, "unknown backend settings"),
    ({"kind": "zero_shot", "batch_size": 0}, "at least 1"),
])
def test_bad_specs_fail_with_a_message_a_user_can_act_on(raw, message):
    with pytest.raises(EngineError, match=message):
        BackendSpec.from_dict(raw)


def test_a_backend_kind_only_fills_its_label_types(schema, models):
    with pytest.raises(EngineError, match="cannot fill spans"):
        load_backend(BackendSpec(kind="zero_shot"), schema, "entities", device="cpu")
    with pytest.raises(EngineError, match="no label"):
        load_backend(BackendSpec(kind="zero_shot"), schema, "nope", device="cpu")


def test_the_default_is_zero_shot_for_every_choice_label(schema):
    specs = default_specs(schema)
    assert sorted(specs) == ["kind", "sentiment", "tags", "topic"]
    assert {s.kind for s in specs.values()} == {"zero_shot"}
    image_only = parse_schema({"data": {"image": "image"},
                               "labels": {"kind": {"type": "choice", "options": ["a", "b"]}}})
    assert default_specs(image_only) == {}


def test_a_prelabeler_merges_labels_into_one_valid_result(schema, models):
    specs = {
        "topic": BackendSpec(kind="zero_shot"),
        "entities": BackendSpec(kind="token_classification", path=str(models["tagger"])),
        "reasoning": BackendSpec(kind="text_generation", path=str(models["lm"]),
                                 params={"prompt": "{text}", "max_new_tokens": 10}),
    }
    prelabeler = Prelabeler.from_specs(schema, specs, device="cpu")
    items = [{"text": "Alice scored in the football final in Paris, go"},
             {"text": "张三在北京工作"}]
    predictions = prelabeler.predict(items)
    assert all(isinstance(p, TaskPrediction) for p in predictions)
    first = predictions[0]
    assert first.result["topic"] == "sports"
    assert [e["label"] for e in first.result["entities"]] == ["PER", "LOC"]
    assert first.result["reasoning"]["answer"] == "4"
    assert set(first.distributions) == {"topic"}
    assert first.score <= first.distributions["topic"]["sports"]  # the weakest label's score
    assert 0.0 <= first.uncertainty <= 1.0
    # The second text ends without "go": no chain of thought, and the label is left out.
    assert "reasoning" not in predictions[1].result and predictions[1].score == 0.0
    for item, p in zip(items, predictions):
        validate_result(schema, p.result, data=item, require_complete=False)


def test_a_trained_head_can_be_passed_in_instead_of_a_file(schema, encoder):
    texts = ["I loved it, wonderful", "great fun, loved it", "awful, I hated it",
             "terrible and boring"] * 3
    labels = ["pos", "pos", "neg", "neg"] * 3
    head = train_head(encoder.embed(texts), labels, ["pos", "neg"]).head
    prelabeler = Prelabeler.from_specs(schema, {"sentiment": BackendSpec(kind="embedding_head")},
                                       device="cpu", heads={"sentiment": head})
    [p] = prelabeler.predict([{"text": "What a wonderful film, I loved it"}])
    assert p.result == {"sentiment": "pos"}
    with pytest.raises(EngineError, match="needs a head"):
        load_backend(BackendSpec(kind="embedding_head"), schema, "sentiment", device="cpu")


def test_two_backends_may_not_fill_the_same_label(schema, encoder):
    backend = load_backend(BackendSpec(kind="zero_shot"), schema, "topic", device="cpu")
    with pytest.raises(EngineError, match="same label"):
        Prelabeler(schema, [backend, backend])
