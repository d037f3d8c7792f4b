"""The caller's inbox: any signed-in member reads their own messages and marks them read."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from review.models import InboxMessage
from review.services.inbox import inbox_mark_read, inbox_messages


def message_out(m: InboxMessage) -> dict:
    return {"id": m.pk, "task": m.task_id,
            "project": {"id": m.project.pk, "name": m.project.name} if m.project else None,
            "kind": m.kind, "text": m.text,
            "from_user": {"id": m.from_user.pk, "username": m.from_user.username} if m.from_user else None,
            "created_at": m.created_at, "read_at": m.read_at}


class InboxView(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(inbox_messages(user=request.user), request, view=self)
        return paginator.get_paginated_response([message_out(m) for m in page])


class InboxReadView(APIView):
    @extend_schema(request=None, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, message_id: int):
        return Response(message_out(inbox_mark_read(user=request.user, message_id=message_id)))
