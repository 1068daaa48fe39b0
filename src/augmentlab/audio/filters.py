"""Butterworth filters with a random cutoff: LowPass, HighPass, BandPass, BandStop.

Cutoffs are drawn log-uniformly (as pitch is heard) and kept below the Nyquist frequency; the
filter runs forward only (causal, like a real device), as second-order sections in float64."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.params import check_number, to_range
from ..core.rng import uniform
from .base import AudioTransform, audio_of

__all__ = ["BandPass", "BandStop", "HighPass", "LowPass"]


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return math.exp(uniform(rng, math.log(low), math.log(high)))


class _Filter(AudioTransform):
    _abstract = True
    btype: str

    def __init__(self, *, min_hz: float, max_hz: float, order: int, p: float) -> None:
        super().__init__(p=p)
        self.hz = to_range(self.name, "min_hz..max_hz", (min_hz, max_hz), low=1, high=1e6)
        self.order = int(check_number(self.name, "order", order, low=1, high=12, integer=True))

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"hz": _log_uniform(rng, *self.hz)}

    def band(self, params: dict[str, Any], rate: int) -> float | list[float]:
        """The cutoff: a low-pass above the Nyquist frequency keeps everything (clamped); a
        high-pass there would keep nothing, which is refused."""
        nyquist = rate / 2.0
        if self.btype == "highpass" and params["hz"] >= 0.99 * nyquist:
            raise InvalidInput(f"{self.name}: a {params['hz']:.0f} Hz cutoff is above the Nyquist "
                               f"frequency of {rate} Hz audio; lower min_hz/max_hz")
        return min(params["hz"], 0.99 * nyquist)

    def apply(self, sample: Any, params: dict[str, Any]) -> Any:
        from scipy import signal

        key, audio, rate = audio_of(sample)
        sos = signal.butter(self.order, self.band(params, rate), btype=self.btype, fs=rate,
                            output="sos")
        out = signal.sosfilt(sos, audio.astype(np.float64), axis=-1).astype(np.float32)
        return sample.derive(**{key: out})


class LowPass(_Filter):
    """Keep what lies below a cutoff drawn in ``[min_hz, max_hz]`` (Butterworth, `order`).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = np.arange(8000) / 8000
        >>> x = (np.sin(2 * np.pi * 100 * t) + np.sin(2 * np.pi * 3000 * t)).astype(np.float32)
        >>> y = al.audio.LowPass(min_hz=500, max_hz=500)(audio=x, sample_rate=8000, seed=0)["audio"]
        >>> bool(0.6 < y[4000:].std() < 0.8)  # the 100 Hz tone alone: std 0.71
        True
    """

    name = "audio.LowPass"
    btype = "lowpass"

    def __init__(self, *, min_hz: float = 150.0, max_hz: float = 7500.0, order: int = 4,
                 p: float = 1.0) -> None:
        super().__init__(min_hz=min_hz, max_hz=max_hz, order=order, p=p)


class HighPass(_Filter):
    """Keep what lies above a cutoff drawn in ``[min_hz, max_hz]`` (Butterworth, `order`).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.ones(8000, np.float32)  # all of it at 0 Hz
        >>> y = al.audio.HighPass(min_hz=100, max_hz=100)(audio=x, sample_rate=8000, seed=0)["audio"]
        >>> bool(abs(y[4000:]).max() < 1e-3)
        True
    """

    name = "audio.HighPass"
    btype = "highpass"

    def __init__(self, *, min_hz: float = 20.0, max_hz: float = 2400.0, order: int = 4,
                 p: float = 1.0) -> None:
        super().__init__(min_hz=min_hz, max_hz=max_hz, order=order, p=p)


class _BandFilter(_Filter):
    _abstract = True

    def __init__(self, *, min_hz: float = 200.0, max_hz: float = 4000.0, min_width: float = 0.5,
                 max_width: float = 1.5, order: int = 4, p: float = 1.0) -> None:
        super().__init__(min_hz=min_hz, max_hz=max_hz, order=order, p=p)
        self.width = to_range(self.name, "min_width..max_width", (min_width, max_width),
                              low=0.01, high=4)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"hz": _log_uniform(rng, *self.hz), "width": uniform(rng, *self.width)}

    def band(self, params: dict[str, Any], rate: int) -> list[float]:
        """``[low, high]`` around the centre, `width` times the centre wide, inside (0, Nyquist)."""
        nyquist = rate / 2.0
        centre, half = params["hz"], params["hz"] * params["width"] / 2.0
        low = max(centre - half, 1.0)
        high = min(centre + half, 0.99 * nyquist)
        if centre >= 0.99 * nyquist or low >= high:
            raise InvalidInput(f"{self.name}: a band around {centre:.0f} Hz does not fit under "
                                f"the Nyquist frequency of {rate} Hz audio; lower min_hz/max_hz")
        return [low, high]


class BandPass(_BandFilter):
    """Keep a band around a centre drawn in ``[min_hz, max_hz]``, ``width`` (a fraction of the
    centre) drawn in ``[min_width, max_width]``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.audio.BandPass(min_hz=1000, max_hz=1000)(audio=np.zeros(800, np.float32),
        ...                                            sample_rate=8000, seed=0)["audio"].shape
        (800,)
    """

    name = "audio.BandPass"
    btype = "bandpass"


class BandStop(_BandFilter):
    """Remove a band around a centre drawn in ``[min_hz, max_hz]``, ``width`` (a fraction of the
    centre) drawn in ``[min_width, max_width]``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.audio.BandStop(min_hz=1000, max_hz=1000)(audio=np.zeros(800, np.float32),
        ...                                            sample_rate=8000, seed=0)["audio"].shape
        (800,)
    """

    name = "audio.BandStop"
    btype = "bandstop"
