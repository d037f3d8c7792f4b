from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import job_for_user, require_role
from annotation.api.serializers import JobOut
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import job_cancel


class JobDetailView(APIView):
    @extend_schema(responses=JobOut)
    def get(self, request, job_id: int):
        return Response(JobOut(job_for_user(request.user, job_id)).data)


class JobCancelView(APIView):
    @extend_schema(request=None, responses=JobOut)
    def post(self, request, job_id: int):
        job = job_for_user(request.user, job_id)
        require_role(request.user, job.organization_id, MANAGING_ROLES)
        return Response(JobOut(job_cancel(job=job, actor=request.user)).data)
