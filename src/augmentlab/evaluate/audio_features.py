"""The audio model's front end: log-mel spectrograms, and pooled features a linear model can use.

One front end serves both ways into the model: waveforms ``(N, samples)`` are turned into log-mel
spectrograms here, and strategies that augment spectrograms (SpecAugment) start from the same
spectrograms (`log_mel`), so the model sees one representation whichever way the rows came.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..core.errors import InvalidInput

__all__ = ["N_MELS", "LogMelFeatures", "SeriesFeatures", "log_mel", "pooled"]

N_MELS = 40
SEGMENTS = 10  # time segments the spectrogram is averaged over (about 0.1 s each for 1 s clips)


def log_mel(X: np.ndarray, sample_rate: int) -> np.ndarray:
    """``(N, N_MELS, frames)`` float32 log-mel spectrograms (dB below each clip's loudest cell,
    so the level of a clip does not matter) of ``(N, samples)`` mono clips.

    Example:
        >>> t = np.arange(16000) / 16000
        >>> S = log_mel(np.sin(2 * np.pi * 440 * t)[None].astype(np.float32), 16000)
        >>> S.shape, float(S.max())
        ((1, 40, 101), 0.0)
    """
    from ..audio.spectrogram import mel_spectrogram

    X = np.asarray(X)
    if X.ndim != 2 or not np.issubdtype(X.dtype, np.floating):
        raise InvalidInput(f"log_mel: expected (N, samples) float waveforms, got {X.dtype} "
                           f"{X.shape}")
    if len(X) == 0:
        raise InvalidInput("log_mel: no clips (an empty batch)")
    out = np.stack([mel_spectrogram(x, sample_rate, n_mels=N_MELS) for x in X])
    return out - out.max(axis=(1, 2), keepdims=True)


class LogMelFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """A scikit-learn transformer: waveforms (or `log_mel` spectrograms) in, ``N_MELS x
    (SEGMENTS + 1)`` features out: the spectrogram averaged over `SEGMENTS` equal stretches of
    time, and each band's spread over time. No fitting needed.

    Example:
        >>> X = np.random.default_rng(0).standard_normal((3, 16000)).astype(np.float32)
        >>> LogMelFeatures(sample_rate=16000).fit(X).transform(X).shape
        (3, 440)
    """

    def __init__(self, sample_rate: int = 16000) -> None:
        self.sample_rate = sample_rate

    def fit(self, X: Any, y: Any = None) -> LogMelFeatures:
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = np.asarray(X)
        spec = log_mel(X, self.sample_rate) if X.ndim == 2 else X.astype(np.float32)
        if spec.ndim != 3 or spec.shape[1] != N_MELS:
            raise InvalidInput(f"LogMelFeatures: expected waveforms (N, samples) or log-mel "
                               f"spectrograms (N, {N_MELS}, frames), got {X.shape}")
        return pooled(spec)


def pooled(frames: np.ndarray) -> np.ndarray:
    """``(N, channels, T)`` -> ``(N, channels x (SEGMENTS + 1))``: each channel averaged over
    `SEGMENTS` equal stretches of time, then each channel's spread over time.

    Example:
        >>> pooled(np.ones((2, 3, 50))).shape
        (2, 33)
    """
    segments = np.array_split(frames, SEGMENTS, axis=2)
    means = np.stack([s.mean(axis=2) for s in segments], axis=2)  # (N, channels, SEGMENTS)
    return np.concatenate([means.reshape(len(frames), -1), frames.std(axis=2)], axis=1)


class SeriesFeatures(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """A scikit-learn transformer for ``(N, T, C)`` series: `pooled` over time per channel
    (missing values, NaN, are read as the channel's mean over the series).

    Example:
        >>> SeriesFeatures().fit(None).transform(np.zeros((4, 30, 2))).shape
        (4, 22)
    """

    def fit(self, X: Any, y: Any = None) -> SeriesFeatures:
        return self

    def transform(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 3:
            raise InvalidInput(f"SeriesFeatures: expected (N, T, channels) series, got {X.shape}")
        if np.isnan(X).any():
            means = np.nanmean(np.where(np.isnan(X).all(axis=1, keepdims=True), 0.0, X), axis=1,
                               keepdims=True)
            X = np.where(np.isnan(X), means, X)
        return pooled(X.transpose(0, 2, 1))
