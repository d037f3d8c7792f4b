"""Certification levels over HTTP: list (managers see their base, others themselves), grant, revoke."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import organization_for_user, organization_ids, require_role, role_in
from annotation.api.base import StrictSerializer
from annotation.api.serializers import UserOut
from annotation.models.organizations import MANAGING_ROLES
from review.models import Certification, Level
from review.services.certification import (
    active_certifications,
    certification_grant,
    certification_is_active,
    certification_revoke,
)


class CertificationOut(serializers.ModelSerializer):
    user = UserOut()
    granted_by = UserOut(allow_null=True)
    level_name = serializers.SerializerMethodField()
    active = serializers.SerializerMethodField()

    class Meta:
        model = Certification
        fields = ["id", "organization", "user", "domain", "level", "level_name", "granted_via", "reason",
                  "granted_by", "granted_at", "valid_until", "revoked_at", "revoke_reason", "active"]

    def get_level_name(self, certification: Certification) -> str:
        return Level(certification.level).label

    def get_active(self, certification: Certification) -> bool:
        return certification_is_active(certification)


class CertificationIn(StrictSerializer):
    organization = serializers.IntegerField()
    user = serializers.IntegerField()
    domain = serializers.CharField(max_length=64)
    level = serializers.ChoiceField(choices=Level.choices)
    reason = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RevokeIn(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class ListPagination(PageNumberPagination):
    """Pages of 50 as elsewhere; a client may ask for up to 500 (the base's certification matrix)."""

    page_size_query_param = "page_size"
    max_page_size = 500


def int_param(request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None or value == "":
        return None
    if not value.isdigit():
        raise ValidationError({name: [_("must be an id")]})
    return int(value)


def certification_for_manager(user, certification_id: int) -> Certification:
    """A certification of one of the caller's bases (404 otherwise), for its owners and managers (403)."""
    certification = (Certification.objects.select_related("user", "granted_by")
                     .filter(pk=certification_id, organization_id__in=organization_ids(user)).first())
    if certification is None:
        raise NotFound()
    require_role(user, certification.organization_id, MANAGING_ROLES)
    return certification


class CertificationListView(APIView):
    @extend_schema(parameters=[OpenApiParameter(n, int) for n in ("organization", "user")]
                   + [OpenApiParameter("domain", str), OpenApiParameter("active", int)],
                   responses=CertificationOut(many=True))
    def get(self, request):
        orgs = organization_ids(request.user)
        managed = [o for o in orgs if role_in(request.user, o) in MANAGING_ROLES]
        # Managers read their whole base; everyone else only their own levels.
        certifications = Certification.objects.filter(
            Q(organization_id__in=managed) | Q(organization_id__in=orgs, user=request.user))
        organization = int_param(request, "organization")
        if organization is not None:
            certifications = certifications.filter(organization=organization_for_user(request.user, organization))
        user = int_param(request, "user")
        if user is not None:
            certifications = certifications.filter(user_id=user)
        domain = request.query_params.get("domain")
        if domain:
            certifications = certifications.filter(domain=domain)
        if request.query_params.get("active") in ("1", "true"):
            certifications = certifications.filter(pk__in=active_certifications().values("pk"))
        certifications = certifications.select_related("user", "granted_by").order_by("-granted_at", "-pk")
        paginator = ListPagination()
        page = paginator.paginate_queryset(certifications, request, view=self)
        return paginator.get_paginated_response(CertificationOut(page, many=True).data)

    @extend_schema(request=CertificationIn, responses={201: CertificationOut})
    def post(self, request):
        data = CertificationIn(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        organization = organization_for_user(request.user, fields.pop("organization"), roles=MANAGING_ROLES)
        user = get_user_model().objects.filter(pk=fields.pop("user")).first()
        if user is None:
            raise ValidationError({"user": [_("This user is not a member of the organization.")]})
        certification = certification_grant(organization=organization, user=user, granted_by=request.user,
                                            **fields)
        return Response(CertificationOut(certification).data, status=201)


class CertificationRevokeView(APIView):
    @extend_schema(request=RevokeIn, responses=CertificationOut)
    def post(self, request, certification_id: int):
        certification = certification_for_manager(request.user, certification_id)
        data = RevokeIn(data=request.data)
        data.is_valid(raise_exception=True)
        certification = certification_revoke(certification=certification, actor=request.user,
                                             reason=data.validated_data["reason"])
        return Response(CertificationOut(certification).data)

