"""The project schema: data fields and typed labels (see DESIGN.md, "Label schemas")."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from annotation.schema.errors import Collector

DATA_TYPES = ("text", "image", "audio", "video", "json")
LABEL_TYPES = (
    "choice",
    "multi_choice",
    "spans",
    "boxes",
    "polygons",
    "rating",
    "text",
    "preference",
    "chain_of_thought",
)
COMMON_KEYS = {"type", "required", "description"}
# Per type: the keys a label may carry besides the common ones, and which data type "on" targets.
TYPE_KEYS: dict[str, set[str]] = {
    "choice": {"options"},
    "multi_choice": {"options"},
    "spans": {"options", "on"},
    "boxes": {"options", "on"},
    "polygons": {"options", "on"},
    "rating": {"min", "max"},
    "text": {"max_length"},
    "preference": {"between"},
    "chain_of_thought": {"on"},
}
ON_DATA_TYPE = {"spans": "text", "boxes": "image", "polygons": "image", "chain_of_thought": "text"}
MAX_OPTIONS = 1000


@dataclass(frozen=True)
class LabelSpec:
    name: str
    type: str
    required: bool = False
    description: str = ""
    options: tuple[str, ...] = ()
    on: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    between: tuple[str, ...] = ()


@dataclass(frozen=True)
class Schema:
    data: dict[str, str]
    labels: dict[str, LabelSpec] = field(default_factory=dict)

    def image_field(self) -> str | None:
        return next((name for name, kind in self.data.items() if kind == "image"), None)

    def text_fields(self) -> list[str]:
        return [name for name, kind in self.data.items() if kind == "text"]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _parse_options(raw: dict, path: str, errors: Collector) -> tuple[str, ...]:
    options = raw.get("options")
    if not isinstance(options, list) or not options:
        errors.add(f"{path}.options", _("must be a non-empty list of strings"))
        return ()
    if len(options) > MAX_OPTIONS:
        errors.add(f"{path}.options", _("at most {limit} options").format(limit=MAX_OPTIONS))
    for i, option in enumerate(options):
        if not isinstance(option, str) or not option.strip():
            errors.add(f"{path}.options[{i}]", _("must be a non-empty string"))
    if len(set(map(str, options))) != len(options):
        errors.add(f"{path}.options", _("options must be unique"))
    return tuple(str(o) for o in options)


def _parse_label(name: str, raw: Any, data: dict[str, str], errors: Collector) -> LabelSpec | None:
    path = f"schema.labels.{name}"
    if not isinstance(raw, dict):
        errors.add(path, _("must be an object"))
        return None
    kind = raw.get("type")
    if kind not in LABEL_TYPES:
        errors.add(f"{path}.type", _("must be one of {options}").format(options=', '.join(LABEL_TYPES)))
        return None
    for key in sorted(set(raw) - COMMON_KEYS - TYPE_KEYS[kind]):
        errors.add(f"{path}.{key}", _("unknown key for a {kind} label").format(kind=kind))
    required = raw.get("required", False)
    if not isinstance(required, bool):
        errors.add(f"{path}.required", _("must be true or false"))
    description = raw.get("description", "")
    if not isinstance(description, str):
        errors.add(f"{path}.description", _("must be a string"))
    spec: dict[str, Any] = {"name": name, "type": kind, "required": required is True,
                            "description": description if isinstance(description, str) else ""}
    if "options" in TYPE_KEYS[kind]:
        spec["options"] = _parse_options(raw, path, errors)
    if kind in ON_DATA_TYPE:
        on = raw.get("on")
        if data.get(on) != ON_DATA_TYPE[kind]:
            errors.add(f"{path}.on", _("must name a data field of type {type}").format(type=ON_DATA_TYPE[kind]))
        spec["on"] = on
    if kind == "rating":
        low, high = raw.get("min", 1), raw.get("max", 5)
        if not _is_int(low) or not _is_int(high) or low >= high:
            errors.add(f"{path}.max", _("min and max must be integers with min < max"))
        spec.update(min=low, max=high)
    if kind == "text":
        max_length = raw.get("max_length")
        if max_length is not None and (not _is_int(max_length) or max_length < 1):
            errors.add(f"{path}.max_length", _("must be a positive integer"))
        spec["max_length"] = max_length
    if kind == "preference":
        between = raw.get("between")
        if (not isinstance(between, list) or len(between) != 2 or len(set(map(str, between))) != 2
                or any(data.get(b) != "text" for b in between)):
            errors.add(f"{path}.between", _("must name two different data fields of type text"))
            between = []
        spec["between"] = tuple(between)
    return LabelSpec(**spec)


def parse_schema(raw: Any) -> Schema:
    """Validate a schema document and return its typed form, or raise SchemaError."""
    errors = Collector()
    if not isinstance(raw, dict):
        errors.add("schema", _("must be an object with 'data' and 'labels'"))
        errors.raise_if_any()
    for key in sorted(set(raw) - {"data", "labels"}):
        errors.add(f"schema.{key}", _("unknown key"))
    data_raw = raw.get("data")
    data: dict[str, str] = {}
    if not isinstance(data_raw, dict) or not data_raw:
        errors.add("schema.data", _("must be an object naming at least one data field"))
    else:
        for name, kind in data_raw.items():
            if kind not in DATA_TYPES:
                errors.add(f"schema.data.{name}", _("must be one of {options}").format(options=', '.join(DATA_TYPES)))
            else:
                data[str(name)] = kind
    labels_raw = raw.get("labels")
    labels: dict[str, LabelSpec] = {}
    if not isinstance(labels_raw, dict) or not labels_raw:
        errors.add("schema.labels", _("must be an object with at least one label"))
    else:
        for name, label_raw in labels_raw.items():
            if not str(name).isidentifier():
                errors.add(f"schema.labels.{name}", _("label names are letters, digits and _"))
                continue
            spec = _parse_label(str(name), label_raw, data, errors)
            if spec is not None:
                labels[spec.name] = spec
    errors.raise_if_any()
    return Schema(data=data, labels=labels)


def validate_task_data(schema: Schema, data: Any, *, has_media: bool = False) -> None:
    """Check one task's data against the schema's data fields (raise SchemaError)."""
    errors = Collector()
    if not isinstance(data, dict):
        errors.add("data", _("must be an object"))
        errors.raise_if_any()
    for name, kind in schema.data.items():
        value = data.get(name)
        if kind == "text" and not isinstance(value, str):
            errors.add(f"data.{name}", _("is required and must be a string"))
        elif kind == "image" and not has_media:
            errors.add(f"data.{name}", _("needs an image file (upload images, or a zip with them)"))
    errors.raise_if_any()
