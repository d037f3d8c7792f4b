"""Validation of an annotation result against its project's schema.

Every error carries the path of the bad field (``result.entities[2].end``) so the API can answer
400 naming it, and nothing is stored.
"""
from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _

from annotation.schema.errors import Collector
from annotation.schema.spec import LabelSpec, Schema

MAX_ITEMS = 10_000
MAX_TEXT = 100_000


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _label_in(spec: LabelSpec, item: dict, path: str, errors: Collector) -> None:
    if item.get("label") not in spec.options:
        errors.add(f"{path}.label", _("must be one of {options}").format(options=', '.join(spec.options)))


def _items(value: Any, path: str, errors: Collector, keys: set[str]) -> list[tuple[str, dict]]:
    if not isinstance(value, list):
        errors.add(path, _("must be a list"))
        return []
    if len(value) > MAX_ITEMS:
        errors.add(path, _("at most {limit} items").format(limit=MAX_ITEMS))
        return []
    out = []
    for i, item in enumerate(value):
        item_path = f"{path}[{i}]"
        if not isinstance(item, dict):
            errors.add(item_path, _("must be an object"))
            continue
        for key in sorted(set(item) - keys):
            errors.add(f"{item_path}.{key}", _("unknown field"))
        out.append((item_path, item))
    return out


def _check_choice(spec, value, path, errors, ctx):
    if not isinstance(value, str) or value not in spec.options:
        errors.add(path, _("must be one of {options}").format(options=', '.join(spec.options)))


def _check_multi_choice(spec, value, path, errors, ctx):
    if not isinstance(value, list):
        errors.add(path, _("must be a list of options"))
        return
    for i, option in enumerate(value):
        if not isinstance(option, str) or option not in spec.options:
            errors.add(f"{path}[{i}]", _("must be one of {options}").format(options=', '.join(spec.options)))
    if len(set(map(str, value))) != len(value):
        errors.add(path, _("options must not repeat"))


def _check_spans(spec, value, path, errors, ctx):
    text = ctx["data"].get(spec.on)
    length = len(text) if isinstance(text, str) else 0
    for item_path, item in _items(value, path, errors, {"start", "end", "label", "text"}):
        start, end = item.get("start"), item.get("end")
        if not _integer(start) or start < 0:
            errors.add(f"{item_path}.start", _("must be an integer ≥ 0"))
        elif not _integer(end) or end <= start:
            errors.add(f"{item_path}.end", _("must be an integer greater than start"))
        elif end > length:
            errors.add(f"{item_path}.end", _("is past the end of the text ({length} characters)").format(length=length))
        elif "text" in item and item["text"] != text[start:end]:
            errors.add(f"{item_path}.text", _("does not match the text at start:end"))
        _label_in(spec, item, item_path, errors)


def _inside_image(x: float, y: float, ctx: dict) -> bool:
    width, height = ctx["width"], ctx["height"]
    if width is None or height is None:
        return x >= 0 and y >= 0
    return 0 <= x <= width and 0 <= y <= height


def _check_boxes(spec, value, path, errors, ctx):
    for item_path, item in _items(value, path, errors, {"x", "y", "w", "h", "label", "score"}):
        coords = [item.get(k) for k in ("x", "y", "w", "h")]
        if not all(_number(c) for c in coords):
            errors.add(item_path, _("x, y, w and h must be numbers"))
        else:
            x, y, w, h = coords
            if w <= 0:
                errors.add(f"{item_path}.w", _("must be positive"))
            elif h <= 0:
                errors.add(f"{item_path}.h", _("must be positive"))
            elif not (_inside_image(x, y, ctx) and _inside_image(x + w, y + h, ctx)):
                errors.add(item_path, _("box lies outside the image"))
        _label_in(spec, item, item_path, errors)


def _check_polygons(spec, value, path, errors, ctx):
    for item_path, item in _items(value, path, errors, {"points", "label"}):
        points = item.get("points")
        if not isinstance(points, list) or len(points) < 3:
            errors.add(f"{item_path}.points", _("a polygon needs at least 3 points"))
        else:
            for j, point in enumerate(points):
                if not (isinstance(point, list) and len(point) == 2 and all(_number(c) for c in point)):
                    errors.add(f"{item_path}.points[{j}]", _("must be [x, y] numbers"))
                elif not _inside_image(point[0], point[1], ctx):
                    errors.add(f"{item_path}.points[{j}]", _("point lies outside the image"))
        _label_in(spec, item, item_path, errors)


def _check_rating(spec, value, path, errors, ctx):
    if not _integer(value) or not spec.min <= value <= spec.max:
        errors.add(path, _("must be an integer from {min} to {max}").format(min=spec.min, max=spec.max))


def _check_text(spec, value, path, errors, ctx):
    limit = spec.max_length or MAX_TEXT
    if not isinstance(value, str):
        errors.add(path, _("must be a string"))
    elif len(value) > limit:
        errors.add(path, _("at most {limit} characters").format(limit=limit))


def _check_preference(spec, value, path, errors, ctx):
    if value not in spec.between:
        errors.add(path, _("must be one of {options}").format(options=', '.join(spec.between)))


def _check_chain_of_thought(spec, value, path, errors, ctx):
    if not isinstance(value, dict):
        errors.add(path, _("must be an object with steps and answer"))
        return
    for key in sorted(set(value) - {"steps", "answer"}):
        errors.add(f"{path}.{key}", _("unknown field"))
    steps = value.get("steps")
    if not isinstance(steps, list) or not steps:
        errors.add(f"{path}.steps", _("needs at least one reasoning step"))
    else:
        for i, step in enumerate(steps):
            if not isinstance(step, str) or not step.strip():
                errors.add(f"{path}.steps[{i}]", _("must be a non-empty string"))
    answer = value.get("answer")
    if not isinstance(answer, str) or not answer.strip():
        errors.add(f"{path}.answer", _("a chain of thought needs a final answer"))


CHECKS = {
    "choice": _check_choice,
    "multi_choice": _check_multi_choice,
    "spans": _check_spans,
    "boxes": _check_boxes,
    "polygons": _check_polygons,
    "rating": _check_rating,
    "text": _check_text,
    "preference": _check_preference,
    "chain_of_thought": _check_chain_of_thought,
}


def validate_result(
    schema: Schema,
    result: Any,
    *,
    data: dict,
    width: int | None = None,
    height: int | None = None,
    require_complete: bool = True,
) -> dict:
    """Raise SchemaError naming every bad field; return the result unchanged when valid.

    Drafts pass ``require_complete=False``: a half-done draft may miss required labels but may
    not hold a malformed one.
    """
    errors = Collector()
    if not isinstance(result, dict):
        errors.add("result", _("must be an object keyed by label name"))
        errors.raise_if_any()
    ctx = {"data": data if isinstance(data, dict) else {}, "width": width, "height": height}
    for name in result:
        if name not in schema.labels:
            errors.add(f"result.{name}", _("unknown label"))
    for name, spec in schema.labels.items():
        if name not in result or result[name] is None:
            if spec.required and require_complete:
                errors.add(f"result.{name}", _("this label is required"))
            continue
        CHECKS[spec.type](spec, result[name], f"result.{name}", errors, ctx)
    errors.raise_if_any()
    return result
