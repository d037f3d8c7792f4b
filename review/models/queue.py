"""The review queue and what it decides (issue 5): review items per task and stage, the decisions
taken on them, the accepted outcome of a task, and the messages that tell annotators why.

Written only by ``review.services`` (routing, review_queue, decisions, outcome); the rows are the
history, so nothing here is deleted except a ``TaskOutcome`` when its task is reopened.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from annotation.models import Annotation, AnnotationRevision, Organization, Project, Task


class Verdict(models.TextChoices):
    """A chain-of-thought reviewer's verdict on one step or on the final answer."""

    CORRECT = "correct", "Correct"
    INCORRECT = "incorrect", "Incorrect"
    NEUTRAL = "neutral", "Neutral"


class TaskOutcome(models.Model):
    """The accepted result of a task, the one a release exports.

    Written whenever the task becomes ``accepted`` (by the consistency check: source ``auto``; by
    the last review stage: ``review`` or ``fix``) and deleted when the task is reopened.
    """

    class Source(models.TextChoices):
        AUTO = "auto", "Accepted automatically"
        REVIEW = "review", "Accepted in review"
        FIX = "fix", "Fixed in review"

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="outcome")
    result = models.JSONField(default=dict)  # keyed by label name, schema-valid
    source = models.CharField(max_length=8, choices=Source.choices)
    annotators = models.JSONField(default=list)  # user ids with a submitted annotation
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_level = models.PositiveSmallIntegerField(null=True, blank=True)
    domain = models.CharField(max_length=64)
    # [{"stage", "reviewer", "username", "level", "decision", "at"}], in the order they were taken
    reviews = models.JSONField(default=list)
    # {label: {"steps": [{"verdict", "comment"?, "rewrite"?}], "answer": {"verdict", "comment"?}}}
    cot_verdicts = models.JSONField(null=True, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["source"], name="outcome_source_idx")]

    def __str__(self) -> str:
        return f"Outcome of task {self.task_id} ({self.source})"


class ReviewItem(models.Model):
    """One stage of review for one task. Stage ``n + 1`` is created when stage ``n`` accepts or
    fixes; ``round`` counts how often the task came back to review after a rejection, so the
    items of earlier rounds stay as history."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a reviewer"
        LEASED = "leased", "Leased by a reviewer"
        DONE = "done", "Decided or closed"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="review_items")
    # Denormalized from the task so a queue is one index walk per project.
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="review_items")
    round = models.PositiveSmallIntegerField(default=1)
    stage = models.PositiveSmallIntegerField(default=0)
    stage_count = models.PositiveSmallIntegerField(default=1)  # frozen from the policy at routing
    min_level = models.PositiveSmallIntegerField(default=3)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    # [{"code": ...}] from the consistency report, plus {"code": "sample"} and the like from routing
    reasons = models.JSONField(default=list, blank=True)
    leased_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # accept / reject / fix once decided; "closed" when a rejection at another stage ended it.
    outcome = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "round", "stage"], name="review_item_unique_stage"),
            # At most one open item per task: routing and stage hand-over can never double it.
            models.UniqueConstraint(fields=["task"], condition=~Q(status="done"), name="review_item_one_open"),
            models.CheckConstraint(condition=Q(min_level__gte=1, min_level__lte=4), name="review_item_level_range"),
        ]
        indexes = [models.Index(fields=["project", "status", "min_level", "id"], name="review_item_queue_idx")]

    def __str__(self) -> str:
        return f"Review of task {self.task_id}, stage {self.stage + 1}/{self.stage_count}"


class ReviewDecision(models.Model):
    class Kind(models.TextChoices):
        ACCEPT = "accept", "Accept"
        REJECT = "reject", "Reject"
        FIX = "fix", "Fix"

    item = models.OneToOneField(ReviewItem, on_delete=models.CASCADE, related_name="decision")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="review_decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()  # the reviewer's certified level when deciding
    decision = models.CharField(max_length=8, choices=Kind.choices)
    reason = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)  # the corrected result of a fix
    cot = models.JSONField(null=True, blank=True)  # chain-of-thought verdicts, as TaskOutcome.cot_verdicts
    base_annotation = models.ForeignKey(Annotation, null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+")
    revision = models.ForeignKey(AnnotationRevision, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")  # the reviewer's revision a fix wrote
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.decision} on task {self.task_id} by {self.reviewer_id}"


class InboxMessage(models.Model):
    class Kind(models.TextChoices):
        REJECTED = "rejected", "Your annotation was sent back"
        FIXED = "fixed", "A reviewer corrected your annotation"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = models.TextField()
    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-id"], name="inbox_recipient_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
