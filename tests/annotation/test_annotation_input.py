"""The submit's plain input check answers exactly as the serializer does, wherever it answers."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotation.api.annotations import AnnotationIn, plain_annotation_in

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=6)
field_values = {
    "result": json_values,
    "status": st.sampled_from(["submitted", "draft", "Submitted", "", "reviewed"]) | json_values,
    "lead_time": st.floats() | st.integers() | st.sampled_from([2**53, 2**53 + 1, -(2**60), True, "3.5"]) | json_values,
    "prediction": st.integers() | st.sampled_from([2**63, 2**63 - 1, -1, 0, None, "7", 7.0]) | json_values,
    "version": st.integers(),
}
bodies = st.fixed_dictionaries({}, optional=field_values) | json_values


@settings(max_examples=600, deadline=None)
@given(bodies)
def test_the_plain_check_equals_the_serializer_where_it_answers(body):
    plain = plain_annotation_in(body)
    serializer = AnnotationIn(data=body)
    if plain is not None:
        assert serializer.is_valid(), serializer.errors
        expected = dict(serializer.validated_data)
        assert plain == expected and [type(v) for v in plain.values()] == [type(v) for v in expected.values()]


def test_the_plain_check_answers_the_usual_bodies():
    assert plain_annotation_in({"result": {"sentiment": "pos"}}) == {
        "result": {"sentiment": "pos"}, "status": "submitted", "lead_time": 0.0}
    assert plain_annotation_in({"result": {}, "status": "draft", "lead_time": 12, "prediction": 3}) == {
        "result": {}, "status": "draft", "lead_time": 12.0, "prediction": 3}
    assert plain_annotation_in({"result": {}, "odd": 1}) is None  # the serializer names the unknown field
