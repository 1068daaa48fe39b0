"""The main job: does augmentation help a small CNN that sees 10 or 50 MNIST digits per class?"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..datasets import load
from .experiment import Experiment
from .recommend import mild_geometric, recommended_strategy
from .strategies import Strategy

__all__ = ["demo_experiment"]


def demo_experiment(out: str | Path = "demo_output", *, dataset: str = "mnist",
                    train_sizes: tuple[int, ...] = (10, 50), seeds: int = 5, steps: int = 1000,
                    jobs: int | None = None, quiet: bool = False, **kwargs: Any) -> Experiment:
    """Baseline vs a mild geometric pipeline vs the recommended geometric + photometric +
    erasing pipeline, with the small CNN, every strategy given the same optimizer steps.

    Example:
        >>> exp = demo_experiment("/tmp/x", dataset="digits", train_sizes=(5,), seeds=1, steps=20)
        >>> [s.name for s in exp.strategies]
        ['baseline', 'mild geometric', 'geometric + photometric + erasing']
    """
    data = load(dataset)
    full = recommended_strategy(data, seed=0)
    assert full is not None  # images always have a recommendation
    strategies = {
        "baseline": None,
        "mild geometric": Strategy("mild geometric", mild_geometric(seed=0)),
        "geometric + photometric + erasing": Strategy("geometric + photometric + erasing", full),
    }
    return Experiment(data, model="small-cnn", strategies=strategies, train_sizes=train_sizes,
                      seeds=seeds, out=out, steps=steps, jobs=jobs or os.cpu_count() or 1,
                      quiet=quiet, **kwargs)
