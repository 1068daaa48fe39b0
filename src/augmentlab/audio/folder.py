"""Sounds from a folder (background noise, impulse responses): listed once, read on demand,
mixed to mono and resampled to the clip's rate."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..core.errors import InvalidConfig
from ..core.optional import require

__all__ = ["SoundFolder"]

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".oga", ".aiff", ".aif", ".au", ".mp3")


class SoundFolder:
    """The readable audio files below `folder` (sorted by relative path, so a drawn index means
    the same file on every machine); `owner` names the transform in errors.

    Example:
        >>> import pathlib, tempfile, numpy as np, soundfile as sf
        >>> d = pathlib.Path(tempfile.mkdtemp())
        >>> sf.write(d / "hum.wav", np.zeros(800, np.float32), 8000)
        >>> SoundFolder(d, "doc").names
        ['hum.wav']
    """

    def __init__(self, folder: str | Path, owner: str) -> None:
        sf = require("soundfile", "audio", owner)
        self.root = Path(folder)
        if not self.root.is_dir():
            raise InvalidConfig(f"{owner}: folder {self.root} does not exist")
        names = []
        for path in sorted(p for p in self.root.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES):
            try:
                info = sf.info(str(path))
            except (RuntimeError, sf.LibsndfileError):
                continue  # not audio after all: skipped, like a stray text file
            if info.frames > 0:
                names.append(path.relative_to(self.root).as_posix())
        if not names:
            raise InvalidConfig(f"{owner}: no readable audio in {self.root} (looked for "
                                f"{', '.join(AUDIO_SUFFIXES)}); point it at a folder of sounds")
        self.names = names

    def read(self, name: str, rate: int) -> np.ndarray:
        """File `name` as mono float32 at `rate` Hz."""
        return _read(str(self.root / name), rate).copy()


@lru_cache(maxsize=64)
def _read(path: str, rate: int) -> np.ndarray:
    import soundfile as sf
    from scipy import signal

    data, file_rate = sf.read(path, dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    if file_rate != rate:
        g = math.gcd(int(file_rate), int(rate))
        mono = signal.resample_poly(mono, rate // g, file_rate // g).astype(np.float32)
    mono.flags.writeable = False
    return mono
