from django.db import transaction
from django.http import StreamingHttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from annotation.access import project_for_user
from annotation.export import export_csv, export_jsonl
from annotation.models import TaskStatus
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.audit import audit_record

FORMATS = {"jsonl": (export_jsonl, "application/x-ndjson"), "csv": (export_csv, "text/csv; charset=utf-8")}


class ProjectExportView(APIView):
    @extend_schema(parameters=[OpenApiParameter("format", enum=list(FORMATS)),
                               OpenApiParameter("status", enum=TaskStatus.values)], responses={200: bytes})
    def get(self, request, project_id: int):
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        fmt = request.query_params.get("format", "jsonl")
        status = request.query_params.get("status")
        if fmt not in FORMATS:
            raise ValidationError({"format": [f"must be one of {', '.join(FORMATS)}"]})
        if status is not None and status not in TaskStatus.values:
            raise ValidationError({"status": [f"must be one of {', '.join(TaskStatus.values)}"]})
        with transaction.atomic():
            audit_record(organization_id=project.organization_id, actor=request.user, action="project.export",
                         obj=project, data={"format": fmt, "status": status})
        produce, content_type = FORMATS[fmt]
        response = StreamingHttpResponse(produce(project, status=status), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="project-{project.pk}.{fmt}"'
        return response
