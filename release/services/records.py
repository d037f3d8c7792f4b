"""Turn a chunk of accepted tasks into release records: the dict, its canonical line, its hash.

The line is what a native JSONL export sends and what the record's SHA-256 covers, so it must be
byte-for-byte reproducible: sorted keys, no spaces, UTF-8 kept as is.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from annotation.models import Annotation

try:  # written by "formats" (PII detection); until it is there, no findings means no masking
    from annotation.imports.pii import mask_data
except ImportError:  # pragma: no cover - only while the PII module is missing
    mask_data = None


def canonical_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def line_sha256(line: str) -> str:
    return hashlib.sha256(line.encode()).hexdigest()


# What a record is made of, read with .values(): no model instances for a million rows.
TASK_FIELDS = ("pk", "import_key", "data", "pii", "media", "media_width", "media_height", "outcome__result",
               "outcome__source", "outcome__annotators", "outcome__decided_by_id", "outcome__decided_by__username",
               "outcome__decided_level", "outcome__domain", "outcome__reviews", "outcome__cot_verdicts",
               "consistency_report__overall_agreement")


def masked_data(data: dict, pii: list) -> dict:
    if pii and mask_data is not None:
        return mask_data(data, pii)
    return data


def _submitted(task_ids: list[int]) -> dict[int, list[dict]]:
    rows = (Annotation.objects.filter(task_id__in=task_ids, status=Annotation.Status.SUBMITTED)
            .order_by("id")
            .values("task_id", "annotator_id", "annotator__username", "result",
                    "prediction__model_version", "prediction__result"))
    by_task: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_task[row["task_id"]].append(row)
    return by_task


def _usernames(ids: Iterable[int]) -> dict[int, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(get_user_model().objects.filter(pk__in=wanted).values_list("pk", "username"))


def _label_provenance(result: dict, annotations: list[dict]) -> dict:
    """Per label: which annotators gave the accepted value, and which model suggested it."""
    labels = {}
    for name, value in result.items():
        agreeing = [a["annotator_id"] for a in annotations if (a["result"] or {}).get(name) == value]
        suggested = sorted({a["prediction__model_version"] for a in annotations
                            if a["prediction__model_version"] and (a["prediction__result"] or {}).get(name) == value})
        labels[name] = {"annotators": agreeing, "suggested_by": suggested}
    return labels


def build_records(tasks: list[dict]) -> list[dict]:
    """Record dicts (without their hash) for task rows read with ``TASK_FIELDS``; two queries per
    chunk whatever its size."""
    annotations = _submitted([t["pk"] for t in tasks])
    known = {a["annotator_id"]: a["annotator__username"] for rows in annotations.values() for a in rows}
    wanted = {uid for t in tasks for uid in t["outcome__annotators"] if uid not in known}
    known.update(_usernames(wanted))
    records = []
    for task in tasks:
        members = set(task["outcome__annotators"])
        rows = [a for a in annotations.get(task["pk"], []) if a["annotator_id"] in members]
        approved_by = None
        if task["outcome__decided_by_id"] is not None:
            approved_by = {"username": task["outcome__decided_by__username"], "level": task["outcome__decided_level"],
                           "domain": task["outcome__domain"]}
        records.append({
            "id": task["pk"],
            "key": task["import_key"],
            "data": masked_data(task["data"], task["pii"]),
            "media": task["media"] or None,
            "media_width": task["media_width"],
            "media_height": task["media_height"],
            "result": task["outcome__result"],
            "agreement": task["consistency_report__overall_agreement"],
            "provenance": {
                "source": task["outcome__source"],
                "annotators": [{"id": uid, "username": known.get(uid, "")} for uid in task["outcome__annotators"]],
                "suggestions": sorted({a["prediction__model_version"] for a in rows if a["prediction__model_version"]}),
                "reviews": task["outcome__reviews"],
                "approved_by": approved_by,
                "cot_verdicts": task["outcome__cot_verdicts"],
                "labels": _label_provenance(task["outcome__result"], rows),
            },
        })
    return records
