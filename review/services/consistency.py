"""Decide what becomes of a completed task: accepted automatically (with its TaskOutcome), or
sent to review (with a stage-0 ReviewItem; ``routing.py`` says which findings route it).

``consistency_check`` runs once per task that reached its overlap (a Celery task enqueued by the
``task_completed`` receiver) and again from the bulk recompute job for any task still
``completed`` (for instance when the broker was down at submit time). It is idempotent: the status
moves with a conditional update *from completed only*, so a second run, a redelivered message or
a recompute racing the worker finds nothing to do and changes nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from django.db import transaction

from annotation.models import Annotation, Job, Project, Task, TaskStatus
from annotation.services.audit import audit_record
from annotation.services.jobs import job_create, job_enqueue, job_progress
from review.models import ConsistencyReport, TaskOutcome
from review.services.checks import Evaluation, Policy, Submitted, evaluate
from review.services.outcome import consensus_result, outcome_write, result_errors
from review.services.policy import ReviewPolicy
from review.services.routing import review_item_open, route_reasons
from review.services.task_rules import shared_embedding_scans, task_rule_reasons

log = logging.getLogger(__name__)

JOB_KIND = "consistency"
RECOMPUTE_CHUNK = 200


def submitted_annotations(task: Task) -> list[Submitted]:
    rows = (
        Annotation.objects.filter(task=task, status=Annotation.Status.SUBMITTED)
        .order_by("submitted_at", "pk")
        .values_list("pk", "annotator_id", "result", "lead_time")
    )
    return [Submitted(pk, annotator, result if isinstance(result, dict) else {}, float(lead or 0.0))
            for pk, annotator, result, lead in rows]


def task_evaluate(task: Task, annotations: list[Submitted] | None = None) -> Evaluation:
    project = task.project
    annotations = submitted_annotations(task) if annotations is None else annotations
    policy = Policy.from_project(project.review_policy)
    evaluation = evaluate(project.parsed_schema, task.data if isinstance(task.data, dict) else {}, annotations, policy)
    # Rules that look beyond the task's annotations (duplicates, a confident model disagreeing).
    evaluation.reasons.extend(task_rule_reasons(task, evaluation, policy))
    evaluation.accepted = not evaluation.reasons
    return evaluation


def _auto_result(task: Task, evaluation: Evaluation, annotations: list[Submitted]) -> tuple[dict, list[dict]]:
    """What acceptance would store: the single annotation as submitted, or the consensus values.
    A consensus that is not a valid result (it can happen with averaged geometry) is a finding
    that sends the task to review instead."""
    if len(annotations) == 1:
        return annotations[0].result, []
    result = consensus_result(task.project.parsed_schema, evaluation.consensus)
    errors = result_errors(task, result)
    return result, ([{"code": "consensus_invalid", "errors": errors}] if errors else [])


def consistency_check(*, task_id: int) -> ConsistencyReport | None:
    """Check a completed task, route it (accepted, or in_review with a stage-0 review item), and
    write its report, plus the TaskOutcome when it is accepted.

    Returns the task's report (the existing one when the task was already decided), or None for
    a task that does not exist or never completed. The maths runs outside the transaction; the
    conditional status update inside it decides whether this run writes anything.
    """
    task = Task.objects.select_related("project").filter(pk=task_id).first()
    if task is None or task.status != TaskStatus.COMPLETED:
        return ConsistencyReport.objects.filter(task_id=task_id).first()
    annotations = submitted_annotations(task)
    evaluation = task_evaluate(task, annotations)
    policy = ReviewPolicy.parse(task.project.review_policy)
    result, findings = _auto_result(task, evaluation, annotations) if annotations else ({}, [])
    reasons = route_reasons(task=task, evaluation=evaluation, policy=policy, extra_findings=findings)
    accepted = not reasons
    decision = ConsistencyReport.Decision.ACCEPTED if accepted else ConsistencyReport.Decision.REVIEW
    new_status = TaskStatus.ACCEPTED if accepted else TaskStatus.IN_REVIEW
    with transaction.atomic():
        moved = Task.objects.filter(pk=task.pk, status=TaskStatus.COMPLETED).update(status=new_status)
        if not moved:  # someone else decided it in between
            return ConsistencyReport.objects.filter(task_id=task_id).first()
        report, _ = ConsistencyReport.objects.update_or_create(
            task=task,
            defaults={
                "agreement": evaluation.agreement,
                "overall_agreement": evaluation.overall_agreement,
                "consensus": evaluation.consensus,
                "confidence": evaluation.confidence,
                "reasons": evaluation.reasons,
                "annotator_agreement": evaluation.annotator_agreement,
                "annotation_count": len(evaluation.annotator_agreement),
                "decision": decision,
            },
        )
        if accepted:
            outcome_write(task=task, result=result, source=TaskOutcome.Source.AUTO,
                          annotators=[a.annotator_id for a in annotations])
        else:
            review_item_open(task=task, reasons=reasons, policy=policy)
        audit_record(
            organization_id=task.project.organization_id, actor=None, action=f"task.consistency.{decision}",
            obj=task,
            data={"status": new_status, "overall_agreement": evaluation.overall_agreement,
                  "reasons": sorted({r["code"] for r in evaluation.reasons}),
                  "routed": sorted({r["code"] for r in reasons})},
        )
    return report


def _completed_chunks(project_id: int, should_stop: Callable[[], bool] = lambda: False) -> Iterator[list[int]]:
    """Ids of the project's tasks still ``completed``, oldest first, in chunks."""
    pending = Task.objects.filter(project_id=project_id, status=TaskStatus.COMPLETED)
    last_id = 0
    while not should_stop():
        ids = list(pending.filter(pk__gt=last_id).order_by("pk").values_list("pk", flat=True)[:RECOMPUTE_CHUNK])
        if not ids:
            return
        yield ids
        last_id = ids[-1]


