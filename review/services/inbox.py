"""Annotators' inbox: messages that reviews leave for them (why a task came back, what was fixed)."""
from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.exceptions import NotFound

from review.models import InboxMessage


def inbox_messages(*, user) -> QuerySet[InboxMessage]:
    """The caller's messages, newest first (messages are personal: nobody else reads them)."""
    return (InboxMessage.objects.filter(recipient=user).select_related("project", "from_user")
            .order_by("-id"))


def inbox_mark_read(*, user, message_id) -> InboxMessage:
    """Mark one of the caller's messages read (idempotent: the first read time is kept).
    Reading is not audited: it changes nothing anyone else relies on."""
    try:
        message = inbox_messages(user=user).get(pk=message_id)
    except (InboxMessage.DoesNotExist, ValueError, TypeError):
        raise NotFound() from None
    if message.read_at is None:
        message.read_at = timezone.now()
        InboxMessage.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=message.read_at)
    return message
