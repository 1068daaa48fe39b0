"""Shift: move the sound in time, rolling it round or padding with silence; events follow."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import to_range
from ..core.rng import uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of

__all__ = ["Shift"]


def shift_events(events: list[Any], seconds: float, duration: float, rollover: bool) -> list[Any]:
    """Events moved by `seconds` in a clip of `duration`: without rollover an event is cut at
    the clip's edges (dropped if nothing is left); with rollover an event that crosses the end
    is split in two, its tail reappearing at the start.

    Example:
        >>> shift_events([(0.5, 0.9, "dog")], 0.3, 1.0, rollover=True)
        [(0.0, 0.2, 'dog'), (0.8, 1.0, 'dog')]
        >>> shift_events([(0.5, 0.9, "dog")], 0.3, 1.0, rollover=False)
        [(0.8, 1.0, 'dog')]
    """
    out = []
    for onset, offset, label in events:
        a, b = float(onset) + seconds, float(offset) + seconds
        pieces = [(a, b)]
        if rollover:
            pieces = [(a - k * duration, b - k * duration) for k in (-1, 0, 1)]
        for lo, hi in pieces:
            lo, hi = max(lo, 0.0), min(hi, duration)
            if hi > lo or (hi == lo and float(onset) == float(offset) and 0 <= lo <= duration):
                out.append((round(lo, 9), round(hi, 9), label))
    return sorted(out, key=lambda e: (e[0], e[1], str(e[2])))


class Shift(AudioTransform):
    """Shift by a fraction of the clip's length drawn in ``[min_fraction, max_fraction]``
    (negative: earlier). ``rollover=True`` rolls the samples round; otherwise the gap is
    silence. The length never changes; ``events`` move with the sound (see `shift_events`).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.arange(4, dtype=np.float32)
        >>> out = al.audio.Shift(min_fraction=0.25, max_fraction=0.25, rollover=False)(
        ...     audio=x, sample_rate=4, events=[(0.0, 0.5, "a")], seed=0)
        >>> out["audio"].tolist(), out["events"]
        ([0.0, 0.0, 1.0, 2.0], [(0.25, 0.75, 'a')])
    """

    name = "audio.Shift"
    fields = frozenset({"audio", "events"})

    def __init__(self, *, min_fraction: float = -0.5, max_fraction: float = 0.5,
                 rollover: bool = True, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.fraction = to_range("audio.Shift", "min_fraction..max_fraction",
                                 (min_fraction, max_fraction), low=-1, high=1)
        if not isinstance(rollover, bool):
            raise InvalidConfig(f"audio.Shift: rollover={rollover!r} must be true or false")
        self.rollover = rollover

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _, audio, _ = audio_of(sample)
        return {"samples": int(round(uniform(rng, *self.fraction) * audio.shape[-1]))}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        k = params["samples"]
        if self.rollover:
            out = np.roll(audio, k, axis=-1)
        else:
            out = np.zeros_like(audio)
            n = audio.shape[-1]
            if k >= 0:
                out[..., k:] = audio[..., :n - k]
            else:
                out[..., :n + k] = audio[..., -k:]
        changes: dict[str, Any] = {key: out}
        duration = audio.shape[-1] / rate
        for ev in sample.keys_of("events"):
            changes[ev] = shift_events(sample[ev], k / rate, duration, self.rollover)
        return sample.derive(**changes)
