"""Chain-of-thought review: one verdict per reasoning step and one on the final answer.

The verdicts refer to the result under review (what the stage was shown), so each label needs
exactly as many step verdicts as that result has steps. A step verdict may carry a ``rewrite``:
the reviewer's wording of the step, which turns the decision into a fix.

Input shape: ``{label: {"steps": [{"verdict", "comment"?, "rewrite"?}], "answer": {"verdict",
"comment"?}}}`` with verdicts ``correct`` / ``incorrect`` / ``neutral``.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from annotation.schema import Schema
from review.models import Verdict

MAX_COMMENT, MAX_REWRITE = 2000, 5000
Errors = dict[str, list[str]]


@dataclass
class CotReview:
    verdicts: dict[str, dict] | None = None  # cleaned, as stored on the decision and the outcome
    rewrites: dict[str, dict[int, str]] = field(default_factory=dict)  # {label: {step index: text}}

    def apply(self, result: dict) -> dict:
        """``result`` with the rewritten steps in place."""
        out = copy.deepcopy(result)
        for name, steps in self.rewrites.items():
            for index, text in steps.items():
                out[name]["steps"][index] = text
        return out


def cot_labels(schema: Schema) -> list[str]:
    return [name for name, spec in schema.labels.items() if spec.type == "chain_of_thought"]


def _steps_of(value: Any) -> list:
    steps = value.get("steps") if isinstance(value, dict) else None
    return steps if isinstance(steps, list) else []


def _text(item: dict, key: str, path: str, limit: int, errors: Errors) -> str | None:
    if key not in item:
        return None
    value = item[key]
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        errors[f"{path}.{key}"] = [_("must be a non-empty text of at most {limit} characters").format(limit=limit)]
        return None
    return value.strip()


def _verdict(item: Any, path: str, keys: set[str], errors: Errors) -> dict | None:
    if not isinstance(item, dict):
        errors[path] = [_("must be an object with a verdict")]
        return None
    for key in sorted(set(item) - keys):
        errors[f"{path}.{key}"] = [_("unknown field")]
    if item.get("verdict") not in Verdict.values:
        errors[f"{path}.verdict"] = [_("must be one of {options}").format(options=", ".join(Verdict.values))]
    out = {"verdict": item.get("verdict")}
    for key, limit in (("comment", MAX_COMMENT), ("rewrite", MAX_REWRITE)):
        if key in keys:
            text = _text(item, key, path, limit, errors)
            if text is not None:
                out[key] = text
    return out


def _label(name: str, entry: Any, steps: list, review: CotReview, errors: Errors) -> dict | None:
    path = f"cot.{name}"
    if not isinstance(entry, dict):
        errors[path] = [_("must be an object with steps and answer")]
        return None
    for key in sorted(set(entry) - {"steps", "answer"}):
        errors[f"{path}.{key}"] = [_("unknown field")]
    verdicts = entry.get("steps")
    cleaned: list[dict] = []
    if not isinstance(verdicts, list) or len(verdicts) != len(steps):
        errors[f"{path}.steps"] = [_("needs exactly one verdict per step ({n} steps)").format(n=len(steps))]
    else:
        for i, item in enumerate(verdicts):
            verdict = _verdict(item, f"{path}.steps[{i}]", {"verdict", "comment", "rewrite"}, errors)
            if verdict is not None:
                cleaned.append(verdict)
                if "rewrite" in verdict and verdict["rewrite"] != steps[i]:
                    review.rewrites.setdefault(name, {})[i] = verdict["rewrite"]
    if "answer" not in entry:
        errors[f"{path}.answer"] = [_("needs a verdict on the final answer")]
        return None
    answer = _verdict(entry["answer"], f"{path}.answer", {"verdict", "comment"}, errors)
    return {"steps": cleaned, "answer": answer}


def cot_review_parse(schema: Schema, reviewed: dict, cot: Any, *, required: bool) -> CotReview:
    """Validate the verdicts against the result under review; raise a 400 naming each bad field.

    ``required``: accept and fix need a verdict for every chain-of-thought label the reviewed
    result holds; a rejection may leave them out."""
    labels = cot_labels(schema)
    present = [name for name in labels if reviewed.get(name) is not None]
    if cot is None:
        if required and present:
            raise ValidationError({"cot": [_("A verdict per step and on the answer is needed for: {labels}")
                                           .format(labels=", ".join(present))]})
        return CotReview()
    if not isinstance(cot, dict):
        raise ValidationError({"cot": [_("must be an object keyed by label name")]})
    errors: Errors = {}
    review = CotReview(verdicts={})
    for name in sorted(set(cot) - set(present)):
        errors[f"cot.{name}"] = [_("not a chain-of-thought label of the result under review")]
    for name in present:
        if name not in cot:
            if required:
                errors[f"cot.{name}"] = [_("needs a verdict per step and on the answer")]
            continue
        cleaned = _label(name, cot[name], _steps_of(reviewed[name]), review, errors)
        if cleaned is not None:
            review.verdicts[name] = cleaned
    if errors:
        raise ValidationError(errors)
    return review
