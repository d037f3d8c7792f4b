"""Qualification exams: build one from gold tasks, take it, grade it, certify on a pass.

The rules a candidate meets (how many attempts, how long between them, whether they already hold
the level) live in ``exam_eligibility`` so the start service and the exam list say the same thing.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from annotation.errors import Conflict
from annotation.models import Project, Task
from annotation.schema import SchemaError, validate_result
from annotation.services.audit import audit_record
from review.models import Certification, Exam, ExamAnswer, ExamAttempt, ExamItem, Level
from review.services.certification import certification_grant, certified_level
from review.services.grading import grade_result, graded_labels

MAX_ITEMS = 200
MAX_RETRY_HOURS = 24 * 365


@dataclass(frozen=True)
class Eligibility:
    can_start: bool
    reason: str = ""
    next_attempt_at: datetime | None = None


def _validate_settings(*, name: str, level_granted: int, pass_threshold: float, max_attempts: int,
                       retry_after_hours: float) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name or not name.strip() or len(name) > 200:
        errors["name"] = [_("A name is 1 to 200 characters.")]
    if level_granted not in Level.values:
        errors["level_granted"] = [_("Level must be one of 1 (trainee), 2 (annotator), 3 (senior), 4 (expert).")]
    if not 0 < pass_threshold <= 1:
        errors["pass_threshold"] = [_("The pass threshold is a score above 0 and at most 1.")]
    if not 1 <= max_attempts <= 100:
        errors["max_attempts"] = [_("Between 1 and 100 attempts.")]
    if not 0 <= retry_after_hours <= MAX_RETRY_HOURS:
        errors["retry_after_hours"] = [_("Between 0 hours and a year.")]
    return errors


def _gold_tasks(project: Project, task_ids: Sequence[int], errors: dict[str, list[str]]) -> list[Task]:
    if not task_ids:
        errors["tasks"] = [_("Pick at least one gold task.")]
        return []
    if len(task_ids) > MAX_ITEMS:
        errors["tasks"] = [_("At most {n} tasks.").format(n=MAX_ITEMS)]
        return []
    found = {t.pk: t for t in Task.objects.filter(project=project, pk__in=task_ids)}
    seen: set[int] = set()
    for i, task_id in enumerate(task_ids):
        task = found.get(task_id)
        if task_id in seen:
            errors[f"tasks[{i}]"] = [_("This task is listed twice.")]
        elif task is None:
            errors[f"tasks[{i}]"] = [_("No such task in this project.")]
        elif not isinstance(task.gold, dict) or not graded_labels(project.parsed_schema, task.gold):
            errors[f"tasks[{i}]"] = [_("This task has no gold answer to grade against.")]
        seen.add(task_id)
    return [found[t] for t in task_ids if t in found]


def exam_create(*, project: Project, name: str, level_granted: int, pass_threshold: float, max_attempts: int,
                retry_after_hours: float, task_ids: Sequence[int], created_by) -> Exam:
    """An exam over gold tasks of one project; it certifies in that project's domain."""
    errors = _validate_settings(name=name, level_granted=level_granted, pass_threshold=pass_threshold,
                                max_attempts=max_attempts, retry_after_hours=retry_after_hours)
    tasks = _gold_tasks(project, task_ids, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        exam = Exam.objects.create(
            organization_id=project.organization_id, project=project, name=name.strip(), domain=project.domain,
            level_granted=level_granted, pass_threshold=pass_threshold, max_attempts=max_attempts,
            retry_after_hours=retry_after_hours, created_by=created_by)
        ExamItem.objects.bulk_create([
            ExamItem(exam=exam, task=task, position=i, expected=task.gold) for i, task in enumerate(tasks)])
        audit_record(organization_id=project.organization_id, actor=created_by, action="exam.create", obj=exam,
                     data={"project": project.pk, "name": exam.name, "domain": exam.domain,
                           "level_granted": level_granted, "tasks": [t.pk for t in tasks]})
    return exam


def exam_eligibility(*, exam: Exam, user, attempts: Sequence[ExamAttempt], now: datetime | None = None,
                     level: int | None = None) -> Eligibility:
    """Whether ``user`` may start an attempt now; ``attempts`` are theirs on this exam."""
    now = now or timezone.now()
    if any(a.status == ExamAttempt.Status.IN_PROGRESS for a in attempts):
        return Eligibility(False, _("You have an attempt in progress; finish it first."))
    if level is None:
        level = certified_level(user_id=user.pk, organization_id=exam.organization_id, domain=exam.domain)
    if level >= exam.level_granted:
        return Eligibility(False, _("You already hold level {level} in {domain}.").format(
            level=level, domain=exam.domain))
    if len(attempts) >= exam.max_attempts:
        return Eligibility(False, _("All {n} attempts are used.").format(n=exam.max_attempts))
    finished = [a.finished_at for a in attempts if a.finished_at is not None]
    if finished:
        next_at = max(finished) + timedelta(hours=exam.retry_after_hours)
        if next_at > now:
            return Eligibility(False, _("The next attempt is allowed from {at}.").format(at=next_at.isoformat()),
                               next_at)
    return Eligibility(True)


def exam_attempt_start(*, exam: Exam, user) -> ExamAttempt:
    """Open an attempt, or raise Conflict (409) saying why not and from when it will be allowed."""
    with transaction.atomic():
        # The exam row lock serializes a candidate's concurrent starts, so two clicks cannot
        # both pass the attempt count.
        Exam.objects.select_for_update().filter(pk=exam.pk).values_list("pk").get()
        now = timezone.now()
        attempts = list(ExamAttempt.objects.filter(exam=exam, user=user))
        eligibility = exam_eligibility(exam=exam, user=user, attempts=attempts, now=now)
        if not eligibility.can_start:
            open_attempt = next((a.pk for a in attempts if a.status == ExamAttempt.Status.IN_PROGRESS), None)
            extra = {"next_attempt_at": eligibility.next_attempt_at, "attempt": open_attempt}
            raise Conflict(eligibility.reason, **{k: v for k, v in extra.items() if v is not None})
        try:
            with transaction.atomic():
                attempt = ExamAttempt.objects.create(exam=exam, user=user, started_at=now)
        except IntegrityError:
            raise Conflict(_("You have an attempt in progress; finish it first.")) from None
        audit_record(organization_id=exam.organization_id, actor=user, action="exam.attempt.start", obj=attempt,
                     data={"exam": exam.pk, "number": len(attempts) + 1})
    return attempt


def _open_attempt(attempt: ExamAttempt, user) -> ExamAttempt:
    """Re-read the attempt under a lock and refuse anything but its owner's open attempt."""
    attempt = ExamAttempt.objects.select_for_update().select_related("exam__project").get(pk=attempt.pk)
    if attempt.user_id != user.pk:
        raise Conflict(_("This is not your attempt."))
    if attempt.status != ExamAttempt.Status.IN_PROGRESS:
        raise Conflict(_("This attempt is finished."), status=attempt.status)
    return attempt


def exam_answer_save(*, attempt: ExamAttempt, user, task_id: int, result) -> ExamAnswer:
    """Store (or replace) the answer to one item, validated against the project's schema."""
    with transaction.atomic():
        attempt = _open_attempt(attempt, user)
        item = ExamItem.objects.filter(exam_id=attempt.exam_id, task_id=task_id).select_related("task").first()
        if item is None:
            raise ValidationError({"task": [_("This task is not part of the exam.")]})
        try:
            validate_result(attempt.exam.project.parsed_schema, result, data=item.task.data,
                            width=item.task.media_width, height=item.task.media_height)
        except SchemaError as exc:
            raise ValidationError(exc.as_dict()) from exc
        answer, _created = ExamAnswer.objects.update_or_create(attempt=attempt, item=item,
                                                               defaults={"result": result})
    return answer


def exam_attempt_finish(*, attempt: ExamAttempt, user) -> ExamAttempt:
    """Grade every item (unanswered ones score 0), decide pass/fail, and on a pass grant the
    exam's level unless the candidate already holds it or a higher one."""
    with transaction.atomic():
        attempt = _open_attempt(attempt, user)
        exam = attempt.exam
        schema = exam.project.parsed_schema
        answers = {a.item_id: a for a in ExamAnswer.objects.filter(attempt=attempt)}
        items = list(exam.items.all())
        scores = []
        for item in items:
            answer = answers.get(item.pk)
            graded = grade_result(schema, item.expected, answer.result if answer else None)
            scores.append(graded.score)
            if answer is not None:
                answer.score, answer.detail = graded.score, graded.labels
                answer.save(update_fields=["score", "detail"])
        attempt.score = sum(scores) / len(scores) if scores else 0.0
        passed = attempt.score >= exam.pass_threshold
        attempt.status = ExamAttempt.Status.PASSED if passed else ExamAttempt.Status.FAILED
        attempt.finished_at = timezone.now()
        attempt.save(update_fields=["score", "status", "finished_at"])
        audit_record(organization_id=exam.organization_id, actor=user, action="exam.attempt.finish", obj=attempt,
                     data={"exam": exam.pk, "score": attempt.score, "status": attempt.status,
                           "answered": len(answers), "items": len(items)})
        if passed and certified_level(user_id=user.pk, organization_id=exam.organization_id,
                                      domain=exam.domain) < exam.level_granted:
            certification_grant(
                organization=exam.organization, user=user, domain=exam.domain, level=exam.level_granted,
                granted_by=None, granted_via=Certification.GrantedVia.EXAM, exam_attempt=attempt,
                # Stored as a record, so in one language whoever's request wrote it.
                reason=f"Passed the exam “{exam.name}” with {attempt.score:.0%}.")
    return attempt
