"""Filters with a random cutoff: Butterworth LowPass, HighPass, BandPass, BandStop, and a
peaking equaliser, PeakingEQ.

Cutoffs are drawn log-uniformly (as pitch is heard) and kept below the Nyquist frequency; the
filter runs forward only (causal, like a real device), as second-order sections in float64."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.params import check_number, to_range
from ..core.rng import uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of, keep_full_scale
from .iir import sos_filter

__all__ = ["BandPass", "BandStop", "HighPass", "LowPass", "PeakingEQ", "butter_sos", "peaking_sos"]


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return math.exp(uniform(rng, math.log(low), math.log(high)))


def _quadratics(roots: np.ndarray) -> list[list[float]]:
    """Real second-order factors ``[1, c1, c2]`` of a polynomial with these roots: each
    conjugate pair, then the real roots two by two (a lone one as ``[1, -r, 0]``)."""
    tol = 1e-10
    upper = roots[roots.imag > tol]
    real = np.sort(roots[np.abs(roots.imag) <= tol].real)
    factors = [[1.0, float(-2 * r.real), float(abs(r) ** 2)] for r in upper]
    for i in range(0, len(real) - 1, 2):
        factors.append([1.0, float(-(real[i] + real[i + 1])), float(real[i] * real[i + 1])])
    if len(real) % 2:
        factors.append([1.0, float(-real[-1]), 0.0])
    return factors


def butter_sos(order: int, band: float | list[float], btype: str, rate: float) -> np.ndarray:
    """Digital Butterworth second-order sections, as ``scipy.signal.butter(..., output="sos")``
    (the same transfer function) without its ``zpk2sos`` pairing search, which cost most of a
    filter call: here poles and zeros of Butterworth filters are paired directly (in
    bench/audio.py the filters went from about par with audiomentations to 1.6-3.7x).

    Example:
        >>> from scipy import signal
        >>> sos = butter_sos(4, [500.0, 1500.0], "bandpass", 8000.0)
        >>> w, h = signal.sosfreqz(sos, worN=[1000.0], fs=8000.0)
        >>> round(float(abs(h[0])), 3)  # inside the band
        1.0
    """
    from scipy import signal

    z, p, k = signal.buttap(order)
    warped = 2 * rate * np.tan(np.pi * np.atleast_1d(np.asarray(band, dtype=np.float64)) / rate)
    if btype == "lowpass":
        z, p, k = signal.lp2lp_zpk(z, p, k, wo=warped[0])
    elif btype == "highpass":
        z, p, k = signal.lp2hp_zpk(z, p, k, wo=warped[0])
    else:
        centre, width = math.sqrt(warped[0] * warped[1]), warped[1] - warped[0]
        convert = signal.lp2bp_zpk if btype == "bandpass" else signal.lp2bs_zpk
        z, p, k = convert(z, p, k, wo=centre, bw=width)
    z, p, k = signal.bilinear_zpk(z, p, k, rate)
    num, den = _quadratics(np.asarray(z)), _quadratics(np.asarray(p))
    sos = np.array([n + d for n, d in zip(num, den, strict=True)])
    sos[0, :3] *= k
    return sos


class _Filter(AudioTransform):
    _abstract = True
    btype: str

    def __init__(self, *, min_hz: float, max_hz: float, order: int, p: float) -> None:
        super().__init__(p=p)
        self.hz = to_range(self.name, "min_hz..max_hz", (min_hz, max_hz), low=1, high=1e6)
        self.order = int(check_number(self.name, "order", order, low=1, high=12, integer=True))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"hz": _log_uniform(rng, *self.hz)}

    def band(self, params: dict[str, Any], rate: int) -> float | list[float]:
        """The cutoff: a low-pass above the Nyquist frequency keeps everything (clamped); a
        high-pass there would keep nothing, which is refused."""
        nyquist = rate / 2.0
        if self.btype == "highpass" and params["hz"] >= 0.99 * nyquist:
            raise InvalidInput(f"{self.name}: a {params['hz']:.0f} Hz cutoff is above the Nyquist "
                               f"frequency of {rate} Hz audio; lower min_hz/max_hz")
        return min(params["hz"], 0.99 * nyquist)

    def sos(self, params: dict[str, Any], rate: int) -> np.ndarray:
        """The filter's second-order sections for these params at this rate."""
        return butter_sos(self.order, self.band(params, rate), self.btype, rate)

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        from scipy import signal

        key, audio, rate = audio_of(sample)
        sos = self.sos(params, rate)
        if len(sos) == 1:  # one section (PeakingEQ): a block at a time, see iir.py
            out = sos_filter(sos, audio)
        else:  # a cascade: scipy's loop runs extra sections for little more than one
            out = signal.sosfilt(sos, audio.astype(np.float64), axis=-1).astype(np.float32)
        return sample.derive(**{key: keep_full_scale(out, audio)})


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

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
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


