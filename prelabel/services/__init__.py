"""Every write of the prelabel app: the registry, pre-label jobs, retraining (the flywheel)."""
from prelabel.services.custom_models import custom_model_register
from prelabel.services.fast_path import FastPath, fast_path_allowed, task_prelabel_request, task_prelabel_run
from prelabel.services.flywheel import flywheel_check, prelabel_settings_validate
from prelabel.services.registry import (
    PrelabelError,
    model_version_active,
    model_version_register,
    model_version_stats,
    prelabeler_for,
)
from prelabel.services.retrain import model_retrain, retrain_start
from prelabel.services.runs import (
    CHUNK_SIZE,
    prelabel_chunk,
    prelabel_job_create,
    prelabel_job_run,
    prelabel_start,
    predictions_store,
)

__all__ = [
    "CHUNK_SIZE",
    "FastPath",
    "PrelabelError",
    "custom_model_register",
    "fast_path_allowed",
    "flywheel_check",
    "model_retrain",
    "model_version_active",
    "model_version_register",
    "model_version_stats",
    "prelabel_chunk",
    "prelabel_job_create",
    "prelabel_job_run",
    "prelabel_settings_validate",
    "prelabel_start",
    "predictions_store",
    "prelabeler_for",
    "retrain_start",
    "task_prelabel_request",
    "task_prelabel_run",
]
