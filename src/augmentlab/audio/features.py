"""Log-mel spectrograms of a batch of clips: the audio front end of the measure harness's models,
of its spectrogram strategies (SpecAugment starts from the same spectrograms) and of the MFCC
series of `augmentlab.datasets`, so every one of them sees one representation.
"""

from __future__ import annotations

import numpy as np

from ..core.errors import InvalidInput
from .spectrogram import mel_spectrogram

__all__ = ["N_MELS", "log_mel"]

N_MELS = 40


def log_mel(X: np.ndarray, sample_rate: int) -> np.ndarray:
    """``(N, N_MELS, frames)`` float32 log-mel spectrograms (dB below each clip's loudest cell,
    so the level of a clip does not matter) of ``(N, samples)`` mono clips.

    Example:
        >>> t = np.arange(16000) / 16000
        >>> S = log_mel(np.sin(2 * np.pi * 440 * t)[None].astype(np.float32), 16000)
        >>> S.shape, float(S.max())
        ((1, 40, 101), 0.0)
    """
    X = np.asarray(X)
    if X.ndim != 2 or not np.issubdtype(X.dtype, np.floating):
        raise InvalidInput(f"log_mel: expected (N, samples) float waveforms, got {X.dtype} "
                           f"{X.shape}")
    if len(X) == 0:
        raise InvalidInput("log_mel: no clips (an empty batch)")
    out = np.stack([mel_spectrogram(x, sample_rate, n_mels=N_MELS) for x in X])
    return out - out.max(axis=(1, 2), keepdims=True)
