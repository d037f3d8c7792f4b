"""Every write of the prelabel app: the registry, pre-label jobs, retraining (the flywheel)."""
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
)

__all__ = [
    "CHUNK_SIZE",
    "PrelabelError",
    "model_retrain",
    "model_version_active",
    "model_version_register",
    "model_version_stats",
    "prelabel_chunk",
    "prelabel_job_create",
    "prelabel_job_run",
    "prelabel_start",
    "prelabeler_for",
    "retrain_start",
]
