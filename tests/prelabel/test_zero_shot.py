import pytest

from annotation.schema import validate_result
from prelabel.engine import EngineError, ZeroShotBackend
from prelabel.engine.zero_shot import option_prompts

NEWS = [
    ("The striker scored twice as the football club won the championship final.", "sports"),
    ("Parliament passed the new election law after a long debate.", "politics"),
    ("Shares of the bank rose after quarterly profits beat forecasts.", "business"),
    ("The new smartphone chip uses a smaller process and a faster neural engine.", "technology"),
]


def test_zero_shot_picks_sports_for_a_football_sentence(encoder, schema):
    backend = ZeroShotBackend(encoder, schema.labels["topic"], field="text")
    [prediction] = backend.predict([{"text": NEWS[0][0]}])
    assert prediction.result == {"topic": "sports"}
    assert prediction.distribution is not None
    assert max(prediction.distribution, key=prediction.distribution.get) == "sports"
    assert sum(prediction.distribution.values()) == pytest.approx(1.0)
    assert prediction.score == pytest.approx(prediction.distribution["sports"])


def test_zero_shot_gets_every_topic_of_a_small_news_set_right(encoder, schema):
    backend = ZeroShotBackend(encoder, schema.labels["topic"], field="text")
    predictions = backend.predict([{"text": text} for text, _ in NEWS])
    assert [p.result["topic"] for p in predictions] == [topic for _, topic in NEWS]
    for (text, _), p in zip(NEWS, predictions):
        validate_result(schema, p.result, data={"text": text}, require_complete=False)


def test_a_higher_temperature_flattens_the_distribution(encoder, schema):
    sharp = ZeroShotBackend(encoder, schema.labels["topic"], field="text", temperature=0.02)
    flat = ZeroShotBackend(encoder, schema.labels["topic"], field="text", temperature=1.0)
    item = [{"text": NEWS[1][0]}]
    assert sharp.predict(item)[0].score > flat.predict(item)[0].score
    assert flat.predict(item)[0].score < 0.35  # near uniform (0.25) over four options


def test_option_descriptions_steer_zero_shot(encoder, schema):
    # Without descriptions "pos"/"neg" mean little to the encoder; with them it reads sentiment.
    backend = ZeroShotBackend(
        encoder, schema.labels["sentiment"], field="text",
        descriptions={"pos": "I love it, wonderful and great", "neg": "I hate it, awful and bad"},
    )
    results = backend.predict([{"text": "What a wonderful film, I loved every minute."},
                               {"text": "Terrible service, the food was awful."}])
    assert [r.result["sentiment"] for r in results] == ["pos", "neg"]


def test_multi_choice_zero_shot_returns_a_list_in_schema_order(encoder, schema):
    backend = ZeroShotBackend(encoder, schema.labels["tags"], field="text")
    [p] = backend.predict([{"text": NEWS[0][0]}])
    assert p.result == {"tags": ["sports"]}
    assert p.distribution is not None and p.distribution["sports"] == pytest.approx(1.0)
    validate_result(schema, p.result, data={"text": NEWS[0][0]}, require_complete=False)


def test_zero_shot_refuses_labels_it_cannot_fill(encoder, schema):
    with pytest.raises(EngineError, match="choice or multi_choice"):
        ZeroShotBackend(encoder, schema.labels["entities"], field="text")


def test_option_prompts_check_their_inputs():
    assert option_prompts(["sci_fi", "drama"], template="a {} movie") == ["a sci fi movie",
                                                                          "a drama movie"]
    with pytest.raises(EngineError, match="unknown options"):
        option_prompts(["a"], {"b": "bee"})
    with pytest.raises(EngineError, match="{}"):
        option_prompts(["a"], template="no slot")
