"""Reactions to the core's domain signals. Receivers only enqueue; the work runs in a worker.

``task_completed`` is already sent on commit, so the task row the worker reads is there. When the
broker is down the task stays ``completed``: the submit that completed it has succeeded and must
not fail now, so the error is logged and the bulk recompute job
(``POST /api/v1/projects/{id}/quality/recompute/``) checks every task left ``completed``.
"""
from __future__ import annotations

import logging

from kombu.exceptions import OperationalError as BrokerOperationalError

from review.tasks import consistency_check_task

log = logging.getLogger(__name__)


def enqueue_consistency_check(sender, task, **kwargs) -> None:
    try:
        consistency_check_task.delay(task.pk)
    except (BrokerOperationalError, ConnectionError, OSError) as exc:
        log.error("broker unavailable: consistency check of task %s not queued (%s); "
                  "it stays completed until a recompute job checks it", task.pk, exc)
