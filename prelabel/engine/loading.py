"""Loading transformers models from a local directory, and only safely.

Pickled checkpoints (``pytorch_model.bin``, ``*.pt``, ``*.ckpt``) execute code when unpickled, so a
model uploaded to the registry could take over a GPU worker. We require safetensors and pass
``use_safetensors=True`` so transformers cannot fall back to a pickle sitting next to it.
Nothing is fetched from a hub: the path must exist and ``local_files_only=True`` is always set.
"""
from __future__ import annotations

import os
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from prelabel.engine.types import UnsafeModelError

if TYPE_CHECKING:
    import torch

PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle")


def check_model_dir(path: str | os.PathLike[str]) -> Path:
    """Return ``path`` resolved if it is a local model directory with safetensors weights."""
    root = Path(path).expanduser()
    if not root.is_dir():
        raise UnsafeModelError(
            f"{path}: not a local directory (models are loaded from local paths only)"
        )
    if not (root / "config.json").is_file():
        raise UnsafeModelError(f"{path}: no config.json, not a transformers model directory")
    names = [p.name for p in root.iterdir() if p.is_file()]
    if any(n.endswith(".safetensors") or n.endswith(".safetensors.index.json") for n in names):
        return root.resolve()
    pickles = sorted(n for n in names if n.endswith(PICKLE_SUFFIXES))
    if pickles:
        raise UnsafeModelError(
            f"{path}: only pickled weights ({', '.join(pickles)}); convert them to safetensors"
            " (model.save_pretrained(dir, safe_serialization=True)) before registering the model"
        )
    raise UnsafeModelError(f"{path}: no *.safetensors weights found")


def load_model(model_class: Any, path: Path, device: torch.device) -> Any:
    """``model_class.from_pretrained`` with every safety switch on, moved to ``device``, eval."""
    model = model_class.from_pretrained(
        str(path),
        local_files_only=True,
        use_safetensors=True,
        trust_remote_code=False,
    )
    return model.to(device).eval()


def load_tokenizer(path: Path, **kwargs: Any) -> Any:
    # transformers is imported by the loaders only: check_model_dir runs in web processes (no torch)
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(
        str(path), local_files_only=True, trust_remote_code=False, **kwargs
    )


def load_image_processor(path: Path) -> Any:
    from transformers import AutoImageProcessor  # see load_tokenizer

    return AutoImageProcessor.from_pretrained(
        str(path), local_files_only=True, trust_remote_code=False
    )


def load_cached(kind: str, path: str | os.PathLike[str], device: str | torch.device | None, version: str,
                model_class: Any, preprocessor: Callable[[Path], Any]) -> tuple[Any, Any]:
    """(model, tokenizer or image processor) of a checked local model directory, loaded once per
    process per (kind, path, version, device)."""
    from prelabel.engine.runtime import cached, resolve_device  # torch: loaders run in workers only

    root, dev = check_model_dir(path), resolve_device(device)
    return cached((kind, str(root), version, str(dev)), lambda: (load_model(model_class, root, dev), preprocessor(root)))
