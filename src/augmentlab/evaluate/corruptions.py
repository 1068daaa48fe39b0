"""A fixed corruption suite per modality: how well a model holds up off its training distribution.

Every corruption is a pure function of the data, its severity and a fixed seed, so every strategy
is scored on exactly the same corrupted test rows. Each modality's suite and corruptions live in
its adapter (`augmentlab.evaluate.modalities`):

- images: Gaussian noise, Gaussian blur, lower contrast, rotation, shift (two severities each);
- text: typos (adjacent-letter swaps, drops) and word drops;
- tables: Gaussian feature noise scaled by each feature's training spread;
- audio: white noise at 20 and 10 dB SNR, a 2 kHz and a 1 kHz low-pass (a phone line, a wall),
  room reverberation (RT60 0.3 and 0.8 s), a delay of 0.1 and 0.25 s;
- series: Gaussian noise of 0.1 and 0.3 of each channel's training spread, a gain of 0.7 and
  1.4, a delay of 10% and 25% of the length (the first step repeated in front).
"""

from __future__ import annotations

import numpy as np

from .modalities import ADAPTERS, CORRUPTION_SEED, adapter_for

__all__ = ["SUITES", "corrupt"]

# modality -> its suite, (kind, level) pairs (each modality's adapter holds its own)
SUITES: dict[str, list[tuple[str, float]]] = {name: list(m.suite) for name, m in ADAPTERS.items()}


def corrupt(X: np.ndarray, modality: str, kind: str, level: float,
            scale: np.ndarray | None = None, sample_rate: int | None = None) -> np.ndarray:
    """`X` corrupted by one entry of the suite (deterministic); tables take each feature's
    spread (`scale`), audio its `sample_rate`.

    Example:
        >>> X = np.full((2, 8, 8), 100, np.uint8)
        >>> np.array_equal(corrupt(X, "image", "noise", 0.1), corrupt(X, "image", "noise", 0.1))
        True
        >>> corrupt(np.array(["a good film"], dtype=object), "text", "word_drop", 0.0)[0]
        'a good film'
    """
    # seeded by the entry alone (Python's hash() of a str differs between processes)
    rng = np.random.default_rng([CORRUPTION_SEED, sum(map(ord, kind)), int(level * 1000)])
    return adapter_for(modality).corrupt(X, kind, level, rng, scale, sample_rate)
