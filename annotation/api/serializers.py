"""Output serializers. They read prefetched data only, so a list costs a fixed number of queries."""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from annotation.models import Annotation, Job, Membership, Organization, Prediction, Project, Task


class OrganizationOut(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "name", "city", "created_at"]


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()


class MembershipOut(serializers.ModelSerializer):
    user = UserOut()

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "created_at"]


class ProjectOut(serializers.ModelSerializer):
    task_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Project
        fields = ["id", "organization", "name", "domain", "description", "instructions", "schema", "overlap",
                  "task_order", "review_policy", "prelabel", "gold_rate", "pii_policy", "price_per_token",
                  "created_at", "updated_at", "task_count"]


class TaskOut(serializers.ModelSerializer):
    media_url = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "project", "data", "media_url", "media_width", "media_height", "status", "priority",
                  "submitted_count", "created_at"]

    def get_media_url(self, task: Task) -> str | None:
        return reverse("task-media", args=[task.pk]) if task.media else None


class ManagerTaskOut(TaskOut):
    """Managers also see the gold answer; annotators never do (honeypots stay hidden). Managers
    also see where personal data was found (``pii``), never the unmasked ``data_original``."""

    class Meta(TaskOut.Meta):
        fields = [*TaskOut.Meta.fields, "gold", "pii"]


class PredictionOut(serializers.ModelSerializer):
    class Meta:
        model = Prediction
        fields = ["id", "model_version", "result", "score", "created_at"]


class AnnotationOut(serializers.ModelSerializer):
    class Meta:
        model = Annotation
        fields = ["id", "task", "annotator", "result", "status", "version", "lead_time", "prediction", "created_at",
                  "updated_at", "submitted_at"]


class JobOut(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "kind", "state", "project", "progress_done", "progress_total", "error", "result",
                  "created_at", "started_at", "finished_at"]


# The next-task → submit round trip answers with these plain dicts: the same output as TaskOut,
# PredictionOut and AnnotationOut (a test compares them), without building a serializer's fields
# per object, which cost more CPU than the database did on that path (docs/performance.md).
def _time(value):
    """What ``serializers.DateTimeField().to_representation`` gives. Nothing activates a time zone
    per request, so the current one is the default: asking asgiref's context-local storage for
    it cost more than the formatting (profiled on the next-task → submit path)."""
    if value is None:
        return None
    text = timezone.localtime(value, timezone.get_default_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def task_payload(task: Task) -> dict:
    return {"id": task.pk, "project": task.project_id, "data": task.data,
            "media_url": reverse("task-media", args=[task.pk]) if task.media else None,
            "media_width": task.media_width, "media_height": task.media_height, "status": task.status,
            "priority": task.priority, "submitted_count": task.submitted_count, "created_at": _time(task.created_at)}


def prediction_payload(prediction: Prediction) -> dict:
    return {"id": prediction.pk, "model_version": prediction.model_version, "result": prediction.result,
            "score": prediction.score, "created_at": _time(prediction.created_at)}


def annotation_payload(annotation: Annotation) -> dict:
    return {"id": annotation.pk, "task": annotation.task_id, "annotator": annotation.annotator_id,
            "result": annotation.result, "status": annotation.status, "version": annotation.version,
            "lead_time": annotation.lead_time, "prediction": annotation.prediction_id,
            "created_at": _time(annotation.created_at), "updated_at": _time(annotation.updated_at),
            "submitted_at": _time(annotation.submitted_at)}
