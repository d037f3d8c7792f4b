"""Qualification exams over HTTP. Gold answers leave the server only inside a finished attempt."""
from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import organization_for_user, organization_ids, project_for_user, role_in
from annotation.api.base import StrictSerializer
from annotation.api.serializers import TaskOut
from annotation.models.organizations import MANAGING_ROLES
from review.api.certifications import CertificationOut, ListPagination, int_param
from review.models import Exam, ExamAttempt, Level
from review.services.certification import active_certifications
from review.services.exams import (
    exam_answer_save,
    exam_attempt_finish,
    exam_attempt_start,
    exam_create,
    exam_eligibility,
)


class ExamIn(StrictSerializer):
    project = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    level_granted = serializers.ChoiceField(choices=Level.choices)
    pass_threshold = serializers.FloatField(min_value=0.0, max_value=1.0, required=False, default=0.8)
    max_attempts = serializers.IntegerField(min_value=1, max_value=100, required=False, default=3)
    retry_after_hours = serializers.FloatField(min_value=0.0, required=False, default=24.0)
    tasks = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class AnswerIn(StrictSerializer):
    task = serializers.IntegerField()
    result = serializers.JSONField()


class ExamTaskOut(TaskOut):
    """What a candidate sees of an exam task: its data, never its gold."""

    class Meta(TaskOut.Meta):
        fields = ["id", "data", "media_url", "media_width", "media_height"]


class ExamOut(serializers.ModelSerializer):
    project_name = serializers.CharField(source="project.name")
    item_count = serializers.IntegerField()

    class Meta:
        model = Exam
        fields = ["id", "organization", "project", "project_name", "name", "domain", "level_granted",
                  "pass_threshold", "max_attempts", "retry_after_hours", "item_count", "created_at"]


def exams_with_counts() -> QuerySet[Exam]:
    return Exam.objects.select_related("project").annotate(item_count=Count("items"))


def exam_payloads(exams: list[Exam], user) -> list[dict]:
    """Exams with the caller's own attempts and whether they may start one: two queries in all."""
    attempts: dict[int, list[ExamAttempt]] = {}
    for attempt in ExamAttempt.objects.filter(user=user, exam__in=exams).order_by("started_at"):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    levels = dict(((org, domain), level) for org, domain, level in active_certifications().filter(
        user=user, organization_id__in={e.organization_id for e in exams}).values_list(
        "organization_id", "domain", "level"))
    out = []
    for exam in exams:
        mine = attempts.get(exam.pk, [])
        eligibility = exam_eligibility(exam=exam, user=user, attempts=mine,
                                       level=levels.get((exam.organization_id, exam.domain), 0))
        out.append({**ExamOut(exam).data,
                    "my_attempts": [{"id": a.pk, "status": a.status, "score": a.score,
                                     "finished_at": a.finished_at} for a in mine],
                    "can_start": eligibility.can_start, "next_attempt_at": eligibility.next_attempt_at,
                    "blocked_reason": eligibility.reason or None})
    return out


def attempt_payload(attempt: ExamAttempt) -> dict:
    """The attempt as its candidate sees it; expected answers and scores only once it is finished."""
    exam = attempt.exam
    finished = attempt.status != ExamAttempt.Status.IN_PROGRESS
    answers = {a.item_id: a for a in attempt.answers.all()}
    items = []
    for item in exam.items.select_related("task").order_by("position"):
        answer = answers.get(item.pk)
        score = (answer.score if answer and answer.score is not None else 0.0) if finished else None
        items.append({
            "task": ExamTaskOut(item.task).data, "position": item.position, "answered": answer is not None,
            "given": answer.result if answer else None,
            "correct": score >= exam.pass_threshold if finished else None, "score": score,
            "label_scores": (answer.detail if answer else {}) if finished else None,
            "expected": item.expected if finished else None,
        })
    certification = attempt.certifications.select_related("user", "granted_by").first()
    return {"id": attempt.pk, "exam": exam.pk, "exam_name": exam.name, "user": attempt.user_id,
            "status": attempt.status, "score": attempt.score, "pass_threshold": exam.pass_threshold,
            "started_at": attempt.started_at, "finished_at": attempt.finished_at, "items": items,
            "certification": CertificationOut(certification).data if certification else None}


def exam_for_user(user, exam_id: int) -> Exam:
    exam = exams_with_counts().filter(pk=exam_id, organization_id__in=organization_ids(user)).first()
    if exam is None:
        raise NotFound()
    return exam


def attempt_for_user(user, attempt_id: int, *, candidate_only: bool = False) -> ExamAttempt:
    """The caller's own attempt; managers and owners of the base may read anyone's (not write)."""
    attempt = (ExamAttempt.objects.select_related("exam__project")
               .filter(pk=attempt_id, exam__organization_id__in=organization_ids(user)).first())
    if attempt is None:
        raise NotFound()
    if attempt.user_id != user.pk:
        if role_in(user, attempt.exam.organization_id) not in MANAGING_ROLES:
            raise NotFound()
        if candidate_only:
            raise PermissionDenied(_("Only the candidate answers or finishes an attempt."))
    return attempt


class ExamListView(APIView):
    @extend_schema(operation_id="v1_exams_list",
                   parameters=[OpenApiParameter("organization", int), OpenApiParameter("project", int)],
                   responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        exams = exams_with_counts().filter(organization_id__in=organization_ids(request.user))
        organization = int_param(request, "organization")
        if organization is not None:
            exams = exams.filter(organization=organization_for_user(request.user, organization))
        project = int_param(request, "project")
        if project is not None:
            exams = exams.filter(project=project_for_user(request.user, project))
        paginator = ListPagination()
        page = paginator.paginate_queryset(exams.order_by("-pk"), request, view=self)
        return paginator.get_paginated_response(exam_payloads(list(page), request.user))

    @extend_schema(request=ExamIn, responses={201: OpenApiTypes.OBJECT})
    def post(self, request):
        data = ExamIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        project = project_for_user(request.user, fields.pop("project"), roles=MANAGING_ROLES)
        exam = exam_create(project=project, created_by=request.user, task_ids=fields.pop("tasks"), **fields)
        return Response(exam_payloads([exam_for_user(request.user, exam.pk)], request.user)[0], status=201)


class ExamDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, exam_id: int):
        return Response(exam_payloads([exam_for_user(request.user, exam_id)], request.user)[0])


class ExamAttemptStartView(APIView):
    @extend_schema(request=None, responses={201: OpenApiTypes.OBJECT, 409: OpenApiTypes.OBJECT})
    def post(self, request, exam_id: int):
        attempt = exam_attempt_start(exam=exam_for_user(request.user, exam_id), user=request.user)
        return Response(attempt_payload(attempt), status=201)


class ExamAttemptDetailView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, attempt_id: int):
        return Response(attempt_payload(attempt_for_user(request.user, attempt_id)))


class ExamAnswerView(APIView):
    @extend_schema(request=AnswerIn, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, attempt_id: int):
        attempt = attempt_for_user(request.user, attempt_id, candidate_only=True)
        data = AnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        exam_answer_save(attempt=attempt, user=request.user, task_id=data.validated_data["task"],
                         result=data.validated_data["result"])
        return Response(attempt_payload(attempt))


class ExamAttemptFinishView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, attempt_id: int):
        attempt = attempt_for_user(request.user, attempt_id, candidate_only=True)
        return Response(attempt_payload(exam_attempt_finish(attempt=attempt, user=request.user)))
