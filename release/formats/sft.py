"""Supervised fine-tuning chat JSONL from chain-of-thought labels.

One line per record and chain-of-thought label with a value:
``{"messages": [{"role": "user", "content": <the question>}, {"role": "assistant", "content":
<the steps, one per line, a blank line, then "Answer: <answer>">}], "meta": {...}}``. ``meta``
carries the task ``id``, import ``key``, ``label``, the accepted result's ``source``,
``approved_by`` (from the provenance: the reviewer's username, level and domain, or null),
``agreement``, ``sha256`` and the raw ``steps`` and ``answer``; every line has the same keys, so
Arrow-based readers (HF ``datasets``) infer one schema.
"""
from __future__ import annotations

from collections.abc import Iterator

from annotation.schema import Schema
from release.formats import ExportContext, Format, Records, labels_of_type, register
from release.formats.common import jsonl, meta_of


def applies(schema: Schema) -> bool:
    return bool(labels_of_type(schema, "chain_of_thought"))


def assistant_text(steps: list[str], answer: str) -> str:
    return "\n".join(steps) + f"\n\nAnswer: {answer}"


def rows(ctx: ExportContext, records: Records) -> Iterator[dict]:
    labels = labels_of_type(ctx.schema, "chain_of_thought")
    for record in records():
        result, data = record.get("result") or {}, record.get("data") or {}
        for spec in labels:
            value = result.get(spec.name)
            if not isinstance(value, dict) or not isinstance(data.get(spec.on), str):
                continue
            steps, answer = list(value.get("steps") or []), str(value.get("answer", ""))
            yield {"messages": [{"role": "user", "content": data[spec.on]},
                                {"role": "assistant", "content": assistant_text(steps, answer)}],
                   "meta": meta_of(record, label=spec.name, steps=steps, answer=answer)}


def write(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    return jsonl(rows(ctx, records))


FORMAT = register(Format(name="sft", content_type="application/x-ndjson", extension="jsonl",
                         description="SFT chat JSONL (user question, assistant reasoning and answer)",
                         applies=applies, write=write))
