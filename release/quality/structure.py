"""Structural integrity: is every accepted result valid, complete and not a copy of another?

Framework-free: it reads release records (the dict shape in ``release.formats``) one at a time,
so a release of any size is checked in one pass with memory bounded by one small digest per
distinct record.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from typing import Any

from annotation.schema import Schema, SchemaError, validate_result
from release.quality.common import rate

TOP_ERRORS = 20  # error paths listed in the report, most frequent first
EXAMPLES = 20  # keys of invalid / duplicate records listed as examples
LIST_TYPES = ("multi_choice", "spans", "boxes", "polygons")
_INDEX = re.compile(r"\[\d+\]")


def data_digest(data: Any) -> int:
    """A 64-bit digest of a record's data, equal for equal JSON whatever the key order.

    64 bits keep a million records in a set of plain ints; a chance collision among a million
    records has odds of about 3 in 10^8.
    """
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return int.from_bytes(hashlib.blake2b(canonical.encode(), digest_size=8).digest(), "big")


def is_missing(spec_type: str, value: Any) -> bool:
    """No answer for a label: absent, null, an empty string, or an empty list for list labels.

    An empty list is a valid answer ("no entity here"), so it only counts as missing for
    completeness, never as a schema error.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return spec_type in LIST_TYPES and isinstance(value, list) and not value


def _data_missing(kind: str, value: Any, media: Any) -> bool:
    if kind == "text":
        return not isinstance(value, str) or not value.strip()
    if kind == "image":
        return not media
    return value is None


class StructureTally:
    """Feed records with :meth:`add`, then read :meth:`summary`."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.records = 0
        self.invalid = 0
        self.error_paths: Counter[str] = Counter()
        self.invalid_examples: list[str] = []
        self.missing_labels: Counter[str] = Counter()
        self.missing_data: Counter[str] = Counter()
        self.seen: set[int] = set()
        self.duplicates = 0
        self.duplicate_examples: list[str] = []

    def add(self, record: dict) -> None:
        self.records += 1
        data = record.get("data") if isinstance(record.get("data"), dict) else {}
        result = record.get("result")
        key = str(record.get("key") or record.get("id"))
        try:
            validate_result(self.schema, result, data=data, width=record.get("media_width"),
                            height=record.get("media_height"))
        except SchemaError as exc:
            self.invalid += 1
            # result.entities[3].end and result.entities[7].end are one kind of error.
            self.error_paths.update({_INDEX.sub("[]", path) for path, _ in exc.errors})
            if len(self.invalid_examples) < EXAMPLES:
                self.invalid_examples.append(key)
        values = result if isinstance(result, dict) else {}
        for name, spec in self.schema.labels.items():
            if is_missing(spec.type, values.get(name)):
                self.missing_labels[name] += 1
        for name, kind in self.schema.data.items():
            if _data_missing(kind, data.get(name), record.get("media")):
                self.missing_data[name] += 1
        digest = data_digest(data)
        if digest in self.seen:
            self.duplicates += 1
            if len(self.duplicate_examples) < EXAMPLES:
                self.duplicate_examples.append(key)
        else:
            self.seen.add(digest)

    def summary(self) -> dict:
        n = self.records
        valid = n - self.invalid
        labels = {
            name: {"required": spec.required, "missing": self.missing_labels[name],
                   "missing_rate": rate(self.missing_labels[name], n)}
            for name, spec in self.schema.labels.items()
        }
        data = {name: {"missing": self.missing_data[name], "missing_rate": rate(self.missing_data[name], n)}
                for name in self.schema.data}
        missing_required = sum(self.missing_labels[name] for name, spec in self.schema.labels.items()
                               if spec.required)
        return {
            "summary": (f"{valid} of {n} accepted results are valid against the schema; "
                        f"{self.duplicates} {'record repeats' if self.duplicates == 1 else 'records repeat'} "
                        "the data of an earlier one." if n else "The release has no records."),
            "records": n,
            "schema_valid": valid,
            "schema_valid_rate": rate(valid, n),
            "invalid_records": self.invalid,
            "errors": [{"path": path, "count": count}
                       for path, count in self.error_paths.most_common(TOP_ERRORS)],
            "invalid_examples": self.invalid_examples,
            "missing": {"labels": labels, "data": data, "required_labels_missing": missing_required},
            "duplicates": {"exact": self.duplicates, "rate": rate(self.duplicates, n),
                           "distinct_records": len(self.seen), "examples": self.duplicate_examples,
                           "method": "64-bit BLAKE2b digest of the record's data as canonical JSON"},
        }



class PiiTally:
    """Personal data found at import (``Task.pii`` findings) over the release's records."""

    def __init__(self) -> None:
        self.records = 0
        self.with_pii = 0
        self.kinds: Counter[str] = Counter()

    def add(self, findings: Any) -> None:
        self.records += 1
        findings = [f for f in findings or [] if isinstance(f, dict)]
        if findings:
            self.with_pii += 1
            self.kinds.update(str(f.get("kind")) for f in findings)

    def summary(self, *, policy: str) -> dict:
        return {"records_with_pii": self.with_pii, "rate": rate(self.with_pii, self.records),
                "findings": dict(sorted(self.kinds.items())), "policy": policy,
                "note": ("exports are masked unless a manager asks for unmasked data" if policy == "mask"
                         else "counts what the import found; 'flag' leaves the data as imported")}
