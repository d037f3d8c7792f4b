"""Per-process set-up of Celery workers that run inference.

A prefork worker runs ``concurrency`` processes (the CPU count by default) and torch starts one
intra-op thread per core in each of them, so a busy CPU worker runs cores² threads that fight for
the same cores; on a 2-core machine that alone halved throughput. Each child therefore gets an
equal share of the cores (``PRELABEL_TORCH_THREADS`` overrides it). GPU work is unaffected: the
threads only matter for CPU kernels and tokenisation.
"""
from __future__ import annotations

import os
import sys

from django.conf import settings

THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


def torch_threads(cpu_count: int | None, concurrency: int | None, override: int | None = None) -> int:
    """The intra-op threads one worker process should use."""
    if override:
        return max(1, int(override))
    cores = cpu_count or 1
    return max(1, cores // max(1, concurrency or cores))


def limit_torch_threads(sender=None, **kwargs) -> int:
    """``worker_process_init`` receiver: share the cores among the worker's processes."""
    from celery import current_app

    threads = torch_threads(os.cpu_count(), current_app.conf.worker_concurrency,
                            getattr(settings, "PRELABEL_TORCH_THREADS", None))
    if "torch" in sys.modules:  # imported before the fork: set it directly
        sys.modules["torch"].set_num_threads(threads)
    else:  # torch reads these when it is first imported in this process
        for name in THREAD_VARIABLES:
            os.environ.setdefault(name, str(threads))
    return threads
