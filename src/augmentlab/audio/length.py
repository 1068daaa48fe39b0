"""RandomCrop and PadToLength: change a clip's length; events are cut or moved to match.

Length rules: `RandomCrop` returns ``min(length, seconds * rate)`` samples (a shorter clip is
returned whole); `PadToLength` returns ``max(length, seconds * rate)`` samples (a longer clip is
returned whole). Both round ``seconds * rate`` to the nearest sample."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.params import check_choice, check_number
from ..core.rng import integer
from ..core.sample import Sample
from .base import AudioTransform, audio_of
from .shift import shift_events

__all__ = ["PadToLength", "RandomCrop"]


def _moved(sample: Any, changes: dict[str, Any], start: int, rate: int, length: int) -> Any:
    """`changes` plus the events moved by `start` samples into a clip of `length` samples."""
    for ev in sample.keys_of("events"):
        changes[ev] = shift_events(sample[ev], start / rate, length / rate, rollover=False)
    return sample.derive(**changes)


class RandomCrop(AudioTransform):
    """Keep `seconds` of the clip from a random start; events are cut to the window (an event
    entirely outside it is dropped).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.audio.RandomCrop(seconds=0.5)(audio=np.zeros(1000, np.float32),
        ...                                        sample_rate=1000, seed=0)
        >>> out["audio"].shape
        (500,)
    """

    name = "audio.RandomCrop"
    fields = frozenset({"audio", "events"})

    def __init__(self, *, seconds: float = 1.0, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.seconds = check_number("audio.RandomCrop", "seconds", seconds, low=1e-4)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _, audio, rate = audio_of(sample)
        n = audio.shape[-1]
        length = min(n, max(1, int(round(self.seconds * rate))))
        return {"start": integer(rng, 0, n - length + 1), "length": length}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        start, length = params["start"], params["length"]
        out = np.ascontiguousarray(audio[..., start:start + length])
        return _moved(sample, {key: out}, -start, rate, length)


class PadToLength(AudioTransform):
    """Pad with silence to `seconds`, at the ``"end"``, the ``"start"``, both sides
    (``"center"``) or a random split (``"random"``); events move with the sound.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.audio.PadToLength(seconds=1.0, mode="start")(
        ...     audio=np.ones(500, np.float32), sample_rate=1000, events=[(0.0, 0.5, "a")])
        >>> out["audio"].shape, out["events"]
        ((1000,), [(0.5, 1.0, 'a')])
    """

    name = "audio.PadToLength"
    fields = frozenset({"audio", "events"})

    def __init__(self, *, seconds: float = 1.0, mode: str = "end", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.seconds = check_number("audio.PadToLength", "seconds", seconds, low=1e-4)
        self.mode = check_choice("audio.PadToLength", "mode", mode,
                                 ("end", "start", "center", "random"))

    @property
    def random(self) -> bool:  # type: ignore[override]
        return self.mode == "random"

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        _, audio, rate = audio_of(sample)
        n = audio.shape[-1]
        pad = max(0, int(round(self.seconds * rate)) - n)
        before = {"end": 0, "start": pad, "center": pad // 2}.get(self.mode)
        if before is None:
            before = integer(rng, 0, pad + 1)
        return {"before": before, "after": pad - before}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        before, after = params["before"], params["after"]
        widths = [(0, 0)] * (audio.ndim - 1) + [(before, after)]
        out = np.pad(audio, widths)
        return _moved(sample, {key: out}, before, rate, out.shape[-1])
