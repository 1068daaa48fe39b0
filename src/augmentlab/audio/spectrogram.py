"""Spectrogram augmentation (SpecAugment, Park et al. 2019) on a ``spectrogram`` field:
``(freq, time)`` or ``(channels, freq, time)`` float32, typically the log-mel output of
`mel_spectrogram`. Masked cells take the spectrogram's mean (SpecAugment's choice for
normalised features; pass ``fill="zero"`` for zeros)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import field_of
from ..core.params import check_choice, check_number
from ..core.rng import integer
from ..core.sample import Sample
from ..core.transform import Transform

__all__ = ["FrequencyMask", "MelSpectrogram", "SpecAugment", "TimeMaskSpec", "mel_spectrogram"]


def mel_spectrogram(audio: np.ndarray, sample_rate: int, *, n_mels: int = 64, n_fft: int = 512,
                    hop: int = 160, floor_db: float = -80.0) -> np.ndarray:
    """Log-mel power spectrogram (dB, float32) of a mono ``(n,)`` clip: ``(n_mels, frames)``,
    Hann-windowed frames, a Slaney-style triangular mel filter bank from 0 Hz to Nyquist,
    ``10 log10`` of power floored at `floor_db` below the maximum.

    Example:
        >>> import numpy as np
        >>> mel_spectrogram(np.zeros(16000, np.float32), 16000).shape
        (64, 101)
    """
    x = np.asarray(audio, dtype=np.float64)
    if x.ndim != 1 or len(x) == 0:
        raise InvalidInput(f"mel_spectrogram: expected a non-empty mono (n,) clip, got {x.shape}")
    pad = np.pad(x, (n_fft // 2, n_fft // 2), mode="reflect" if len(x) > n_fft // 2 else "constant")
    frames = 1 + (len(pad) - n_fft) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    power = np.abs(np.fft.rfft(pad[idx] * np.hanning(n_fft + 1)[:-1], axis=1)) ** 2  # (frames, bins)
    mel = power @ _mel_bank(sample_rate, n_fft, n_mels).T
    db = 10.0 * np.log10(np.maximum(mel, 1e-10))
    return np.maximum(db, db.max() + floor_db).T.astype(np.float32)


class MelSpectrogram:
    """The `mel_spectrogram` settings as an object to keep with a pipeline: call it on a clip
    (mono ``(n,)`` or ``(channels, n)``) and its rate to get the ``spectrogram`` field the
    spectrogram transforms work on (``(n_mels, frames)`` or ``(channels, n_mels, frames)``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> mel = al.audio.MelSpectrogram(n_mels=40)
        >>> spec = mel(np.zeros((2, 8000), np.float32), 8000)
        >>> spec.shape, mel.get_config()["n_mels"]
        ((2, 40, 51), 40)
        >>> al.audio.SpecAugment(time_warp=5, freq_width=4)(spectrogram=spec[0], seed=0)["spectrogram"].shape
        (40, 51)
    """

    def __init__(self, *, n_mels: int = 64, n_fft: int = 512, hop: int = 160,
                 floor_db: float = -80.0) -> None:
        name = "audio.MelSpectrogram"
        self.n_mels = int(check_number(name, "n_mels", n_mels, low=1, high=512, integer=True))
        self.n_fft = int(check_number(name, "n_fft", n_fft, low=16, high=65536, integer=True))
        self.hop = int(check_number(name, "hop", hop, low=1, high=self.n_fft, integer=True))
        self.floor_db = float(check_number(name, "floor_db", floor_db, low=-300, high=-1))

    def get_config(self) -> dict[str, Any]:
        """The settings, JSON-native (``MelSpectrogram(**config)`` rebuilds it)."""
        return {"n_mels": self.n_mels, "n_fft": self.n_fft, "hop": self.hop,
                "floor_db": self.floor_db}

    def __call__(self, audio: np.ndarray, sample_rate: int) -> np.ndarray:
        x = np.asarray(audio)
        if x.ndim not in (1, 2):
            raise InvalidInput(f"MelSpectrogram: expected (n,) or (channels, n) audio, got {x.shape}")
        if not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
            raise InvalidInput(f"MelSpectrogram: sample_rate must be a positive int, got "
                               f"{sample_rate!r}")
        specs = [mel_spectrogram(c, int(sample_rate), **self.get_config()) for c in x.reshape(-1, x.shape[-1])]
        return specs[0] if x.ndim == 1 else np.stack(specs)


def _mel_bank(rate: int, n_fft: int, n_mels: int) -> np.ndarray:
    def to_mel(f: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + f / 700.0)

    edges = 700.0 * (10 ** (np.linspace(0, to_mel(np.array(rate / 2.0)), n_mels + 2) / 2595.0) - 1)
    freqs = np.fft.rfftfreq(n_fft, 1 / rate)
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rise = (freqs[None, :] - lower) / (centre - lower)
    fall = (upper - freqs[None, :]) / (upper - centre)
    bank = np.maximum(0.0, np.minimum(rise, fall))
    return bank * (2.0 / (upper - lower))  # equal area per filter


def _spectrogram_of(sample: Any) -> tuple[str, np.ndarray]:
    return field_of(sample, "spectrogram", "a spectrogram: pass spectrogram=... (e.g. "
                    "augmentlab.audio.MelSpectrogram()(audio, rate))")


class _SpecTransform(Transform):
    _abstract = True
    fields = frozenset({"spectrogram"})

    def _fill(self, spec: np.ndarray) -> float:
        return float(spec.mean()) if self.fill == "mean" else 0.0  # type: ignore[attr-defined]


def _masks(rng: np.random.Generator, size: int, count: int, width: int) -> list[list[int]]:
    """`count` ``[start, width]`` bands, each width drawn in ``[0, width]`` (SpecAugment)."""
    out = []
    for _ in range(count):
        w = min(integer(rng, 0, width + 1), size)
        out.append([integer(rng, 0, size - w + 1), w])
    return out


class FrequencyMask(_SpecTransform):
    """Mask `count` bands of up to `max_width` frequency rows (every channel alike).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> s = np.ones((20, 30), np.float32)
        >>> out = al.audio.FrequencyMask(max_width=5, fill="zero")(spectrogram=s, seed=0)
        >>> out["spectrogram"].shape
        (20, 30)
    """

    name = "audio.FrequencyMask"

    def __init__(self, *, max_width: int = 15, count: int = 1, fill: str = "mean",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_width = int(check_number(self.name, "max_width", max_width, low=0, integer=True))
        self.count = int(check_number(self.name, "count", count, low=0, high=100, integer=True))
        self.fill = check_choice(self.name, "fill", fill, ("mean", "zero"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        spec = _spectrogram_of(sample)[1]
        return {"bands": _masks(rng, spec.shape[-2], self.count, self.max_width)}

    def apply_spectrogram(self, spec: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = spec.copy()
        value = self._fill(spec)
        for start, width in params["bands"]:
            out[..., start:start + width, :] = value
        return out


class TimeMaskSpec(_SpecTransform):
    """Mask `count` stretches of up to `max_width` frames, each at most `max_fraction` of the
    frames (SpecAugment's upper bound p).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.audio.TimeMaskSpec(max_width=10)(spectrogram=np.ones((8, 50), np.float32), seed=0)
        >>> out["spectrogram"].shape
        (8, 50)
    """

    name = "audio.TimeMaskSpec"

    def __init__(self, *, max_width: int = 40, count: int = 1, max_fraction: float = 1.0,
                 fill: str = "mean", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.max_width = int(check_number(self.name, "max_width", max_width, low=0, integer=True))
        self.count = int(check_number(self.name, "count", count, low=0, high=100, integer=True))
        self.max_fraction = check_number(self.name, "max_fraction", max_fraction, low=0, high=1)
        self.fill = check_choice(self.name, "fill", fill, ("mean", "zero"))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        frames = _spectrogram_of(sample)[1].shape[-1]
        width = min(self.max_width, int(self.max_fraction * frames))
        return {"stretches": _masks(rng, frames, self.count, width)}

    def apply_spectrogram(self, spec: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = spec.copy()
        value = self._fill(spec)
        for start, width in params["stretches"]:
            out[..., start:start + width] = value
        return out


class SpecAugment(_SpecTransform):
    """SpecAugment's policy: a time warp (the frames left of a random point stretched or
    squeezed by up to `time_warp` frames, the rest the other way, by linear interpolation), then
    `freq_masks` frequency masks of up to `freq_width` rows and `time_masks` time masks of up to
    `time_width` frames (at most `max_time_fraction` of the frames each). The paper's LibriSpeech
    basic policy: ``time_warp=80, freq_masks=1, freq_width=27, time_masks=1, time_width=100``.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> s = np.random.default_rng(0).standard_normal((64, 200)).astype(np.float32)
        >>> al.audio.SpecAugment()(spectrogram=s, seed=1)["spectrogram"].shape
        (64, 200)
    """

    name = "audio.SpecAugment"

    def __init__(self, *, time_warp: int = 40, freq_masks: int = 2, freq_width: int = 15,
                 time_masks: int = 2, time_width: int = 40, max_time_fraction: float = 0.2,
                 fill: str = "mean", p: float = 1.0) -> None:
        super().__init__(p=p)
        self.time_warp = int(check_number(self.name, "time_warp", time_warp, low=0, integer=True))
        self.freq = FrequencyMask(max_width=freq_width, count=freq_masks, fill=fill)
        self.time = TimeMaskSpec(max_width=time_width, count=time_masks,
                                 max_fraction=max_time_fraction, fill=fill)
        self.fill = self.freq.fill

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        spec = _spectrogram_of(sample)[1]
        frames = spec.shape[-1]
        warp: list[int] = []
        room = min(self.time_warp, frames // 2 - 1)
        if room > 0:
            centre = integer(rng, room, frames - room)
            warp = [centre, centre + integer(rng, -room, room + 1)]
        return {"warp": warp, **self.freq.sample_params(sample, rng),
                **self.time.sample_params(sample, rng)}

    def apply_spectrogram(self, spec: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = spec
        if params["warp"] and params["warp"][0] != params["warp"][1]:
            out = _warp_time(spec, *params["warp"])
        out = self.freq.apply_spectrogram(out, params)
        return self.time.apply_spectrogram(out, params)


def _warp_time(spec: np.ndarray, source: int, target: int) -> np.ndarray:
    """Frames moved so that frame `source` lands on `target`, both sides stretched linearly."""
    frames = spec.shape[-1]
    out_t = np.arange(frames, dtype=np.float64)
    src = np.where(out_t < target, out_t * source / max(target, 1),
                   source + (out_t - target) * (frames - 1 - source) / max(frames - 1 - target, 1))
    lo = np.clip(np.floor(src).astype(int), 0, frames - 1)
    hi = np.minimum(lo + 1, frames - 1)
    frac = (src - lo).astype(spec.dtype)
    return spec[..., lo] * (1 - frac) + spec[..., hi] * frac
