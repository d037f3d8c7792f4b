"""After the consistency checks: does a task go to review, and why.

The checks (``checks.evaluate``) list what they found; the project's ``route`` triggers decide
which of those findings send the task to a reviewer, and may add reasons the checks do not know:

- ``all``: every task; the checks' findings come along for the reviewer to read.
- ``conflicts``: a ``low_agreement`` finding (a label's agreement below the threshold).
- ``failed_checks``: any rule finding (lead time, missing or incomplete labels, ...).
- ``sample``: a deterministic share (``sample_rate``) of the tasks that would be accepted; the
  draw hashes the task id, so a re-run or a recompute draws the same tasks.
- ``low_confidence``: the best prediction's score is below ``low_confidence_below``.
- ``unreliable``: an annotator's agreement with the consensus is below ``reliability_bar``.

Whatever the triggers, ``single_annotation`` (the policy asks for review of overlap-1 tasks),
``no_annotations`` and ``consensus_invalid`` (the consensus is not a schema-valid result, so there
is nothing to accept) always go to review.
"""
from __future__ import annotations

import hashlib

from django.db.models import Max

from annotation.models import Prediction, Task
from review.models import ReviewItem
from review.services.checks import Evaluation
from review.services.policy import ReviewPolicy

CONFLICT_CODES = {"low_agreement"}
ALWAYS_CODES = {"single_annotation", "no_annotations", "consensus_invalid"}


def sampled(task_id: int, rate: float) -> bool:
    """Whether a task falls in the sampled share: a stable hash of its id mapped to [0, 1)."""
    digest = hashlib.sha256(f"review-sample:{task_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def best_prediction_score(task: Task) -> float | None:
    scores = Prediction.objects.filter(task=task, score__isnull=False).values_list("score", flat=True)
    return max(scores, default=None)


def _routed_findings(findings: list[dict], routes: set[str]) -> list[dict]:
    if "all" in routes:
        return [{"code": "all"}, *findings]
    out = []
    for finding in findings:
        code = finding.get("code")
        if code in ALWAYS_CODES or (code in CONFLICT_CODES and "conflicts" in routes) or (
                code not in CONFLICT_CODES and "failed_checks" in routes):
            out.append(finding)
    return out


def route_reasons(*, task: Task, evaluation: Evaluation, policy: ReviewPolicy,
                  extra_findings: list[dict] = ()) -> list[dict]:
    """The reasons this task goes to review; an empty list means it is accepted."""
    routes = set(policy.route)
    reasons = _routed_findings([*evaluation.reasons, *extra_findings], routes)
    if "low_confidence" in routes:
        score = best_prediction_score(task)
        if score is not None and score < policy.low_confidence_below:
            reasons.append({"code": "low_confidence", "score": round(score, 6),
                            "threshold": policy.low_confidence_below})
    if "unreliable" in routes and len(evaluation.annotator_agreement) > 1:
        for annotator, agreement in sorted(evaluation.annotator_agreement.items()):
            if agreement < policy.reliability_bar:
                reasons.append({"code": "unreliable", "annotator": int(annotator), "agreement": round(agreement, 6),
                                "threshold": policy.reliability_bar})
    if not reasons and "sample" in routes and sampled(task.pk, policy.sample_rate):
        reasons.append({"code": "sample", "rate": policy.sample_rate})
    return reasons


def review_item_open(*, task: Task, reasons: list[dict], policy: ReviewPolicy) -> ReviewItem:
    """Stage 0 of a new review round. Call inside the transaction that moves the task to
    ``in_review``; the one-open-item constraint refuses a second open item for the task."""
    last_round = ReviewItem.objects.filter(task=task).aggregate(n=Max("round"))["n"] or 0
    return ReviewItem.objects.create(task=task, project_id=task.project_id, round=last_round + 1, stage=0,
                                     stage_count=len(policy.stages), min_level=policy.stages[0], reasons=reasons)