def consistency_recompute(*, job: Job, should_stop: Callable[[], bool] = lambda: False) -> dict:
    """Check every task of the job's project that is still ``completed``, in id chunks.

    Progress is stored on the job row after each chunk; a re-run after a crash simply finds fewer
    completed tasks, because checked ones have moved on.
    """
    total = Task.objects.filter(project_id=job.project_id, status=TaskStatus.COMPLETED).count()
    job_progress(job_id=job.pk, done=0, total=total)
    counts = {"checked": 0, ConsistencyReport.Decision.ACCEPTED.value: 0, ConsistencyReport.Decision.REVIEW.value: 0}
    with shared_embedding_scans():
        for ids in _completed_chunks(job.project_id, should_stop):
            for task_id in ids:
                report = consistency_check(task_id=task_id)
                counts["checked"] += 1
                if report is not None:
                    counts[report.decision] += 1
            job_progress(job_id=job.pk, add=len(ids))
    return counts


def consistency_sweep(*, project_id: int) -> int:
    """Check every task of the project still ``completed``, oldest first; how many were checked.

    What the ``task_completed`` receiver queues: one sweep covers every task that completed
    before it runs, so a burst of submits costs one message instead of one per task.
    """
    checked = 0
    with shared_embedding_scans():
        for ids in _completed_chunks(project_id):
            for task_id in ids:
                consistency_check(task_id=task_id)
            checked += len(ids)
    return checked


def consistency_recompute_start(*, project: Project, actor, send: Callable[[Job], object]) -> Job:
    """Create the recompute job and queue it on commit (raises BrokerUnavailable → 503)."""
    with transaction.atomic():
        total = Task.objects.filter(project=project, status=TaskStatus.COMPLETED).count()
        job = job_create(organization_id=project.organization_id, project_id=project.pk, kind=JOB_KIND,
                         created_by=actor, total=total)
        job_enqueue(job, lambda: send(job))
    job.refresh_from_db()
    return job
