"""Built-in audio datasets, made from Debian packages on the machine (nothing downloads).

- ``spoken-digits``: "zero" to "nine" synthesised by ``espeak-ng`` in 4 accents x 8 voice
  variants x 2 speeds (640 clips), once, then cached. The split is speaker-independent: the
  voice variants ``m4`` and ``f3`` are the test set, so a model is scored on voices it never heard.
- ``drums``: the one-shot drum samples of ``lmms-common`` labelled by file name (kick, snare,
  hihat, tom, cymbal, clap, percussion); synthetic effects (``zap``, ``nasty_bass``) and files
  libsndfile cannot read are left out and counted in ``info``.

Both are mono float32 at 16 kHz, one second per clip: trimmed of leading silence (-40 dB below
the clip's peak), cut after one second, zero-padded to one second.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np

from ..audio.io import read_audio
from ..core.errors import DataError, MissingDependency
from ..core.files import atomic_write
from .dataset import Dataset, stratified_split

__all__ = ["AUDIO_RATE", "cache_dir", "drum_class", "fit_clip", "mfcc"]

AUDIO_RATE = 16000
DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-029")
VARIANTS = ("m1", "m2", "m3", "m4", "f1", "f2", "f3", "f4")
TEST_VARIANTS = ("m4", "f3")
SPEEDS = (130, 175)  # words per minute (espeak-ng's default is 175)
DRUMS_DIR = Path("/usr/share/lmms/samples/drums")
# file-name prefix -> class; longest prefix wins ("nasty_snare" before "nasty")
DRUM_PREFIXES = {
    "bassdrum": "kick", "kick": "kick", "snare": "snare", "nasty_snare": "snare",
    "hihat": "hihat", "tom": "tom", "crash": "cymbal", "ride": "cymbal", "clap": "clap",
    "clav": "percussion", "rim": "percussion", "nasty_rim": "percussion",
    "sidestick": "percussion", "shaker": "percussion", "wood": "percussion",
}


def cache_dir() -> Path:
    """Where built data is kept: ``$AUGMENTLAB_CACHE``, else ``$XDG_CACHE_HOME/augmentlab``,
    else ``~/.cache/augmentlab``.

    Example:
        >>> cache_dir().name in ("augmentlab", os.environ.get("AUGMENTLAB_CACHE", "augmentlab"))
        True
    """
    if os.environ.get("AUGMENTLAB_CACHE"):
        return Path(os.environ["AUGMENTLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "augmentlab"


def fit_clip(x: np.ndarray, rate: int, seconds: float | None = 1.0, *,
             threshold_db: float | None = -40.0, target_rate: int = AUDIO_RATE) -> np.ndarray:
    """A clip mixed to mono, resampled to `target_rate` (scaled under full scale if resampling
    overshoots), its leading silence (below `threshold_db` of the peak; None: kept) trimmed,
    then cut or zero-padded to `seconds` (None: as long as it is), float32.

    Example:
        >>> x = np.concatenate([np.zeros(800), np.ones(800)]).astype(np.float32)
        >>> y = fit_clip(x, 16000, 0.1)
        >>> y.shape, float(y[0]), float(y[-1])
        ((1600,), 1.0, 0.0)
    """
    from math import gcd

    from scipy import signal

    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2:  # (n, channels) as soundfile reads it: the channels' mean
        x = x.mean(axis=1)
    if rate != target_rate:
        g = gcd(target_rate, rate)
        x = signal.resample_poly(x, target_rate // g, rate // g)
    peak = float(np.abs(x).max()) if len(x) else 0.0
    if peak > 1.0:  # resampling overshoots a full-scale click: scale back, as a recorder would
        x, peak = x / peak, 1.0
    if peak > 0 and threshold_db is not None:
        loud = np.flatnonzero(np.abs(x) >= peak * 10 ** (threshold_db / 20))
        x = x[loud[0]:]
    n = len(x) if seconds is None else int(round(seconds * target_rate))
    out = np.zeros(n, np.float32)
    out[: min(n, len(x))] = x[:n]
    return out


def _espeak_version(espeak: str) -> str:
    out = subprocess.run([espeak, "--version"], capture_output=True, text=True, check=True).stdout
    found = re.search(r"(\d+\.\d+[\w.-]*)", out)
    return found.group(1) if found else "unknown"


def _synthesise_digits(espeak: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    clips, labels, voices = [], [], []
    for accent in ACCENTS:
        for variant in VARIANTS:
            for speed in SPEEDS:
                for digit, word in enumerate(DIGITS):
                    wav = subprocess.run([espeak, "-v", f"{accent}+{variant}", "-s", str(speed),
                                          "--stdout", word], capture_output=True, check=True).stdout
                    x, rate, _ = read_audio(io.BytesIO(wav), f"espeak-ng's {word!r}",
                                            feature="load('spoken-digits')")
                    clips.append(fit_clip(x, rate))
                    labels.append(digit)
                    voices.append(f"{accent}+{variant}@{speed}")
    return np.stack(clips), np.array(labels, np.int64), voices


def spoken_digits() -> Dataset:
    """The ``spoken-digits`` set (synthesised on first use, about 15 s; then read from the cache)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise MissingDependency("espeak-ng", "audio", "load('spoken-digits')",
                                install="apt-get install espeak-ng (make install does it)")
    version = _espeak_version(espeak)
    spec = f"{version}|{ACCENTS}|{VARIANTS}|{SPEEDS}|{AUDIO_RATE}|v1"
    path = cache_dir() / f"spoken-digits-{hashlib.sha256(spec.encode()).hexdigest()[:12]}.npz"
    try:
        with np.load(io.BytesIO(path.read_bytes())) as cached:  # no file left open on error
            X, y, voices = cached["X"], cached["y"], [str(v) for v in cached["voices"]]
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile):  # absent or broken: build
        X, y, voices = _synthesise_digits(espeak)
        buf = io.BytesIO()
        np.savez(buf, X=X, y=y, voices=np.array(voices))
        atomic_write(path, buf.getvalue())
    test_mask = np.array([v.split("+")[1].split("@")[0] in TEST_VARIANTS for v in voices])
    return Dataset("spoken-digits", "audio", X, y, DIGITS, np.flatnonzero(~test_mask),
                   np.flatnonzero(test_mask),
                   split="speaker-independent: voice variants m4 and f3 are the test set",
                   source=f"espeak-ng {version}, cached in {path}",
                   info={"sample_rate": AUDIO_RATE, "voices": voices})


