"""Model adaptability: how well a linear probe on frozen encoder embeddings learns each label.

For a choice label: a stratified held-out split (each class gives ``holdout`` of its examples to
the test side but always keeps one for training), softmax regression from the pre-labeling
engine (``prelabel.engine.train_head``) fitted on 10/25/50/100% of the training split (nested,
stratified subsets), accuracy on the same held-out examples for each point. The majority-class
accuracy is given beside it, since a probe is only informative above that baseline. Seeded, so
the same release always gives the same figures.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from annotation.schema import Schema
from release.quality.common import num

FRACTIONS = (0.1, 0.25, 0.5, 1.0)
MIN_RECORDS = 20
HOLDOUT = 0.25


def _stratified(labels: Sequence[str], holdout: float, seed: int) -> tuple[dict[str, list[int]], list[int]]:
    """Training indices per class (in a seeded random order) and the held-out indices."""
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    train: dict[str, list[int]] = {}
    test: list[int] = []
    for label in sorted(by_class):
        members = [int(i) for i in rng.permutation(by_class[label])]
        n_test = min(int(round(holdout * len(members))), len(members) - 1)
        test += members[:n_test]
        train[label] = members[n_test:]
    return train, sorted(test)


def _subset(train: dict[str, list[int]], fraction: float) -> list[int]:
    # A prefix of each class's shuffled list: the subsets are nested and every class stays in.
    return sorted(i for members in train.values()
                  for i in members[:max(1, int(round(fraction * len(members))))])


def not_probed(reason: str, records: int) -> dict:
    return {"records": records, "accuracy": None, "learning_curve": [], "reason": reason}


def linear_probe(
    embeddings: np.ndarray,
    labels: Sequence[str | None],
    options: Sequence[str],
    *,
    holdout: float = HOLDOUT,
    fractions: Sequence[float] = FRACTIONS,
    min_records: int = MIN_RECORDS,
    seed: int = 0,
) -> dict:
    """Probe one choice label; rows of ``embeddings`` pair with ``labels`` (None = unanswered)."""
    from prelabel.engine.head import accuracy, train_head  # imports torch: web processes must not load it

    keep = [i for i, label in enumerate(labels) if label is not None and label in options]
    if len(keep) < min_records:
        return not_probed(f"{len(keep)} labelled records; the probe needs at least {min_records}", len(keep))
    x = np.asarray(embeddings, dtype=np.float32)[keep]
    y = [str(labels[i]) for i in keep]
    counts = Counter(y)
    if len(counts) < 2:
        return not_probed("every record has the same answer, so there is nothing to tell apart", len(keep))
    train, test = _stratified(y, holdout, seed)
    if not test:
        return not_probed("no class has two examples to hold one out", len(keep))
    gold = [y[i] for i in test]
    curve = []
    for fraction in fractions:
        subset = _subset(train, fraction)
        report = train_head(x[subset], [y[i] for i in subset], options, holdout=0.0, seed=seed)
        curve.append({"fraction": fraction, "train_size": len(subset),
                      "accuracy": num(accuracy(report.head.predict_labels(x[test]), gold))})
    majority = Counter(gold).most_common(1)[0][1] / len(gold)
    return {
        "records": len(keep),
        "classes": len(counts),
        "train_size": sum(len(m) for m in train.values()),
        "test_size": len(test),
        "accuracy": curve[-1]["accuracy"],
        "majority_baseline": num(majority),
        "learning_curve": curve,
    }


def adaptability_section(schema: Schema, embeddings: np.ndarray | None, results: Sequence[dict], *,
                         seed: int = 0) -> dict:
    """The ``adaptability`` criterion: one probe per choice label of the schema."""
    choice = [spec for spec in schema.labels.values() if spec.type == "choice"]
    if not choice:
        return {"summary": "No choice label to probe.", "labels": {},
                "reason": "the probe measures choice labels; this schema has none"}
    if embeddings is None:
        return {"summary": "No text to embed, so no probe.", "labels": {},
                "reason": "no record has text; the built-in encoder reads text only"}
    probes = {spec.name: linear_probe(embeddings, [r.get(spec.name) for r in results], spec.options, seed=seed)
              for spec in choice}
    parts = [f"{name}: {p['accuracy']:.0%} held-out accuracy (majority baseline {p['majority_baseline']:.0%})"
             for name, p in probes.items() if p["accuracy"] is not None]
    summary = ("A linear probe on the built-in encoder's embeddings reaches " + "; ".join(parts) + "."
               if parts else "Too few labelled records to probe any choice label.")
    return {"summary": summary, "labels": probes, "method": (
        f"softmax regression on frozen embeddings; stratified {HOLDOUT:.0%} held out; learning curve at "
        f"{', '.join(f'{f:.0%}' for f in FRACTIONS)} of the training split; seed {seed}")}
