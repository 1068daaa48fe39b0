"""What every audio transform shares: finding the waveform, its rate and its events."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.kinds import field_of
from ..core.transform import Transform

__all__ = ["AudioTransform", "audio_of", "fit_length", "keep_full_scale", "mix_at_snr", "rms"]


def audio_of(sample: Any) -> tuple[str, np.ndarray, int]:
    """``(key, samples, sample_rate)`` of the sample's audio field."""
    key, audio = field_of(sample, "audio", "audio: pass audio=... and sample_rate=...")
    rate = sample[sample.keys_of("sample_rate")[0]]
    return key, audio, int(rate)


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


def fit_length(audio: np.ndarray, n: int) -> np.ndarray:
    """A clip cut or zero-padded at the end to `n` samples on its last axis (a dataset's fixed
    clip length; what a length-keeping tempo or pitch change returns).

    Example:
        >>> fit_length(np.ones(3, np.float32), 5).tolist(), fit_length(np.ones(3), 2).tolist()
        ([1.0, 1.0, 1.0, 0.0, 0.0], [1.0, 1.0])
    """
    if audio.shape[-1] == n:
        return audio
    if audio.shape[-1] > n:
        return audio[..., :n]
    return np.pad(audio, [(0, 0)] * (audio.ndim - 1) + [(0, n - audio.shape[-1])])


def keep_full_scale(out: np.ndarray, source: np.ndarray) -> np.ndarray:
    """`out` scaled down to a peak of 1.0 when it went past full scale from a `source` that was
    within it, else `out` unchanged (float32). Transforms that are not meant to change the level
    (noise, rooms, filters, tempo and pitch, codecs) call it, so they never introduce clipping:
    a writer to integer PCM would clip what lies past 1.0.

    Example:
        >>> keep_full_scale(np.array([0.5, -2.0], np.float32), np.array([0.9], np.float32)).tolist()
        [0.25, -1.0]
    """
    peak = max(float(out.max()), -float(out.min())) if out.size else 0.0  # no |out| temporary
    if peak <= 1.0 or (source.size and max(float(source.max()), -float(source.min())) > 1.0):
        return out
    return (out * np.float32(1.0 / peak)).astype(np.float32, copy=False)


class AudioTransform(Transform):
    """An audio transform: changes ``audio`` (and ``events`` where time moves)."""

    _abstract = True
    fields = frozenset({"audio"})
