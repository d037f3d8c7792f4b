"""Input validators and output serializers of the release API."""
from __future__ import annotations

from rest_framework import serializers

from annotation.api.base import StrictSerializer
from release.formats import FORMATS
from release.models import Release
from release.services.manifest import schema_of

SOURCES = ("auto", "review", "fix")
MAX_TASK_IDS = 10000


class ReleaseFiltersIn(StrictSerializer):
    statuses = serializers.ListField(child=serializers.ChoiceField(choices=["accepted"]), required=False,
                                     allow_empty=False, help_text="Only accepted tasks are released.")
    sources = serializers.ListField(child=serializers.ChoiceField(choices=SOURCES), required=False, allow_empty=False)
    min_agreement = serializers.FloatField(min_value=0.0, max_value=1.0, required=False, allow_null=True)
    task_ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, allow_empty=False,
                                     max_length=MAX_TASK_IDS)


class ReleaseIn(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    filters = ReleaseFiltersIn(required=False)


def applicable_formats(release: Release) -> list[dict]:
    schema = schema_of(release.manifest)
    return [{"name": f.name, "description": f.description, "extension": f.extension}
            for f in FORMATS.values() if f.applies(schema)]


class ReleaseOut(serializers.ModelSerializer):
    created_by = serializers.SerializerMethodField()
    formats = serializers.SerializerMethodField()

    class Meta:
        model = Release
        fields = ["id", "project", "version", "name", "note", "state", "filters", "job", "created_by", "created_at",
                  "finished_at", "record_count", "manifest", "merkle_root", "audit_head", "error", "formats"]

    def get_created_by(self, release: Release) -> dict | None:
        user = release.created_by
        return {"id": user.pk, "username": user.username} if user else None

    def get_formats(self, release: Release) -> list[dict]:
        return applicable_formats(release)


class ReleaseDiffOut(serializers.Serializer):
    added = serializers.ListField(child=serializers.CharField())
    removed = serializers.ListField(child=serializers.CharField())
    changed = serializers.ListField(child=serializers.CharField())
    counts = serializers.DictField(child=serializers.IntegerField())
    truncated = serializers.BooleanField()
