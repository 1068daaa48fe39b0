"""Batch-level mixing: MixUp, CutMix, SaliencyMix, Remix (soft labels out) and Mosaic (boxes
carried), as NumPy functions on a batch and as a torch ``collate_fn`` (`MixCollate`).

Example:
    >>> import numpy as np
    >>> from augmentlab.mix import MixUp
    >>> out = MixUp(alpha=0.2, num_classes=10)(np.zeros((8, 28, 28), np.uint8), np.arange(8), seed=0)
    >>> out.images.shape, out.labels.shape
    ((8, 28, 28), (8, 10))
"""

from .base import MixedBatch, Mixer, soft_labels
from .collate import MixCollate
from .cutmix import CutMix, SaliencyMix, spectral_residual_saliency
from .mixup import MixUp, Remix
from .mosaic import Mosaic, MosaicBatch

__all__ = [
    "CutMix",
    "MixCollate",
    "MixUp",
    "MixedBatch",
    "Mixer",
    "Mosaic",
    "MosaicBatch",
    "Remix",
    "SaliencyMix",
    "soft_labels",
    "spectral_residual_saliency",
]
