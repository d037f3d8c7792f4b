"""Fixtures for the engine tests: offline, CPU, tiny models built once per session."""
from __future__ import annotations

import os

# Set before transformers/huggingface_hub are imported by any test module: a test that tries
# to reach a model hub must fail, not download.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
import torch  # noqa: E402

from annotation.schema import Schema, parse_schema  # noqa: E402
from prelabel.engine import Encoder, get_encoder  # noqa: E402
from tests.prelabel import tiny_models  # noqa: E402

# The machines running the suite have 2 shared cores; more threads only add contention.
torch.set_num_threads(min(2, os.cpu_count() or 1))

SCHEMA = {
    "data": {"text": "text", "image": "image"},
    "labels": {
        "sentiment": {"type": "choice", "options": ["pos", "neg"]},
        "topic": {"type": "choice", "options": ["sports", "politics", "business", "technology"]},
        "tags": {"type": "multi_choice", "options": ["sports", "politics"]},
        "entities": {"type": "spans", "on": "text", "options": ["PER", "LOC"]},
        "kind": {"type": "choice", "options": ["cat", "dog", "bird"]},
        "objects": {"type": "boxes", "on": "image", "options": ["car", "person"]},
        "reasoning": {"type": "chain_of_thought", "on": "text"},
        "quality": {"type": "rating", "min": 1, "max": 5},
    },
}


@pytest.fixture(scope="session")
def schema() -> Schema:
    return parse_schema(SCHEMA)


@pytest.fixture(scope="session")
def encoder() -> Encoder:
    """The built-in MiniLM, loaded once for the whole session (the slowest part of the suite)."""
    return get_encoder(device="cpu")


@pytest.fixture(scope="session")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("models")
    return {
        "sentiment": tiny_models.text_classifier(root / "sentiment",
                                                 ["POSITIVE", "NEGATIVE", "NEUTRAL"]),
        "tagger": tiny_models.token_tagger(root / "tagger"),
        "image": tiny_models.image_classifier(root / "image", ["cat", "dog", "bird"]),
        "detector": tiny_models.object_detector(root / "detector", ["car", "person"]),
        "lm": tiny_models.chain_lm(root / "lm"),
    }
