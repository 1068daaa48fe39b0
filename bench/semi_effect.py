"""Does unlabelled data help where labels are few? (a measurement, not a test)

``mnist``: the small CNN on MNIST at 10 labelled images per class, the unlabelled pool a fixed
draw of ``--pool`` rows of the rest of the training split (labels hidden), 5 seeds, paired, on
the full test split (10,000 rows):

- ``baseline``: the harness's baseline (500 steps, no augmentation);
- ``shift, N steps``: supervised with FixMatch's weak view (a shift of up to an eighth of the
  side) for as many steps as FixMatch gets -- the same budget without the unlabelled rows;
- ``fixmatch``: ``Strategy(semi="fixmatch")`` with its defaults (weak = that shift, strong = the
  shift + TrivialAugment Wide + a Cutout square of half the side, threshold 0.95, 3 unlabelled
  rows per labelled one, EMA 0.999), ``--steps`` steps.

``text``: self-training on Rotten Tomatoes at 500 labelled sentences (250 per class) with the
rest of the training split unlabelled, TF-IDF logistic regression, 5 seeds: baseline vs
self-training (3 rounds) vs self-training on top of the recommended text pipeline.

Prints each strategy's accuracy with its 95% interval, the paired difference from the baseline
and its verdict, and the compute each spent (examples the model was run on, fit seconds per
seed, CPU seconds of the run). Re-running reads the finished cells back (``--out``).

    cd bench && ../.venv/bin/python semi_effect.py mnist --loader-workers 1
    cd bench && ../.venv/bin/python semi_effect.py mnist --strategies fixmatch --seeds 1 \
        --out /tmp/fixmatch_alone   # one FixMatch seed's wall time on a quiet machine
    cd bench && ../.venv/bin/python semi_effect.py text --jobs 2
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from augmentlab.evaluate import Experiment, Strategy, recommended_strategy
from augmentlab.torch import weak_strong_pipelines
from effects import effect_cell


def report(res: object, names: list[str], size: int, cpu: float, wall: float) -> None:
    print(f"{'strategy':24s} {'accuracy (95% interval) / paired difference':58s} "
          "examples/seed  fit s/seed")
    for name in names:
        cells = [c for c in res.cells if c["strategy"] == name]  # type: ignore[attr-defined]
        examples = np.mean([c["examples_seen"] for c in cells])
        fit = np.mean([c["seconds"]["fit"] for c in cells])
        print(f"{name:24s} {effect_cell(res, name, size, 'accuracy'):58s} {examples:13,.0f} "
              f"{fit:10.0f}")
    print(f"run: wall {wall:.0f} s, CPU {cpu:.0f} s (cells read back from the cache cost nothing)")


def mnist(args: argparse.Namespace) -> None:
    weak, _ = weak_strong_pipelines(flip=False, policy="trivialaugment")
    strategies = {
        f"shift, {args.steps} steps": Strategy("shift", weak, steps=args.steps),
        "fixmatch": Strategy("fixmatch", semi="fixmatch", steps=args.steps),
    }
    strategies = {k: v for k, v in strategies.items() if k.split(",")[0] in args.strategies}
    exp = Experiment("mnist", model="small-cnn", strategies=strategies, train_sizes=[10],
                     seeds=args.seeds, steps=500, out=args.out / "mnist", jobs=args.jobs,
                     unlabeled="rest", unlabeled_size=args.pool,
                     loader_workers=args.loader_workers, quiet=False)
    wall, cpu = time.perf_counter(), time.process_time()
    res = exp.run()
    print(f"\nMNIST, small-cnn, 10 labelled per class, {args.pool:,} unlabelled (rest of the "
          f"training split), {args.seeds} seeds, full test split; baseline 500 steps")
    report(res, res.strategies, 10, time.process_time() - cpu, time.perf_counter() - wall)


def text(args: argparse.Namespace) -> None:
    from augmentlab.datasets import load

    data = load("rotten-tomatoes")
    pipe = recommended_strategy(data)
    strategies = {
        "self-training": Strategy("self-training", semi="self-training"),
        "recommended + self-training": Strategy("rec+st", pipe, semi="self-training"),
    }
    exp = Experiment(data, strategies=strategies, train_sizes=[250], seeds=args.seeds,
                     out=args.out / "text", jobs=args.jobs, unlabeled="rest", quiet=False)
    wall, cpu = time.perf_counter(), time.process_time()
    res = exp.run()
    print(f"\nRotten Tomatoes, tfidf-logreg, 500 labelled sentences (250 per class), the rest of "
          f"the training split unlabelled, {args.seeds} seeds")
    report(res, res.strategies, 250, time.process_time() - cpu, time.perf_counter() - wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=("mnist", "text"))
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=6000, help="FixMatch's steps (mnist)")
    parser.add_argument("--pool", type=int, default=20000, help="unlabelled rows (mnist)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--loader-workers", type=int, default=1)
    parser.add_argument("--strategies", type=lambda s: s.split(","), default=["shift", "fixmatch"],
                        help="comma-separated subset of shift,fixmatch (mnist; the baseline always "
                             "runs): e.g. --strategies fixmatch --seeds 1 times one FixMatch seed")
    parser.add_argument("--out", type=Path, default=Path("results") / "semi_effect")
    args = parser.parse_args()
    unknown = set(args.strategies) - {"shift", "fixmatch"}
    if unknown:
        parser.error(f"unknown --strategies {', '.join(sorted(unknown))}; choose from shift,fixmatch")
    {"mnist": mnist, "text": text}[args.task](args)


if __name__ == "__main__":
    main()
