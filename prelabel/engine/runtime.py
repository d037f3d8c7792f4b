"""Device, precision, batching and the per-process model cache shared by every backend."""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

import numpy as np
import torch

T = TypeVar("T")

_cache: dict[tuple[str, ...], Any] = {}
_cache_lock = threading.Lock()


def resolve_device(device: str | torch.device | None = None) -> torch.device:
    """``None`` or ``"auto"`` picks CUDA when there is one; anything else is taken as given."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def half_dtype(device: torch.device) -> torch.dtype | None:
    """The reduced precision to compute in on ``device``, or None for full fp32 (CPU)."""
    if device.type != "cuda":
        return None
    return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16


def autocast(device: torch.device) -> contextlib.AbstractContextManager[Any]:
    """bf16/fp16 autocast on CUDA; a no-op on CPU, where fp32 is both safer and not slower."""
    dtype = half_dtype(device)
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def cached(key: tuple[str, ...], factory: Callable[[], T]) -> T:
    """Return the object stored under ``key``, building it once per process.

    Celery workers are long-lived, so a model is loaded once and reused by every job. The lock
    keeps two threads from loading the same weights twice.
    """
    with _cache_lock:
        if key not in _cache:
            _cache[key] = factory()
        return _cache[key]


def clear_cache() -> None:
    """Drop every cached model (tests, or a worker told to reload a registry version)."""
    with _cache_lock:
        _cache.clear()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def length_batches(lengths: Sequence[int], batch_size: int) -> Iterator[list[int]]:
    """Yield index batches of inputs of similar length, longest first.

    Sorting cuts padding (a batch is as long as its longest member), and longest-first makes an
    out-of-memory error show on the first batch rather than after minutes of work.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    for start in range(0, len(order), batch_size):
        yield order[start:start + batch_size]


def pad(
    sequences: Sequence[Sequence[int]], pad_id: int, *, left: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad token id lists into ``(input_ids, attention_mask)`` tensors (int64).

    Done in numpy rather than ``tokenizer.pad`` because the latter walks Python dicts per row
    and shows up in profiles of the full path.
    """
    width = max((len(s) for s in sequences), default=0)
    ids = np.full((len(sequences), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, seq in enumerate(sequences):
        n = len(seq)
        if n == 0:
            continue
        cols = slice(width - n, width) if left else slice(0, n)
        ids[row, cols] = seq
        mask[row, cols] = 1
    return torch.from_numpy(ids), torch.from_numpy(mask)


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """Row-wise softmax in float64 so tiny temperatures do not overflow."""
    z = np.asarray(logits, dtype=np.float64) / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def sigmoid(logits: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
