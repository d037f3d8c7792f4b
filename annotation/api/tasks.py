import mimetypes
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_for_user, role_in, task_for_user
from annotation.api.serializers import (ManagerTaskOut, TaskOut, annotation_payload, prediction_payload,
                                        task_payload)
from annotation.models import Task, TaskStatus
from annotation.models.organizations import LABELING_ROLES, MANAGING_ROLES
from annotation.services.distribution import lease_renew, task_next, task_skip

# Filters are allow-listed: the query string never reaches the ORM as a lookup.
TASK_FILTERS = {"status": set(TaskStatus.values)}


def task_serializer_for(user, organization_id: int):
    return ManagerTaskOut if role_in(user, organization_id) in MANAGING_ROLES else TaskOut


class TaskListView(APIView):
    @extend_schema(parameters=[OpenApiParameter("status", enum=TaskStatus.values)], responses=TaskOut(many=True))
    def get(self, request, project_id: int):
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        tasks = Task.objects.filter(project=project).order_by("id")
        for name, allowed in TASK_FILTERS.items():
            value = request.query_params.get(name)
            if value is not None:
                if value not in allowed:
                    raise ValidationError({name: [_("must be one of {options}").format(options=', '.join(sorted(allowed)))]})
                tasks = tasks.filter(**{name: value})
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(tasks, request, view=self)
        return paginator.get_paginated_response(ManagerTaskOut(page, many=True).data)


class TaskDetailView(APIView):
    @extend_schema(responses=TaskOut)
    def get(self, request, task_id: int):
        task = task_for_user(request.user, task_id)
        serializer = task_serializer_for(request.user, task.project.organization_id)
        if serializer is TaskOut and not task.assignments.filter(user=request.user).exists():
            raise Http404  # annotators reach the tasks they were given, not the whole project
        return Response(serializer(task).data)


class NextTaskView(APIView):
    @extend_schema(request=None, responses={200: dict, 204: None})
    def post(self, request, project_id: int):
        project = project_for_user(request.user, project_id, roles=LABELING_ROLES)
        exclude = request.query_params.get("exclude")
        if exclude is not None and not exclude.isdigit():
            raise ValidationError({"exclude": [_("must be a task id")]})
        claim = task_next(user=request.user, project=project, exclude=int(exclude) if exclude else None)
        if claim is None:
            return Response(status=204)
        return Response({
            "task": task_payload(claim.task),
            "predictions": [prediction_payload(p) for p in claim.predictions],
            "annotation": annotation_payload(claim.annotation) if claim.annotation else None,
            "lease_expires_at": claim.lease_expires_at,
        })


class TaskSkipView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, task_id: int):
        task_skip(user=request.user, task=task_for_user(request.user, task_id, roles=LABELING_ROLES))
        return Response(status=204)


class TaskLeaseView(APIView):
    @extend_schema(request=None, responses={200: dict})
    def post(self, request, task_id: int):
        expires_at = lease_renew(user=request.user, task=task_for_user(request.user, task_id, roles=LABELING_ROLES))
        return Response({"lease_expires_at": expires_at})


class TaskMediaView(APIView):
    """Images and other media pass through here so that only members of the base can read them."""

    @extend_schema(responses={200: bytes})
    def get(self, request, task_id: int):
        task = task_for_user(request.user, task_id)
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / task.media).resolve()
        if not task.media or root not in path.parents or not path.is_file():
            raise Http404
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        response = FileResponse(path.open("rb"), content_type=content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response
