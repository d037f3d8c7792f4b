"""Registering a project's own transformers model as a new model version.

Everything is checked before a row is written, and every refusal names the field at fault: the
label and kind must fit the schema, the weights must be a local safetensors directory (a hub id is
resolved from the local cache only, never downloaded), and the label map must land on options the
schema has. Loading the model itself is left to the worker: the web process never loads weights.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from huggingface_hub import snapshot_download
from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError
from rest_framework.exceptions import ValidationError

from annotation.models import Project
from prelabel.engine import (
    KINDS,
    BackendSpec,
    EngineError,
    LabelMap,
    UnsafeModelError,
    check_model_dir,
    default_specs,
)
from prelabel.engine.inputs import input_field
from prelabel.models import ModelVersion
from prelabel.services.registry import model_version_active, model_version_register

# Kinds whose model has its own label names (config.json id2label) to map onto the options.
LABELLED_KINDS = ("text_classification", "token_classification", "image_classification", "object_detection")
DEVICE = re.compile(r"^(cpu|cuda(:\d{1,2})?)?$")
HUB_CACHE: str | None = None  # None: huggingface_hub's own cache (HF_HUB_CACHE / HF_HOME)


def _fail(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _resolve_source(path: str | None, hub_id: str | None) -> Path:
    """The local model directory: ``path`` as given, or the cached snapshot of ``hub_id``."""
    if bool(path) == bool(hub_id):
        raise _fail("path", _("Give the model's local directory as path, or a hub id already in the local cache "
                              "as hub_id (one of the two)."))
    field = "path" if path else "hub_id"
    source = path
    if hub_id:
        try:
            source = snapshot_download(repo_id=hub_id, local_files_only=True, cache_dir=HUB_CACHE)
        except HFValidationError as exc:
            raise _fail("hub_id", _("Not a hub id: {error}").format(error=exc)) from exc
        except (LocalEntryNotFoundError, FileNotFoundError) as exc:
            raise _fail("hub_id", _("{hub_id} is not in this server's model cache; nothing is downloaded. "
                                    "Copy the model to the server and register its path.").format(
                hub_id=hub_id)) from exc
    try:
        return check_model_dir(source)
    except UnsafeModelError as exc:
        raise _fail(field, str(exc)) from exc


def _model_labels(root: Path, kind: str) -> list[str]:
    """The names the model predicts (entity types for a tagger), from its config.json."""
    try:
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail("path", _("config.json cannot be read: {error}").format(error=exc)) from exc
    id2label = config.get("id2label") or {}
    names = [str(id2label[key]) for key in sorted(id2label, key=lambda k: int(k))] if isinstance(id2label, dict) else []
    if kind == "token_classification":
        # the tokens backend imports torch; web processes must not load it for the other kinds
        from prelabel.engine.backends.tokens import split_tag

        names = sorted({entity for _, entity in map(split_tag, names) if entity is not None})
    return names


def _check_label_map(label_map: Mapping[str, Any] | None, options: tuple[str, ...], label: str,
                     model_names: list[str]) -> None:
    for name, target in (label_map or {}).items():
        if target is not None and target not in options:
            raise _fail(f"label_map.{name}", _("{target} is not an option of label {label} ({options}).").format(
                target=repr(target), label=repr(label), options=", ".join(options)))
        if model_names and name not in model_names:
            raise _fail(f"label_map.{name}", _("The model has no label {name}; it has {names}.").format(
                name=repr(name), names=", ".join(model_names[:30])))
    if model_names:
        try:
            LabelMap.build(model_names, options, label_map)
        except EngineError as exc:
            raise _fail("label_map", str(exc)) from exc


def _version_name(project: Project, requested: str | None, kind: str, label: str) -> str:
    name = requested or f"{kind.replace('_', '-')}-{label}-v{ModelVersion.objects.filter(project=project).count() + 1}"
    if ModelVersion.objects.filter(project=project, version=name).exists():
        raise _fail("version", _("This project already has a version {name}.").format(name=repr(name)))
    return name


def custom_model_register(*, project: Project, actor, label: str, kind: str, path: str | None = None,
                          hub_id: str | None = None, label_map: Mapping[str, str | None] | None = None,
                          device: str = "", batch_size: int | None = None, params: Mapping[str, Any] | None = None,
                          version: str | None = None) -> ModelVersion:
    """A new active version: the active one's backends with ``label`` now filled by this model."""
    schema = project.parsed_schema
    spec_label = schema.labels.get(label)
    if spec_label is None:
        raise _fail("label", _("The schema has no label {label}.").format(label=repr(label)))
    if kind not in KINDS or kind == "embedding_head":
        allowed = sorted(k for k in KINDS if k != "embedding_head")
        raise _fail("kind", _("Unknown kind {kind}; one of {kinds} (heads come from retraining).").format(
            kind=repr(kind), kinds=", ".join(allowed)))
    types, data_kind, param_names = KINDS[kind]
    if spec_label.type not in types:
        raise _fail("kind", _("{kind} cannot fill the {type} label {label}.").format(
            kind=kind, type=spec_label.type, label=repr(label)))
    try:
        input_field(schema, spec_label, data_kind)
    except EngineError as exc:
        raise _fail("label", str(exc)) from exc
    unknown = sorted(set(params or {}) - param_names)
    if unknown:
        raise _fail(f"params.{unknown[0]}", _("{kind} takes no parameter {name} (it takes {names}).").format(
            kind=kind, name=repr(unknown[0]), names=", ".join(sorted(param_names)) or _("none")))
    if not DEVICE.match(device or ""):
        raise _fail("device", _("One of \"\" (CUDA when the worker has it), \"cpu\", \"cuda\" or \"cuda:N\"."))
    root = _resolve_source(path, hub_id)
    if kind in LABELLED_KINDS:
        _check_label_map(label_map, spec_label.options, label, _model_labels(root, kind))
    elif label_map:
        raise _fail("label_map", _("{kind} predicts the schema's options directly; it takes no label_map.").format(
            kind=kind))
    active = model_version_active(project) if _has_default(project) else None
    name = _version_name(project, version, kind, label)
    try:
        spec = BackendSpec(kind=kind, path=str(root), version=name, label_map=dict(label_map) if label_map else None,
                           batch_size=batch_size, params=dict(params or {}))
    except EngineError as exc:
        raise _fail("kind", str(exc)) from exc
    specs = dict(active.spec) if active is not None else {}
    specs[label] = spec.to_dict()
    keeps_head = active is not None and active.head_label is not None and active.head_label != label
    return model_version_register(project=project, actor=actor, version=name, kind=kind, spec=specs,
                                  head=bytes(active.head) if keeps_head and active.head else None,
                                  metrics={"source": hub_id or str(root), "label": label}, device=device or "")


def _has_default(project: Project) -> bool:
    """Whether there is (or can be) an active version to build on; a project the built-in model
    cannot serve (no choice label) starts its first version from nothing."""
    return (ModelVersion.objects.filter(project=project, is_active=True).exists()
            or bool(default_specs(project.parsed_schema)))
