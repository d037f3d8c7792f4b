from django.conf import settings
from django.db import models

from annotation.models.tasks import Task


class Prediction(models.Model):
    """A model's suggestion for a task (written by the prelabel app, read by the workspace)."""

    # The unique constraints lead with the task / annotator / annotation columns, so the foreign keys
    # need no index of their own (one less index to write on every submit).
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predictions", db_index=False)
    model_version = models.CharField(max_length=200)
    result = models.JSONField()
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "model_version"], name="prediction_unique")]


class Annotation(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="annotations", db_index=False)
    annotator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="annotations",
                                  db_index=False)
    result = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    lead_time = models.FloatField(default=0.0)  # seconds spent, summed over sessions
    prediction = models.ForeignKey(Prediction, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "annotator"], name="annotation_unique")]
        indexes = [models.Index(fields=["annotator", "status"], name="annotation_user_status_idx")]


class AnnotationRevision(models.Model):
    """Every saved state of an annotation, so no edit is ever lost."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    version = models.PositiveIntegerField()
    result = models.JSONField()
    status = models.CharField(max_length=10)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["annotation", "version"], name="revision_unique")]
