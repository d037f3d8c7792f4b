"""The model registry: per project, the versions of its pre-label model.

A version is immutable once registered: its ``spec`` (one engine ``BackendSpec`` per label) and
its ``head`` (safetensors bytes of a trained ``LinearHead``, for the one ``embedding_head`` label)
say exactly what produced the Predictions that carry its ``version`` string. At most one version
per project is active; a new version is a new row, never an edit.
"""
from __future__ import annotations

from django.db import models

from annotation.models import Project

BUILTIN_VERSION = "builtin-minilm-zero-shot-v1"


class ModelVersion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="model_versions")
    version = models.CharField(max_length=200)  # what Prediction.model_version records
    kind = models.CharField(max_length=32)  # zero_shot, embedding_head, text_classification, ...
    spec = models.JSONField(default=dict)  # label name -> BackendSpec.to_dict()
    head = models.BinaryField(null=True, blank=True)  # LinearHead.to_bytes() (safetensors), never pickle
    metrics = models.JSONField(default=dict, blank=True)  # held-out accuracy, baseline, train/eval sizes
    # Where the worker runs it: "" picks CUDA when the worker has it, else "cpu", "cuda", "cuda:N".
    device = models.CharField(max_length=16, blank=True, default="")
    is_active = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "version"], name="model_version_unique"),
            models.UniqueConstraint(fields=["project"], condition=models.Q(is_active=True),
                                    name="model_version_one_active"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.version}"

    @property
    def head_label(self) -> str | None:
        """The label the stored head fills (the one spec of kind ``embedding_head``)."""
        return next((name for name, spec in self.spec.items() if spec.get("kind") == "embedding_head"), None)
