"""After the consistency checks: does a task go to review, and why.

The checks (``checks.evaluate``) list what they found; the project's ``route`` triggers decide
which of those findings send the task to a reviewer, and may add reasons the checks do not know:

- ``all``: every task; the checks' findings come along for the reviewer to read.
- ``conflicts``: a ``low_agreement`` finding (a label's agreement below the threshold).
- ``failed_checks``: any rule finding (lead time, missing or incomplete labels, ...).
- ``sample``: a deterministic share (``sample_rate``) of the tasks that would be accepted; the
  draw hashes the task id, so a re-run or a recompute draws the same tasks.
- ``low_confidence``: the best prediction's score is below ``low_confidence_below``.
- ``unreliable``: an annotator's agreement with the consensus, averaged over the project's recent
  checks with two or more annotations (this one included), is below ``reliability_bar`` once it
  rests on at least ``MIN_MEASURED`` tasks; so a weak annotator's record follows them onto tasks
  where everybody happened to agree. Overlap-1 projects measure nothing: it never fires there.

Whatever the triggers, ``single_annotation`` (the policy asks for review of overlap-1 tasks),
``no_annotations`` and ``consensus_invalid`` (the consensus is not a schema-valid result, so there
is nothing to accept) always go to review.
"""
from __future__ import annotations

import hashlib
from collections import defaultdict

from django.db.models import Max

from annotation.models import Prediction, Task
from review.models import ConsistencyReport, ReviewItem
from review.services.checks import Evaluation
from review.services.policy import ReviewPolicy
from review.services.reliability import gold_scores

CONFLICT_CODES = {"low_agreement"}
# Reliability is judged on the project's recent checks, and only once it rests on a few tasks.
RELIABILITY_WINDOW = 200
MIN_MEASURED = 3
ALWAYS_CODES = {"single_annotation", "no_annotations", "consensus_invalid"}


def sampled(task_id: int, rate: float) -> bool:
    """Whether a task falls in the sampled share: a stable hash of its id mapped to [0, 1)."""
    digest = hashlib.sha256(f"review-sample:{task_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def best_prediction_score(task: Task) -> float | None:
    scores = Prediction.objects.filter(task=task, score__isnull=False).values_list("score", flat=True)
    return max(scores, default=None)


def reliability(task: Task, evaluation: Evaluation) -> dict[int, tuple[float, int]]:
    """Each annotator of the task: their mean agreement with the consensus over the project's
    recent multi-annotator checks (the last ``RELIABILITY_WINDOW``) and this one, and how many
    tasks that mean covers. Tasks with one annotation measure nothing and do not count."""
    ids = {int(a) for a in evaluation.annotator_agreement}
    scores: dict[int, list[float]] = defaultdict(list)
    if len(ids) > 1:
        for annotator, agreement in evaluation.annotator_agreement.items():
            scores[int(annotator)].append(agreement)
    recent = (ConsistencyReport.objects.filter(task__project_id=task.project_id, annotation_count__gte=2)
              .exclude(task=task).order_by("-id").values_list("annotator_agreement", flat=True)[:RELIABILITY_WINDOW])
    for agreements in recent:
        for annotator, agreement in (agreements or {}).items():
            if int(annotator) in ids:
                scores[int(annotator)].append(float(agreement))
    return {annotator: (sum(values) / len(values), len(values)) for annotator, values in scores.items()}


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
    if "unreliable" in routes:
        for annotator, (agreement, measured) in sorted(reliability(task, evaluation).items()):
            if measured >= MIN_MEASURED and agreement < policy.reliability_bar:
                reasons.append({"code": "unreliable", "annotator": annotator, "agreement": round(agreement, 6),
                                "measured": measured, "threshold": policy.reliability_bar})
        # Honeypots measure each annotator against known answers, even on overlap-1 projects.
        gold = gold_scores(task.project, [int(a) for a in evaluation.annotator_agreement])
        for annotator, scores in sorted(gold.items()):
            accuracy = sum(scores) / len(scores)
            if len(scores) >= MIN_MEASURED and accuracy < policy.reliability_bar:
                reasons.append({"code": "unreliable", "annotator": annotator, "gold_accuracy": round(accuracy, 6),
                                "measured": len(scores), "threshold": policy.reliability_bar})
    if not reasons and "sample" in routes and sampled(task.pk, policy.sample_rate):
        reasons.append({"code": "sample", "rate": policy.sample_rate})
    return reasons


def review_item_open(*, task: Task, reasons: list[dict], policy: ReviewPolicy) -> ReviewItem:
    """Stage 0 of a new review round. Call inside the transaction that moves the task to
    ``in_review``; the one-open-item constraint refuses a second open item for the task."""
    last_round = ReviewItem.objects.filter(task=task).aggregate(n=Max("round"))["n"] or 0
    return ReviewItem.objects.create(task=task, project_id=task.project_id, round=last_round + 1, stage=0,
                                     stage_count=len(policy.stages), min_level=policy.stages[0], reasons=reasons)
