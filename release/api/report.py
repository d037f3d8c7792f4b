"""The quality report and value statement of a release. Thin: permissions → service → JSON.

Owners, managers and reviewers of the release's base read them; annotators get 403, everyone
else 404. A report not computed yet is started as a job: 202 ``{"state": "computing", "job"}``.
"""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.api.serializers import JobOut
from annotation.errors import Conflict, ServiceUnavailable
from annotation.models import Role
from annotation.services.jobs import BrokerUnavailable
from release.models import Release
from release.report_tasks import release_report_run
from release.selectors import release_for_user
from release.services.quality_report import ReportUnavailable, release_report_start
from release.services.value import value_response

REPORT_ROLES = (Role.OWNER, Role.MANAGER, Role.REVIEWER)


def _stored_or_started(request, release_id: int, field: str, render: Callable[[Release, dict], dict]) -> Response:
    """200 with the stored JSON of ``field``, or 202 with the job that computes it."""
    release = release_for_user(request.user, release_id, roles=REPORT_ROLES)
    stored = getattr(release, field)
    if stored is not None:
        return Response(render(release, stored))
    try:
        job = release_report_start(release=release, actor=request.user,
                                   send=lambda j: release_report_run.apply_async(args=[j.pk]))
    except ReportUnavailable as exc:
        raise Conflict(str(exc)) from exc
    except BrokerUnavailable as exc:
        raise ServiceUnavailable() from exc
    return Response({"state": "computing", "job": JobOut(job).data}, status=status.HTTP_202_ACCEPTED)


def _priced(release: Release, statement: dict) -> dict:
    return value_response(statement, price=release.project.price_per_token, currency=settings.RELEASE_CURRENCY)


class ReleaseQualityView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT})
    def get(self, request, release_id: int) -> Response:
        return _stored_or_started(request, release_id, "quality_report", lambda release, report: report)


class ReleaseValueView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT, 202: OpenApiTypes.OBJECT})
    def get(self, request, release_id: int) -> Response:
        return _stored_or_started(request, release_id, "value_statement", _priced)
