from types import SimpleNamespace

import pytest
import torch

from annotation.schema import validate_result
from prelabel.engine import BackendSpec, EngineError, load_backend
from prelabel.engine.backends import NliZeroShotBackend
from prelabel.engine.backends.tokens import Word, split_tag, words_to_spans
from prelabel.engine.labels import LabelMap
from prelabel.engine.loading import load_tokenizer

SENTIMENT_MAP = {"POSITIVE": "pos", "NEGATIVE": "neg"}


def _sentiment(models, schema, **kw):
    spec = BackendSpec(kind="text_classification", path=str(models["sentiment"]),
                       label_map=SENTIMENT_MAP, **kw)
    return load_backend(spec, schema, "sentiment", device="cpu")


def test_text_classification_maps_model_labels_onto_options(models, schema):
    backend = _sentiment(models, schema)
    items = [{"text": "this movie was great !"}, {"text": "我爱电影"}, {"text": "bad"}]
    predictions = backend.predict(items)
    assert len(predictions) == 3
    for item, p in zip(items, predictions):
        assert p.result["sentiment"] in ("pos", "neg")
        assert set(p.distribution) == {"pos", "neg"}
        assert sum(p.distribution.values()) == pytest.approx(1.0)
        # NEUTRAL maps to no option: its mass lowers the score below the renormalised top.
        assert 0 < p.score < max(p.distribution.values())
        validate_result(schema, p.result, data=item, require_complete=False)


def test_text_classification_results_do_not_depend_on_batching(models, schema):
    items = [{"text": "word " * n + "great"} for n in (1, 30, 5, 12, 0)]
    batched = _sentiment(models, schema, batch_size=2).predict(items)
    single = [_sentiment(models, schema, batch_size=1).predict([i])[0] for i in items]
    for a, b in zip(batched, single):
        assert a.result == b.result
        assert a.score == pytest.approx(b.score, abs=1e-5)


def test_a_model_whose_labels_match_no_option_is_refused(models, schema):
    spec = BackendSpec(kind="text_classification", path=str(models["sentiment"]))
    with pytest.raises(EngineError, match="label_map"):
        load_backend(spec, schema, "topic", device="cpu")


def test_label_maps_match_names_loosely_and_reject_unknown_targets():
    labels = LabelMap.build(["Sci-Fi", "DRAMA", "other"], ["sci_fi", "drama"])
    assert labels.to_option == {"Sci-Fi": "sci_fi", "DRAMA": "drama"}
    assert labels.collapse({"Sci-Fi": 0.2, "DRAMA": 0.6, "other": 0.2}) == (
        {"sci_fi": pytest.approx(0.25), "drama": pytest.approx(0.75)}, pytest.approx(0.8))
    with pytest.raises(EngineError, match="not one of"):
        LabelMap.build(["a"], ["b"], {"a": "c"})
    # Explicitly ignoring a label is allowed.
    assert LabelMap.build(["a", "b"], ["b"], {"a": None}).to_option == {"b": "b"}


def test_token_classification_gives_character_offsets_in_chinese(models, schema):
    spec = BackendSpec(kind="token_classification", path=str(models["tagger"]))
    backend = load_backend(spec, schema, "entities", device="cpu")
    text = "张三在北京工作"
    [p] = backend.predict([{"text": text}])
    assert p.result == {"entities": [{"start": 0, "end": 2, "label": "PER"},
                                     {"start": 3, "end": 5, "label": "LOC"}]}
    assert [text[s["start"]:s["end"]] for s in p.result["entities"]] == ["张三", "北京"]
    validate_result(schema, p.result, data={"text": text}, require_complete=False)


