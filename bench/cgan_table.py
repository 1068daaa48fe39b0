"""How far the table GAN's samples of a rare class land from that class's real column mean,
by batch size and seed (not a test; the figures behind `ConditionalGAN`'s batch_size default).

The table is the one of tests/test_cgan.py: 600 common rows (a bimodal column `a`, `b` ~ N(0, 1))
and 60 rare rows (`a` near 0, `b` ~ N(3, 1)). For each batch size and seed it fits
``ConditionalGAN(steps=1500)`` and prints how far the generated mean of `b` is from the real
one, per class (in units of `b`, whose within-class sd is 1).

    .venv/bin/python bench/cgan_table.py [--batches 64,256 --seeds 4 --steps 1500]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_cgan import _mixed_table  # noqa: E402

from augmentlab.synth import ConditionalGAN  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batches", default="64,256")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--steps", type=int, default=1500)
    args = parser.parse_args()
    frame, labels = _mixed_table()
    real = frame.b.groupby(labels).mean()
    print(f"{'batch':>5s} {'seed':>4s} {'common b off':>12s} {'rare b off':>10s}")
    for batch in (int(b) for b in args.batches.split(",")):
        for seed in range(args.seeds):
            gan = ConditionalGAN(steps=args.steps, categorical_features=(2,), seed=seed,
                                 batch_size=batch).fit(frame, labels)
            common = gan.sample(2000, y="common", seed=0).X
            rare = gan.sample(2000, y="rare", seed=0).X
            print(f"{batch:5d} {seed:4d} {common.b.mean() - real['common']:+12.2f} "
                  f"{rare.b.mean() - real['rare']:+10.2f}", flush=True)


if __name__ == "__main__":
    main()
