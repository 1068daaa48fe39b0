"""Does ``auto`` choose well on data of every kind? (a measurement, not a test)

On every built-in set at its smallest training size, 5 seeds, paired, with the unlabelled pool
"the rest of the training split" (labels hidden; at most ``--pool`` rows), the built-in default
model of each modality: the baseline, each hand-written strategy ``auto`` can choose from, and
``auto`` itself (`AutoStrategy`: the choice made in each cell by 5-fold cross-validation on the
cell's labelled rows alone). Hand-written strategies per modality:

- images (``mnist``, ``digits``; small CNN, 500 steps): the recommended pipeline, the same with
  horizontal flips, TrivialAugment Wide, CutMix on top of the recommended pipeline,
  self-training;
- text (``rotten-tomatoes``, 250 per class; TF-IDF logistic regression), audio (``spoken-digits``;
  log-mel logistic regression) and series (``spoken-digits-mfcc``): the recommended pipeline and
  self-training;
- tables (``breast-cancer``, ``wine``; ``keel:yeast4``, ``keel:ecoli4`` at a quarter of the
  training split, judged -- and chosen -- by balanced accuracy): self-training (the project
  recommends no table pipeline).

FixMatch is not among ``auto``'s candidates here (``include=("fixmatch",)`` adds it; it costs
~10 supervised fits in each of 5 folds). Prints each strategy's score with its 95% interval and
paired difference from the baseline with its verdict, what ``auto`` chose in each seed, and the
compute each strategy spent. Re-running reads finished cells back (``--out``).

    cd bench && ../.venv/bin/python auto_effect.py [--sets mnist,digits] [--jobs 2]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from augmentlab.datasets import load
from augmentlab.evaluate import AutoStrategy, Experiment, default_model, make_model
from augmentlab.evaluate.auto import candidates
from augmentlab.evaluate.report import size_label
from effects import effect_cell

# name -> (smallest training size, metric)
SETS: dict[str, tuple[int | float, str]] = {
    "mnist": (10, "accuracy"), "digits": (10, "accuracy"), "spoken-digits": (4, "accuracy"),
    "spoken-digits-mfcc": (4, "accuracy"), "rotten-tomatoes": (250, "accuracy"),
    "breast-cancer": (10, "accuracy"), "wine": (10, "accuracy"),
    "keel:yeast4": (0.25, "balanced_accuracy"), "keel:ecoli4": (0.25, "balanced_accuracy"),
}


def hand_written(name: str) -> dict[str, Any]:
    """The strategies a user would write by hand for the set: ``auto``'s own candidates (flips
    offered whatever its label check would say), the baseline left out (every experiment has it)."""
    data = load(name)
    model = make_model(default_model(data.modality), data.modality,
                       sample_rate=data.info.get("sample_rate"))
    options = candidates(data, model, pool=True, flips=True)
    return {k: v for k, v in options.items() if k != "baseline"}


def run(name: str, args: argparse.Namespace) -> None:
    size, metric = SETS[name]
    strategies = hand_written(name)
    strategies["auto"] = AutoStrategy("auto", metric=metric)
    exp = Experiment(name, strategies=strategies, train_sizes=[size], seeds=args.seeds,
                     out=args.out / name.replace(":", "_"), jobs=args.jobs, unlabeled="rest",
                     unlabeled_size=args.pool, quiet=True)
    wall, cpu = time.perf_counter(), time.process_time()
    res = exp.run()
    print(f"\n{name} ({exp.protocol.model}, {size_label(size)}, {metric}, {args.seeds} seeds; "
          f"wall {time.perf_counter() - wall:.0f} s, CPU {time.process_time() - cpu:.0f} s)")
    for strat in res.strategies:
        cells = [c for c in res.cells if c["strategy"] == strat]
        fits = np.mean([c["fits"] for c in cells])
        fit_s = np.mean([c["seconds"]["fit"] for c in cells])
        print(f"  {strat:22s} {effect_cell(res, strat, size, metric):58s} fits {fits:5.1f} "
              f"fit s {fit_s:6.1f}")
    chosen = Counter(c["auto"]["chosen"] for c in res.cells if c["strategy"] == "auto")
    print("  auto chose: " + ", ".join(f"{k} x{v}" for k, v in chosen.most_common()))
    # auto against each hand-written strategy, paired by seed (one comparison each, unadjusted)
    vs = []
    for strat in res.strategies:
        if strat not in ("auto", "baseline"):
            d = res.paired_difference("auto", strat, train_size=size, metric=metric)
            vs.append(f"{strat} {100 * d['mean']:+.1f} [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}]")
    if vs:
        print("  auto minus: " + "; ".join(vs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated set names")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--pool", type=int, default=5000, help="unlabelled rows at most")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "auto_effect")
    args = parser.parse_args()
    for name in args.sets.split(","):
        if name not in SETS:
            parser.error(f"unknown set {name!r}; choose from {', '.join(SETS)}")
        run(name, args)


if __name__ == "__main__":
    main()
