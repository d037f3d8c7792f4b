"""The hash-chained audit log: every write service records one event."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from annotation.models import AuditEvent, Organization
from annotation.sql import fetch, insert

GENESIS = "0" * 64


def _digest(prev: str, *, seq: int, actor: str, action: str, object_type: str, object_id: str,
            data: Any, created_at: str) -> str:
    body = json.dumps(
        [prev, seq, actor, action, object_type, object_id, data, created_at],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()


def audit_record(*, organization_id: int, actor, action: str, obj: Any = None, object_type: str = "",
                 object_id: Any = "", data: dict | None = None) -> AuditEvent:
    """Append one event to the organization's chain.

    Must run inside the caller's transaction: the organization row lock serializes appends so
    the chain never forks, and the event vanishes if the write it records is rolled back.
    """
    assert transaction.get_connection().in_atomic_block, "audit_record runs inside the write's transaction"
    # Raw SQL: every submit appends here (see annotation/sql.py). SQLite's IMMEDIATE transactions
    # serialize writers already.
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    if fetch(f"SELECT id FROM {Organization._meta.db_table} WHERE id = %s{lock}", [organization_id]) is None:
        raise Organization.DoesNotExist(organization_id)
    last = fetch(f"SELECT seq, digest FROM {AuditEvent._meta.db_table} WHERE organization_id = %s "
                 f"ORDER BY seq DESC LIMIT 1", [organization_id])
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    if obj is not None:
        object_type, object_id = type(obj).__name__, obj.pk
    actor_name = getattr(actor, "username", "") or ""
    created_at = timezone.now()
    data = json.loads(json.dumps(data or {}, default=str))
    event = AuditEvent(
        organization_id=organization_id, seq=seq, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name, action=action, object_type=object_type, object_id=str(object_id),
        data=data, created_at=created_at, prev_digest=prev,
    )
    event.digest = _digest(prev, seq=seq, actor=actor_name, action=action, object_type=object_type,
                           object_id=str(object_id), data=data, created_at=created_at.isoformat())
    return insert(event)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def audit_verify(*, organization_id: int, on_progress: Callable[[int], None] | None = None,
                 every: int = 10000) -> list[ChainProblem]:
    """Walk one organization's chain; an edited, inserted or deleted event shows as a problem.
    ``on_progress(events checked)`` is called every ``every`` events (for a command's output)."""
    problems: list[ChainProblem] = []
    prev, expected_seq, checked = GENESIS, 1, 0
    events = AuditEvent.objects.filter(organization_id=organization_id).order_by("seq")
    for event in events.iterator(chunk_size=2000):
        if event.seq != expected_seq:
            problems.append(ChainProblem(event.seq, f"expected seq {expected_seq}: an event is missing or inserted"))
        if event.prev_digest != prev:
            problems.append(ChainProblem(event.seq, "does not link to the previous event"))
        digest = _digest(event.prev_digest, seq=event.seq, actor=event.actor_name, action=event.action,
                         object_type=event.object_type, object_id=event.object_id, data=event.data,
                         created_at=event.created_at.isoformat())
        if digest != event.digest:
            problems.append(ChainProblem(event.seq, "content does not match its digest: edited"))
        prev, expected_seq = event.digest, event.seq + 1
        checked += 1
        if on_progress is not None and checked % every == 0:
            on_progress(checked)
    return problems
