import pytest

from annotation.schema import validate_result
from prelabel.engine import BackendSpec, EngineError, load_backend
from prelabel.engine.backends import parse_chain_of_thought


def _lm(models, schema, **params):
    spec = BackendSpec(kind="text_generation", path=str(models["lm"]),
                       params={"prompt": "{text}", "max_new_tokens": 10, **params})
    return load_backend(spec, schema, "reasoning", device="cpu")


def test_generation_drafts_a_chain_of_thought(models, schema):
    backend = _lm(models, schema)
    # Different prompt lengths: left padding must not change what each one generates.
    items = [{"text": "go"}, {"text": "x x x x go"}, {"text": "x"}]
    first, second, third = backend.predict(items)
    assert first.result == {"reasoning": {"steps": ["add two"], "answer": "4"}}
    assert second.result == first.result
    assert first.score > 0.9
    validate_result(schema, first.result, data=items[0], require_complete=False)
    # Nothing usable generated: no suggestion rather than an invalid one.
    assert third.result == {} and third.score == 0.0


def test_the_prompt_must_have_a_slot_for_the_text(models, schema):
    with pytest.raises(EngineError, match="{text}"):
        _lm(models, schema, prompt="no slot")


@pytest.mark.parametrize(("text", "steps", "answer"), [
    ("Step 1: 2+2 is 4.\nStep 2: double it to 8.\nAnswer: 8",
     ["2+2 is 4.", "double it to 8."], "8"),
    ("Step 1: add two Answer: 4", ["add two"], "4"),
    ("步骤1：先算 3.5 加 1.5 得 5。步骤2：乘以 2 得 10。答案：10",
     ["先算 3.5 加 1.5 得 5。", "乘以 2 得 10。"], "10"),
    ("第一步：读题\n第二步：计算\n最终答案：42", ["读题", "计算"], "42"),
    ("1. it costs 3.5 dollars\n2. times two\nSo 7", ["it costs 3.5 dollars", "times two"], "So 7"),
    ("We add.\nThen we halve.\nThe answer is: 7\ntrailing chatter", ["We add.", "Then we halve."],
     "7"),
])
def test_chain_of_thought_output_is_parsed_into_steps_and_answer(text, steps, answer):
    assert parse_chain_of_thought(text) == {"steps": steps, "answer": answer}


@pytest.mark.parametrize("text", ["", "   ", "just one line", "Answer: 5"])
def test_output_without_steps_and_answer_is_no_draft(text):
    assert parse_chain_of_thought(text) is None
