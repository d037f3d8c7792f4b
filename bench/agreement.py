"""Agreement and consensus on one million choice annotations.

333,334 tasks × 3 annotators drawn from a pool of 20, 5 classes, annotators of accuracy
0.6–0.95. Prints seconds per statistic (best of --repeat runs); the last line is one JSON
object with the figures. Targets on a 2-core machine: α ≤ 0.5 s, Dawid–Skene (20 EM
iterations) ≤ 5 s.

    .venv/bin/python bench/agreement.py [--tasks 333334] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import numpy as np

from review.metrics import (
    CategoricalConsensus,
    DawidSkeneResult,
    Ratings,
    dawid_skene,
    fleiss_kappa,
    krippendorff_alpha,
    majority_vote,
    percent_agreement,
)


def make_ratings(
    tasks: int, pool: int, per_task: int, k: int, seed: int
) -> tuple[np.ndarray, Ratings]:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, k, size=tasks)
    accuracy = np.linspace(0.6, 0.95, pool)
    # Distinct annotators per task: the first `per_task` of a random permutation of the pool.
    coders = np.argsort(rng.random((tasks, pool)), axis=1)[:, :per_task].ravel()
    items = np.repeat(np.arange(tasks), per_task)
    t = truth[items]
    right = rng.random(len(t)) < accuracy[coders]
    values = np.where(right, t, (t + rng.integers(1, k, size=len(t))) % k)
    return truth, Ratings.from_arrays(items, coders, values, n_items=tasks, n_coders=pool)


def best_of(repeat: int, fn: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=333_334)
    parser.add_argument("--pool", type=int, default=20)
    parser.add_argument("--per-task", type=int, default=3)
    parser.add_argument("--classes", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    truth, ratings = make_ratings(args.tasks, args.pool, args.per_task, args.classes, args.seed)
    n = len(ratings.values)
    print(f"{n:,} annotations, {args.tasks:,} tasks, {args.pool} annotators, k={args.classes}")

    figures: dict[str, float | int] = {"annotations": n}
    runs: list[tuple[str, Callable[[], object]]] = [
        ("alpha_nominal_s", lambda: krippendorff_alpha(ratings, "nominal")),
        ("alpha_interval_s", lambda: krippendorff_alpha(ratings, "interval")),
        ("fleiss_kappa_s", lambda: fleiss_kappa(ratings)),
        ("percent_agreement_s", lambda: percent_agreement(ratings)),
        ("majority_vote_s", lambda: majority_vote(ratings)),
        # tol=0 forces all 20 iterations so the figure is per fixed amount of work.
        ("dawid_skene_20_iter_s", lambda: dawid_skene(ratings, max_iter=20, tol=0.0)),
    ]
    results: dict[str, object] = {}
    for name, fn in runs:
        seconds, results[name] = best_of(1 if "dawid" in name else args.repeat, fn)
        figures[name] = round(seconds, 4)
        print(f"{name:24s} {seconds:8.3f} s")

    figures["alpha_nominal"] = round(float(results["alpha_nominal_s"]), 6)  # type: ignore[arg-type]
    figures["fleiss_kappa"] = round(float(results["fleiss_kappa_s"]), 6)  # type: ignore[arg-type]
    mv = results["majority_vote_s"]
    ds = results["dawid_skene_20_iter_s"]
    assert isinstance(mv, CategoricalConsensus) and isinstance(ds, DawidSkeneResult)
    figures["majority_vote_accuracy"] = round(float(np.mean(mv.labels == truth)), 4)
    figures["dawid_skene_accuracy"] = round(float(np.mean(ds.labels == truth)), 4)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
