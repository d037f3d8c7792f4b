from rest_framework import serializers


class RetrainIn(serializers.Serializer):
    label = serializers.CharField(required=False, max_length=200)

    def validate(self, attrs):
        unknown = set(self.initial_data or {}) - set(self.fields)
        if unknown:
            raise serializers.ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
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
