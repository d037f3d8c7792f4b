"""Read side of the review app: the project quality figures behind ``GET /projects/{id}/quality/``.

A fixed number of queries whatever the project's size (submitted annotations, reports, task
statuses, annotator names); the statistics are computed with ``review.metrics`` in numpy.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict
from itertools import permutations
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db.models import Count

from annotation.models import Annotation, Project, Task, TaskStatus
from annotation.schema import LabelSpec
from review.metrics import Ratings, encode_labels, fleiss_kappa, krippendorff_alpha, percent_agreement
from review.models import ConsistencyReport
from review.services.checks import CATEGORICAL
from review.services.reliability import annotator_reliability

Row = tuple[int, dict, float]  # (annotator id, result, lead time) of one submitted annotation


def _num(value: float | None) -> float | None:
    """JSON has no NaN: an undefined statistic (no variation, no pairs) is null."""
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _mean(values: list[float]) -> float | None:
    return _num(float(np.mean(values))) if values else None


def _categories(spec: LabelSpec) -> list[Any] | None:
    if spec.type == "choice":
        return list(spec.options)
    if spec.type == "preference":
        return list(spec.between)
    return None  # rating: the values present, sorted


def _ratings(cells: list[tuple[int, int, Any]], categories: list[Any] | None) -> Ratings | None:
    """Long-form ratings from (item, coder, value) cells; None when no value is present."""
    cells = [c for c in cells if c[2] is not None]
    if not cells:
        return None
    items, coders, values = zip(*cells)
    present = set(values)
    if categories is not None and not present <= set(categories):
        categories = None  # a value outside the schema (schema edited since): code what is there
    codes, _ = encode_labels(values, categories)
    return Ratings.from_arrays(items, coders, codes)


def _statistics(r: Ratings | None, *, interval: Ratings | None = None) -> dict:
    if r is None:
        return {"percent_agreement": None, "krippendorff_alpha": None, "fleiss_kappa": None}
    counts = np.bincount(r.items, minlength=r.n_items)
    pairable = counts >= 2
    same_count = pairable.any() and len(set(counts[pairable].tolist())) == 1
    fleiss = None
    if same_count:
        keep = pairable[r.items]
        fleiss = fleiss_kappa(Ratings.from_arrays(r.items[keep], r.coders[keep], r.values[keep]))
    out = {
        "percent_agreement": _num(percent_agreement(r)),
        "krippendorff_alpha": _num(krippendorff_alpha(r, "nominal")) if pairable.any() else None,
        "fleiss_kappa": _num(fleiss),
    }
    if interval is not None:
        out["krippendorff_alpha_interval"] = _num(krippendorff_alpha(interval, "interval")) if pairable.any() else None
    return out


def _confusion(spec: LabelSpec, by_task: dict[int, list[Row]]) -> dict:
    """Coincidence matrix between annotators: cell [a][b] counts ordered pairs of annotators on
    one task where one said a and the other b (symmetric; the diagonal is agreement)."""
    options = _categories(spec) or []
    index = {o: i for i, o in enumerate(options)}
    matrix = np.zeros((len(options), len(options)), dtype=np.int64)
    for rows in by_task.values():
        values = [index.get(r[1].get(spec.name)) for r in rows]
        for a, b in permutations([v for v in values if v is not None], 2):
            matrix[a, b] += 1
    return {"options": options, "matrix": matrix.tolist()}


def _consensus_counts(spec: LabelSpec, reports: list[dict]) -> dict:
    counts: Counter = Counter()
    confidences = []
    for report in reports:
        entry = report["consensus"].get(spec.name)
        if not entry:
            continue
        confidences.append(entry.get("confidence", 0.0))
        value = entry.get("value")
        if spec.type in CATEGORICAL and value is not None:
            counts[str(value)] += 1
        elif spec.type == "multi_choice":
            counts.update(str(v) for v in value or [])
        elif spec.type in ("boxes", "spans"):
            counts.update(str(item.get("label", "")) for item in value or [])
    return {"counts": dict(sorted(counts.items())), "mean_confidence": _mean(confidences)}


def project_quality(project: Project) -> dict:
    schema = project.parsed_schema
    by_task: dict[int, list[Row]] = defaultdict(list)
    rows = (
        Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
        .order_by("task_id", "pk")
        .values_list("task_id", "annotator_id", "result", "lead_time")
    )
    for task_id, annotator_id, result, lead_time in rows.iterator(chunk_size=5000):
        by_task[task_id].append((annotator_id, result if isinstance(result, dict) else {}, float(lead_time or 0.0)))
    reports = list(
        ConsistencyReport.objects.filter(task__project=project).order_by("task_id").values(
            "task_id", "agreement", "overall_agreement", "consensus", "confidence", "decision",
            "annotator_agreement", "created_at")
    )
    task_index = {task_id: i for i, task_id in enumerate(by_task)}
    annotator_ids = sorted({r[0] for rows_ in by_task.values() for r in rows_})
    coder_index = {a: i for i, a in enumerate(annotator_ids)}

    labels: dict[str, dict] = {}
    pooled: list[tuple[int, int, Any]] = []
    for l_index, (name, spec) in enumerate(schema.labels.items()):
        similarities = [r["agreement"][name] for r in reports if r["agreement"].get(name) is not None]
        entry: dict[str, Any] = {"type": spec.type, "mean_similarity": _mean(similarities)}
        if spec.type in CATEGORICAL:
            cells = [(task_index[t], coder_index[a], res.get(name)) for t, rs in by_task.items() for a, res, _ in rs]
            interval = None
            if spec.type == "rating":
                numeric = [(i, c, float(v)) for i, c, v in cells if isinstance(v, (int, float))]
                interval = Ratings.from_arrays(*zip(*numeric)) if numeric else None
            entry.update(_statistics(_ratings(cells, _categories(spec)), interval=interval))
            pooled.extend((i * len(schema.labels) + l_index, c, (name, v)) for i, c, v in cells if v is not None)
        else:
            entry.update({"percent_agreement": entry["mean_similarity"], "krippendorff_alpha": None,
                          "fleiss_kappa": None})
        entry["consensus"] = _consensus_counts(spec, reports)
        if spec.type in ("choice", "preference"):
            entry["confusion"] = _confusion(spec, by_task)
        labels[name] = entry

    overall = _statistics(_ratings(pooled, None))
    overall["mean_task_agreement"] = _mean([r["overall_agreement"] for r in reports
                                            if r["overall_agreement"] is not None])
    overall["mean_confidence"] = _mean([r["confidence"] for r in reports if r["confidence"] is not None])

    decisions = Counter(r["decision"] for r in reports)
    checked = len(reports)
    accepted = decisions.get(ConsistencyReport.Decision.ACCEPTED, 0)
    review = decisions.get(ConsistencyReport.Decision.REVIEW, 0)
    statuses = dict(Task.objects.filter(project=project).values_list("status").annotate(n=Count("id")))

    return {
        "project": project.pk,
        "tasks": {"by_status": {s.value: statuses.get(s.value, 0) for s in TaskStatus},
                  "annotated": len(by_task), "checked": checked},
        "decisions": {"auto_accepted": accepted, "in_review": review,
                      "share_auto_accepted": _num(accepted / checked) if checked else None,
                      "share_in_review": _num(review / checked) if checked else None},
        "overall": overall,
        "labels": labels,
        "annotators": _annotators(by_task, reports, annotator_ids, annotator_reliability(project)),
        "over_time": _over_time(reports),
    }


def _annotators(by_task: dict[int, list[Row]], reports: list[dict], annotator_ids: list[int],
                reliability: dict[int, dict]) -> list[dict]:
    submitted: Counter = Counter()
    lead_times: dict[int, list[float]] = defaultdict(list)
    for rows in by_task.values():
        for annotator_id, _, lead_time in rows:
            submitted[annotator_id] += 1
            lead_times[annotator_id].append(lead_time)
    agreement: dict[int, list[float]] = defaultdict(list)
    for report in reports:
        for key, value in report["annotator_agreement"].items():
            agreement[int(key)].append(value)
    names = dict(get_user_model().objects.filter(pk__in=annotator_ids).values_list("pk", "username"))
    unknown = {"gold_accuracy": None, "gold_seen": 0, "overturn_rate": None, "reviewed": 0}
    return [
        {"id": a, "username": names.get(a, ""), "submitted": submitted[a],
         "agreement_with_consensus": _mean(agreement[a]), "tasks_checked": len(agreement[a]),
         "mean_lead_time": _mean(lead_times[a]),
         **{k: _num(v) if isinstance(v, float) else v for k, v in reliability.get(a, unknown).items()}}
        for a in annotator_ids
    ]


def _over_time(reports: list[dict]) -> list[dict]:
    """Per day the reports were written (≈ the day tasks completed): mean agreement and decisions."""
    days: dict[str, list[dict]] = defaultdict(list)
    for report in reports:
        days[report["created_at"].date().isoformat()].append(report)
    return [
        {"date": day, "tasks": len(rs),
         "mean_agreement": _mean([r["overall_agreement"] for r in rs if r["overall_agreement"] is not None]),
         "auto_accepted": sum(r["decision"] == ConsistencyReport.Decision.ACCEPTED for r in rs)}
        for day, rs in sorted(days.items())
    ]
