from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.access import organization_for_user, organization_ids
from annotation.api.base import StrictSerializer
from annotation.api.serializers import MembershipOut, OrganizationOut
from annotation.models import Membership, Organization, Role
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.organizations import (
    membership_add,
    membership_change_role,
    membership_remove,
    organization_create,
    organization_update,
)


class OrganizationIn(StrictSerializer):
    name = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)


class MemberIn(StrictSerializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)


class RoleIn(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)


class OrganizationListView(APIView):
    @extend_schema(responses=OrganizationOut(many=True))
    def get(self, request):
        organizations = Organization.objects.filter(pk__in=organization_ids(request.user)).order_by("pk")
        return Response(OrganizationOut(organizations, many=True).data)

    @extend_schema(request=OrganizationIn, responses={201: OrganizationOut})
    def post(self, request):
        data = OrganizationIn(data=request.data)
        data.is_valid(raise_exception=True)
        organization = organization_create(owner=request.user, **data.validated_data)
        return Response(OrganizationOut(organization).data, status=201)


class OrganizationDetailView(APIView):
    @extend_schema(responses=OrganizationOut)
    def get(self, request, organization_id: int):
        return Response(OrganizationOut(organization_for_user(request.user, organization_id)).data)

    @extend_schema(request=OrganizationIn, responses=OrganizationOut)
    def patch(self, request, organization_id: int):
        organization = organization_for_user(request.user, organization_id, roles=[Role.OWNER])
        data = OrganizationIn(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        organization = organization_update(organization=organization, actor=request.user, **data.validated_data)
        return Response(OrganizationOut(organization).data)


class MemberListView(APIView):
    @extend_schema(responses=MembershipOut(many=True))
    def get(self, request, organization_id: int):
        organization = organization_for_user(request.user, organization_id, roles=MANAGING_ROLES)
        members = Membership.objects.filter(organization=organization).select_related("user").order_by("pk")
        return Response(MembershipOut(members, many=True).data)

    @extend_schema(request=MemberIn, responses={201: MembershipOut})
    def post(self, request, organization_id: int):
        organization = organization_for_user(request.user, organization_id, roles=MANAGING_ROLES)
        data = MemberIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_add(organization=organization, actor=request.user, **data.validated_data)
        return Response(MembershipOut(membership).data, status=201)


class MemberDetailView(APIView):
    def _membership(self, request, organization_id: int, member_id: int) -> Membership:
        organization = organization_for_user(request.user, organization_id, roles=MANAGING_ROLES)
        membership = Membership.objects.filter(organization=organization, pk=member_id).select_related("user").first()
        if membership is None:
            raise NotFound()
        return membership

    @extend_schema(request=RoleIn, responses=MembershipOut)
    def patch(self, request, organization_id: int, member_id: int):
        membership = self._membership(request, organization_id, member_id)
        data = RoleIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_change_role(membership=membership, actor=request.user, **data.validated_data)
        return Response(MembershipOut(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, organization_id: int, member_id: int):
        membership_remove(membership=self._membership(request, organization_id, member_id), actor=request.user)
        return Response(status=204)
