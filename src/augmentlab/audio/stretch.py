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
from ..core.sample import Sample
from .base import AudioTransform, audio_of, fit_length, keep_full_scale

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


def phase_vocoder(x: np.ndarray, rate: float, max_length: int | None = None) -> np.ndarray:
    """`x` (1-D float) played `rate` times faster without changing its pitch (length ``/ rate``,
    or `max_length` when that is shorter: only the frames it needs are computed). Float32.

    Example:
        >>> y = phase_vocoder(np.sin(np.arange(16000) * 0.2), 2.0)
        >>> abs(len(y) - 8000) < 300
        True
    """
    from scipy import fft

    out_len = int(round(len(x) / rate))
    if max_length is not None:
        out_len = min(out_len, int(max_length))
    window = _hann()
    padded = np.pad(np.asarray(x, dtype=np.float32), (N_FFT, N_FFT))
    frames = 1 + (len(padded) - N_FFT) // HOP
    steps = np.arange(0, frames - 1, rate)
    # output frame k spans samples [k HOP, k HOP + N_FFT): later ones fall past what is returned
    steps = steps[: max(1, -(-(N_FFT + out_len) // HOP))]
    first = steps.astype(np.intp)
    used = int(first[-1]) + 2  # analysis frames read
    view = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[: used * HOP: HOP]
    spec = fft.rfft(view * window, axis=1)  # (used, bins) complex64
    bins = spec.shape[1]
    frac = (steps - first).astype(np.float32)[:, None]
    mag, angle = np.abs(spec), np.angle(spec)
    mag_first, angle_first = mag[first], angle[first]
    # everything that does not depend on the phase carried from frame to frame, for all frames
    out_mag = (1 - frac) * mag_first + frac * mag[first + 1]
    # each bin's expected advance over one hop, modulo 2 pi (small numbers stay exact in float32)
    expected = np.mod(2 * np.pi * HOP / N_FFT * np.arange(bins), 2 * np.pi).astype(np.float32)
    delta = angle[first + 1] - angle_first - expected
    delta -= np.float32(2 * np.pi) * np.round(delta * np.float32(1 / (2 * np.pi)))
    advance = expected + delta  # each bin's phase advance over one hop, per output frame
    # identity phase locking (Laroche & Dolson): each bin keeps its analysis phase offset to the
    # spectral peak it belongs to, so a partial's bins stay coherent (no "phasiness", no lost level)
    is_peak = np.zeros_like(mag_first, dtype=bool)
    is_peak[:, 1:-1] = ((mag_first[:, 1:-1] > mag_first[:, :-2])
                        & (mag_first[:, 1:-1] >= mag_first[:, 2:]))
    owners = _nearest_peak(is_peak)
    offsets = angle_first - np.take_along_axis(angle_first, owners, axis=1)
    phases = np.empty((len(steps), bins), np.float32)
    phases[0] = phase = angle_first[0]
    for k in range(1, len(steps)):  # the one sequential part: three small array operations a frame
        # frame k's peaks advance from frame k - 1; its other bins lock to its own peaks (locking
        # to the previous frame's peaks instead left 35% more error on a stretched tone)
        phase = (phase + advance[k - 1])[owners[k]] + offsets[k]
        phases[k] = phase
    phases -= np.float32(2 * np.pi) * np.round(phases * np.float32(1 / (2 * np.pi)))
    z = np.empty(phases.shape, np.complex64)
    z.real = out_mag * np.cos(phases)
    z.imag = out_mag * np.sin(phases)
    chunks = fft.irfft(z, n=N_FFT, axis=1) * window
    y = _overlap_add(chunks)
    y /= np.maximum(_overlap_add(np.broadcast_to(window * window, chunks.shape)), 1e-8)
    return y[N_FFT:N_FFT + out_len]


def _nearest_peak(is_peak: np.ndarray) -> np.ndarray:
    """Per row, the index of the nearest True (ties to the lower one); a row without any keeps
    every index as its own. Each peak owns a run of its row (up to the midpoints with its
    neighbours), so the answer is the peaks' columns repeated by their runs' lengths: work in
    the number of peaks, not of cells."""
    rows, width = is_peak.shape
    marked = is_peak.copy()
    marked[~marked.any(axis=1)] = True  # a row without peaks: every cell its own
    pos = np.flatnonzero(marked)
    row, col = np.divmod(pos, width)
    same = row[1:] == row[:-1]  # the next peak is in the same row
    end = np.full(len(pos), width)
    end[:-1][same] = (col[:-1][same] + col[1:][same]) // 2 + 1  # a tie goes to the lower peak
    start = np.zeros(len(pos), dtype=end.dtype)
    start[1:][same] = end[:-1][same]
    return np.repeat(col, end - start).reshape(rows, width)


def _hann() -> np.ndarray:
    return _HANN


_HANN = np.hanning(N_FFT + 1)[:-1].astype(np.float32)
_HANN.flags.writeable = False


def _overlap_add(chunks: np.ndarray) -> np.ndarray:
    """Frames of N_FFT samples added at a HOP apart: N_FFT / HOP shifted sums of whole blocks."""
    count = len(chunks)
    parts = N_FFT // HOP
    blocks = chunks.reshape(count, parts, HOP)
    out = np.zeros((count + parts - 1, HOP), dtype=chunks.dtype)
    for j in range(parts):
        out[j:j + count] += blocks[:, j]
    return out.reshape(-1)


def _resample(x: np.ndarray, factor: float) -> np.ndarray:
    """`x` resampled to ``len / factor`` samples (polyphase, a rational close to `factor`: within
    1/40,000 of it, a tenth of a cent; the FFT method's cost swings with the length's factors)."""
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

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"factor": float(Fraction(uniform(rng, *self.factor)).limit_denominator(200))}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        n = max(1, int(round(audio.shape[-1] / params["factor"])))
        out = fit_length(_resample(audio.astype(np.float64), params["factor"]), n).astype(np.float32)
        changes: dict[str, Any] = {key: keep_full_scale(out, audio)}
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

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"rate": uniform(rng, *self.rate)}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        key, audio, rate = audio_of(sample)
        n = audio.shape[-1]
        stretched = np.stack([phase_vocoder(c, params["rate"]) for c in audio.reshape(-1, n)])
        length = n if self.leave_length_unchanged else stretched.shape[-1]
        out = fit_length(stretched, length).reshape(*audio.shape[:-1], length).astype(np.float32)
        changes: dict[str, Any] = {key: keep_full_scale(out, audio)}
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

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"semitones": uniform(rng, *self.semitones)}

    def apply_audio(self, audio: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        n = audio.shape[-1]
        factor = 2.0 ** (params["semitones"] / 12.0)
        out = []
        for channel in audio.reshape(-1, n):
            # the vocoder's cost follows the frames it writes: down, stretch to n * factor (< n)
            # then resample to n; up, resample to n / factor first, then stretch back to n
            if factor <= 1.0:
                shifted = _resample(phase_vocoder(channel, 1.0 / factor), factor)
            else:
                shifted = phase_vocoder(_resample(channel, factor), 1.0 / factor, max_length=n)
            out.append(fit_length(shifted, n))
        return keep_full_scale(np.stack(out).reshape(audio.shape).astype(np.float32), audio)
