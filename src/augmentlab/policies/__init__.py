"""Automatic augmentation policies: RandAugment, TrivialAugment Wide, AutoAugment, AugMix, and
wrappers that vary a pipeline's strength by training progress (`Curriculum`) or by class rarity
(`ClassBalanced`). Every policy is a regular transform: recorded, replayable, saved as config.

Example:
    >>> import numpy as np, augmentlab as al
    >>> pipe = al.Compose([al.policies.RandAugment(num_ops=2, magnitude=9)], seed=0)
    >>> pipe(image=np.zeros((28, 28), np.uint8))["image"].shape
    (28, 28)
"""

from .augmix import AugMix
from .auto import AutoAugment, RandAugment, TrivialAugmentWide, resolve_magnitude
from .ops import COLOR_OPS, GEOMETRIC_OPS, ColorOp, GeometricOp
from .spaces import AUGMIX, AUTOAUGMENT, RANDAUGMENT, TRIVIALAUGMENT_WIDE
from .tables import AUTOAUGMENT_POLICIES
from .wrapped import ClassBalanced, Curriculum, rarity, with_magnitude

__all__ = [
    "AUGMIX",
    "AUTOAUGMENT",
    "AUTOAUGMENT_POLICIES",
    "COLOR_OPS",
    "GEOMETRIC_OPS",
    "RANDAUGMENT",
    "TRIVIALAUGMENT_WIDE",
    "AugMix",
    "AutoAugment",
    "ClassBalanced",
    "ColorOp",
    "Curriculum",
    "GeometricOp",
    "RandAugment",
    "TrivialAugmentWide",
    "rarity",
    "resolve_magnitude",
    "with_magnitude",
]
