"""Reading a backend's input out of a task's data dict."""
from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image

from annotation.schema import LabelSpec, Schema
from prelabel.engine.types import EngineError


def text_of(item: dict[str, Any], field: str) -> str:
    value = item.get(field)
    if not isinstance(value, str):
        raise EngineError(f"task data field {field!r} must be a string, got {type(value).__name__}")
    return value


def image_of(item: dict[str, Any], field: str) -> Image.Image:
    """An RGB Pillow image from a Pillow image, a file path or raw bytes.

    The app layer resolves media storage (local or S3) to one of these; the engine never opens
    URLs, so it cannot be pointed at internal network addresses.
    """
    value = item.get(field)
    if isinstance(value, Image.Image):
        image = value
    elif isinstance(value, (str, os.PathLike)):
        image = Image.open(value)
    elif isinstance(value, (bytes, bytearray)):
        image = Image.open(io.BytesIO(value))
    else:
        raise EngineError(
            f"task data field {field!r} must be an image, a path or bytes,"
            f" got {type(value).__name__}"
        )
    return image.convert("RGB") if image.mode != "RGB" else image


def input_field(schema: Schema, label: LabelSpec, kind: str, field: str | None = None) -> str:
    """The data field a backend reads: the label's ``on``, else ``field``, else the first field
    of the right kind ("text" or "image")."""
    name = label.on or field
    if name is None:
        name = schema.image_field() if kind == "image" else next(iter(schema.text_fields()), None)
    if name is None or schema.data.get(name) != kind:
        raise EngineError(f"label {label.name!r} needs a data field of type {kind}")
    return name
