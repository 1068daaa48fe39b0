"""Time and pitch: SpeedPerturb (resampling: tempo and pitch together), TimeStretch (tempo
alone, phase vocoder) and PitchShift (pitch alone: stretch, then resample back).

The phase vocoder (Flanagan & Golden 1966, with Laroche & Dolson's 1999 identity phase
locking): a Hann-windowed STFT, frames read at a step of ``rate * hop`` with magnitudes
interpolated between neighbouring frames, peak phases advanced by their measured frequency and
the other bins locked to their peak, then overlap-added at the original hop. Events are scaled
with time."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..core.params import to_range
from ..core.rng import uniform
from .base import AudioTransform, audio_of

__all__ = ["PitchShift", "SpeedPerturb", "TimeStretch", "phase_vocoder"]

N_FFT, HOP = 1024, 256


def _scale_events(events: list[Any], factor: float, duration: float) -> list[Any]:
    """Events of a clip whose time ran `factor` times slower, cut at `duration`."""
    out = []
    for onset, offset, label in events:
        a, b = float(onset) * factor, min(float(offset) * factor, duration)
        if b > a or (b == a and float(onset) == float(offset) and a <= duration):
            out.append((round(a, 9), round(b, 9), label))
    return out


def _fit(x: np.ndarray, n: int) -> np.ndarray:
    """`x` cut or padded with silence to `n` samples on the last axis."""
    if x.shape[-1] >= n:
        return np.ascontiguousarray(x[..., :n])
    return np.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])])


def phase_vocoder(x: np.ndarray, rate: float) -> np.ndarray:
    """`x` (1-D float) played `rate` times faster without changing its pitch (length ``/ rate``).

    Example:
        >>> y = phase_vocoder(np.sin(np.arange(16000) * 0.2), 2.0)
        >>> abs(len(y) - 8000) < 300
        True
    """
    n = len(x)
    window = _hann()
    padded = np.pad(x.astype(np.float64), (N_FFT, N_FFT))
    frames = 1 + (len(padded) - N_FFT) // HOP
    idx = np.arange(N_FFT)[None, :] + HOP * np.arange(frames)[:, None]
    spec = np.fft.rfft(padded[idx] * window, axis=1)  # (frames, bins)
    bins = spec.shape[1]
    steps = np.arange(0, frames - 1, rate)
    first = steps.astype(int)
    frac = (steps - first)[:, None]
    mag, angle = np.abs(spec), np.angle(spec)
    # everything that does not depend on the phase carried from frame to frame, for all frames
    out_mag = (1 - frac) * mag[first] + frac * mag[first + 1]
    expected = 2 * np.pi * HOP * np.arange(bins) / N_FFT
    delta = angle[first + 1] - angle[first] - expected
    delta -= 2 * np.pi * np.round(delta / (2 * np.pi))
    advance = expected + delta  # each bin's phase advance over one hop, per output frame
    # identity phase locking (Laroche & Dolson): each bin keeps its analysis phase offset to the
    # spectral peak it belongs to, so a partial's bins stay coherent (no "phasiness", no lost level)
    m = mag[first]
    is_peak = np.zeros_like(m, dtype=bool)
    is_peak[:, 1:-1] = (m[:, 1:-1] > m[:, :-2]) & (m[:, 1:-1] >= m[:, 2:])
    owners = _nearest_peak(is_peak)
    offsets = angle[first] - np.take_along_axis(angle[first], owners, axis=1)
    phases = np.empty((len(steps), bins))
    phase = angle[0].copy()
    for k in range(len(steps)):  # the one sequential part: three small array operations a frame
        phases[k] = phase
        phase = (phase + advance[k])[owners[k]] + offsets[k]
    chunks = np.fft.irfft(out_mag * np.exp(1j * phases), n=N_FFT, axis=1) * window
    y = _overlap_add(chunks)
    norm = _overlap_add(np.broadcast_to(window**2, chunks.shape))
    y /= np.maximum(norm, 1e-8)
    return y[N_FFT:N_FFT + int(round(n / rate))]


def _nearest_peak(is_peak: np.ndarray) -> np.ndarray:
    """Per row, the index of the nearest True (ties to the lower one); a row without any keeps
    every index as its own."""
    b = np.arange(is_peak.shape[1])
    far = is_peak.shape[1] * 4
    before = np.maximum.accumulate(np.where(is_peak, b, -far), axis=1)
    after = np.minimum.accumulate(np.where(is_peak, b, far)[:, ::-1], axis=1)[:, ::-1]
    owner = np.where(b - before <= after - b, before, after)
    has_peak = np.asarray(is_peak.any(axis=1))
    return np.where(has_peak[:, None], owner, b)


def _hann() -> np.ndarray:
    return np.hanning(N_FFT + 1)[:-1]


def _overlap_add(chunks: np.ndarray) -> np.ndarray:
    """Frames of N_FFT samples added at a HOP apart: N_FFT / HOP shifted sums of whole blocks."""
    count = len(chunks)
    parts = N_FFT // HOP
    blocks = chunks.reshape(count, parts, HOP)
    out = np.zeros((count + parts - 1, HOP))
    for j in range(parts):
        out[j:j + count] += blocks[:, j]
    return out.reshape(-1)


def _resample(x: np.ndarray, factor: float) -> np.ndarray:
    """`x` resampled to ``len / factor`` samples (polyphase, a rational close to `factor`)."""
    from scipy import signal

    ratio = Fraction(factor).limit_denominator(200)
    return signal.resample_poly(x, ratio.denominator, ratio.numerator, axis=-1)


class SpeedPerturb(AudioTransform):
    """Play faster or slower by a factor drawn in ``[min_factor, max_factor]`` (Kaldi's speed
    perturbation: pitch and tempo change together) by polyphase resampling; the length becomes
    ``round(length / factor)``, events are scaled.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.audio.SpeedPerturb(min_factor=1.25, max_factor=1.25)(
        ...     audio=np.zeros(1000, np.float32), sample_rate=1000, seed=0)["audio"].shape
        (800,)
    """

    name = "audio.SpeedPerturb"
    fields = frozenset({"audio", "events"})

    def __init__(self, *, min_factor: float = 0.9, max_factor: float = 1.1, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.factor = to_range(self.name, "min_factor..max_factor", (min_factor, max_factor),
                               low=0.25, high=4)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"factor": float(Fraction(uniform(rng, *self.factor)).limit_denominator(200))}

    def apply(self, sample: Any, params: dict[str, Any]) -> Any:
        key, audio, rate = audio_of(sample)
        n = max(1, int(round(audio.shape[-1] / params["factor"])))
        out = _fit(_resample(audio.astype(np.float64), params["factor"]), n).astype(np.float32)
        changes: dict[str, Any] = {key: out}
        for ev in sample.keys_of("events"):
            changes[ev] = _scale_events(sample[ev], 1 / params["factor"], n / rate)
        return sample.derive(**changes)


class TimeStretch(AudioTransform):
    """Change the tempo by a rate drawn in ``[min_rate, max_rate]`` (above 1: faster) without
    changing the pitch (phase vocoder, see `phase_vocoder`). ``leave_length_unchanged`` (the
    default, as audiomentations) cuts or pads with silence to the input's length; events are
    scaled with time either way.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.sin(np.arange(8000) * 0.3).astype(np.float32)
        >>> al.audio.TimeStretch(min_rate=0.8, max_rate=0.8, leave_length_unchanged=False)(
        ...     audio=x, sample_rate=8000, seed=0)["audio"].shape
        (10000,)
    """

    name = "audio.TimeStretch"
    fields = frozenset({"audio", "events"})

    def __init__(self, *, min_rate: float = 0.8, max_rate: float = 1.25,
                 leave_length_unchanged: bool = True, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.rate = to_range(self.name, "min_rate..max_rate", (min_rate, max_rate), low=0.1, high=10)
        self.leave_length_unchanged = bool(leave_length_unchanged)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"rate": uniform(rng, *self.rate)}

    def apply(self, sample: Any, params: dict[str, Any]) -> Any:
        key, audio, rate = audio_of(sample)
        n = audio.shape[-1]
        stretched = np.stack([phase_vocoder(c, params["rate"]) for c in audio.reshape(-1, n)])
        length = n if self.leave_length_unchanged else stretched.shape[-1]
        out = _fit(stretched, length).reshape(*audio.shape[:-1], length).astype(np.float32)
        changes: dict[str, Any] = {key: out}
        for ev in sample.keys_of("events"):
            changes[ev] = _scale_events(sample[ev], 1 / params["rate"], length / rate)
        return sample.derive(**changes)


class PitchShift(AudioTransform):
    """Shift the pitch by a number of semitones drawn in ``[min_semitones, max_semitones]``
    without changing the tempo or the length: a phase-vocoder stretch by ``2 ** (s / 12)``, then
    resampling back to the input's length. Events stay where they are.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.sin(2 * np.pi * 440 * np.arange(16000) / 16000).astype(np.float32)
        >>> y = al.audio.PitchShift(min_semitones=12, max_semitones=12)(
        ...     audio=x, sample_rate=16000, seed=0)["audio"]
        >>> int(np.argmax(np.abs(np.fft.rfft(y))))  # 880 Hz: an octave up
        880
    """

    name = "audio.PitchShift"

    def __init__(self, *, min_semitones: float = -4.0, max_semitones: float = 4.0,
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.semitones = to_range(self.name, "min_semitones..max_semitones",
                                  (min_semitones, max_semitones), low=-24, high=24)

    def sample_params(self, sample: Any, rng: np.random.Generator) -> dict[str, Any]:
        return {"semitones": uniform(rng, *self.semitones)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        from scipy import signal

        n = audio.shape[-1]
        factor = 2.0 ** (params["semitones"] / 12.0)
        out = []
        for channel in audio.reshape(-1, n):
            slow = phase_vocoder(channel, 1.0 / factor)  # longer by factor, same pitch
            out.append(_fit(signal.resample(slow, max(1, int(round(len(slow) / factor)))), n))
        return np.stack(out).reshape(audio.shape).astype(np.float32)


