"""The pipelines the project recommends as a starting point, by modality and shape."""

from __future__ import annotations

from ..core.compose import Compose, Sometimes
from ..core.errors import InvalidConfig
from ..datasets import Dataset
from ..image import Affine, BrightnessContrast, CoarseDropout

__all__ = ["mild_geometric", "recommended_strategy"]


def mild_geometric(seed: int = 0) -> Compose:
    """Small rotations, scalings and shifts: safe for almost any image classification task.

    Example:
        >>> [t.name for t in mild_geometric()]
        ['Affine']
    """
    # every argument spelled out: the pipeline (and its config hash, the results cache key) stays
    # what it was before Affine took Albumentations' defaults (p=0.5, keep_ratio=False)
    return Compose([Affine(rotate=10, scale=(0.9, 1.1), translate_percent=0.08, shear=0.0,
                           keep_ratio=True, p=1.0)], seed=seed)


def recommended_strategy(data: Dataset, seed: int = 0) -> Compose | None:
    """Where a user with new data starts: a general pipeline for the dataset's modality.

    Images get geometric jitter (rotation +-12 degrees, scale 0.85-1.15, shift 10%, shear 8
    degrees), brightness/contrast jitter, and a small erased patch half of the time. It contains no
    flips: a mirrored digit or letter is another class, and only the user knows whether mirroring
    preserves their labels (add ``HorizontalFlip`` when it does).

    Text gets the EDA recipe at the paper's alpha 0.1 (needs WordNet, the ``text`` extra).

    Audio gets what varies between recordings of the same sound, each half of the time: the
    tempo (x0.85-1.15), the pitch (+-3 semitones), the onset (+-0.1 of the clip, no wrap-around),
    background noise (15-40 dB SNR), and a third of the time a synthetic room (RT60 0.2-0.6 s).

    Time series get a smooth time warp and a smooth gain curve, each half of the time, and a
    10% per-channel scaling: sensors and speakers vary in pace and level.

    Tables: ``None`` (the baseline): which table transforms keep a table's labels depends on the
    table; see ``bench/table_effect.py`` for how they did on a few.

    Example:
        >>> from augmentlab.datasets import load
        >>> [t.name for t in recommended_strategy(load("digits"))]
        ['Affine', 'BrightnessContrast', 'Sometimes']
    """
    if not isinstance(data, Dataset):
        raise InvalidConfig(f"recommended_strategy: expected a Dataset, got {type(data).__name__}")
    if data.modality == "text":
        from ..text import EDA

        return Compose([EDA(alpha=0.1)], seed=seed)
    if data.modality == "audio":
        from .. import audio

        return Compose([
            audio.TimeStretch(min_rate=0.85, max_rate=1.15, p=0.5),
            audio.PitchShift(min_semitones=-3, max_semitones=3, p=0.5),
            audio.Shift(min_fraction=-0.1, max_fraction=0.1, rollover=False, p=0.5),
            audio.AddGaussianNoise(min_snr_db=15, max_snr_db=40, p=0.5),
            audio.ApplyImpulseResponse(min_rt60=0.2, max_rt60=0.6, p=0.3),
        ], seed=seed)
    if data.modality == "series":
        from .. import series

        return Compose([series.TimeWarp(sigma=0.2, p=0.5), series.MagnitudeWarp(sigma=0.2, p=0.5),
                        series.Scaling(sigma=0.1)], seed=seed)
    if data.modality != "image":
        return None
    h, w = data.X.shape[1:3]
    # erase about a tenth to a fifth of each side: big enough to matter, too small to hide a digit;
    # p and keep_ratio spelled out keep the pipeline and its config hash (the cache key) as they were
    return Compose([
        Affine(rotate=12, scale=(0.85, 1.15), translate_percent=0.1, shear=8, keep_ratio=True,
               p=1.0),
        BrightnessContrast(brightness_limit=0.2, contrast_limit=0.2),
        Sometimes([CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.1, 0.25),
                                 hole_width_range=(0.1, 0.25), p=1.0)], p=0.5),
    ], seed=seed) if min(h, w) >= 8 else Compose([
        Affine(rotate=10, translate_percent=0.0, shear=0.0, keep_ratio=True, p=1.0)], seed=seed)
