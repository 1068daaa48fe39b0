"""Which policy helps a small CNN on MNIST at 10 images per class? (a measurement, not a test)

1. A policy search (`augmentlab.search.PolicySearch`): the RandAugment (N, M) grid, N in {1, 2, 3},
   M in {3, 6, 9, 12, 15}, each point trained on 3 seeds of 10 images per class drawn from 80% of
   the training split and scored on 2,000 rows of the other 20% -- the test split is never seen.
   ``--space subpolicies`` searches AutoAugment's space with TPE instead.
2. On the test split, 5 seeds, paired: baseline vs the demo's two hand-written pipelines vs
   TrivialAugment Wide vs RandAugment (2, 9) vs the searched policy.

Prints the search's wall time and best point, each strategy's accuracy and robust accuracy with
95% intervals and the paired difference from the baseline, and the searched policy's paired
difference from TrivialAugment Wide. Re-running reads the finished study and cells back.

    cd bench && ../.venv/bin/python policy_effect.py [--trials 15 --jobs 2 --seeds 5]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from augmentlab.search import PolicySearch, final_evaluation
from effects import effect_cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--space", default="randaugment", choices=("randaugment", "subpolicies"))
    parser.add_argument("--trials", type=int, default=15)
    parser.add_argument("--search-seeds", type=int, default=3)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "policy_effect")
    args = parser.parse_args()
    search = PolicySearch("mnist", model="small-cnn", space=args.space, trials=args.trials,
                          train_sizes=(10,), seeds=args.search_seeds, steps=args.steps,
                          jobs=args.jobs, out=args.out / f"search-{args.space}")
    found = search.run()
    print(f"search: {len(found.trials)} trials of the {args.space} space, {args.jobs} processes, "
          f"wall time {found.seconds:.0f} s; best {found.best_params}, validation accuracy "
          f"{100 * found.best_value:.1f}%")
    for t in sorted(found.trials, key=lambda t: -t["value"])[:5]:
        print(f"  trial {t['number']:2d}: {100 * t['value']:.1f}%  {t['params']}")
    res = final_evaluation("mnist", found.pipeline, args.out / f"final-{args.space}",
                           train_sizes=(10,), seeds=args.seeds, steps=args.steps, jobs=args.jobs,
                           search=found.to_dict(), quiet=True)
    print(f"\ntest split, small-cnn, {args.steps} steps, 10 per class, {args.seeds} seeds; "
          "% with 95% intervals; difference from baseline paired by seed")
    for name in res.strategies:
        cells = [effect_cell(res, name, 10, metric) for metric in ("accuracy", "robust_accuracy")]
        print(f"{name:34s} acc    {cells[0]}\n{'':34s} robust {cells[1]}")
    for metric in ("accuracy", "robust_accuracy"):  # did searching beat the tuning-free policy?
        d = res.paired_difference("searched policy", "TrivialAugment Wide", train_size=10,
                                  metric=metric)
        print(f"searched policy - TrivialAugment Wide, {metric}: {100 * d['mean']:+.1f} "
              f"[{100 * d['low']:+.1f}, {100 * d['high']:+.1f}] {d['verdict']}")


if __name__ == "__main__":
    main()
