from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from annotation.api.base import StrictSerializer
from annotation.api.serializers import OrganizationOut
from annotation.models import Membership


class CredentialsIn(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


def _authenticate(request):
    data = CredentialsIn(data=request.data)
    data.is_valid(raise_exception=True)
    user = authenticate(request, **data.validated_data)
    if user is None:
        raise ValidationError({"password": [_("Wrong username or password.")]})
    return user


def me_payload(user) -> dict:
    memberships = Membership.objects.filter(user=user).select_related("organization").order_by("organization_id")
    return {
        "id": user.pk,
        "username": user.username,
        "memberships": [{"organization": OrganizationOut(m.organization).data, "role": m.role} for m in memberships],
    }


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=CredentialsIn, responses={200: dict})
    def post(self, request):
        token, _created = Token.objects.get_or_create(user=_authenticate(request))
        return Response({"token": token.key})


@method_decorator(ensure_csrf_cookie, name="dispatch")
class CsrfView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response({"ok": True})


class LoginView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(request=CredentialsIn, responses={200: dict})
    def post(self, request):
        user = _authenticate(request)
        login(request, user)
        return Response({"user": me_payload(user)})


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        logout(request)
        return Response(status=204)


class MeView(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request):
        return Response(me_payload(request.user))
