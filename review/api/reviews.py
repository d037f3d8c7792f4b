"""``POST /reviews/``: accept, reject or fix one review item. Validate → ``review_decide`` → JSON."""
from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.api.base import StrictSerializer
from review.models import ReviewDecision
from review.services.decisions import MAX_REASON, review_decide
from review.services.review_queue import review_item_for_user


class ReviewIn(StrictSerializer):
    item = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=ReviewDecision.Kind.choices)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=MAX_REASON, trim_whitespace=True)
    result = serializers.JSONField(required=False, allow_null=True)
    base_annotation = serializers.IntegerField(required=False, allow_null=True)
    cot = serializers.JSONField(required=False, allow_null=True)

    def validate_result(self, value):
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError(_("must be an object keyed by label name"))
        return value


class ReviewCreateView(APIView):
    @extend_schema(request=ReviewIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = ReviewIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        item = review_item_for_user(request.user, fields["item"])
        decision = review_decide(user=request.user, item=item, decision=fields["decision"],
                                 reason=fields.get("reason", ""), result=fields.get("result"),
                                 base_annotation_id=fields.get("base_annotation"), cot=fields.get("cot"))
        return Response({"id": decision.pk, "item": item.pk, "decision": decision.decision,
                         "stage": item.stage, "task_status": decision.task.status}, status=201)
