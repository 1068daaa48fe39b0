"""Reverse: play the clip backwards; events are mirrored in time."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.sample import Sample
from .base import AudioTransform, audio_of

__all__ = ["Reverse", "mirror_events"]


def mirror_events(events: list[Any], duration: float) -> list[Any]:
    """Events of a reversed clip of `duration` seconds: ``(d - offset, d - onset)``.

    Example:
        >>> mirror_events([(0.1, 0.4, "a")], 1.0)
        [(0.6, 0.9, 'a')]
    """
    out = [(round(duration - float(off), 9), round(duration - float(on), 9), label)
           for on, off, label in events]
    return sorted(out, key=lambda e: (e[0], e[1], str(e[2])))


class Reverse(AudioTransform):
    """Reverse the samples in time (every channel); ``events`` are mirrored. Length kept.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.audio.Reverse()(audio=np.arange(4, dtype=np.float32), sample_rate=4,
        ...                          events=[(0.0, 0.5, "a")], seed=0)
        >>> out["audio"].tolist(), out["events"]
        ([3.0, 2.0, 1.0, 0.0], [(0.5, 1.0, 'a')])
    """

    name = "audio.Reverse"
    fields = frozenset({"audio", "events"})
    random = False

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        changes: dict[str, Any] = {key: np.ascontiguousarray(audio[..., ::-1])}
        for ev in sample.keys_of("events"):
            changes[ev] = mirror_events(sample[ev], audio.shape[-1] / rate)
        return sample.derive(**changes)
