"""Synthesize: generators fitted on real rows, with provenance of every synthetic row.

Every generator has ``fit(X, y)``, ``sample(n, y=..., seed=...) -> Synthetic`` (rows, labels,
``parents``, ``scores``) and ``fit_resample(X, y)``; pandas in gives pandas out.

Example:
    >>> import numpy as np
    >>> from augmentlab.synth import SMOTE
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(0, 1, (50, 3)), rng.normal(2, 1, (6, 3))])
    >>> y = np.repeat([0, 1], [50, 6])
    >>> Xb, yb = SMOTE(k_neighbors=3).fit_resample(X, y, seed=0)
    >>> np.bincount(yb).tolist()
    [50, 50]
"""

from .base import Generator, Synthetic, check_table, sampling_targets
from .cgan import ConditionalGAN
from .copula import GaussianCopula
from .cvae import ConditionalVAE
from .filters import FilterResult, by_label_agreement, by_novelty, by_score, chain
from .mixing import balance, combine, progressive_balance
from .oversample import (
    ADASYN,
    SMOTE,
    SMOTENC,
    SVMSMOTE,
    BorderlineSMOTE,
    GaussianNoise,
    KMeansSMOTE,
    RandomOverSampler,
)
from .undersample import SMOTEENN, EditedNearestNeighbours, RandomUnderSampler, SMOTETomek, TomekLinks

__all__ = [
    "ADASYN",
    "SMOTE",
    "SMOTEENN",
    "SMOTENC",
    "SVMSMOTE",
    "BorderlineSMOTE",
    "ConditionalGAN",
    "ConditionalVAE",
    "EditedNearestNeighbours",
    "GaussianCopula",
    "GaussianNoise",
    "Generator",
    "KMeansSMOTE",
    "RandomOverSampler",
    "RandomUnderSampler",
    "SMOTETomek",
    "Synthetic",
    "TomekLinks",
    "FilterResult",
    "balance",
    "by_label_agreement",
    "by_novelty",
    "by_score",
    "chain",
    "check_table",
    "combine",
    "progressive_balance",
    "sampling_targets",
]
