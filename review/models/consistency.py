"""The automated checks' report (issue 6)."""
from django.db import models

from annotation.models import Task


class ConsistencyReport(models.Model):
    """The automated checks' verdict on one task that reached its overlap.

    Written only by ``review.services.consistency.consistency_check`` (update_or_create on the task),
    so a re-run replaces the report instead of adding one.
    """

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", "Accepted automatically"
        REVIEW = "review", "Sent to review"

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="consistency_report")
    # {label: mean pairwise similarity in [0, 1]}, null for a label when fewer than two annotations.
    agreement = models.JSONField(default=dict, blank=True)
    overall_agreement = models.FloatField(null=True, blank=True)
    # {label: {"value": ..., "confidence": float, ...}}
    consensus = models.JSONField(default=dict, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # [{"code": "low_agreement" | "lead_time_too_short" | ..., "label"?: str, "annotation"?: int, ...}]
    reasons = models.JSONField(default=list, blank=True)
    # {annotator id: mean similarity of that annotator's result to the consensus}
    annotator_agreement = models.JSONField(default=dict, blank=True)
    annotation_count = models.PositiveSmallIntegerField(default=0)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["decision"], name="consistency_decision_idx")]

    def __str__(self) -> str:
        return f"Consistency of task {self.task_id}: {self.decision}"
