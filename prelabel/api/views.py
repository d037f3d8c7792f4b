"""Pre-label routes: start (or find the latest) pre-label job, list and register model versions, start a retrain job.

Views only translate HTTP: fetch the project through the caller's role, call one service, answer.
A broker that is down is a 503; nothing runs inside the request.
"""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_for_user
from annotation.api.serializers import JobOut
from annotation.errors import ServiceUnavailable
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import BrokerUnavailable
from prelabel.api.serializers import LatestJobOut, ModelVersionIn, ModelVersionOut, RetrainIn
from prelabel.engine import EngineError
from prelabel.selectors import latest_job
from prelabel.services import (
    PrelabelError,
    custom_model_register,
    model_version_stats,
    prelabel_start,
    retrain_start,
)


def _accepted(job) -> Response:
    job.refresh_from_db()
    return Response(JobOut(job).data, status=status.HTTP_202_ACCEPTED)


class PrelabelStartView(APIView):
    @extend_schema(responses={200: LatestJobOut})
    def get(self, request, project_id: int) -> Response:
        """The latest pre-label job (null when none ran), so a page can follow one still running."""
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        return Response(LatestJobOut({"job": latest_job(project=project, kind="prelabel")}).data)

    @extend_schema(request=None, responses={202: JobOut})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        try:
            job = prelabel_start(project=project, actor=request.user)
        except (PrelabelError, EngineError) as exc:
            raise ValidationError({"prelabel": [str(exc)]}) from exc
        except BrokerUnavailable as exc:
            raise ServiceUnavailable() from exc
        return _accepted(job)


class ModelVersionListView(APIView):
    @extend_schema(responses=ModelVersionOut(many=True))
    def get(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id)
        return Response(ModelVersionOut(model_version_stats(project), many=True).data)

    @extend_schema(request=ModelVersionIn, responses={201: ModelVersionOut})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        data = ModelVersionIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            model = custom_model_register(project=project, actor=request.user, **data.validated_data)
        except (PrelabelError, EngineError) as exc:
            raise ValidationError({"version": [str(exc)]}) from exc
        stats = next(row for row in model_version_stats(project) if row["id"] == model.pk)
        return Response(ModelVersionOut(stats).data, status=status.HTTP_201_CREATED)


class RetrainStartView(APIView):
    @extend_schema(request=RetrainIn, responses={202: JobOut})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        data = RetrainIn(data=request.data if isinstance(request.data, dict) else {})
        data.is_valid(raise_exception=True)
        try:
            job = retrain_start(project=project, actor=request.user, label=data.validated_data.get("label"))
        except (PrelabelError, EngineError) as exc:
            raise ValidationError({"retrain": [str(exc)]}) from exc
        except BrokerUnavailable as exc:
            raise ServiceUnavailable() from exc
        return _accepted(job)
