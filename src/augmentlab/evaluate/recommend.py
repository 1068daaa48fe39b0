"""The pipelines the project recommends as a starting point, by modality and shape."""

from __future__ import annotations

from ..core.compose import Compose
from ..core.errors import InvalidConfig
from ..datasets import Dataset
from .modalities import adapter_for
from .modalities.image import mild_geometric
from .models import ModelSpec

__all__ = ["mild_geometric", "recommended_strategy"]


def recommended_strategy(data: Dataset, seed: int = 0, *, auto: bool = False,
                         model: ModelSpec | None = None,
                         train_size: int | float | None = None) -> Compose | None:
    """Where a user with new data starts: a general pipeline for the dataset's modality -- or,
    with ``auto=True``, the pipeline of the candidate the ``auto`` strategy chooses for this data
    and `model` by cross-validation on the training split (or on a draw of `train_size` per
    class; see `choose_strategy`, which also returns the evidence, a chosen batch mix and the
    cost). ``None`` means the baseline: no augmentation.

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
        >>> recommended_strategy(load("wine"), auto=True, train_size=10) is None  # the baseline
        True
    """
    if not isinstance(data, Dataset):
        raise InvalidConfig(f"recommended_strategy: expected a Dataset, got {type(data).__name__}")
    if auto:
        from .auto import choose_strategy  # auto compares this function's pipelines

        return choose_strategy(data, model=model, train_size=train_size, seed=seed).pipeline
    if model is not None or train_size is not None:
        raise InvalidConfig("recommended_strategy: model and train_size only matter with auto=True")
    return adapter_for(data.modality).recommended(data, seed)
