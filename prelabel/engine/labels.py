"""Mapping a model's own label names onto the options of a schema label."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from prelabel.engine.types import EngineError


def _norm(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).casefold()


@dataclass(frozen=True)
class LabelMap:
    """Model label → schema option; model labels that map to nothing are dropped."""

    to_option: Mapping[str, str]
    options: tuple[str, ...]

    @classmethod
    def build(
        cls,
        model_labels: Iterable[str],
        options: Sequence[str],
        mapping: Mapping[str, str | None] | None = None,
    ) -> LabelMap:
        """Match by an explicit ``mapping`` first, else by name ignoring case, ``_`` and ``-``.

        A model label explicitly mapped to ``None`` is ignored on purpose (e.g. ``"MISC"`` when
        the schema has no such entity). Fails when nothing maps at all: a model that can never
        fill the label is a configuration error the user must see when registering it.
        """
        options = tuple(options)
        by_norm = {_norm(o): o for o in options}
        mapping = dict(mapping or {})
        for target in mapping.values():
            if target is not None and target not in options:
                raise EngineError(f"label_map target {target!r} is not one of {list(options)}")
        to_option: dict[str, str] = {}
        labels = list(model_labels)
        for label in labels:
            if label in mapping:
                target = mapping[label]
            else:
                target = by_norm.get(_norm(label))
            if target is not None:
                to_option[label] = target
        if not to_option:
            raise EngineError(
                f"none of the model's labels {labels[:20]} matches the options {list(options)};"
                " give a label_map"
            )
        return cls(to_option=to_option, options=options)

    def option(self, model_label: str) -> str | None:
        return self.to_option.get(model_label)

    def collapse(self, probs: Mapping[str, float]) -> tuple[dict[str, float], float]:
        """Sum model-label probabilities per option.

        Returns the distribution over all options renormalised to 1, and the mass that mapped at
        all (a model that puts most mass on an unmapped label is less sure than it looks).
        """
        dist = dict.fromkeys(self.options, 0.0)
        for label, p in probs.items():
            option = self.to_option.get(label)
            if option is not None:
                dist[option] += float(p)
        mass = sum(dist.values())
        if mass <= 0:
            return {o: 1.0 / len(self.options) for o in self.options}, 0.0
        return {o: p / mass for o, p in dist.items()}, mass

    def collapse_independent(self, probs: Mapping[str, float]) -> dict[str, float]:
        """Per-option probability for multi-label models: the max over labels mapped to it."""
        dist = dict.fromkeys(self.options, 0.0)
        for label, p in probs.items():
            option = self.to_option.get(label)
            if option is not None:
                dist[option] = max(dist[option], float(p))
        return dist
