"""Review decisions: accept, reject or fix one stage of a task's review.

- **accept**: the result under review (see ``reviewed_result``) is good. With more stages to go,
  the next stage's item opens; after the last stage the task is ``accepted`` with a TaskOutcome.
- **fix**: the reviewer's corrected result (validated against the schema) becomes a new revision
  of the base annotation, authored by the reviewer; the annotator's original stays in the
  revision history. The fix is what later stages review and what the outcome holds.
- **reject**: the task goes back to annotation: status ``open``, every submitted annotation back
  to ``draft`` for its annotator (a revision records it), each of them leased the task again so
  next-task hands it back first, an inbox message with the reason, the outcome deleted and any
  open review item closed.

Each decision is one transaction that locks the task and the item, refuses a decided item or one
leased by someone else (409), a level below the stage's ``min_level`` (403; the manager or owner
role does not stand in for a level), and a reviewer who annotated the task or decided an earlier
stage of it (403). Every decision is an audit event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied, ValidationError

from annotation.errors import Conflict
from annotation.models import Annotation, AnnotationRevision, Assignment, Task, TaskStatus
from annotation.services.audit import audit_record
from review.models import ConsistencyReport, InboxMessage, ReviewDecision, ReviewItem, TaskOutcome
from review.services.certification import certified_level
from review.services.cot_verdicts import CotReview, cot_review_parse
from review.services.outcome import consensus_result, outcome_delete, outcome_write, result_errors
from review.services.policy import ReviewPolicy

Kind = ReviewDecision.Kind
SUBMITTED, DRAFT = Annotation.Status.SUBMITTED, Annotation.Status.DRAFT
MAX_REASON = 5000


@dataclass
class Reviewed:
    """The result a stage reviews, and the annotation a fix of it is recorded on."""

    result: dict
    base: Annotation | None


def _submitted(task: Task) -> list[Annotation]:
    return list(Annotation.objects.filter(task=task, status=SUBMITTED).select_related("annotator")
                .order_by("submitted_at", "pk"))


def _closest_to_consensus(annotations: list[Annotation], report: ConsistencyReport | None) -> Annotation | None:
    agreement = (report.annotator_agreement if report else None) or {}
    if not annotations:
        return None
    return max(annotations, key=lambda a: (agreement.get(str(a.annotator_id), 0.0), -annotations.index(a)))


def reviewed_result(item: ReviewItem, *, base_annotation_id: int | None = None) -> Reviewed:
    """What this stage reviews: a chosen annotation; else the previous stage's accepted or fixed
    result in this round; else the single annotation or the consensus of the checks."""
    task = item.task
    annotations = _submitted(task)
    if base_annotation_id is not None:
        chosen = next((a for a in annotations if a.pk == base_annotation_id), None)
        if chosen is None:
            raise ValidationError({"base_annotation": [_("Not a submitted annotation of this task.")]})
        return Reviewed(chosen.result, chosen)
    previous = (ReviewDecision.objects.filter(item__task=task, item__round=item.round, item__stage__lt=item.stage)
                .select_related("base_annotation").order_by("-item__stage").first())
    if previous is not None and previous.result is not None:
        return Reviewed(previous.result, previous.base_annotation)
    if len(annotations) == 1:
        return Reviewed(annotations[0].result, annotations[0])
    report = ConsistencyReport.objects.filter(task=task).first()
    consensus = consensus_result(task.project.parsed_schema, report.consensus if report else {})
    return Reviewed(consensus, _closest_to_consensus(annotations, report))


def _check_input(decision: str, reason: str, result) -> None:
    errors: dict[str, list[str]] = {}
    if decision not in Kind.values:
        errors["decision"] = [_("must be one of {options}").format(options=", ".join(Kind.values))]
    if len(reason) > MAX_REASON:
        errors["reason"] = [_("at most {limit} characters").format(limit=MAX_REASON)]
    elif decision == Kind.REJECT and not reason.strip():
        errors["reason"] = [_("Say why the task is rejected; the annotators read it.")]
    if result is not None and decision != Kind.FIX:
        errors["result"] = [_("Only a fix carries a result.")]
    if errors:
        raise ValidationError(errors)


def _lock(item: ReviewItem, user, now) -> tuple[Task, ReviewItem]:
    task = Task.objects.select_for_update(of=("self",)).select_related("project").get(pk=item.task_id)
    item = ReviewItem.objects.select_for_update(of=("self",)).select_related("task__project").get(pk=item.pk)
    if item.status == ReviewItem.Status.DONE:
        raise Conflict(_("This review item has already been decided."), item_status=item.outcome)
    if (item.status == ReviewItem.Status.LEASED and item.leased_by_id != user.pk
            and item.lease_expires_at and item.lease_expires_at > now):
        raise Conflict(_("Another reviewer holds this item."))
    if task.status != TaskStatus.IN_REVIEW:
        raise Conflict(_("This task is not in review."), task_status=task.status)
    if Annotation.objects.filter(task=task, annotator=user).exists():
        raise PermissionDenied(_("You annotated this task; someone else reviews it."))
    if ReviewDecision.objects.filter(item__task=task, item__round=item.round, reviewer=user).exists():
        raise PermissionDenied(_("You decided an earlier stage of this task; another reviewer takes this one."))
    return task, item


def _fix_revision(base: Annotation, result: dict, reviewer) -> AnnotationRevision:
    base = Annotation.objects.select_for_update().get(pk=base.pk)
    Annotation.objects.filter(pk=base.pk).update(result=result, version=F("version") + 1, updated_at=timezone.now())
    base.refresh_from_db()
    return AnnotationRevision.objects.create(annotation=base, version=base.version, result=result,
                                             status=base.status, author=reviewer)


def _inbox(task: Task, recipient_id: int, kind: str, text: str, sender) -> None:
    InboxMessage.objects.create(organization_id=task.project.organization_id, recipient_id=recipient_id, task=task,
                                project=task.project, kind=kind, text=text, from_user=sender)


def _round_reviews(task: Task, round_: int) -> list[ReviewDecision]:
    return list(ReviewDecision.objects.filter(task=task, item__round=round_).select_related("item", "reviewer")
                .order_by("item__stage"))


def _finish(task: Task, item: ReviewItem, decision: ReviewDecision, reviewer) -> None:
    decisions = _round_reviews(task, item.round)
    verdicts: dict = {}
    for d in decisions:
        verdicts.update(d.cot or {})
    source = TaskOutcome.Source.FIX if any(d.decision == Kind.FIX for d in decisions) else TaskOutcome.Source.REVIEW
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.ACCEPTED)
    task.status = TaskStatus.ACCEPTED
    outcome_write(
        task=task, result=decision.result, source=source,
        annotators=[a.annotator_id for a in _submitted(task)], decided_by=reviewer, decided_level=decision.level,
        reviews=[{"stage": d.item.stage, "reviewer": d.reviewer_id, "username": d.reviewer.username,
                  "level": d.level, "decision": d.decision, "at": d.created_at.isoformat()} for d in decisions],
        cot_verdicts=verdicts or None)


def _next_stage(task: Task, item: ReviewItem) -> ReviewItem:
    # Levels are read from the policy when a stage opens (the count was fixed at routing).
    stages = ReviewPolicy.parse(task.project.review_policy).stages
    stage = item.stage + 1
    return ReviewItem.objects.create(task=task, project_id=task.project_id, round=item.round, stage=stage,
                                     stage_count=item.stage_count, min_level=stages[min(stage, len(stages) - 1)],
                                     reasons=item.reasons)


def _reopen(task: Task, item: ReviewItem, reviewer, reason: str, now) -> list[int]:
    """Send the task back to its annotators; returns their ids."""
    lease_until = now + timedelta(seconds=settings.LEASE_TTL_SECONDS)
    annotators = []
    for annotation in Annotation.objects.select_for_update().filter(task=task, status=SUBMITTED).order_by("pk"):
        Annotation.objects.filter(pk=annotation.pk).update(status=DRAFT, version=F("version") + 1, updated_at=now)
        annotation.refresh_from_db()
        AnnotationRevision.objects.create(annotation=annotation, version=annotation.version,
                                          result=annotation.result, status=DRAFT, author=reviewer)
        # A fresh lease makes next-task give the task back to its annotator first and keeps the
        # place free for them while it lasts.
        Assignment.objects.update_or_create(task=task, user_id=annotation.annotator_id, defaults={
            "state": Assignment.State.ACTIVE, "expires_at": lease_until})
        _inbox(task, annotation.annotator_id, InboxMessage.Kind.REJECTED, reason, reviewer)
        annotators.append(annotation.annotator_id)
    Task.objects.filter(pk=task.pk).update(status=TaskStatus.OPEN, submitted_count=0)
    task.status, task.submitted_count = TaskStatus.OPEN, 0
    ReviewItem.objects.filter(task=task).exclude(status=ReviewItem.Status.DONE).exclude(pk=item.pk).update(
        status=ReviewItem.Status.DONE, outcome="closed", decided_at=now)
    outcome_delete(task=task)
    return annotators


def review_decide(*, user, item: ReviewItem, decision: str, reason: str = "", result: dict | None = None,
                  base_annotation_id: int | None = None, cot=None) -> ReviewDecision:
    """Decide one stage of a review item; see the module docstring for what each decision does."""
    reason = reason or ""
    _check_input(decision, reason, result)
    project = item.task.project
    level = certified_level(user_id=user.pk, organization_id=project.organization_id, domain=project.domain)
    if level < item.min_level:
        raise PermissionDenied(_("This stage needs level {need} in {domain}; yours is {have}.").format(
            need=item.min_level, domain=project.domain, have=level))
    with transaction.atomic():
        now = timezone.now()
        task, item = _lock(item, user, now)
        reviewed = reviewed_result(item, base_annotation_id=base_annotation_id)
        cot_review = cot_review_parse(task.project.parsed_schema, reviewed.result, cot,
                                      required=decision != Kind.REJECT)
        decision, final = _final_result(decision, result, reviewed, cot_review, task)
        row = ReviewDecision(item=item, task=task, reviewer=user, level=level, decision=decision,
                             reason=reason.strip(), result=final, cot=cot_review.verdicts,
                             base_annotation=reviewed.base)
        if decision == Kind.FIX:
            row.revision = _fix_revision(reviewed.base, final, user)
            _inbox(task, reviewed.base.annotator_id, InboxMessage.Kind.FIXED,
                   reason.strip() or _("A reviewer corrected your annotation."), user)
        row.save()
        item.status, item.outcome, item.decided_at = ReviewItem.Status.DONE, decision, now
        item.save(update_fields=["status", "outcome", "decided_at"])
        reopened_for: list[int] = []
        if decision == Kind.REJECT:
            reopened_for = _reopen(task, item, user, reason.strip(), now)
        elif item.stage + 1 < item.stage_count:
            _next_stage(task, item)
        else:
            _finish(task, item, row, user)
        audit_record(organization_id=task.project.organization_id, actor=user, action=f"review.{decision}", obj=row,
                     data={"task": task.pk, "item": item.pk, "round": item.round, "stage": item.stage,
                           "level": level, "reason": row.reason, "task_status": task.status,
                           "revision": row.revision_id, "base_annotation": row.base_annotation_id,
                           "reopened_for": reopened_for})
    return row  # row.task is the locked task, with its new status


def _final_result(decision: str, result: dict | None, reviewed: Reviewed, cot_review: CotReview,
                  task: Task) -> tuple[str, dict | None]:
    """The decision as it stands (rewritten steps make an accept a fix) and the result it keeps."""
    if decision == Kind.REJECT:
        return decision, None
    if cot_review.rewrites:
        if result is not None:
            raise ValidationError({"result": [_("Give either a corrected result or rewritten steps, not both.")]})
        decision, result = Kind.FIX, cot_review.apply(reviewed.result)
    if decision == Kind.FIX:
        if result is None:
            raise ValidationError({"result": [_("A fix needs the corrected result.")]})
        if reviewed.base is None:
            raise ValidationError({"base_annotation": [_("Choose the annotation this fix corrects.")]})
        errors = result_errors(task, result)
        if errors:
            raise ValidationError(errors)
        return decision, result
    errors = result_errors(task, reviewed.result)
    if errors:  # a consensus that is no valid result (averaged geometry, say) cannot be accepted as is
        raise ValidationError({"base_annotation": [
            _("The consensus is not a valid result; accept one annotation or fix the result.")]})
    return decision, reviewed.result
