"""Does audio augmentation help with a few examples per class? (a measurement, not a test)

Baseline vs the recommended audio pipeline (tempo, pitch, onset, noise, room; see
`augmentlab.evaluate.recommended_strategy`) vs SpecAugment (time warp, two frequency and two time
masks, sized for the 40-band, 101-frame log-mel spectrograms of the model), 4 augmented copies
per clip, with the built-in log-mel + logistic regression model. On ``spoken-digits`` (test
voices never heard in training) at 4, 8 and 16 clips per class, and on ``drums`` at 3 per class
(its rarest classes have 3 training clips); 5 seeds, paired by seed. Prints accuracy and robust
accuracy (the audio corruption suite) with 95% intervals and the paired difference with its
verdict, and leaves each experiment's report in the output folder.

    cd bench && ../.venv/bin/python audio_effect.py [--seeds 5 --jobs 2]
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import augmentlab as al
from augmentlab.datasets import load
from augmentlab.evaluate import Experiment, Strategy, recommended_strategy


def strategies(data: Any, copies: int) -> dict[str, Strategy]:
    spec = al.Compose([al.audio.SpecAugment(time_warp=8, freq_masks=2, freq_width=6,
                                            time_masks=2, time_width=10)])
    return {"audio pipeline": Strategy("audio pipeline", recommended_strategy(data), copies=copies),
            "SpecAugment": Strategy("SpecAugment", spec, copies=copies)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("results") / "audio_effect")
    args = parser.parse_args()
    print(f"log-mel + logistic regression, {args.copies} copies, {args.seeds} seeds; accuracy and "
          "robust accuracy in %, 95% intervals")
    for name, sizes in (("spoken-digits", [4, 8, 16]), ("drums", [3])):
        data = load(name)
        res = Experiment(data, strategies=strategies(data, args.copies), train_sizes=sizes,
                         seeds=args.seeds, out=args.out / name, jobs=args.jobs, quiet=True).run()
        print(f"\n{data.describe()}\n  split: {data.split}")
        report(res)


def interval(vals: list[float]) -> str:
    m = al.evaluate.mean_interval(vals)
    return f"{100 * m['mean']:.1f} [{100 * m['low']:.1f}, {100 * m['high']:.1f}]"


def report(res: Any) -> None:
    print(f"{'per class':>9s} {'strategy':>15s} {'accuracy':>19s} {'vs baseline':>22s} "
          f"{'verdict':>14s} {'robust acc':>19s} {'vs baseline':>22s}")
    for size in res.train_sizes:
        for name in res.strategies:
            acc = interval(list(res.values(name, size, "accuracy").values()))
            rob = interval(list(res.values(name, size, "robust_accuracy").values()))
            diff = rdiff = verdict = ""
            if name != "baseline":
                d = res.paired_difference(name, "baseline", train_size=size)
                r = res.paired_difference(name, "baseline", train_size=size,
                                          metric="robust_accuracy")
                diff = f"{100 * d['mean']:+.1f} [{100 * d['low']:+.1f}, {100 * d['high']:+.1f}]"
                rdiff = f"{100 * r['mean']:+.1f} [{100 * r['low']:+.1f}, {100 * r['high']:+.1f}]"
                verdict = d["verdict"]
            print(f"{size:>9} {name:>15s} {acc:>19s} {diff:>22s} {verdict:>14s} {rob:>19s} "
                  f"{rdiff:>22s}")


if __name__ == "__main__":
    main()
