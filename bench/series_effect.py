"""Does time-series augmentation help with a few examples per class? (a measurement, not a test)

`spoken-digits-mfcc` (MFCC sequences of the espeak-ng digits, 101 frames x 13; test voices never
heard in training), `series-logreg`, 4 augmented copies per series, 5 seeds, paired by seed:
baseline vs the recommended series pipeline (TimeWarp, MagnitudeWarp, Scaling) vs WindowWarp
alone vs Jitter alone (sigma 1.0, in MFCC units), at 4 and 8 series per class. Prints accuracy
and robust accuracy (the series corruption suite) with 95% intervals and paired differences.

    cd bench && ../.venv/bin/python series_effect.py [--seeds 5 --jobs 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import augmentlab as al
from augmentlab.datasets import load
from augmentlab.evaluate import Experiment, Strategy, recommended_strategy
from effects import effect_cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "series_effect")
    args = parser.parse_args()
    data = load("spoken-digits-mfcc")
    strategies = {
        "series pipeline": Strategy("series pipeline", recommended_strategy(data), copies=4),
        "window warp": Strategy("window warp", al.Compose([al.series.WindowWarp(window_ratio=0.2)]),
                                copies=4),
        "jitter": Strategy("jitter", al.Compose([al.series.Jitter(sigma=1.0)]), copies=4),
    }
    res = Experiment(data, strategies=strategies, train_sizes=[4, 8], seeds=args.seeds,
                     out=args.out, jobs=args.jobs, quiet=True).run()
    print(f"{data.describe()}\nseries-logreg, 4 copies, {args.seeds} seeds; % with 95% intervals")
    for size in res.train_sizes:
        for name in res.strategies:
            cells = [effect_cell(res, name, size, metric)
                     for metric in ("accuracy", "robust_accuracy")]
            print(f"{size:>3} {name:16s} acc {cells[0]}\n{'':20s} robust {cells[1]}")


if __name__ == "__main__":
    main()
