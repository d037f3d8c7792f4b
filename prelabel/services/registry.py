"""Model versions: the built-in default, registering new ones, loading them once per process,
and what each version is worth (acceptance rate, accuracy against accepted labels)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from annotation.models import Annotation, Project, Task
from annotation.schema import Schema
from annotation.services.audit import audit_record
from prelabel.engine import BackendSpec, EngineError, Prelabeler, default_specs
from prelabel.models import BUILTIN_VERSION, ModelVersion


class PrelabelError(Exception):
    """The project cannot be pre-labeled as asked; the message is fit for its owner."""


def model_version_active(project: Project) -> ModelVersion:
    """The project's active version; the built-in zero-shot default is registered on first use."""
    active = ModelVersion.objects.filter(project=project, is_active=True).first()
    if active is not None:
        return active
    specs = default_specs(project.parsed_schema)
    if not specs:
        raise PrelabelError(_("The built-in model fills choice and multi-choice labels of text; this project has "
                              "none. Register a model for its labels first."))
    try:
        with transaction.atomic():
            version, _created = ModelVersion.objects.get_or_create(
                project=project, version=BUILTIN_VERSION,
                defaults={"kind": "zero_shot", "spec": {n: s.to_dict() for n, s in specs.items()}})
            ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    except IntegrityError:  # another process activated a version at the same moment
        pass
    return ModelVersion.objects.get(project=project, is_active=True)


def model_version_register(*, project: Project, actor, version: str, kind: str, spec: dict[str, dict],
                           head: bytes | None = None, metrics: dict | None = None, device: str = "") -> ModelVersion:
    """Add a version and make it the active one."""
    for name, raw in spec.items():
        BackendSpec.from_dict(raw)  # raises EngineError on a bad spec
        if name not in project.parsed_schema.labels:
            raise EngineError(_("the schema has no label {name}").format(name=repr(name)))
    with transaction.atomic():
        ModelVersion.objects.select_for_update().filter(project=project, is_active=True).update(is_active=False)
        model = ModelVersion.objects.create(project=project, version=version, kind=kind, spec=spec, head=head,
                                            metrics=metrics or {}, device=device, is_active=True)
        audit_record(organization_id=project.organization_id, actor=actor, action="model_version.register",
                     obj=model, data={"version": version, "kind": kind, "metrics": metrics or {}})
    return model


# One loaded Prelabeler per (version row, schema) in this process: a worker loads a model once.
_LOADED: dict[tuple[int, str, str], Prelabeler] = {}


def prelabeler_for(model: ModelVersion, schema: Schema, raw_schema: dict) -> Prelabeler:
    key = (model.pk, model.version, json.dumps(raw_schema, sort_keys=True))
    loaded = _LOADED.get(key)
    if loaded is None:
        from prelabel.engine.head import LinearHead  # imports torch: web processes must not load it

        specs = {name: BackendSpec.from_dict(raw) for name, raw in model.spec.items()}
        heads = {}
        if model.head_label is not None:
            if model.head is None:
                raise EngineError(f"version {model.version} has an embedding_head label but no head")
            heads[model.head_label] = LinearHead.from_bytes(bytes(model.head))
        loaded = Prelabeler.from_specs(schema, specs, heads=heads, device=model.device or None)
        _LOADED.clear()  # keep one model set per process; a worker serves one version at a time
        _LOADED[key] = loaded
    return loaded


def engine_item(task: Task, schema: Schema) -> dict[str, Any]:
    """What the engine reads for a task: its data, with the image field pointed at the stored media."""
    item = dict(task.data)
    image_field = schema.image_field()
    if task.media and image_field:
        item[image_field] = str(Path(settings.MEDIA_ROOT) / task.media)
    return item


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list) and all(isinstance(v, str) for v in a + b):
        return sorted(a) == sorted(b)
    return a == b


def agrees(prediction: dict, result: Any) -> bool:
    """The human result kept every label the prediction filled unchanged (multi-choice as sets)."""
    if not isinstance(result, dict) or not prediction:
        return False
    return all(_same(value, result.get(name)) for name, value in prediction.items())


def model_version_stats(project: Project) -> list[dict[str, Any]]:
    """Each version with its metrics, its acceptance rate (share of submitted annotations made from
    its suggestion that kept it unchanged) and its accuracy against submitted labels on the tasks
    it pre-labeled. Three queries, whatever the number of versions."""
    versions = list(ModelVersion.objects.filter(project=project).defer("head"))
    shown: dict[str, list[bool]] = defaultdict(list)
    for version, result, suggested in Annotation.objects.filter(
            task__project=project, status=Annotation.Status.SUBMITTED, prediction__isnull=False,
    ).values_list("prediction__model_version", "result", "prediction__result"):
        shown[version].append(agrees(suggested, result))
    scored: dict[str, list[bool]] = defaultdict(list)
    for result, version, suggested in Annotation.objects.filter(
            task__project=project, status=Annotation.Status.SUBMITTED,
    ).values_list("result", "task__predictions__model_version", "task__predictions__result"):
        if version is not None:
            scored[version].append(agrees(suggested, result))
    out = []
    for model in versions:
        kept, right = shown.get(model.version, []), scored.get(model.version, [])
        out.append({
            "id": model.pk, "version": model.version, "kind": model.kind, "is_active": model.is_active,
            "labels": sorted(model.spec), "metrics": model.metrics, "created_at": model.created_at,
            "suggestions_used": len(kept),
            "acceptance_rate": sum(kept) / len(kept) if kept else None,
            "labels_compared": len(right),
            "accuracy": sum(right) / len(right) if right else None,
        })
    return out
