"""Audio: float32 arrays ``(N, samples)`` of equal-length mono clips on the ``audio`` field, with
the dataset's ``sample_rate``; a pipeline of spectrogram transforms (SpecAugment) works on their
log-mel spectrograms instead, the audio models' own front end.

Corruptions: white noise at 20 and 10 dB SNR, a 2 kHz and a 1 kHz low-pass (a phone line, a
wall), room reverberation (RT60 0.3 and 0.8 s), a delay of 0.1 and 0.25 s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from ...audio.base import fit_length
from ...audio.features import log_mel
from ...core.errors import InvalidConfig
from .base import CORRUPTION_SEED, Modality, stacked

if TYPE_CHECKING:
    from ...core.compose import Compose
    from ...datasets import Dataset

__all__ = ["AudioModality", "on_spectrograms"]


def on_spectrograms(pipeline: Compose) -> bool:
    """Whether `pipeline` augments spectrograms (of audio rows) rather than the rows.

    Example:
        >>> from augmentlab.audio import FrequencyMask, Gain
        >>> from augmentlab.core.compose import Compose
        >>> on_spectrograms(Compose([FrequencyMask()])), on_spectrograms(Compose([Gain()]))
        (True, False)
    """
    return any("spectrogram" in t.fields for t in pipeline.leaves())


def _noise(X: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    from ...audio.base import mix_at_snr

    return np.stack([mix_at_snr(x, rng.standard_normal(x.shape), snr_db) for x in X])


def _lowpass(X: np.ndarray, hz: float, rate: int) -> np.ndarray:
    from scipy import signal

    from ...audio.filters import butter_sos

    return signal.sosfilt(butter_sos(4, hz, "lowpass", rate), X.astype(np.float64),
                          axis=-1).astype(np.float32)


def _reverb(X: np.ndarray, rt60: float, rate: int) -> np.ndarray:
    from scipy import signal

    from ...audio.reverb import synthetic_room

    ir = synthetic_room(rt60, rate, seed=CORRUPTION_SEED)
    wet = signal.fftconvolve(X.astype(np.float64), ir[None, :], axes=-1)[:, : X.shape[1]]
    peak = np.abs(wet).max(axis=1, keepdims=True)  # a room does not clip: scale back under 1
    return (wet / np.maximum(peak, 1.0)).astype(np.float32)


def _delay(X: np.ndarray, seconds: float, rate: int) -> np.ndarray:
    k = min(int(round(seconds * rate)), X.shape[1])
    out = np.zeros_like(X)
    out[:, k:] = X[:, : X.shape[1] - k]
    return out


class AudioModality(Modality):
    """Audio clips at the dataset's sample rate.

    Example:
        >>> X = np.zeros((2, 800), np.float32)
        >>> AudioModality().corrupt(X, "delay", 0.01, np.random.default_rng(0), None, 8000).shape
        (2, 800)
    """

    name: ClassVar[str] = "audio"
    field: ClassVar[str] = "audio"
    suite: ClassVar[tuple[tuple[str, float], ...]] = (
        ("noise_snr", 20.0), ("noise_snr", 10.0), ("lowpass", 2000.0), ("lowpass", 1000.0),
        ("reverb", 0.3), ("reverb", 0.8), ("delay", 0.1), ("delay", 0.25))
    default_model: ClassVar[str] = "logmel-logreg"

    def extra_fields(self, data: Dataset) -> dict[str, Any]:
        return {"sample_rate": int(data.info["sample_rate"])}

    def corrupt(self, X: np.ndarray, kind: str, level: float, rng: np.random.Generator,
                scale: np.ndarray | None, sample_rate: int | None) -> np.ndarray:
        if kind == "noise_snr":
            return _noise(X, level, rng)
        rate = int(sample_rate or 0)
        if rate <= 0:
            raise InvalidConfig("corrupt: audio needs its sample_rate (sample_rate=...)")
        return {"lowpass": _lowpass, "reverb": _reverb, "delay": _delay}[kind](X, level, rate)

    def recommended(self, data: Dataset, seed: int) -> Compose:
        from ...audio import AddGaussianNoise, ApplyImpulseResponse, PitchShift, Shift, TimeStretch
        from ...core.compose import Compose

        return Compose([
            TimeStretch(min_rate=0.85, max_rate=1.15, p=0.5),
            PitchShift(min_semitones=-3, max_semitones=3, p=0.5),
            Shift(min_fraction=-0.1, max_fraction=0.1, rollover=False, p=0.5),
            AddGaussianNoise(min_snr_db=15, max_snr_db=40, p=0.5),
            ApplyImpulseResponse(min_rt60=0.2, max_rt60=0.6, p=0.3),
        ], seed=seed)

    def inputs(self, X: np.ndarray, pipeline: Compose, extra: Mapping[str, Any]
               ) -> tuple[np.ndarray, str]:
        if on_spectrograms(pipeline):
            return log_mel(X, int(extra["sample_rate"])), "spectrogram"
        return X, self.field

    def augment(self, pipeline: Compose, X: np.ndarray, rows: np.ndarray, copy: int, seed: int,
                extra: Mapping[str, Any]) -> np.ndarray:
        """Waveforms come back at the rows' length (`fit_length`); a spectrogram pipeline
        returns spectrograms."""
        X_in, field = self.inputs(X, pipeline, extra)
        given = dict(extra) if field == self.field else {}  # a spectrogram carries no rate
        out = [pipeline(**{field: x}, **given, sample_id=int(r), copy=copy, seed=seed)[field]
               for x, r in zip(X_in, rows, strict=True)]
        if field == self.field:
            out = [fit_length(a, X_in.shape[-1]) for a in out]
        return stacked(out, X_in)

    def shown(self, X: np.ndarray, extra: Mapping[str, Any]) -> list[Any]:
        if X.ndim == 2:  # waveforms: shown through the model's front end
            return list(log_mel(X, extra["sample_rate"]))
        return list(X)
