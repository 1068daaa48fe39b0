"""Audio augmentation on an ``audio`` field (float samples, ``(n,)`` or ``(channels, n)``) with
its ``sample_rate`` and optional ``events`` ``(onset, offset, label)`` that move with the sound.
Transform names carry the ``audio.`` prefix in pipeline files (``name: audio.Gain``).

No clipping is introduced: a transform not meant to change the level (noise, rooms, filters,
tempo and pitch, codecs) that would push a clip within full scale past 1.0 scales its result
down to a peak of 1.0 instead (`base.keep_full_scale`); `Gain` and `GainTransition` change the
level on purpose and may go past it (follow them with `Normalize` before writing integer PCM)."""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .background import AddBackgroundNoise
from .codec import Compression
from .colored import AddColoredNoise
from .filters import BandPass, BandStop, HighPass, LowPass, PeakingEQ
from .gain import Gain
from .length import PadToLength, RandomCrop
from .level import ClippingDistortion, Normalize
from .noise import AddGaussianNoise
from .reverb import ApplyImpulseResponse, synthetic_room
from .reverse import Reverse
from .shift import Shift
from .spectrogram import FrequencyMask, MelSpectrogram, SpecAugment, TimeMaskSpec, mel_spectrogram
from .stretch import PitchShift, SpeedPerturb, TimeStretch, phase_vocoder
from .timemask import TimeMask
from .transition import GainTransition

__all__ = [
    "AddBackgroundNoise",
    "AddColoredNoise",
    "AddGaussianNoise",
    "ApplyImpulseResponse",
    "BandPass",
    "BandStop",
    "ClippingDistortion",
    "Compression",
    "FrequencyMask",
    "Gain",
    "GainTransition",
    "HighPass",
    "LowPass",
    "MelSpectrogram",
    "Normalize",
    "PadToLength",
    "PeakingEQ",
    "PitchShift",
    "RandomCrop",
    "Reverse",
    "Shift",
    "SpecAugment",
    "SpeedPerturb",
    "TimeMask",
    "TimeMaskSpec",
    "TimeStretch",
    "mel_spectrogram",
    "phase_vocoder",
    "synthetic_room",
]
