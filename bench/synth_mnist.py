"""How good are the neural generators on 1,000 MNIST images? (a measurement, not a test)

Trains an oracle CNN on 5,000 *other* MNIST training images, fits the generator on 1,000, samples
100 per class and prints fit time, label agreement (share of samples the oracle assigns to the
class asked for) and the Frechet distance in the oracle's feature space, next to that of the
1,000 real images with Gaussian noise (sigma 60 of 255) added.

    .venv/bin/python bench/synth_mnist.py cvae [--guidance 1.0]
    .venv/bin/python bench/synth_mnist.py cgan [--steps 2000 --width 32 --guidance 0.1 --no-augment]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from augmentlab.datasets import load
from augmentlab.evaluate import StepModel, frechet_distance
from augmentlab.synth import ConditionalGAN, ConditionalVAE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("generator", choices=("cvae", "cgan"))
    parser.add_argument("--guidance", type=float, default=None)
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--width", type=int, default=32)
    parser.add_argument("--no-augment", action="store_true")
    args = parser.parse_args()
    data = load("mnist")
    rng = np.random.default_rng(0)
    train = rng.choice(data.train[:50000], 1000, replace=False)
    other = rng.choice(data.train[50000:], 5000, replace=False)
    oracle = StepModel("small-cnn", steps=1500).fit(data.X[other], data.y[other],
                                                    data.X[data.test[:500]], data.y[data.test[:500]], seed=0)
    if args.generator == "cvae":
        gen = ConditionalVAE(guidance=1.0 if args.guidance is None else args.guidance)
    else:
        gen = ConditionalGAN(steps=args.steps, width=args.width, augment=not args.no_augment,
                             guidance=0.1 if args.guidance is None else args.guidance)
    start = time.perf_counter()
    gen.fit(data.X[train], data.y[train])
    fit = time.perf_counter() - start
    s = gen.sample({c: 100 for c in range(10)}, seed=0)
    agreement = float((oracle.predict_proba(s.X).argmax(1) == s.y).mean())
    real = oracle.features(data.X[data.test[:1000]])
    noisy = np.clip(data.X[train].astype(float) + rng.normal(0, 60, (1000, 28, 28)), 0, 255).astype(np.uint8)
    print(f"{gen!r}\nfit {fit:.0f} s  label agreement {agreement:.3f}  "
          f"Frechet {frechet_distance(real, oracle.features(s.X)):.1f}  "
          f"(noisy copies {frechet_distance(real, oracle.features(noisy)):.1f})")


if __name__ == "__main__":
    main()
