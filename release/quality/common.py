"""Small number helpers shared by the criteria: JSON has no NaN, so undefined figures are null."""
from __future__ import annotations

import math


def num(value: float | None, digits: int = 6) -> float | None:
    """A finite float rounded for the report, or None (no data, no variation)."""
    if value is None:
        return None
    value = float(value)
    return round(value, digits) if math.isfinite(value) else None


def rate(count: float, total: float) -> float | None:
    return num(count / total) if total else None


class Mean:
    """A running mean, so a million figures cost two numbers."""

    def __init__(self) -> None:
        self.total = 0.0
        self.count = 0

    def add(self, value: float) -> None:
        self.total += float(value)
        self.count += 1

    def value(self) -> float | None:
        return num(self.total / self.count) if self.count else None
