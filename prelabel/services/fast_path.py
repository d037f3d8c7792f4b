"""The single-task fast path: an annotator opened a task that has no suggestion yet.

The workspace asks once and never waits: a message for this one task goes to the ``prelabel``
queue with a short expiry (a suggestion that arrives after the annotator started is useless, so a
busy queue drops it rather than running it late). Asking again while one is in flight sends
nothing more (a cache key lives as long as the message may); a task that already has a prediction
of the active version gets it back at once. The worker runs the same code as a job's chunk, so
the unique (task, model version) keeps a duplicate run harmless.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from celery import current_app
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerOperationalError
from rest_framework.exceptions import PermissionDenied

from annotation.access import role_in
from annotation.models import Assignment, Prediction, Task
from annotation.models.organizations import MANAGING_ROLES
from annotation.services.jobs import BrokerUnavailable
from prelabel.models import ModelVersion
from prelabel.services.registry import model_version_active
from prelabel.services.runs import predictions_store

log = logging.getLogger(__name__)

FAST_TASK = "prelabel.tasks.prelabel_one"
FAST_EXPIRES_S = 30


@dataclass(frozen=True)
class FastPath:
    queued: bool
    predictions: list[Prediction]


def fast_path_allowed(*, user, task: Task) -> None:
    """Managers and owners may ask for any task of their base; others only for one they hold."""
    if role_in(user, task.project.organization_id) in MANAGING_ROLES:
        return
    holds = Assignment.objects.filter(task=task, user=user, state=Assignment.State.ACTIVE,
                                      expires_at__gt=timezone.now()).exists()
    if not holds:
        raise PermissionDenied(_("Only the annotator holding this task (an active lease) may ask for its pre-label."))


def _pending_key(task: Task, model: ModelVersion) -> str:
    return f"prelabel:fast:{task.pk}:{model.pk}"


def task_prelabel_request(*, task: Task) -> FastPath:
    """The task's predictions of the active version, or a queued request for one."""
    model = model_version_active(task.project)
    existing = list(Prediction.objects.filter(task=task, model_version=model.version))
    if existing:
        return FastPath(queued=False, predictions=existing)
    key = _pending_key(task, model)

    def send() -> None:
        try:
            current_app.send_task(FAST_TASK, args=[task.pk, model.version], expires=FAST_EXPIRES_S)
        except (BrokerOperationalError, ConnectionError, OSError) as exc:
            cache.delete(key)
            log.warning("broker unavailable for the fast path of task %s: %s", task.pk, exc)
            raise BrokerUnavailable(str(exc)) from exc

    if cache.add(key, True, FAST_EXPIRES_S):
        transaction.on_commit(send, robust=False)  # at once outside a transaction (a request)
    return FastPath(queued=True, predictions=[])


def task_prelabel_run(*, task_id: int, version: str) -> dict[str, int]:
    """Worker side: predict one task with the given version, exactly as a job's chunk would."""
    task = Task.objects.select_related("project").filter(pk=task_id).first()
    model = ModelVersion.objects.filter(project_id=task.project_id, version=version).first() if task else None
    if task is None or model is None:
        return {"created": 0, "skipped": 0, "invalid": 0}  # deleted meanwhile: nothing to do
    return predictions_store(project=task.project, model=model, task_ids=[task.pk],
                             log_prefix=f"prelabel fast path, task {task_id}")

