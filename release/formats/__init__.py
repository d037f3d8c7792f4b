"""Export formats of a release: a registry of writers that stream bytes from release records.

A writer never holds the release in memory: it gets ``records``, a callable returning a fresh
iterator over the release's records (a writer that needs two passes, such as COCO's images then
annotations, calls it twice), and yields chunks of bytes. Each format module registers itself
here; ``release.api`` looks formats up by name for ``GET /api/v1/releases/{id}/export/?format=``.

A record (built by ``release.services.snapshot``) is a dict:
``{"id": task id, "key": import key, "data": {...} (masked unless the export is unmasked),
"media": path under MEDIA_ROOT or None, "media_width": int|None, "media_height": int|None,
"result": {label: value} (the accepted result), "provenance": {...}, "agreement": float|None,
"sha256": hex}``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotation.schema import Schema

Records = Callable[[], Iterator[dict]]


@dataclass(frozen=True)
class ExportContext:
    release: Any  # release.models.Release
    schema: Schema
    manifest: dict
    media_root: Path
    unmasked: bool = False
    options: dict = field(default_factory=dict)  # extra query parameters a format may read


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str  # of the downloaded file: "jsonl", "json", "zip", "txt", "csv"
    description: str
    applies: Callable[[Schema], bool]  # can this schema's labels be written in this format?
    write: Callable[[ExportContext, Records], Iterator[bytes]]


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    FORMATS[fmt.name] = fmt
    return fmt


def labels_of_type(schema: Schema, *types: str) -> list:
    """The schema's label specs of the given types, in schema order."""
    return [spec for spec in schema.labels.values() if spec.type in types]
