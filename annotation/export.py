"""Export v0: tasks with their annotations as JSONL or CSV, streamed in constant memory.

Tasks are read in keyset-paginated chunks with their annotations prefetched per chunk, so memory
stays flat and the query count grows with chunks, not rows.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import Prefetch

from annotation.models import Annotation, Project, Task

CHUNK = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _chunks(project: Project, status: str | None) -> Iterator[list[Task]]:
    annotations = Annotation.objects.select_related("annotator").order_by("id")
    queryset = Task.objects.filter(project=project).order_by("id")
    if status:
        queryset = queryset.filter(status=status)
    last = 0
    while True:
        chunk = list(queryset.filter(id__gt=last).prefetch_related(Prefetch("annotations", queryset=annotations))[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def _annotation_dict(annotation: Annotation) -> dict:
    return {"id": annotation.pk, "annotator": annotation.annotator.username, "status": annotation.status,
            "result": annotation.result, "version": annotation.version, "lead_time": annotation.lead_time,
            "prediction": annotation.prediction_id,
            "submitted_at": annotation.submitted_at.isoformat() if annotation.submitted_at else None}


def export_jsonl(project: Project, *, status: str | None = None) -> Iterator[str]:
    for chunk in _chunks(project, status):
        lines = []
        for task in chunk:
            record = {"id": task.pk, "data": task.data, "media": task.media or None, "status": task.status,
                      "annotations": [_annotation_dict(a) for a in task.annotations.all()]}
            lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        yield "".join(lines)


def safe_cell(value) -> str:
    """Spreadsheet programs run cells that start like a formula; a leading quote disarms them."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def export_csv(project: Project, *, status: str | None = None) -> Iterator[str]:
    data_fields = list(project.parsed_schema.data)
    labels = list(project.parsed_schema.labels)
    header = ["task_id", "task_status", *data_fields, "annotation_id", "annotator", "annotation_status",
              "lead_time", *labels]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for chunk in _chunks(project, status):
        for task in chunk:
            base = [task.pk, task.status, *(task.data.get(name) for name in data_fields)]
            annotations = list(task.annotations.all()) or [None]
            for annotation in annotations:
                if annotation is None:
                    row = base + [None] * (4 + len(labels))
                else:
                    row = base + [annotation.pk, annotation.annotator.username, annotation.status,
                                  annotation.lead_time, *(annotation.result.get(name) for name in labels)]
                writer.writerow([safe_cell(cell) if not isinstance(cell, (int, float)) else cell for cell in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    tail = buffer.getvalue()
    if tail:
        yield tail
