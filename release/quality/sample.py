"""A fixed-size, seeded uniform sample of a stream of records (reservoir sampling, Algorithm R).

Embedding statistics and the probe run on a sample: encoding a million texts on a CPU takes
hours, while a few thousand give the same figures to about a percentage point. The seed makes
the sample, and so the report, the same every time the release is measured.
"""
from __future__ import annotations

import random
from typing import Generic, TypeVar

T = TypeVar("T")

DEFAULT_SAMPLE = 2000


class Reservoir(Generic[T]):
    def __init__(self, size: int = DEFAULT_SAMPLE, *, seed: int = 0) -> None:
        if size < 1:
            raise ValueError("a sample holds at least one item")
        self.size = size
        self.seen = 0
        self.items: list[T] = []
        self._rng = random.Random(seed)

    def add(self, item: T) -> None:
        self.seen += 1
        if len(self.items) < self.size:
            self.items.append(item)
            return
        slot = self._rng.randrange(self.seen)  # keep each of the `seen` items with odds size/seen
        if slot < self.size:
            self.items[slot] = item

    @property
    def sampled(self) -> bool:
        """True when the sample is smaller than the stream it was drawn from."""
        return self.seen > len(self.items)
