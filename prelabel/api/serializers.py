from django.utils.translation import gettext as _
from rest_framework import serializers

from annotation.api.base import StrictSerializer
from annotation.api.serializers import JobOut, PredictionOut


class RetrainIn(serializers.Serializer):
    label = serializers.CharField(required=False, max_length=200)

    def validate(self, attrs):
        unknown = set(self.initial_data or {}) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in sorted(unknown)})
        return attrs


class ModelVersionOut(serializers.Serializer):
    id = serializers.IntegerField()
    version = serializers.CharField()
    kind = serializers.CharField()
    is_active = serializers.BooleanField()
    labels = serializers.ListField(child=serializers.CharField())
    metrics = serializers.DictField()
    created_at = serializers.DateTimeField()
    suggestions_used = serializers.IntegerField(help_text="submitted annotations made from this version's suggestion")
    acceptance_rate = serializers.FloatField(allow_null=True, help_text="share of those that kept it unchanged")
    labels_compared = serializers.IntegerField(help_text="submitted annotations on tasks this version pre-labeled")
    accuracy = serializers.FloatField(allow_null=True, help_text="share of those that agree with its prediction")


class ModelVersionIn(StrictSerializer):
    """A project's own transformers model for one label (the service checks it against the schema
    and the files on disk, naming the field at fault)."""

    label = serializers.CharField(max_length=200)
    kind = serializers.CharField(max_length=32)
    path = serializers.CharField(required=False, allow_blank=False, max_length=1000)
    hub_id = serializers.CharField(required=False, allow_blank=False, max_length=200)
    label_map = serializers.DictField(child=serializers.CharField(allow_null=True, max_length=200), required=False,
                                      allow_empty=True)
    device = serializers.CharField(required=False, allow_blank=True, max_length=16)
    batch_size = serializers.IntegerField(required=False, min_value=1, max_value=4096)
    params = serializers.DictField(required=False)
    version = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,199}$", required=False)


class FastPathOut(serializers.Serializer):
    queued = serializers.BooleanField()
    predictions = PredictionOut(many=True)


class LatestJobOut(serializers.Serializer):
    job = JobOut(allow_null=True)
