import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotation.schema import SchemaError, parse_schema, validate_result
from tests.factories import COT_SCHEMA, IMAGE_SCHEMA, TEXT_SCHEMA

TEXT = "张三 joined Acme in Hefei."


def errors_of(schema_raw, result, **ctx):
    with pytest.raises(SchemaError) as info:
        validate_result(parse_schema(schema_raw), result, **ctx)
    return info.value.as_dict()


def test_every_design_label_type_parses():
    schema = parse_schema({**TEXT_SCHEMA, "data": {**TEXT_SCHEMA["data"], "image": "image", "question": "text",
                                                     "response_a": "text", "response_b": "text"},
                           "labels": {**TEXT_SCHEMA["labels"], **IMAGE_SCHEMA["labels"], **COT_SCHEMA["labels"]}})
    assert {spec.type for spec in schema.labels.values()} == {
        "choice", "multi_choice", "spans", "boxes", "polygons", "rating", "text", "preference", "chain_of_thought"}


@pytest.mark.parametrize(
    "schema, path",
    [
        ({"data": {"text": "text"}, "labels": {"x": {"type": "choice"}}}, "schema.labels.x.options"),
        ({"data": {"text": "text"}, "labels": {"x": {"type": "nope"}}}, "schema.labels.x.type"),
        ({"data": {"text": "text"}, "labels": {"x": {"type": "spans", "on": "image", "options": ["A"]}}},
         "schema.labels.x.on"),
        ({"data": {"text": "text"}, "labels": {"x": {"type": "rating", "min": 5, "max": 1}}}, "schema.labels.x.max"),
        ({"data": {"text": "text"}, "labels": {"x": {"type": "choice", "options": ["a", "a"]}}},
         "schema.labels.x.options"),
        ({"data": {"text": "text"}, "labels": {"x": {"type": "choice", "options": ["a"], "colour": 1}}},
         "schema.labels.x.colour"),
        ({"data": {"text": "text"}}, "schema.labels"),
    ],
)
def test_a_bad_schema_is_refused_naming_the_field(schema, path):
    with pytest.raises(SchemaError) as info:
        parse_schema(schema)
    assert path in info.value.as_dict()


def test_a_complete_valid_result_passes():
    result = {"sentiment": "pos", "topics": ["finance"], "entities": [{"start": 0, "end": 2, "label": "PER"}],
              "quality": 4, "note": "ok"}
    assert validate_result(parse_schema(TEXT_SCHEMA), result, data={"text": TEXT}) == result


@pytest.mark.parametrize(
    "result, path",
    [
        ({"sentiment": "pos", "colour": "red"}, "result.colour"),
        ({"sentiment": "happy"}, "result.sentiment"),
        ({"sentiment": 3}, "result.sentiment"),
        ({}, "result.sentiment"),
        ({"sentiment": "pos", "topics": ["finance", "cooking"]}, "result.topics[1]"),
        ({"sentiment": "pos", "entities": [{"start": 0, "end": 2, "label": "PER"}, {"start": 3, "end": 3,
                                                                                      "label": "ORG"}]},
         "result.entities[1].end"),
        ({"sentiment": "pos", "entities": [{"start": 0, "end": 2, "label": "PER"}] * 2
          + [{"start": 10, "end": 999, "label": "LOC"}]}, "result.entities[2].end"),
        ({"sentiment": "pos", "entities": [{"start": 0, "end": 2, "label": "CAT"}]}, "result.entities[0].label"),
        ({"sentiment": "pos", "quality": 6}, "result.quality"),
        ({"sentiment": "pos", "quality": True}, "result.quality"),
    ],
)
def test_a_bad_text_result_names_the_bad_field(result, path):
    assert path in errors_of(TEXT_SCHEMA, result, data={"text": TEXT})


def test_chinese_spans_use_character_offsets():
    schema = parse_schema(TEXT_SCHEMA)
    result = {"sentiment": "neu", "entities": [{"start": 0, "end": 2, "label": "PER", "text": "张三"}]}
    assert validate_result(schema, result, data={"text": TEXT})


@pytest.mark.parametrize(
    "result, path",
    [
        ({"objects": [{"x": 90, "y": 10, "w": 20, "h": 10, "label": "car"}]}, "result.objects[0]"),
        ({"objects": [{"x": 10, "y": 10, "w": 0, "h": 10, "label": "car"}]}, "result.objects[0].w"),
        ({"objects": [{"x": 10, "y": 10, "w": 5, "h": -1, "label": "car"}]}, "result.objects[0].h"),
        ({"shape": [{"points": [[1, 1], [2, 2]], "label": "lesion"}]}, "result.shape[0].points"),
        ({"shape": [{"points": [[1, 1], [2, 2], [200, 2]], "label": "lesion"}]}, "result.shape[0].points[2]"),
    ],
)
def test_a_bad_image_result_names_the_bad_field(result, path):
    assert path in errors_of(IMAGE_SCHEMA, result, data={}, width=100, height=80)


@pytest.mark.parametrize(
    "result, path",
    [
        ({"reasoning": {"steps": ["a"], "answer": ""}}, "result.reasoning.answer"),
        ({"reasoning": {"steps": [], "answer": "4"}}, "result.reasoning.steps"),
        ({"better": "response_c"}, "result.better"),
    ],
)
def test_a_bad_reasoning_or_preference_result_names_the_bad_field(result, path):
    data = {"question": "2+2?", "response_a": "4", "response_b": "5"}
    assert path in errors_of(COT_SCHEMA, result, data=data)


def test_a_draft_may_miss_required_labels_but_not_hold_bad_ones():
    schema = parse_schema(TEXT_SCHEMA)
    assert validate_result(schema, {}, data={"text": TEXT}, require_complete=False) == {}
    with pytest.raises(SchemaError):
        validate_result(schema, {"quality": 9}, data={"text": TEXT}, require_complete=False)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=20))
def test_validation_never_crashes_on_arbitrary_json(value):
    schema = parse_schema({**TEXT_SCHEMA, "data": {"text": "text", "image": "image"},
                           "labels": {**TEXT_SCHEMA["labels"], **IMAGE_SCHEMA["labels"]}})
    for result in (value, {"sentiment": value, "entities": value, "objects": value, "shape": value}):
        try:
            validate_result(schema, result, data={"text": TEXT}, width=10, height=10)
        except SchemaError:
            pass


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=20))
def test_schema_parsing_never_crashes_on_arbitrary_json(value):
    for raw in (value, {"data": {"text": "text"}, "labels": value}, {"data": value, "labels": {"x": value}}):
        try:
            parse_schema(raw)
        except SchemaError:
            pass
