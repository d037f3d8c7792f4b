"""Zhibiao's pre-labeling inference engine: framework-free (no Django), offline, batched.

Start at :class:`Prelabeler` (many labels, one suggestion per task) or :func:`load_backend`
(one label); see docs/prelabel.md for the whole API.
"""
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
