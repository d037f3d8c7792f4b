"""Per-task routes of the fast path: ask for one task's pre-label, read its predictions.

The workspace calls the first when a task shows without a suggestion, then polls the second for a
few seconds; neither ever blocks the annotator.
"""
from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import role_in, task_for_user
from annotation.api.serializers import PredictionOut
from annotation.errors import ServiceUnavailable
from annotation.models import Assignment
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import BrokerUnavailable
from prelabel.api.serializers import FastPathOut
from prelabel.engine import EngineError
from prelabel.selectors import task_predictions
from prelabel.services import PrelabelError, fast_path_allowed, task_prelabel_request


class TaskPrelabelView(APIView):
    @extend_schema(request=None, responses={200: FastPathOut, 202: FastPathOut})
    def post(self, request, task_id: int) -> Response:
        task = task_for_user(request.user, task_id)
        fast_path_allowed(user=request.user, task=task)
        try:
            outcome = task_prelabel_request(task=task)
        except (PrelabelError, EngineError) as exc:
            raise ValidationError({"prelabel": [str(exc)]}) from exc
        except BrokerUnavailable as exc:
            raise ServiceUnavailable() from exc
        code = status.HTTP_202_ACCEPTED if outcome.queued else status.HTTP_200_OK
        return Response(FastPathOut(outcome).data, status=code)


class TaskPredictionsView(APIView):
    @extend_schema(responses=PredictionOut(many=True))
    def get(self, request, task_id: int) -> Response:
        task = task_for_user(request.user, task_id)
        managing = role_in(request.user, task.project.organization_id) in MANAGING_ROLES
        if not managing and not Assignment.objects.filter(task=task, user=request.user).exists():
            raise Http404  # like the task itself: annotators reach the tasks they were given
        return Response(PredictionOut(task_predictions(task=task), many=True).data)
