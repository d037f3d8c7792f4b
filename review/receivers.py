"""Reactions to the core's domain signals. Receivers only enqueue; the work runs in a worker.

``task_completed`` is sent on commit. Rather than one message per task, the receiver queues one
*sweep* of the project (every task still ``completed``) to run ``SWEEP_DELAY_S`` later, and
queues no other while that one is pending: a task that completes in the meantime has committed
before the pending sweep starts, so that sweep checks it. On a busy project this turns hundreds
of messages a second into one, which matters on the submit path (a broker publish cost more CPU
than the rest of the submit's commit) and for the worker. The "pending" mark is per process;
with Redis a shared key also keeps the web processes from queuing a sweep each.

When the broker is down the task stays ``completed``: the submit that completed it has succeeded
and must not fail now, so the error is logged, and the next sweep of the project, or the bulk
recompute job (``POST /api/v1/projects/{id}/quality/recompute/``), checks it.
"""
from __future__ import annotations

import logging
import time
from functools import cache

import redis
from django.conf import settings
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from review.tasks import consistency_sweep_task

log = logging.getLogger(__name__)

SWEEP_DELAY_S = 1.0
# A mark expires this much before its sweep starts, so that clocks a little apart (web processes,
# Redis, the worker holding the countdown) never let a completion fall after the sweep's start.
MARGIN_S = 0.2
_pending_until: dict[int, float] = {}  # project id → when its queued sweep starts (monotonic)
MARK_PREFIX = "zhibiao:consistency-sweep:"


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1)


def _queued_elsewhere(project_id: int) -> float:
    """Seconds until the mark of a sweep that another web process queued expires, or 0 when
    this process has just set the mark (Redis only; 0 without Redis)."""
    if not settings.REDIS_URL:
        return 0.0
    key = f"{MARK_PREFIX}{project_id}"
    try:
        # The mark's remaining time comes in the same round trip, so that this process does not
        # ask again, on every completion, until the other's sweep has started.
        pipe = _redis().pipeline(transaction=False)
        pipe.set(key, 1, nx=True, px=int((SWEEP_DELAY_S - MARGIN_S) * 1000))
        pipe.pttl(key)
        ours, left_ms = pipe.execute()
    except (RedisError, OSError) as exc:
        log.warning("redis unavailable for the sweep mark (%s); queuing the sweep anyway", exc)
        return 0.0
    return 0.0 if ours else max(left_ms, 0) / 1000


def _forget_mark(project_id: int) -> None:
    if settings.REDIS_URL:
        try:
            _redis().delete(f"{MARK_PREFIX}{project_id}")
        except (RedisError, OSError):
            pass


def forget_pending_sweeps() -> None:
    """Drop every mark (tests: project ids come back after a rollback, the marks must not)."""
    _pending_until.clear()
    if settings.REDIS_URL:
        for key in _redis().scan_iter(f"{MARK_PREFIX}*"):
            _redis().delete(key)


def enqueue_consistency_check(sender, task, **kwargs) -> None:
    project_id = task.project_id
    now = time.monotonic()
    if _pending_until.get(project_id, 0.0) > now:
        return
    elsewhere = _queued_elsewhere(project_id)
    if elsewhere:
        # The mark expires MARGIN_S before that sweep starts: until then it will see this task.
        _pending_until[project_id] = now + elsewhere
        return
    _pending_until[project_id] = now + SWEEP_DELAY_S - MARGIN_S
    try:
        consistency_sweep_task.apply_async((project_id,), countdown=SWEEP_DELAY_S)
    except (BrokerOperationalError, ConnectionError, OSError) as exc:
        # Completions skipped meanwhile stay completed; the project's next sweep checks them.
        _pending_until.pop(project_id, None)
        _forget_mark(project_id)
        log.error("broker unavailable: consistency check of task %s not queued (%s); "
                  "it stays completed until a sweep or a recompute job checks it", task.pk, exc)
