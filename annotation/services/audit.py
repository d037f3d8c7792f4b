"""The hash-chained audit log: every write service records one event."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from annotation.models import AuditEvent, Organization
from annotation.models.organizations import AUDIT_GENESIS as GENESIS
from annotation.sql import execute, fetch, insert, inserted


def _canonical(value: Any) -> str:
    """The JSON a digest hashes: sorted keys, no spaces, text left unescaped."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _tail(*, actor: str, action: str, object_type: str, object_id: str, data: Any, created_at: str) -> str:
    """A digest's body after its ``["prev",seq,``: PostgreSQL's append completes the body itself
    with the head it reads from the organization row (see _append_sql)."""
    return _canonical([actor, action, object_type, object_id, data, created_at])[1:]


def _digest(prev: str, *, seq: int, **content: Any) -> str:
    """SHA-256 of ``[prev, seq, actor, action, object_type, object_id, data, created_at]`` in
    canonical JSON, built as PostgreSQL's append builds it: the head's part, then the tail."""
    body = f"{_canonical([prev, seq])[:-1]},{_tail(**content)}"
    return hashlib.sha256(body.encode()).hexdigest()


# The event's columns bound from Python; organization, seq and both digests come from the head.
_BOUND = ("actor", "actor_name", "action", "object_type", "object_id", "data", "created_at")


@cache
def _bound_fields() -> list:
    return [AuditEvent._meta.get_field(name) for name in _BOUND]


@cache
def _append_sql() -> str:
    """PostgreSQL's append, one statement: move the organization's head and insert the event.

    Every SET expression of an UPDATE sees the row's old values, and under READ COMMITTED a
    concurrent append waits for the row lock and then re-reads the row's newest version, so
    ``audit_prev = audit_digest`` is the true previous digest and the chain cannot fork. (Reading
    the head through a FROM or a subquery would see the statement's snapshot instead: stale under
    concurrency.) prev is hex and seq an integer, so concatenating them needs no JSON escaping; the
    parameter is the rest of the body (_tail) and the digest equals _digest's byte for byte.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in _bound_fields())
    placeholders = ", ".join(["%s"] * len(_BOUND))
    return (
        f"WITH head AS (UPDATE {quote(Organization._meta.db_table)} SET audit_seq = audit_seq + 1, "
        f"audit_prev = audit_digest, audit_digest = encode(sha256(convert_to("
        f"'[\"' || audit_digest || '\",' || (audit_seq + 1) || ',' || %s, 'UTF8')), 'hex') "
        f"WHERE id = %s RETURNING id, audit_seq, audit_prev, audit_digest) "
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} (organization_id, seq, prev_digest, digest, {columns}) "
        f"SELECT id, audit_seq, audit_prev, audit_digest, {placeholders} FROM head "
        f"RETURNING id, seq, prev_digest, digest"
    )


def _append_elsewhere(event: AuditEvent, content: dict[str, Any]) -> AuditEvent:
    """SQLite: read the head, hash in Python, insert, move the head. Its IMMEDIATE transactions
    (config/settings.py) hold the write lock from BEGIN, so no other append can come between."""
    table = connection.ops.quote_name(Organization._meta.db_table)
    head = fetch(f"SELECT audit_seq, audit_digest FROM {table} WHERE id = %s", [event.organization_id])
    if head is None:
        raise Organization.DoesNotExist(event.organization_id)
    event.seq, event.prev_digest = head[0] + 1, head[1]
    event.digest = _digest(event.prev_digest, seq=event.seq, **content)
    insert(event)
    execute(f"UPDATE {table} SET audit_seq = %s, audit_prev = %s, audit_digest = %s WHERE id = %s",
            [event.seq, event.prev_digest, event.digest, event.organization_id])
    return event


def audit_record(*, organization_id: int, actor, action: str, obj: Any = None, object_type: str = "",
                 object_id: Any = "", data: dict | None = None) -> AuditEvent:
    """Append one event to the organization's chain.

    Must run inside the caller's transaction: the organization row (which holds the chain's head)
    is locked by the append, so appends serialize and the chain never forks, and the event and
    the head's move vanish together if the write they record is rolled back.
    """
    assert transaction.get_connection().in_atomic_block, "audit_record runs inside the write's transaction"
    if obj is not None:
        object_type, object_id = type(obj).__name__, obj.pk
    actor_name = getattr(actor, "username", "") or ""
    created_at = timezone.now()
    # What the JSON column will give back when the chain is verified.
    data = json.loads(json.dumps(data or {}, default=str))
    event = AuditEvent(
        organization_id=organization_id, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=actor_name, action=action, object_type=object_type, object_id=str(object_id),
        data=data, created_at=created_at,
    )
    content = {"actor": actor_name, "action": action, "object_type": object_type, "object_id": str(object_id),
               "data": data, "created_at": created_at.isoformat()}
    if connection.vendor != "postgresql":
        return _append_elsewhere(event, content)
    # Raw SQL, one statement: every submit appends here (see annotation/sql.py).
    row = fetch(_append_sql(), [_tail(**content), organization_id,
                                *(f.get_db_prep_save(getattr(event, f.attname), connection) for f in _bound_fields())])
    if row is None:
        raise Organization.DoesNotExist(organization_id)
    event.seq, event.prev_digest, event.digest = row[1:]
    return inserted(event, row[0])


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
