"""The review queue over HTTP: list, lease the next item, read an item, renew its lease.

Thin: permissions → service → JSON. Output is built from prefetched rows (an item's detail is a
fixed number of queries). Blind review (the policy's ``blind``, on by default) hides who
annotated: no annotator on the annotations, no annotator ids in the reasons.
"""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import project_for_user
from annotation.models import Annotation, Prediction, Project
from review.models import ConsistencyReport, ReviewDecision, ReviewItem
from review.services.decisions import reviewed_result
from review.services.policy import ReviewPolicy
from review.services.review_queue import (
    REVIEW_ROLES,
    item_leased_by,
    review_item_for_user,
    review_lease_renew,
    review_next,
    review_queue_items,
)

PROJECT_PARAM = OpenApiParameter("project", int, description="a project id")


def project_param(request, *, required: bool) -> Project | None:
    """``?project=`` (or ``project`` in the JSON body of a POST), fetched through permissions;
    without one, every project the caller may review."""
    raw = request.query_params.get("project")
    if raw is None and isinstance(request.data, dict):
        raw = request.data.get("project")
    if raw is None:
        if required:
            raise ValidationError({"project": [_("This parameter is required.")]})
        return None
    if not str(raw).isdigit():
        raise ValidationError({"project": [_("must be a project id")]})
    return project_for_user(request.user, int(raw), roles=REVIEW_ROLES)


def _reasons(reasons: list, blind: bool) -> list:
    if not blind:
        return reasons
    return [{k: v for k, v in r.items() if k != "annotator"} for r in reasons if isinstance(r, dict)]


def item_out(item: ReviewItem, user) -> dict:
    project = item.project
    return {
        "id": item.pk, "task": item.task_id,
        "project": {"id": project.pk, "name": project.name, "domain": project.domain},
        "round": item.round, "stage": item.stage, "stage_count": item.stage_count, "min_level": item.min_level,
        "reasons": _reasons(item.reasons, ReviewPolicy.parse(project.review_policy).blind),
        "created_at": item.created_at, "leased_by_me": item_leased_by(item, user),
    }


def _user(user) -> dict | None:
    return {"id": user.pk, "username": user.username} if user is not None else None


def _decision_out(d: ReviewDecision) -> dict:
    return {"id": d.pk, "stage": d.item.stage, "reviewer": _user(d.reviewer), "level": d.level,
            "decision": d.decision, "reason": d.reason, "result": d.result, "cot": d.cot,
            "base_annotation": d.base_annotation_id, "created_at": d.created_at}


def item_detail(item: ReviewItem, user) -> dict:
    task = item.task
    project = task.project
    blind = ReviewPolicy.parse(project.review_policy).blind
    annotations = (Annotation.objects.filter(task=task, status=Annotation.Status.SUBMITTED)
                   .select_related("annotator").order_by("submitted_at", "pk"))
    report = ConsistencyReport.objects.filter(task=task).first()
    decisions = (ReviewDecision.objects.filter(task=task, item__round=item.round, item__stage__lt=item.stage)
                 .select_related("item", "reviewer").order_by("item__stage"))
    reviewed = reviewed_result(item)
    return {
        "item": item_out(item, user),
        "task": {"id": task.pk, "data": task.data, "project": project.pk,
                 "media_url": reverse("task-media", args=[task.pk]) if task.media else None,
                 "media_width": task.media_width, "media_height": task.media_height},
        "schema": project.schema,
        "annotations": [{"id": a.pk, "annotator": None if blind else _user(a.annotator), "result": a.result,
                         "lead_time": a.lead_time, "submitted_at": a.submitted_at} for a in annotations],
        "consistency": None if report is None else {
            "agreement": report.agreement, "overall_agreement": report.overall_agreement,
            "consensus": report.consensus, "confidence": report.confidence,
            "reasons": _reasons(report.reasons, blind)},
        "predictions": [{"model_version": p.model_version, "result": p.result, "score": p.score}
                        for p in Prediction.objects.filter(task=task).order_by("-created_at")],
        "decisions": [_decision_out(d) for d in decisions],
        # What accept would accept and what CoT verdicts refer to (step count).
        "reviewed": {"result": reviewed.result, "base_annotation": reviewed.base.pk if reviewed.base else None},
        "lease_expires_at": item.lease_expires_at if item.status == ReviewItem.Status.LEASED else None,
    }


class ReviewQueueView(APIView):
    @extend_schema(parameters=[PROJECT_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        project = project_param(request, required=False)
        items = review_queue_items(user=request.user, project=project)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([item_out(item, request.user) for item in page])


class ReviewQueueNextView(APIView):
    @extend_schema(parameters=[PROJECT_PARAM], request=None, responses={200: OpenApiTypes.OBJECT, 204: None})
    def post(self, request):
        project = project_param(request, required=False)
        item = review_next(user=request.user, project=project)
        if item is None:
            return Response(status=204)
        return Response(item_detail(item, request.user))


class ReviewItemDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, item_id: int):
        item = review_item_for_user(request.user, item_id, need_lease=True)
        return Response(item_detail(item, request.user))


class ReviewItemLeaseView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, item_id: int):
        item = review_item_for_user(request.user, item_id)
        return Response({"lease_expires_at": review_lease_renew(user=request.user, item=item)})
