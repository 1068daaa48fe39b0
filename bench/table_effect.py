"""Do the tabular transforms help a linear model on small tables? (a measurement, not a test)

Baseline vs SwapNoise (rate 0.15) vs GaussianNoise (0.1 of each column's spread), 4 augmented
copies per row, `logreg`, on scikit-learn's breast-cancer and wine and KEEL's yeast4 and ecoli4
(imbalanced), at 10 and 30 rows per class (KEEL: a quarter and all of the training split,
keeping their imbalance), 5 seeds,
paired by seed. Prints accuracy (balanced accuracy for KEEL) with 95% intervals and each
strategy's paired difference from the baseline with its verdict.

    cd bench && ../.venv/bin/python table_effect.py [--seeds 5 --jobs 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import augmentlab as al
from augmentlab.evaluate import Experiment, Strategy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "table_effect")
    args = parser.parse_args()
    strategies = {
        "swap noise": Strategy("swap noise", al.Compose([al.tabular.SwapNoise(rate=0.15)]), copies=4),
        "gaussian noise": Strategy("gaussian noise", al.Compose([al.tabular.GaussianNoise(scale=0.1)]),
                                   copies=4),
    }
    cases = [("breast-cancer", [10, 30], "accuracy"), ("wine", [10, 30], "accuracy"),
             ("keel:yeast4", [0.25, 1.0], "balanced_accuracy"),
             ("keel:ecoli4", [0.25, 1.0], "balanced_accuracy")]
    print(f"logreg, 4 copies, {args.seeds} seeds; metric in %, 95% intervals")
    for name, sizes, metric in cases:
        res = Experiment(name, model="logreg", strategies=strategies, train_sizes=sizes,
                         seeds=args.seeds, out=args.out / name.replace(":", "_"), jobs=args.jobs,
                         quiet=True).run()
        print(f"\n{name} ({metric})")
        for size in res.train_sizes:
            base = al.evaluate.mean_interval(list(res.values("baseline", size, metric).values()))
            print(f"  {size!s:>5} baseline        {100 * base['mean']:5.1f} "
                  f"[{100 * base['low']:5.1f}, {100 * base['high']:5.1f}]")
            for strat in strategies:
                m = al.evaluate.mean_interval(list(res.values(strat, size, metric).values()))
                d = res.paired_difference(strat, "baseline", train_size=size, metric=metric)
                print(f"  {size!s:>5} {strat:15s} {100 * m['mean']:5.1f} [{100 * m['low']:5.1f}, "
                      f"{100 * m['high']:5.1f}]  {100 * d['mean']:+5.1f} [{100 * d['low']:+5.1f}, "
                      f"{100 * d['high']:+5.1f}]  {d['verdict']}")


if __name__ == "__main__":
    main()
