"""The flywheel: fit a head on the encoder embeddings of submitted labels, compare it with the
active version on the same held-out rows, register it only when it is better, re-pre-label."""
from __future__ import annotations

from typing import Any

from celery import current_app
from django.db import transaction
from django.utils.translation import gettext as _

from annotation.models import Annotation, Job, Project, Task, TaskStatus
from annotation.services.jobs import BrokerUnavailable, job_create, job_enqueue
from prelabel.engine import BackendSpec, EngineError
from prelabel.engine.factory import CLASSIFY
from prelabel.engine.inputs import input_field, text_of
from prelabel.models import ModelVersion
from prelabel.services.registry import (
    PrelabelError,
    engine_item,
    model_version_active,
    model_version_register,
    prelabeler_for,
)
from prelabel.services.runs import prelabel_start

RETRAIN_TASK = "prelabel.tasks.retrain_run"
MIN_EXAMPLES = 4
HOLDOUT = 0.25


def _retrain_label(project: Project, model: ModelVersion, requested: str | None) -> str:
    schema = project.parsed_schema
    if requested is not None:
        label = schema.labels.get(requested)
        if label is None or label.type not in CLASSIFY:
            raise PrelabelError(_("{label} is not a choice or multi-choice label of this project.").format(
                label=repr(requested)))
        return requested
    if model.head_label is not None:
        return model.head_label
    # The schema's key order is not kept by PostgreSQL (jsonb), so "the first label" would differ
    # between databases: take single-choice labels before multi-choice ones, then by name.
    learnable = sorted((label.type != "choice", name) for name, label in schema.labels.items()
                       if label.type in CLASSIFY and name in model.spec)
    if learnable:
        return learnable[0][1]
    raise PrelabelError(_("This project has no choice or multi-choice label the built-in model can learn."))


def retrain_start(*, project: Project, actor, label: str | None = None, trigger: str = "manual") -> Job:
    """A queued retrain job (sent once committed); BrokerUnavailable when the queue is down. The job
    records how many tasks were accepted when it started: the flywheel counts from there."""
    model = model_version_active(project)
    name = _retrain_label(project, model, label)
    accepted = Task.objects.filter(project=project, status=TaskStatus.ACCEPTED).count()
    with transaction.atomic():
        job = job_create(organization_id=project.organization_id, project_id=project.pk, kind="retrain",
                         created_by=actor, params={"label": name, "base_version": model.version,
                                                   "accepted": accepted, "trigger": trigger})
        job_enqueue(job, lambda: current_app.send_task(RETRAIN_TASK, args=[job.pk]))
    return job


def _examples(project: Project, name: str, multi: bool) -> tuple[list[dict], list[Any]]:
    """Every submitted annotation's answer for the label, with the task's engine input."""
    items, answers = [], []
    schema = project.parsed_schema
    for annotation in (Annotation.objects.filter(task__project=project, status=Annotation.Status.SUBMITTED)
                       .select_related("task").order_by("pk")):
        value = annotation.result.get(name) if isinstance(annotation.result, dict) else None
        if value is None or (multi and not isinstance(value, list)) or (not multi and not isinstance(value, str)):
            continue
        items.append(engine_item(annotation.task, schema))
        answers.append(value)
    return items, answers


def _next_version(project: Project, name: str) -> str:
    n = ModelVersion.objects.filter(project=project).count() + 1
    return f"minilm-head-{name}-v{n}"


def model_retrain(*, job_id: int, actor=None) -> dict[str, Any]:
    """Run a retrain job; returns what was measured and, when better, the new version (active, with
    a pre-label job queued for the open tasks)."""
    # the encoder and head import torch: only the worker running this job loads it, never a web process
    from prelabel.engine.encoder import BUILTIN_SOURCE, get_encoder
    from prelabel.engine.head import accuracy, train_head

    job = Job.objects.select_related("project", "created_by").get(pk=job_id, kind="retrain")
    project, name = job.project, job.params["label"]
    actor = actor or job.created_by
    current = model_version_active(project)
    schema = project.parsed_schema
    label = schema.labels[name]
    multi = label.type == "multi_choice"
    items, answers = _examples(project, name, multi)
    outcome: dict[str, Any] = {"label": name, "base_version": current.version, "examples": len(answers),
                               "registered": False}
    if len(answers) < MIN_EXAMPLES or len({frozenset(a) if multi else a for a in answers}) < 2:
        outcome["reason"] = (f"Too few labels: need at least {MIN_EXAMPLES} submitted answers for {name!r} "
                             "with two different values.")
        return outcome
    field = input_field(schema, label, "text")
    encoder = get_encoder()
    vectors = encoder.embed([text_of(item, field) for item in items], batch_size=64)
    try:
        report = train_head(vectors, answers, label.options, multi_label=multi, holdout=HOLDOUT,
                            encoder=BUILTIN_SOURCE)
    except EngineError as exc:
        raise PrelabelError(str(exc)) from exc
    held = list(report.eval_indices)
    baseline = 0.0
    if held and name in current.spec:
        backend = next(b for b in prelabeler_for(current, schema, project.schema).backends if b.label == name)
        empty: Any = [] if multi else ""
        guesses = [p.result.get(name, empty) for p in backend.predict([items[i] for i in held])]
        baseline = accuracy(guesses, [answers[i] for i in held])
    outcome.update({"heldout_accuracy": report.accuracy, "baseline_accuracy": baseline,
                    "train_size": report.train_size, "eval_size": report.eval_size})
    if report.accuracy is None or report.accuracy <= baseline:
        outcome["reason"] = "The new head is not better than the active version on the held-out labels."
        return outcome
    spec = {key: value for key, value in current.spec.items() if value.get("kind") != "embedding_head"}
    spec.update({key: BackendSpec(kind="zero_shot").to_dict() for key, value in current.spec.items()
                 if value.get("kind") == "embedding_head" and key != name})  # one stored head per version
    spec[name] = BackendSpec(kind="embedding_head").to_dict()
    metrics = {key: outcome[key] for key in ("label", "heldout_accuracy", "baseline_accuracy", "train_size",
                                             "eval_size", "base_version")}
    model = model_version_register(project=project, actor=actor, version=_next_version(project, name),
                                   kind="embedding_head", spec=spec, head=report.head.to_bytes(), metrics=metrics)
    outcome.update({"registered": True, "version": model.version})
    try:
        outcome["prelabel_job"] = prelabel_start(project=project, actor=actor, model=model).pk
    except BrokerUnavailable:  # the version stands; the owner can start pre-labeling again
        outcome["prelabel_job"] = None
    return outcome
