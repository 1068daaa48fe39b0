"""Audio augmentation on an ``audio`` field (float samples, ``(n,)`` or ``(channels, n)``) with
its ``sample_rate`` and optional ``events`` ``(onset, offset, label)`` that move with the sound.
Transform names carry the ``audio.`` prefix in pipeline files (``name: audio.Gain``)."""

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
from .spectrogram import FrequencyMask, SpecAugment, TimeMaskSpec, mel_spectrogram
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
