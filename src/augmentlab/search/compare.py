"""After a search: the found policy on the real test split, side by side with the baseline, the
demo's hand-written pipelines and the tuning-free policies, with paired intervals."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..core.compose import Compose
from ..core.files import atomic_write
from ..datasets import Dataset, load
from ..evaluate.demo import demo_strategies
from ..evaluate.experiment import Experiment
from ..evaluate.models import ModelSpec
from ..evaluate.results import Results
from ..evaluate.strategies import Strategy
from ..policies import RandAugment

__all__ = ["policy_strategies", "final_evaluation"]


def policy_strategies(data: Dataset, searched: Compose | None = None
                      ) -> dict[str, Strategy | None]:
    """The demo's strategies (baseline, its two hand-written pipelines, TrivialAugment Wide),
    RandAugment (2, 9) and, when given, the searched pipeline.

    Example:
        >>> from augmentlab.datasets import load
        >>> list(policy_strategies(load("digits")))  # doctest: +NORMALIZE_WHITESPACE
        ['baseline', 'mild geometric', 'geometric + photometric + erasing',
         'TrivialAugment Wide', 'RandAugment (2, 9)']
    """
    out = demo_strategies(data)
    out["RandAugment (2, 9)"] = Strategy("RandAugment (2, 9)",
                                         Compose([RandAugment(num_ops=2, magnitude=9)]))
    if searched is not None:
        out["searched policy"] = Strategy("searched policy", searched)
    return out


def final_evaluation(data: Dataset | str, searched: Compose | None, out: str | Path, *,
                     model: ModelSpec = "small-cnn", train_sizes: Sequence[int] = (10,), seeds: int = 5,
                     steps: int = 1000, jobs: int | None = None, search: dict[str, Any] | None = None,
                     quiet: bool = False) -> Results:
    """Run `policy_strategies` on the real split (test rows scored, never seen by the search) and
    write ``results.json``, ``summary.csv`` and ``report.html`` -- with a policy-search section
    when `search` (``SearchResult.to_dict()`` plus its settings) is given."""
    ds = load(data) if isinstance(data, str) else data
    exp = Experiment(ds, model=model, strategies=policy_strategies(ds, searched),
                     train_sizes=train_sizes, seeds=seeds, out=out, steps=steps,
                     jobs=jobs or os.cpu_count() or 1, quiet=quiet)
    results = exp.run(report=False)
    if search is not None:
        results = Results(results.cells, {**results.meta, "search": search})
        atomic_write(exp.out / "results.json",
                     json.dumps(results.to_dict(), indent=1, sort_keys=True, default=float).encode())
    exp.report(results)
    return results
