"""The flywheel trigger: every N newly accepted tasks start a retrain job.

N is ``Project.prelabel["retrain_every"]`` (unset or null: never). "Newly" counts from the last
retrain job of the project, automatic or started by hand, which records how many tasks were
accepted when it was created. The project row is locked while deciding, so two tasks accepted at
the same moment start one job, not two. The receiver runs after the accepting transaction
committed; it only creates and queues a job, the retrain itself runs on a worker.
"""
from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from annotation.models import Job, Project, Task, TaskStatus
from annotation.services.jobs import BrokerUnavailable
from prelabel.engine import EngineError
from prelabel.services.registry import PrelabelError
from prelabel.services.retrain import retrain_start

log = logging.getLogger(__name__)

SETTINGS = ("retrain_every",)
MAX_RETRAIN_EVERY = 1_000_000


def prelabel_settings_validate(value: Any) -> None:
    """Validator of ``Project.prelabel`` (registered with the core): a 400 naming the key."""
    if not isinstance(value, dict):
        raise ValidationError({"prelabel": [_("Must be an object.")]})
    for key in value:
        if key not in SETTINGS:
            raise ValidationError({f"prelabel.{key}": [
                _("Unknown setting; known: {known}.").format(known=", ".join(SETTINGS))]})
    every = value.get("retrain_every")
    if every is not None and (isinstance(every, bool) or not isinstance(every, int)
                              or not 1 <= every <= MAX_RETRAIN_EVERY):
        raise ValidationError({"prelabel.retrain_every": [
            _("A whole number of accepted tasks from 1 to {maximum}, or null for never.").format(
                maximum=MAX_RETRAIN_EVERY)]})


def retrain_every(project: Project) -> int | None:
    value = (project.prelabel or {}).get("retrain_every")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def flywheel_check(*, project_id: int) -> Job | None:
    """Start a retrain job when ``retrain_every`` more tasks were accepted since the last retrain."""
    try:
        with transaction.atomic():
            project = Project.objects.select_for_update().get(pk=project_id)
            every = retrain_every(project)
            if every is None:
                return None
            accepted = Task.objects.filter(project=project, status=TaskStatus.ACCEPTED).count()
            last = (Job.objects.filter(project=project, kind="retrain").order_by("-pk")
                    .values_list("params", flat=True).first()) or {}
            if accepted - int(last.get("accepted", 0)) < every:
                return None
            job = retrain_start(project=project, actor=None, trigger="flywheel")
    except BrokerUnavailable:  # the job row says so (failed); the next N accepted try again
        log.warning("flywheel of project %s: the task queue is unavailable", project_id)
        return None
    except (PrelabelError, EngineError) as exc:  # nothing the built-in model can learn here
        log.info("flywheel of project %s: %s", project_id, exc)
        return None
    return job
