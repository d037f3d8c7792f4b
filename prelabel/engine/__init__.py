"""Zhibiao's pre-labeling inference engine: framework-free (no Django), offline, batched.

Start at :class:`Prelabeler` (many labels, one suggestion per task) or :func:`load_backend`
(one label); see docs/prelabel.md for the whole API.

The public names are resolved lazily (PEP 562): most submodules import torch and transformers
(~380 MB per process), and web processes import this package only for its torch-free names
(``EngineError``, ``LabelMap``, ...). A name is imported from its submodule on first access.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prelabel.engine.encoder import BUILTIN_SOURCE, Encoder, builtin_model_path, get_encoder
    from prelabel.engine.factory import KINDS, BackendSpec, Prelabeler, default_specs, load_backend
    from prelabel.engine.head import HeadBackend, HeadReport, LinearHead, accuracy, train_head
    from prelabel.engine.labels import LabelMap
    from prelabel.engine.loading import check_model_dir
    from prelabel.engine.runtime import clear_cache
    from prelabel.engine.types import (
        Backend,
        EngineError,
        Prediction,
        TaskPrediction,
        UnsafeModelError,
    )
    from prelabel.engine.uncertainty import entropy, margin, task_uncertainty
    from prelabel.engine.zero_shot import ZeroShotBackend

# public name -> submodule that defines it (torch-free at import: factory, labels, types, uncertainty)
_SUBMODULE = {
    "BUILTIN_SOURCE": "encoder",
    "Encoder": "encoder",
    "builtin_model_path": "encoder",
    "get_encoder": "encoder",
    "KINDS": "factory",
    "BackendSpec": "factory",
    "Prelabeler": "factory",
    "default_specs": "factory",
    "load_backend": "factory",
    "HeadBackend": "head",
    "HeadReport": "head",
    "LinearHead": "head",
    "accuracy": "head",
    "train_head": "head",
    "LabelMap": "labels",
    "check_model_dir": "loading",
    "clear_cache": "runtime",
    "Backend": "types",
    "EngineError": "types",
    "Prediction": "types",
    "TaskPrediction": "types",
    "UnsafeModelError": "types",
    "entropy": "uncertainty",
    "margin": "uncertainty",
    "task_uncertainty": "uncertainty",
    "ZeroShotBackend": "zero_shot",
}

__all__ = [
    "BUILTIN_SOURCE",
    "KINDS",
    "Backend",
    "BackendSpec",
    "Encoder",
    "EngineError",
    "HeadBackend",
    "HeadReport",
    "LabelMap",
    "LinearHead",
    "Prediction",
    "Prelabeler",
    "TaskPrediction",
    "UnsafeModelError",
    "ZeroShotBackend",
    "accuracy",
    "builtin_model_path",
    "check_model_dir",
    "clear_cache",
    "default_specs",
    "entropy",
    "get_encoder",
    "load_backend",
    "margin",
    "task_uncertainty",
    "train_head",
]


def __getattr__(name: str) -> Any:
    submodule = _SUBMODULE.get(name)
    if submodule is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{submodule}"), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
