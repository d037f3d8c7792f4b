import math

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import annotation_for_user, task_for_user
from annotation.api.base import StrictSerializer
from annotation.api.serializers import AnnotationOut, annotation_payload
from annotation.models import Annotation
from annotation.models.organizations import LABELING_ROLES
from annotation.services.annotations import annotation_create, annotation_update
from annotation.sql import is_row_id


class AnnotationIn(StrictSerializer):
    result = serializers.JSONField()
    status = serializers.ChoiceField(choices=Annotation.Status.choices, default=Annotation.Status.SUBMITTED)
    lead_time = serializers.FloatField(required=False, default=0.0)
    prediction = serializers.IntegerField(required=False, allow_null=True)


FIELDS = frozenset(AnnotationIn().fields)
STATUSES = frozenset(Annotation.Status.values)
EXACT_FLOAT = 2**53  # an int up to this is the same number as a float


def plain_annotation_in(data) -> dict | None:
    """What ``AnnotationIn`` validates a well-formed body to, without building DRF's fields (a
    tenth of a submit's CPU went there); None for anything else, which ``AnnotationIn`` then
    validates and words the error for. A test holds the two equal wherever this answers."""
    if type(data) is not dict or not data.keys() <= FIELDS or data.get("result") is None:
        return None
    status, lead_time = data.get("status", Annotation.Status.SUBMITTED), data.get("lead_time", 0.0)
    if "status" in data and (type(status) is not str or status not in STATUSES):
        return None
    if not ((type(lead_time) is float and math.isfinite(lead_time))
            or (type(lead_time) is int and -EXACT_FLOAT <= lead_time <= EXACT_FLOAT)):
        return None
    plain = {"result": data["result"], "status": status, "lead_time": float(lead_time)}
    if "prediction" in data:
        prediction = plain["prediction"] = data["prediction"]
        if prediction is not None and (type(prediction) is not int or not is_row_id(prediction)):
            return None
    return plain


class AnnotationPatchIn(StrictSerializer):
    result = serializers.JSONField(required=False)
    status = serializers.ChoiceField(choices=Annotation.Status.choices, required=False)
    lead_time = serializers.FloatField(required=False)
    version = serializers.IntegerField(min_value=1)


class TaskAnnotationsView(APIView):
    @extend_schema(request=AnnotationIn, responses={201: AnnotationOut})
    def post(self, request, task_id: int):
        values = plain_annotation_in(request.data)
        if values is None:
            data = AnnotationIn(data=request.data)
            if not data.is_valid():
                task_for_user(request.user, task_id, roles=LABELING_ROLES)  # a 404 or 403 comes before a 400
                raise ValidationError(data.errors)
            values = data.validated_data
        # The task is found through the caller's roles under its lock, in the submit's first statement.
        annotation = annotation_create(user=request.user, task=task_id, roles=LABELING_ROLES, result=values["result"],
                                       status=values["status"], lead_time=values["lead_time"],
                                       prediction_id=values.get("prediction"))
        return Response(annotation_payload(annotation), status=201)


class AnnotationDetailView(APIView):
    @extend_schema(responses=AnnotationOut)
    def get(self, request, annotation_id: int):
        return Response(AnnotationOut(annotation_for_user(request.user, annotation_id)).data)

    @extend_schema(request=AnnotationPatchIn, responses=AnnotationOut)
    def patch(self, request, annotation_id: int):
        annotation = annotation_for_user(request.user, annotation_id)
        data = AnnotationPatchIn(data=request.data)
        data.is_valid(raise_exception=True)
        annotation = annotation_update(user=request.user, annotation=annotation, **data.validated_data)
        return Response(annotation_payload(annotation))
