"""Plumbing shared by the transformers backends: tokenized batching and model limits."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import torch

from prelabel.engine.runtime import length_batches, pad

# Keys that a tokenizer may return besides what the model consumes.
NON_MODEL_KEYS = {"offset_mapping", "overflow_to_sample_mapping", "special_tokens_mask", "length"}


def max_length(tokenizer: Any, model: Any, cap: int = 512) -> int:
    """The longest input the model accepts: tokenizers often report a placeholder (1e30)."""
    limits = [cap, int(min(tokenizer.model_max_length, 1 << 30))]
    positions = getattr(model.config, "max_position_embeddings", None)
    if isinstance(positions, int) and positions > 0:
        limits.append(positions)
    return min(limits)


def padded_batches(
    features: dict[str, list[list[int]]],
    batch_size: int,
    pad_id: int,
    device: torch.device,
    *,
    left: bool = False,
) -> Iterator[tuple[list[int], dict[str, torch.Tensor]]]:
    """Yield ``(row indices, model inputs)`` for length-sorted batches of tokenized rows.

    ``features`` is what a fast tokenizer returned without padding (``input_ids`` and maybe
    ``token_type_ids``); the attention mask is built here from the lengths.
    """
    ids = features["input_ids"]
    for rows in length_batches([len(r) for r in ids], batch_size):
        input_ids, mask = pad([ids[i] for i in rows], pad_id, left=left)
        batch = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in features:
            batch["token_type_ids"], _ = pad(
                [features["token_type_ids"][i] for i in rows], 0, left=left
            )
        yield rows, {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def model_labels(model: Any) -> list[str]:
    """The model's label names in logit order."""
    id2label = model.config.id2label
    return [str(id2label[i]) for i in range(len(id2label))]


def to_numpy(logits: torch.Tensor) -> np.ndarray:
    # float() first: numpy has no bfloat16, and probabilities want full precision anyway.
    return logits.float().cpu().numpy()


def rows_to_dicts(names: Sequence[str], probs: np.ndarray) -> list[dict[str, float]]:
    return [dict(zip(names, row.tolist())) for row in probs]
