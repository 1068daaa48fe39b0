"""What every audio transform shares: finding the waveform, its rate and its events."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.transform import Transform

__all__ = ["AudioTransform", "audio_of"]


def audio_of(sample: Any) -> tuple[str, np.ndarray, int]:
    """``(key, samples, sample_rate)`` of the sample's audio field."""
    keys = sample.keys_of("audio")
    if not keys:
        raise InvalidInput("this transform works on audio: pass audio=... and sample_rate=...")
    rate = sample[sample.keys_of("sample_rate")[0]]
    return keys[0], sample[keys[0]], int(rate)


class AudioTransform(Transform):
    """An audio transform: changes ``audio`` (and ``events`` where time moves)."""

    _abstract = True
    fields = frozenset({"audio"})