def test_token_classification_joins_sub_words_and_skips_unmapped_types(models, schema):
    spec = BackendSpec(kind="token_classification", path=str(models["tagger"]))
    backend = load_backend(spec, schema, "entities", device="cpu")
    text = "Alice lives in Paris, Bob in 北京!"
    [p] = backend.predict([{"text": text}])
    found = [(text[s["start"]:s["end"]], s["label"]) for s in p.result["entities"]]
    # "Paris" is par + ##is; Bob is MISC, which the schema does not have.
    assert found == [("Alice", "PER"), ("Paris", "LOC"), ("北京", "LOC")]


def test_token_classification_reads_past_the_model_window(models, schema):
    spec = BackendSpec(kind="token_classification", path=str(models["tagger"]),
                       params={"stride": 8})
    backend = load_backend(spec, schema, "entities", device="cpu")
    text = "Mary Smith " + "word " * 150 + "Mary Smith"  # the tiny model reads 64 tokens at once
    [p] = backend.predict([{"text": text}])
    spans = p.result["entities"]
    assert [(text[s["start"]:s["end"]], s["label"]) for s in spans] == [
        ("Mary Smith", "PER"), ("Mary Smith", "PER")]
    assert spans[1]["end"] == len(text)


def test_bio_tags_split_and_join_as_expected():
    assert split_tag("B-PER") == ("B", "PER")
    assert split_tag("E-LOC") == ("I", "LOC")
    assert split_tag("O") == ("O", None)
    assert split_tag("PER") == ("I", "PER")
    labels = LabelMap.build(["PER", "LOC"], ["PER", "LOC"])
    words = [Word(0, 1, "B-PER", 1), Word(2, 3, "B-PER", 1), Word(4, 5, "I-PER", 1),
             Word(6, 7, "I-LOC", 1), Word(8, 9, "O", 1), Word(10, 11, "I-LOC", 1)]
    assert [(s["start"], s["end"], s["label"]) for s in words_to_spans(words, labels)] == [
        (0, 1, "PER"), (2, 5, "PER"), (6, 7, "LOC"), (10, 11, "LOC")]


class _OverlapNli(torch.nn.Module):
    """A stand-in NLI model: entailment grows with the tokens the hypothesis shares with the
    premise, so the right answer is known and the pairing/reshaping logic is what is tested."""

    def __init__(self):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1))
        self.config = SimpleNamespace(id2label={0: "contradiction", 1: "neutral", 2: "entailment"},
                                      num_labels=3, max_position_embeddings=64)

    def forward(self, input_ids, attention_mask, token_type_ids):
        logits = []
        for ids, mask, types in zip(input_ids, attention_mask, token_type_ids):
            first = set(ids[(types == 0) & (mask == 1)].tolist())
            second = set(ids[(types == 1) & (mask == 1)].tolist()) - {0, 1, 2, 3}
            shared = float(len(first & second))
            logits.append([1.0 - shared, 0.0, 3.0 * shared])
        return SimpleNamespace(logits=torch.tensor(logits) + self.anchor)


def test_nli_zero_shot_pairs_each_text_with_each_option(models, schema):
    tokenizer = load_tokenizer(models["sentiment"])
    backend = NliZeroShotBackend(_OverlapNli(), tokenizer, schema.labels["tags"], field="text",
                                 hypothesis="about {}", batch_size=3)
    items = [{"text": "this was politics"}, {"text": "sports sports"},
             {"text": "politics and sports"}, {"text": "nothing here"}]
    assert [p.result["tags"] for p in backend.predict(items)] == [
        ["politics"], ["sports"], ["sports", "politics"], []]
    single = NliZeroShotBackend(_OverlapNli(), tokenizer, schema.labels["topic"], field="text",
                                hypothesis="about {}")
    [p] = single.predict([{"text": "the politics of it"}])
    assert p.result == {"topic": "politics"} and sum(p.distribution.values()) == pytest.approx(1)


def test_nli_needs_entailment_labels(models, schema):
    spec = BackendSpec(kind="zero_shot_nli", path=str(models["sentiment"]))
    with pytest.raises(EngineError, match="entailment"):
        load_backend(spec, schema, "topic", device="cpu")
