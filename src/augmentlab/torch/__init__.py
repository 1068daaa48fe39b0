"""Training-time helpers for PyTorch: on-the-fly and offline augmented datasets, mixing collates,
test-time augmentation, adversarial examples, consistency losses and learnable augmentation.

Importing this module does not import torch; each helper does when first used (install it with
``pip install 'augmentlab[torch]'``).

Example:
    >>> import numpy as np, augmentlab as al
    >>> from augmentlab.torch import AugmentedDataset
    >>> ds = AugmentedDataset((np.zeros((2, 8, 8), np.uint8), np.array([0, 1])), al.VerticalFlip())
    >>> len(ds)
    2
"""

from ..mix.collate import MixCollate
from .adversarial import adversarial_training_step, deepfool, fgsm, pgd
from .consistency import fixmatch_loss, uda_loss, weak_strong_pipelines
from .data import AugmentedDataset, OfflineAugmentedDataset, image_tensor, seed_worker
from .differentiable import (
    LearnableAffine,
    LearnableBrightness,
    LearnableContrast,
    learnable_augmentation,
)
from .tta import record_matrix, torch_predictor, tta_predict

__all__ = [
    "AugmentedDataset",
    "LearnableAffine",
    "LearnableBrightness",
    "LearnableContrast",
    "MixCollate",
    "OfflineAugmentedDataset",
    "adversarial_training_step",
    "deepfool",
    "fgsm",
    "fixmatch_loss",
    "image_tensor",
    "learnable_augmentation",
    "pgd",
    "record_matrix",
    "seed_worker",
    "torch_predictor",
    "tta_predict",
    "uda_loss",
    "weak_strong_pipelines",
]
