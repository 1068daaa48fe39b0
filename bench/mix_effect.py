"""Does batch mixing help a small CNN on MNIST at 10 images per class? (a measurement, not a test)

The measure harness with MixUp (alpha 0.2), CutMix (alpha 1.0) and SaliencyMix (alpha 1.0) as
strategies (every training batch mixed, soft-label loss), and CutMix after the mild geometric
pipeline, against the baseline: small-cnn, 1,000 steps, 5 seeds, paired by seed. Prints accuracy
and robust accuracy with 95% intervals and the paired difference from the baseline.

    cd bench && ../.venv/bin/python mix_effect.py [--seeds 5 --jobs 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from augmentlab.evaluate import Experiment, Strategy, mild_geometric
from augmentlab.mix import CutMix, MixUp, SaliencyMix
from effects import effect_cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "mix_effect")
    args = parser.parse_args()
    strategies = {
        "MixUp": MixUp(alpha=0.2),
        "CutMix": CutMix(alpha=1.0),
        "SaliencyMix": SaliencyMix(alpha=1.0),
        "mild geometric + CutMix": Strategy("mild geometric + CutMix", mild_geometric(seed=0),
                                            mixer=CutMix(alpha=1.0)),
    }
    res = Experiment("mnist", model="small-cnn", strategies=strategies, train_sizes=[10],
                     seeds=args.seeds, steps=args.steps, out=args.out, jobs=args.jobs,
                     quiet=True).run()
    print(f"MNIST, small-cnn, {args.steps} steps, 10 per class, {args.seeds} seeds; % with 95% "
          "intervals; difference from baseline paired by seed")
    for name in res.strategies:
        cells = [effect_cell(res, name, 10, metric) for metric in ("accuracy", "robust_accuracy")]
        print(f"{name:26s} acc    {cells[0]}\n{'':26s} robust {cells[1]}")


if __name__ == "__main__":
    main()
