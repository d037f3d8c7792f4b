"""What the prelabel app does when the core (or the review app through it) says something happened.

Receivers only enqueue work. They run after the sender's transaction committed, inside its
request or task, so a failure here is logged and never breaks the accepting request.
"""
from __future__ import annotations

import logging

from prelabel.services.flywheel import flywheel_check

log = logging.getLogger(__name__)


def on_task_accepted(sender, task, **kwargs) -> None:
    """``annotation.signals.task_accepted``: maybe start the flywheel's retrain job."""
    try:
        flywheel_check(project_id=task.project_id)
    except Exception:  # the accepted task stands whatever happens to the retrain trigger
        log.exception("flywheel check failed for project %s", task.project_id)


def on_tasks_imported(sender, project, **kwargs) -> None:
    """``annotation.signals.tasks_imported``: embed the new tasks' text for the near-duplicate check."""
    queue_embeddings(project)


def queue_embeddings(project) -> None:
    from kombu.exceptions import OperationalError as BrokerError

    from prelabel.services.embeddings import embedding_field
    from prelabel.tasks import embed_project

    if embedding_field(project) is None:
        return
    try:
        embed_project.delay(project.pk)
    except (BrokerError, ConnectionError, OSError) as exc:  # the import stands; the rule finds no embedding
        log.error("broker unavailable: embeddings of project %s not queued (%s)", project.pk, exc)
