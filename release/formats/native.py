"""The native formats: JSONL (one canonical record per line, as hashed) and CSV.

A masked JSONL export is the stored lines as they are, so every line's SHA-256 is the one in the
release and ``verify_release`` proofs hold for what a buyer downloaded. An unmasked export
rebuilds each line with the original data; its lines are not the hashed ones, by design.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from annotation.export import safe_cell
from release.formats import ExportContext, Format, Records, register
from release.selectors import release_lines
from release.services.records import canonical_line

BATCH = 64 * 1024  # bytes gathered before a chunk is handed to the response


def write_jsonl(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    if not ctx.unmasked:
        yield from release_lines(ctx.release)
        return
    parts: list[str] = []
    size = 0
    for record in records():
        record.pop("sha256", None)
        line = canonical_line(record) + "\n"
        parts.append(line)
        size += len(line)
        if size >= BATCH:
            yield "".join(parts).encode()
            parts, size = [], 0
    if parts:
        yield "".join(parts).encode()


def _joined(values) -> str:
    return ";".join(str(v) for v in values)


def csv_header(ctx: ExportContext) -> list[str]:
    return ["id", "key", *ctx.schema.data, "media", *ctx.schema.labels, "source", "annotators", "suggestions",
            "reviews", "approved_by", "agreement", "sha256"]


def csv_row(ctx: ExportContext, record: dict) -> list:
    provenance = record["provenance"]
    approved = provenance.get("approved_by")
    reviews = [f"{r.get('username')}:{r.get('level')}:{r.get('decision')}" for r in provenance.get("reviews", [])]
    return [record["id"], record["key"], *(record["data"].get(name) for name in ctx.schema.data), record["media"],
            *(record["result"].get(name) for name in ctx.schema.labels), provenance["source"],
            _joined(a["username"] for a in provenance["annotators"]), _joined(provenance["suggestions"]),
            _joined(reviews), f"{approved['username']}:{approved['level']}" if approved else None,
            record.get("agreement"), record["sha256"]]


def _cell(value):
    # Numbers cannot start a formula; everything else goes through the v0 export's guard.
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else safe_cell(value)


def write_csv(ctx: ExportContext, records: Records) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(csv_header(ctx))
    for record in records():
        writer.writerow([_cell(value) for value in csv_row(ctx, record)])
        if buffer.tell() >= BATCH:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def _always(schema) -> bool:
    return True


JSONL = register(Format(name="jsonl", content_type="application/x-ndjson", extension="jsonl",
                        description="Native JSONL: one record per line with its provenance; the lines the "
                                    "release's hashes cover.", applies=_always, write=write_jsonl))
CSV = register(Format(name="csv", content_type="text/csv; charset=utf-8", extension="csv",
                      description="CSV: one row per record, labels as JSON, provenance summarised; "
                                  "cells that a spreadsheet would run as formulas are disarmed.",
                      applies=_always, write=write_csv))
