"""What every audio transform shares: finding the waveform, its rate and its events."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.transform import Transform

__all__ = ["AudioTransform", "audio_of", "mix_at_snr", "rms"]


def audio_of(sample: Any) -> tuple[str, np.ndarray, int]:
    """``(key, samples, sample_rate)`` of the sample's audio field."""
    keys = sample.keys_of("audio")
    if not keys:
        raise InvalidInput("this transform works on audio: pass audio=... and sample_rate=...")
    rate = sample[sample.keys_of("sample_rate")[0]]
    return keys[0], sample[keys[0]], int(rate)


def rms(x: np.ndarray) -> float:
    """Root mean square over every sample (accumulated in float64).

    Example:
        >>> rms(np.array([3.0, -3.0], np.float32))
        3.0
    """
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


def mix_at_snr(audio: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """``audio + noise`` with the noise scaled so the audio's power is `snr_db` above it
    (float32); a copy of `audio` when either is silent (no SNR can be met).

    Example:
        >>> x = np.ones(4, np.float32)
        >>> mix_at_snr(x, np.array([1.0, -1.0, 1.0, -1.0]), 20.0).tolist()
        [1.100000023841858, 0.8999999761581421, 1.100000023841858, 0.8999999761581421]
    """
    level, noise_level = rms(audio), rms(noise)
    if level == 0.0 or noise_level == 0.0:
        return audio.copy()
    scale = level / 10.0 ** (snr_db / 20.0) / noise_level
    return (audio + (noise * scale).astype(np.float32)).astype(np.float32, copy=False)


class AudioTransform(Transform):
    """An audio transform: changes ``audio`` (and ``events`` where time moves)."""

    _abstract = True
    fields = frozenset({"audio"})
