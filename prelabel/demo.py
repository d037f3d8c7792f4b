"""The pre-labeling side of the demo (receiver of ``annotation.signals.demo_loaded``).

Every demo text project the built-in model can serve (a choice or multi-choice label on text) gets
the flywheel on (retrain after every 10 accepted tasks) and a pre-label job, queued when the
loader's transaction commits: ``make demo`` starts the worker right after loading, so the
suggestions appear within the first minute and the pre-labeling page shows the job's progress.
Safe to run twice: a project that already had a pre-label job is left alone (the check runs
when the demo loads, the job is created once the load committed).
"""
from __future__ import annotations

import logging

from django.db import transaction

from annotation.models import Job
from annotation.services.jobs import BrokerUnavailable
from annotation.services.projects import project_update
from prelabel.engine import default_specs
from prelabel.receivers import queue_embeddings
from prelabel.services import prelabel_start

log = logging.getLogger(__name__)

DEMO_RETRAIN_EVERY = 10


def demo_prelabel(sender, *, organization, users: dict, projects: dict, **kwargs) -> None:
    actor = users.get("manager") or users.get("owner")
    for project in projects.values():
        # Text embeddings for the near-duplicate check (idempotent: tasks with one are skipped).
        transaction.on_commit(lambda project=project: queue_embeddings(project))
        if not default_specs(project.parsed_schema) or Job.objects.filter(project=project, kind="prelabel").exists():
            continue
        if not (project.prelabel or {}).get("retrain_every"):
            project_update(project=project, actor=actor,
                           prelabel={**(project.prelabel or {}), "retrain_every": DEMO_RETRAIN_EVERY})
        # after the loader's commit, so a broker that is down fails this job, not the whole load
        transaction.on_commit(lambda project=project: _start(project, actor))


def _start(project, actor) -> None:
    try:
        prelabel_start(project=project, actor=actor)
    except BrokerUnavailable:  # the demo is loaded; start pre-labeling from the page later
        log.warning("demo: the task queue is unavailable; %s was not pre-labeled", project.name)
