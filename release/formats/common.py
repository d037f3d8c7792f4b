"""Helpers shared by the export writers: class lists, image names, JSON text, record metadata."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from annotation.schema import Schema
from release.formats import ExportContext, labels_of_type
from release.formats.ziputil import batched_text


@dataclass(frozen=True)
class ClassMap:
    """The classes of some geometric labels: ``(label, option)`` → index, and a display name each.

    An option is named as is when no other included label has the same option; otherwise
    ``label/option``, so two labels that share an option never merge into one class.
    """

    index: dict[tuple[str, str], int]
    names: list[str]

    @classmethod
    def of(cls, schema: Schema, *types: str) -> ClassMap:
        pairs = [(spec.name, option) for spec in labels_of_type(schema, *types) for option in spec.options]
        seen: dict[str, int] = {}
        for _, option in pairs:
            seen[option] = seen.get(option, 0) + 1
        names = [option if seen[option] == 1 else f"{label}/{option}" for label, option in pairs]
        return cls(index={pair: i for i, pair in enumerate(pairs)}, names=names)


def image_name(record: dict) -> str:
    """The exported file name of a record's image: ``<task id><suffix of the stored file>``.

    The task id is unique in the release, the uploaded name is not (and may hold anything).
    """
    suffix = PurePosixPath(record.get("media") or "").suffix.lower() or ".jpg"
    return f"{record['id']}{suffix}"


def has_image(record: dict) -> bool:
    return bool(record.get("media")) and bool(record.get("media_width")) and bool(record.get("media_height"))


def with_images(records) -> Iterator[dict]:
    """A fresh pass over the records that have an image with a known size."""
    return (record for record in records() if has_image(record))


def media_file(ctx: ExportContext, record: dict) -> Path | None:
    """The record's image on disk, or None when missing or (never expected) outside MEDIA_ROOT."""
    root = Path(ctx.media_root).resolve()
    path = (root / record["media"]).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def meta_of(record: dict, **extra: Any) -> dict:
    """What a training row says about where it came from (a fixed set of keys, for Arrow)."""
    provenance = record.get("provenance") or {}
    return {"id": record["id"], "key": record.get("key"), "source": provenance.get("source"),
            "approved_by": provenance.get("approved_by"), "agreement": record.get("agreement"),
            "sha256": record.get("sha256"), **extra}


def json_items(values: Iterable[Any], separator: str = ",") -> Iterator[str]:
    """The JSON text of values as the inside of an array, one piece per value."""
    for i, value in enumerate(values):
        yield (separator if i else "") + dumps(value)


def jsonl(rows: Iterable[dict]) -> Iterator[bytes]:
    return batched_text(dumps(row) + "\n" for row in rows)


def boxes_of(record: dict, labels: list) -> Iterator[tuple[str, dict]]:
    """``(label name, box)`` for every box of the given labels in a record's result."""
    result = record.get("result") or {}
    for spec in labels:
        for box in result.get(spec.name) or []:
            yield spec.name, box
