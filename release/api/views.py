"""The release API: thin views (permissions → service or selector → JSON or a stream)."""
from __future__ import annotations

import importlib
import pkgutil

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

import release.formats
from annotation.access import project_for_user, require_role
from annotation.api.serializers import JobOut
from annotation.errors import Conflict, ServiceUnavailable
from annotation.models import Role
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import BrokerUnavailable
from release.api.serializers import ReleaseDiffOut, ReleaseIn, ReleaseOut
from release.selectors import project_releases, release_for_user
from release.services.diff import DiffRefused, release_diff
from release.services.exports import ExportRefused, release_export
from release.services.snapshot import release_create
from release.tasks import release_build_run

# Reviewers read releases and download masked exports; original personal data is for managers.
READ_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER)

# Every module of release.formats registers its formats when imported.
for _module in pkgutil.iter_modules(release.formats.__path__):
    importlib.import_module(f"release.formats.{_module.name}")


class IgnoreFormatParameter(DefaultContentNegotiation):
    """``?format=`` names the export format here, not a DRF renderer: answer JSON for errors."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ProjectReleasesView(APIView):
    @extend_schema(responses=ReleaseOut(many=True))
    def get(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=READ_ROLES)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(project_releases(project), request, view=self)
        return paginator.get_paginated_response(ReleaseOut(page, many=True).data)

    @extend_schema(request=ReleaseIn, responses={202: OpenApiTypes.OBJECT})
    def post(self, request, project_id: int) -> Response:
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        data = ReleaseIn(data=request.data)
        if not data.is_valid():
            raise ValidationError(_dotted(data.errors))
        try:
            created = release_create(project=project, actor=request.user, name=data.validated_data["name"],
                                     note=data.validated_data["note"],
                                     filters=data.validated_data.get("filters") or {},
                                     send=lambda job: release_build_run.apply_async(args=[job.pk]))
        except BrokerUnavailable as exc:
            raise ServiceUnavailable() from exc
        return Response({"release": ReleaseOut(created).data, "job": JobOut(created.job).data},
                        status=status.HTTP_202_ACCEPTED)


class ReleaseDetailView(APIView):
    @extend_schema(responses=ReleaseOut)
    def get(self, request, release_id: int) -> Response:
        return Response(ReleaseOut(release_for_user(request.user, release_id, roles=READ_ROLES)).data)


class ReleaseExportView(APIView):
    content_negotiation_class = IgnoreFormatParameter

    @extend_schema(parameters=[OpenApiParameter("format", str), OpenApiParameter("unmasked", bool)],
                   responses={200: bytes})
    def get(self, request, release_id: int):
        found = release_for_user(request.user, release_id, roles=READ_ROLES)
        unmasked = request.query_params.get("unmasked", "") in ("1", "true")
        if unmasked:
            require_role(request.user, found.project.organization_id, MANAGING_ROLES)
        options = {k: v for k, v in request.query_params.items() if k not in ("format", "unmasked")}
        try:
            stream = release_export(release=found, actor=request.user,
                                    format_name=request.query_params.get("format", "jsonl"),
                                    unmasked=unmasked, options=options)
        except ExportRefused as exc:
            if exc.field_name is None:
                raise Conflict(exc.message, state=found.state) from exc
            raise ValidationError({exc.field_name: [exc.message]}) from exc
        response = StreamingHttpResponse(stream.chunks, content_type=stream.format.content_type)
        response["Content-Disposition"] = f'attachment; filename="{stream.filename}"'
        return response


class ReleaseDiffView(APIView):
    @extend_schema(parameters=[OpenApiParameter("against", int, required=True), OpenApiParameter("limit", int)],
                   responses=ReleaseDiffOut)
    def get(self, request, release_id: int) -> Response:
        found = release_for_user(request.user, release_id, roles=READ_ROLES)
        against_id = _positive_int(request.query_params, "against", required=True)
        limit = _positive_int(request.query_params, "limit", default=1000, maximum=100000)
        against = release_for_user(request.user, against_id, roles=READ_ROLES)
        try:
            diff = release_diff(release=found, against=against, limit=limit)
        except DiffRefused as exc:
            raise ValidationError({exc.field_name: [exc.message]}) from exc
        return Response(ReleaseDiffOut(diff.as_dict()).data)


def _dotted(errors, prefix: str = "") -> dict:
    """Nested serializer errors as ``{"filters.min_agreement": [...]}``, the API's error shape."""
    flat: dict = {}
    for name, value in errors.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            flat.update(_dotted(value, f"{path}."))
        elif isinstance(value, list) and value and isinstance(value[0], dict):
            for i, item in enumerate(value):
                flat.update(_dotted(item, f"{path}.{i}."))
        else:
            flat[path] = value
    return flat


def _positive_int(params, name: str, *, required: bool = False, default: int | None = None,
                  maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        if required:
            raise ValidationError({name: [_("This parameter is required.")]})
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [_("must be a whole number")]}) from None
    if value < 1 or (maximum is not None and value > maximum):
        raise ValidationError({name: [_("must be between 1 and {maximum}").format(maximum=maximum or _("any"))]})
    return value