def peaking_sos(hz: float, gain_db: float, q: float, rate: float) -> np.ndarray:
    """One second-order section boosting or cutting ``gain_db`` around ``hz`` with quality `q`
    (the peaking EQ of R. Bristow-Johnson's "Audio EQ Cookbook"): exactly ``gain_db`` at the
    centre, 0 dB far from it.

    Example:
        >>> from scipy import signal
        >>> w, h = signal.sosfreqz(peaking_sos(1000.0, 6.0, 1.0, 8000.0), worN=[1000.0], fs=8000.0)
        >>> round(float(20 * np.log10(abs(h[0]))), 6)
        6.0
    """
    amp = 10.0 ** (gain_db / 40.0)
    w0 = 2.0 * math.pi * hz / rate
    alpha = math.sin(w0) / (2.0 * q)
    cos = math.cos(w0)
    b = np.array([1.0 + alpha * amp, -2.0 * cos, 1.0 - alpha * amp])
    a = np.array([1.0 + alpha / amp, -2.0 * cos, 1.0 - alpha / amp])
    return np.concatenate([b / a[0], a / a[0]])[None, :]


class PeakingEQ(_Filter):
    """Boost or cut a band: centre drawn log-uniformly in ``[min_hz, max_hz]``, gain uniformly in
    ``[min_gain_db, max_gain_db]``, quality factor uniformly in ``[min_q, max_q]`` (higher is
    narrower). A boost may push samples past 1.0, as an equaliser does; follow with
    `audio.Normalize` where that matters.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = np.arange(8000) / 8000
        >>> x = (0.1 * np.sin(2 * np.pi * 1000 * t)).astype(np.float32)
        >>> eq = al.audio.PeakingEQ(min_hz=1000, max_hz=1000, min_gain_db=6, max_gain_db=6)
        >>> y = eq(audio=x, sample_rate=8000, seed=0)["audio"]
        >>> round(float(20 * np.log10(y[4000:].std() / x[4000:].std())), 2)
        6.0
    """

    name = "audio.PeakingEQ"
    btype = "peaking"

    def __init__(self, *, min_hz: float = 50.0, max_hz: float = 7500.0, min_gain_db: float = -12.0,
                 max_gain_db: float = 12.0, min_q: float = 0.5, max_q: float = 4.0,
                 p: float = 1.0) -> None:
        super().__init__(min_hz=min_hz, max_hz=max_hz, order=2, p=p)
        self.gain_db = to_range(self.name, "min_gain_db..max_gain_db", (min_gain_db, max_gain_db),
                                low=-48, high=48)
        self.q = to_range(self.name, "min_q..max_q", (min_q, max_q), low=0.05, high=50)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"hz": _log_uniform(rng, *self.hz), "gain_db": uniform(rng, *self.gain_db),
                "q": uniform(rng, *self.q)}

    def sos(self, params: dict[str, Any], rate: int) -> np.ndarray:
        """A centre at or above the Nyquist frequency is moved just under it (the band still
        reaches the top of the spectrum)."""
        return peaking_sos(min(params["hz"], 0.45 * rate), params["gain_db"], params["q"], rate)
