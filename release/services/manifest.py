"""A release's manifest: what it contains and what it was made from.

``manifest_start`` fixes, when the release is created, what the snapshot is made against (the
schema, the guidelines); ``ManifestBuilder`` then reads the written records once, in seq order,
and sums them up together with the Merkle root of their hashes. Tokens are left to the report
service ("report" fills ``value_statement``), so ``tokens`` stays null here.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict

from annotation.models import Project
from annotation.schema import Schema, parse_schema
from release import merkle

FORMAT = "zhibiao-release/1"
ITEM_LABEL_TYPES = ("spans", "boxes", "polygons")
VALUE_LABEL_TYPES = ("choice", "rating", "preference")


def _sha256_json(value) -> str:
    body = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def manifest_start(*, project: Project, version: int, filters: dict) -> dict:
    return {
        "format": FORMAT,
        "project": {"id": project.pk, "name": project.name, "domain": project.domain},
        "version": version,
        "filters": filters,
        "schema": project.schema,
        "schema_sha256": _sha256_json(project.schema),
        "guideline_sha256": hashlib.sha256(project.instructions.encode()).hexdigest(),
        "tokens": None,
    }


class ManifestBuilder:
    """Feed every record (with its ``sha256``) in seq order; ``summary()`` gives the figures."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.tree = merkle.RootBuilder()
        self.by_source: Counter = Counter()
        self.present: Counter = Counter()
        self.values: dict[str, Counter] = defaultdict(Counter)
        self.models: Counter = Counter()
        self.annotators: set[int] = set()
        self.reviewers: dict[int, dict] = {}
        self.agreement_sum, self.agreement_count, self.agreement_min = 0.0, 0, None

    def add(self, record: dict) -> None:
        self.tree.add(bytes.fromhex(record["sha256"]))
        provenance = record["provenance"]
        self.by_source[provenance["source"]] += 1
        self._count_labels(record["result"])
        self.models.update(provenance["suggestions"])
        self.annotators.update(a["id"] for a in provenance["annotators"])
        for review in provenance["reviews"]:
            self._count_review(review)
        agreement = record.get("agreement")
        if agreement is not None:
            self.agreement_sum += agreement
            self.agreement_count += 1
            self.agreement_min = agreement if self.agreement_min is None else min(self.agreement_min, agreement)

    def _count_labels(self, result: dict) -> None:
        for name, value in result.items():
            spec = self.schema.labels.get(name)
            if spec is None or value in (None, [], ""):
                continue
            self.present[name] += 1
            if spec.type in VALUE_LABEL_TYPES:
                self.values[name][str(value)] += 1
            elif spec.type == "multi_choice":
                self.values[name].update(str(v) for v in value)
            elif spec.type in ITEM_LABEL_TYPES:
                self.values[name].update(str(item.get("label")) for item in value if isinstance(item, dict))

    def _count_review(self, review: dict) -> None:
        reviewer = review.get("reviewer")
        entry = self.reviewers.setdefault(reviewer, {"id": reviewer, "username": review.get("username", ""),
                                                     "levels": set(), "decisions": Counter()})
        if review.get("level") is not None:
            entry["levels"].add(review["level"])
        entry["decisions"][review.get("decision", "")] += 1

    def summary(self) -> dict:
        labels = {}
        for name, spec in self.schema.labels.items():
            labels[name] = {"type": spec.type, "records": self.present[name],
                            "values": dict(sorted(self.values[name].items()))}
        reviewers = [{"id": r["id"], "username": r["username"], "levels": sorted(r["levels"]),
                      "level": max(r["levels"], default=None), "decisions": dict(r["decisions"])}
                     for r in sorted(self.reviewers.values(), key=lambda r: r["username"])]
        mean = self.agreement_sum / self.agreement_count if self.agreement_count else None
        return {
            "counts": {"records": self.tree.count, "by_source": dict(sorted(self.by_source.items())),
                       "annotators": len(self.annotators)},
            "label_distribution": labels,
            "model_versions": dict(sorted(self.models.items())),
            "reviewers": reviewers,
            "agreement": {"mean": mean, "min": self.agreement_min, "records_with_agreement": self.agreement_count},
            "merkle": {"algorithm": "RFC 6962 SHA-256", "leaves": "records' sha256 (of the JSONL line) in seq order",
                       "size": self.tree.count, "root": self.tree.root().hex()},
        }


def schema_of(manifest: dict) -> Schema:
    return parse_schema(manifest["schema"])
