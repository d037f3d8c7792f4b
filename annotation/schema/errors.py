from __future__ import annotations


class SchemaError(ValueError):
    """Collected problems, each with the path of the bad field (``result.entities[2].end``)."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))

    def as_dict(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for path, message in self.errors:
            out.setdefault(path, []).append(message)
        return out


class Collector:
    """Gathers errors so one response names every bad field, not only the first."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise SchemaError(self.errors)
