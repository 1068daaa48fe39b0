"""A fixed corruption suite per modality: how well a model holds up off its training distribution.

Every corruption is a pure function of the data, its severity and a fixed seed, so every strategy
is scored on exactly the same corrupted test rows.

- images: Gaussian noise, Gaussian blur, lower contrast, rotation, shift (two severities each);
- text: typos (adjacent-letter swaps, drops) and word drops;
- tables: Gaussian feature noise scaled by each feature's training spread;
- audio: white noise at 20 and 10 dB SNR, a 2 kHz and a 1 kHz low-pass (a phone line, a wall),
  room reverberation (RT60 0.3 and 0.8 s), a delay of 0.1 and 0.25 s;
- series: Gaussian noise of 0.1 and 0.3 of each channel's training spread, a gain of 0.7 and
  1.4, a delay of 10% and 25% of the length (the first step repeated in front).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..core.errors import InvalidConfig

__all__ = ["SUITES", "corrupt"]

_SEED = 20261122  # fixed: the suite is part of the benchmark, not of a run


def _per_image(X: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    return np.stack([fn(x) for x in X])


def _noise(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    noisy = X.astype(np.float32) + rng.normal(0.0, level * 255.0, X.shape).astype(np.float32)
    return np.clip(np.rint(noisy), 0, 255).astype(np.uint8)


def _blur(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    import cv2

    sigma = level * min(X.shape[1:3]) / 28.0  # severities are set for 28 px, scaled by size
    return _per_image(X, lambda x: cv2.GaussianBlur(x, (0, 0), sigma))


def _contrast(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    x = X.astype(np.float32)
    mean = x.mean(axis=tuple(range(1, X.ndim)), keepdims=True)
    return np.clip(np.rint(mean + (x - mean) * level), 0, 255).astype(np.uint8)


def _affine(X: np.ndarray, angle: float, shift: float, rng: np.random.Generator) -> np.ndarray:
    import cv2

    h, w = X.shape[1:3]
    out = []
    for x in X:
        sign = 1.0 if rng.random() < 0.5 else -1.0
        m = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), sign * angle, 1.0)
        m[:, 2] += sign * shift * np.array([w, h])
        warped = cv2.warpAffine(x, m, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        out.append(warped.reshape(x.shape))
    return np.stack(out)


def _typos(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    out = []
    for text in X:
        chars = list(str(text))
        i = 0
        while i < len(chars) - 1:
            if chars[i].isalpha() and rng.random() < level:
                if rng.random() < 0.5:
                    chars[i], chars[i + 1] = chars[i + 1], chars[i]
                    i += 1
                else:
                    del chars[i]
                    continue
            i += 1
        out.append("".join(chars))
    return np.array(out, dtype=object)


def _word_drop(X: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    out = []
    for text in X:
        words = str(text).split()
        kept = [w for w in words if rng.random() >= level] or words[:1]
        out.append(" ".join(kept))
    return np.array(out, dtype=object)


def _feature_noise(X: np.ndarray, level: float, rng: np.random.Generator, scale: np.ndarray
                   ) -> np.ndarray:
    return X + rng.normal(0.0, 1.0, X.shape) * (level * scale)


def _audio_noise(X: np.ndarray, snr_db: float, rng: np.random.Generator) -> np.ndarray:
    from ..audio.base import mix_at_snr

    return np.stack([mix_at_snr(x, rng.standard_normal(x.shape), snr_db) for x in X])


def _audio_lowpass(X: np.ndarray, hz: float, rate: int) -> np.ndarray:
    from scipy import signal

    from ..audio.filters import butter_sos

    return signal.sosfilt(butter_sos(4, hz, "lowpass", rate), X.astype(np.float64),
                          axis=-1).astype(np.float32)


def _audio_reverb(X: np.ndarray, rt60: float, rate: int) -> np.ndarray:
    from scipy import signal

    from ..audio.reverb import synthetic_room

    ir = synthetic_room(rt60, rate, seed=_SEED)
    wet = signal.fftconvolve(X.astype(np.float64), ir[None, :], axes=-1)[:, : X.shape[1]]
    peak = np.abs(wet).max(axis=1, keepdims=True)  # a room does not clip: scale back under 1
    return (wet / np.maximum(peak, 1.0)).astype(np.float32)


def _audio_delay(X: np.ndarray, seconds: float, rate: int) -> np.ndarray:
    k = min(int(round(seconds * rate)), X.shape[1])
    out = np.zeros_like(X)
    out[:, k:] = X[:, : X.shape[1] - k]
    return out


def _series_delay(X: np.ndarray, fraction: float) -> np.ndarray:
    k = min(int(round(fraction * X.shape[1])), X.shape[1])
    return np.concatenate([np.repeat(X[:, :1], k, axis=1), X[:, : X.shape[1] - k]], axis=1)


SUITES: dict[str, list[tuple[str, float]]] = {
    "image": [("noise", 0.08), ("noise", 0.16), ("blur", 0.7), ("blur", 1.2),
              ("contrast", 0.5), ("contrast", 0.3), ("rotate", 15.0), ("rotate", 30.0),
              ("shift", 0.1), ("shift", 0.2)],
    "text": [("typos", 0.05), ("typos", 0.15), ("word_drop", 0.1), ("word_drop", 0.25)],
    "table": [("feature_noise", 0.1), ("feature_noise", 0.3)],
    "audio": [("noise_snr", 20.0), ("noise_snr", 10.0), ("lowpass", 2000.0), ("lowpass", 1000.0),
              ("reverb", 0.3), ("reverb", 0.8), ("delay", 0.1), ("delay", 0.25)],
    "series": [("noise", 0.1), ("noise", 0.3), ("gain", 0.7), ("gain", 1.4), ("delay", 0.1),
               ("delay", 0.25)],
}


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
    rng = np.random.default_rng([_SEED, sum(map(ord, kind)), int(level * 1000)])
    if modality == "image":
        if kind == "rotate":
            return _affine(X, level, 0.0, rng)
        if kind == "shift":
            return _affine(X, 0.0, level, rng)
        return {"noise": _noise, "blur": _blur, "contrast": _contrast}[kind](X, level, rng)
    if modality == "text":
        return {"typos": _typos, "word_drop": _word_drop}[kind](X, level, rng)
    if modality == "series":
        if kind == "noise":
            spread = np.ones(X.shape[2]) if scale is None else scale
            return (X + rng.normal(0.0, 1.0, X.shape) * (level * spread)).astype(X.dtype)
        if kind == "gain":
            return (X * level).astype(X.dtype)
        return _series_delay(X, level)
    if modality == "audio":
        if kind == "noise_snr":
            return _audio_noise(X, level, rng)
        rate = int(sample_rate or 0)
        if rate <= 0:
            raise InvalidConfig("corrupt: audio needs its sample_rate (sample_rate=...)")
        return {"lowpass": _audio_lowpass, "reverb": _audio_reverb,
                "delay": _audio_delay}[kind](X, level, rate)
    spread = np.ones(X.shape[1]) if scale is None else scale
    return _feature_noise(X, level, rng, spread)
