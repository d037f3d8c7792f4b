from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import organization_for_user, organization_ids, project_for_user
from annotation.api.base import StrictSerializer
from annotation.api.serializers import ProjectOut
from annotation.models import PiiPolicy, Project, TaskOrder
from annotation.models.organizations import MANAGING_ROLES
from annotation.schema import SchemaError, parse_schema
from annotation.selectors import project_progress
from annotation.services.projects import project_create, project_update


class ProjectIn(StrictSerializer):
    organization = serializers.IntegerField()
    name = serializers.CharField(max_length=200)
    domain = serializers.CharField(max_length=64, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=20_000)
    instructions = serializers.CharField(required=False, allow_blank=True, max_length=200_000)
    schema = serializers.JSONField()
    overlap = serializers.IntegerField(min_value=1, max_value=20, required=False)
    task_order = serializers.ChoiceField(choices=TaskOrder.choices, required=False)
    review_policy = serializers.DictField(required=False)
    prelabel = serializers.DictField(required=False)
    gold_rate = serializers.FloatField(min_value=0.0, max_value=1.0, required=False)
    pii_policy = serializers.ChoiceField(choices=PiiPolicy.choices, required=False)
    price_per_token = serializers.DecimalField(max_digits=12, decimal_places=8, min_value=0, required=False,
                                               allow_null=True)


class ProjectPatchIn(ProjectIn):
    organization = None  # a project never moves between bases


class SchemaIn(StrictSerializer):
    schema = serializers.JSONField()


class ProjectListView(APIView):
    @extend_schema(responses=ProjectOut(many=True))
    def get(self, request):
        projects = (Project.objects.filter(organization_id__in=organization_ids(request.user))
                    .annotate(task_count=Count("tasks")).order_by("-pk"))
        organization = request.query_params.get("organization")
        if organization is not None:
            projects = projects.filter(organization_id=int(organization) if organization.isdigit() else -1)
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(projects, request, view=self)
        return paginator.get_paginated_response(ProjectOut(page, many=True).data)

    @extend_schema(request=ProjectIn, responses={201: ProjectOut})
    def post(self, request):
        data = ProjectIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organization = organization_for_user(request.user, fields.pop("organization"), roles=MANAGING_ROLES)
        project = project_create(organization=organization, actor=request.user, **fields)
        return Response(ProjectOut(project).data, status=201)


class ProjectDetailView(APIView):
    @extend_schema(responses=ProjectOut)
    def get(self, request, project_id: int):
        return Response(ProjectOut(project_for_user(request.user, project_id)).data)

    @extend_schema(request=ProjectPatchIn, responses=ProjectOut)
    def patch(self, request, project_id: int):
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        data = ProjectPatchIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        project = project_update(project=project, actor=request.user, **data.validated_data)
        return Response(ProjectOut(project).data)


class ProjectProgressView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, project_id: int):
        project = project_for_user(request.user, project_id, roles=MANAGING_ROLES)
        return Response(project_progress(project))


class SchemaValidateView(APIView):
    """Live validation for the schema editor: the same parser that guards saving."""

    @extend_schema(request=SchemaIn, responses={200: dict})
    def post(self, request):
        data = SchemaIn(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            parse_schema(data.validated_data["schema"])
        except SchemaError as exc:
            raise serializers.ValidationError(exc.as_dict()) from exc
        return Response({"valid": True})