def mfcc(X: np.ndarray, sample_rate: int, coefficients: int = 13) -> np.ndarray:
    """``(N, frames, coefficients)`` float32 MFCC sequences of ``(N, samples)`` clips: the
    40-band log-mel spectrogram of the measure harness's audio front end, a type-II DCT over
    the bands, the first `coefficients` kept (time first, as a ``series``).

    Example:
        >>> mfcc(np.zeros((2, 16000), np.float32) + 0.01, 16000).shape
        (2, 101, 13)
    """
    from scipy import fft

    from ..audio.features import log_mel

    spec = log_mel(X, sample_rate)  # (N, mels, frames), dB
    return np.ascontiguousarray(
        fft.dct(spec, type=2, norm="ortho", axis=1)[:, :coefficients].transpose(0, 2, 1)
    ).astype(np.float32)


def spoken_digit_series() -> Dataset:
    """``spoken-digits-mfcc``: the spoken digits as MFCC sequences (101 frames x 13), a
    multivariate time-series set with the same speaker-independent split."""
    audio = spoken_digits()
    X = mfcc(audio.X, AUDIO_RATE)
    return Dataset("spoken-digits-mfcc", "series", X, audio.y, audio.classes, audio.train,
                   audio.test, split=audio.split, source=f"MFCC of {audio.source}",
                   info={"frames_per_second": 100, "voices": audio.info["voices"]})


def drum_class(file_name: str) -> str | None:
    """The class of an lmms drum sample from its name, or None for one that is left out.

    Example:
        >>> drum_class("snare_hiphop02.ogg"), drum_class("nasty_rim01.ogg"), drum_class("zap01.ogg")
        ('snare', 'percussion', None)
    """
    stem = re.sub(r"\d+$", "", Path(file_name).stem)
    matches = [p for p in DRUM_PREFIXES if stem == p or stem.startswith(p + "_")]
    return DRUM_PREFIXES[max(matches, key=len)] if matches else None


def drums() -> Dataset:
    """The ``drums`` set: lmms one-shots, one second each, labelled by file name."""
    if not DRUMS_DIR.is_dir():
        raise MissingDependency("lmms-common", "audio", "load('drums')",
                                install="apt-get install lmms-common (make install does it)")
    clips, labels, names, skipped = [], [], [], []
    for path in sorted(DRUMS_DIR.glob("*.ogg")):
        cls = drum_class(path.name)
        if cls is None:
            skipped.append(path.name)
            continue
        try:
            x, rate, _ = read_audio(path, str(path), feature="load('drums')")
        except DataError:  # kick04.ogg is a WAV with a broken header
            skipped.append(path.name)
            continue
        clips.append(fit_clip(x.T if x.ndim == 2 else x, rate))
        labels.append(cls)
        names.append(path.name)
    if not clips:
        raise DataError("no readable drum samples", path=str(DRUMS_DIR))
    classes = tuple(sorted(set(labels)))
    y = np.array([classes.index(c) for c in labels], np.int64)
    train, test = stratified_split(y)
    return Dataset("drums", "audio", np.stack(clips), y, classes, train, test,
                   split="fixed stratified split, 25% test (seed 0)",
                   source=f"lmms-common {DRUMS_DIR}",
                   info={"sample_rate": AUDIO_RATE, "files": names, "skipped": skipped})
