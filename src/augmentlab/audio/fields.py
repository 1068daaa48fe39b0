"""The audio field kinds: ``audio``, float32 or float64 samples in [-1, 1] nominally, shape ``(n,)``
(mono) or ``(channels, n)`` (integer PCM is refused: divide int16 by 32768), with ``sample_rate``, a
positive integer, in the same call; ``events``, a list of ``(onset, offset, label)`` in seconds
within the clip, ``onset <= offset``; ``spectrogram``, a finite float ``(freq, time)`` or
``(channels, freq, time)`` array."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["check_audio_fields", "duration_of"]


def duration_of(audio: np.ndarray, sample_rate: int) -> float:
    """Seconds of audio in a ``(n,)`` or ``(channels, n)`` array.

    Example:
        >>> duration_of(np.zeros((2, 8000), np.float32), 16000)
        0.5
    """
    return audio.shape[-1] / sample_rate


def _check_audio(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray):
        raise InvalidInput(f"{key}: expected a numpy array of samples, got {type(value).__name__}")
    if value.dtype.kind in "iu":
        raise InvalidInput(f"{key}: integer PCM ({value.dtype}) is not accepted; convert to float32 "
                           "in [-1, 1], e.g. x.astype(np.float32) / 32768 for int16")
    if value.dtype not in (np.float32, np.float64):
        raise InvalidInput(f"{key}: expected float32 or float64 samples, got {value.dtype}")
    if value.ndim not in (1, 2) or value.shape[-1] == 0:
        raise InvalidInput(f"{key}: expected a non-empty (n,) or (channels, n) array, got shape "
                           f"{value.shape}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: audio contains NaN or inf samples")


def _check_spectrogram(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype not in (np.float32, np.float64):
        raise InvalidInput(f"{key}: expected a float32 (freq, time) array, got "
                           f"{getattr(value, 'dtype', type(value).__name__)}")
    if value.ndim not in (2, 3) or 0 in value.shape:
        raise InvalidInput(f"{key}: expected a non-empty (freq, time) or (channels, freq, time) "
                           f"array, got shape {value.shape}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: spectrogram contains NaN or inf (take the log of power + a "
                           "small floor, as augmentlab.audio.mel_spectrogram does)")


def _check_events(key: str, value: Any, duration: float | None) -> None:
    if not isinstance(value, (list, tuple)):
        raise InvalidInput(f"{key}: expected a list of (onset, offset, label), got {type(value).__name__}")
    for i, event in enumerate(value):
        try:
            onset, offset, _ = event
            onset, offset = float(onset), float(offset)
        except (TypeError, ValueError):
            raise InvalidInput(f"{key}[{i}]: expected (onset, offset, label) with numeric times, "
                               f"got {event!r}") from None
        if not (math.isfinite(onset) and math.isfinite(offset)) or not 0 <= onset <= offset:
            raise InvalidInput(f"{key}[{i}]: needs 0 <= onset <= offset, got {onset:g}..{offset:g}")
        if duration is not None and offset > duration + 1e-9:
            raise InvalidInput(f"{key}[{i}]: ends at {offset:g} s, after the clip's end at "
                               f"{duration:g} s")


def check_audio_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``audio``, ``sample_rate``, ``spectrogram`` and ``events`` fields.

    Example:
        >>> check_audio_fields({"audio": np.zeros(8, np.int16), "sample_rate": 8000},
        ...                    {"audio": "audio", "sample_rate": "sample_rate"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: audio: integer PCM (int16) is not accepted; ...
    """
    rates = [k for k, v in kinds.items() if v == "sample_rate"]
    rate = fields[rates[0]] if rates else None
    duration = None
    for key, kind in kinds.items():
        if kind == "audio":
            value = fields[key]
            _check_audio(key, value)
            if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate <= 0:
                raise InvalidInput(f"{key}: needs sample_rate=<positive int> in the same call, "
                                   f"got {rate!r}")
            duration = duration_of(value, int(rate))
        elif kind == "spectrogram":
            _check_spectrogram(key, fields[key])
    for key, kind in kinds.items():
        if kind == "events":
            _check_events(key, fields[key], duration)


register_kinds(("audio", "sample_rate", "events", "spectrogram"), check_audio_fields)
