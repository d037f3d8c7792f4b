"""The quality view of a project and its recompute job. Thin: permissions → selector/service → JSON."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_for_user
from annotation.api.serializers import JobOut
from annotation.errors import ServiceUnavailable
from annotation.models import Role
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import BrokerUnavailable
from review.selectors import project_quality
from review.services.consistency import consistency_recompute_start
from review.tasks import consistency_recompute_run

QUALITY_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER)


class ProjectQualityView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=QUALITY_ROLES)
        return Response(project_quality(project))


class ProjectQualityRecomputeView(APIView):
    @extend_schema(request=None, responses={202: JobOut})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        try:
            job = consistency_recompute_start(
                project=project, actor=request.user,
                send=lambda j: consistency_recompute_run.apply_async(args=[j.pk]))
        except BrokerUnavailable as exc:
            raise ServiceUnavailable() from exc
        return Response(JobOut(job).data, status=status.HTTP_202_ACCEPTED)
