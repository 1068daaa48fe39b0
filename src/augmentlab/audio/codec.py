"""Compression: a round trip through a real lossy encoder (Ogg Vorbis or Opus, libsndfile)."""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.optional import require
from ..core.params import check_choice, to_range
from ..core.rng import uniform
from ..core.sample import Sample
from .base import AudioTransform, audio_of, keep_full_scale

__all__ = ["Compression"]


def _soundfile() -> Any:
    return require("soundfile", "audio", "audio.Compression")


class Compression(AudioTransform):
    """Encode with `codec` (``"vorbis"`` or ``"opus"``) at a quality drawn in
    ``[min_quality, max_quality]`` (0: smallest file, 1: best) and decode again: the codec's own
    artefacts (pre-echo, smeared highs, band limits). Opus runs at 8, 12, 16, 24 or 48 kHz; other
    rates are refused by the encoder. The length is kept (the decoder's padding is trimmed).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> x = np.sin(np.linspace(0, 2000, 16000)).astype(np.float32) * 0.5
        >>> y = al.audio.Compression(min_quality=0.1, max_quality=0.1)(audio=x, sample_rate=16000,
        ...                                                          seed=0)["audio"]
        >>> y.shape, bool(0 < np.abs(y - x).mean() < 0.1)
        ((16000,), True)
    """

    name = "audio.Compression"

    def __init__(self, *, codec: str = "vorbis", min_quality: float = 0.0,
                 max_quality: float = 0.5, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.codec = check_choice(self.name, "codec", codec, ("vorbis", "opus"))
        self.quality = to_range(self.name, "min_quality..max_quality", (min_quality, max_quality),
                                low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"quality": uniform(rng, *self.quality)}

    def apply(self, sample: Sample, params: dict[str, Any]) -> Sample:
        sf = _soundfile()
        key, audio, rate = audio_of(sample)
        frames = audio.T if audio.ndim == 2 else audio  # soundfile: (n, channels)
        buffer = io.BytesIO()
        try:
            sf.write(buffer, np.clip(frames, -1.0, 1.0), rate, format="OGG",
                     subtype=self.codec.upper(), compression_level=1.0 - float(params["quality"]))
        except (RuntimeError, sf.LibsndfileError) as exc:
            raise InvalidInput(f"{self.name}: the {self.codec} encoder refused {rate} Hz audio "
                               f"({exc})") from None
        buffer.seek(0)
        decoded, _ = sf.read(buffer, dtype="float32", always_2d=True)
        n = audio.shape[-1]
        out = np.zeros((n, decoded.shape[1]), np.float32)
        out[: min(n, len(decoded))] = decoded[:n]
        result = out.T if audio.ndim == 2 else out[:, 0]
        return sample.derive(**{key: keep_full_scale(np.ascontiguousarray(result), audio)})
