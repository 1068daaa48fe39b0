"""The front ends of the built-in scikit-learn models: scikit-learn transformers from raw rows
to the features a linear model can use (``embedding-logreg``, ``logmel-logreg``,
``series-logreg``; see `augmentlab.evaluate.models`).

The representations themselves live with their modality (`augmentlab.audio.features.log_mel`,
`augmentlab.text.sentence_embeddings.encode`); this module only pools and wraps them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from ..audio.features import N_MELS, log_mel
from ..core.errors import InvalidInput
from ..text.sentence_embeddings import encode

__all__ = ["SEGMENTS", "LogMelFeatures", "MiniLMEmbedder", "SeriesFeatures", "pooled"]

SEGMENTS = 10  # time segments the spectrogram is averaged over (about 0.1 s each for 1 s clips)


class MiniLMEmbedder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """A scikit-learn transformer: strings in, MiniLM embeddings out (no fitting needed).

    Example:
        >>> MiniLMEmbedder().fit(["x"]).transform(["a", "b"]).shape
        (2, 384)
    """

    def fit(self, X: Any, y: Any = None) -> MiniLMEmbedder:
        return self

    def transform(self, X: Any) -> np.ndarray:
        return encode([str(t) for t in X])


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
