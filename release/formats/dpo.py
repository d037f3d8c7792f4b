"""Preference pairs for DPO: ``{"prompt", "chosen", "rejected", "meta"}`` per line.

From each preference label with a value: ``chosen`` is the text of the data field the label
picked, ``rejected`` the other field of its ``between`` pair. ``prompt`` is the text of
``?prompt=<field>`` when given, otherwise the first text field of the schema outside the pair
(often ``question`` or ``prompt``), or "" when there is none. ``meta`` is as in the SFT export
plus ``label``, ``chosen_field`` and ``rejected_field``.
"""
from __future__ import annotations

from collections.abc import Iterator

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.common import jsonl, meta_of


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, "preference"))


def prompt_field(schema: Schema, between: tuple[str, ...], wanted: str | None) -> str | None:
    if wanted and schema.data.get(wanted) == "text":
        return wanted
    return next((name for name in schema.text_fields() if name not in between), None)


def rows(ctx: ExportContext, records: Records) -> Iterator[dict]:
    labels = labels_of_type(ctx.schema, "preference")
    for record in records():
        result, data = record.get("result") or {}, record.get("data") or {}
        for spec in labels:
            chosen = result.get(spec.name)
            if chosen not in spec.between:
                continue
            rejected = next(name for name in spec.between if name != chosen)
            field = prompt_field(ctx.schema, spec.between, ctx.options.get("prompt"))
            yield {"prompt": str(data.get(field, "")) if field else "", "chosen": str(data.get(chosen, "")),
                   "rejected": str(data.get(rejected, "")),
                   "meta": meta_of(record, label=spec.name, chosen_field=chosen, rejected_field=rejected)}


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return jsonl(rows(ctx, records))


FORMAT = register(Format(name="dpo", content_type="application/x-ndjson", extension="jsonl",
                         description="DPO preference pairs JSONL (prompt, chosen, rejected)",
                         applies=applies, write=write))
