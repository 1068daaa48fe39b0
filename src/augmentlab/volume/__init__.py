"""3-D volumes (CT, MRI, microscopy stacks): a ``volume`` field ``(D, H, W)`` or ``(D, H, W, C)``
with an optional ``volume_mask`` (labels on the same grid) and ``spacing`` (the voxel size along
D, H, W). Spatial transforms move the mask with the volume through one mapping (nearest
neighbour) and keep the spacing right; intensity transforms and MRI artefacts never touch the
mask. Transform names carry the ``volume.`` prefix in pipeline files.

Example:
    >>> import numpy as np, augmentlab as al
    >>> pipe = al.Compose([al.volume.RandomFlip(), al.volume.RandomAffine(), al.volume.RandomGamma()], seed=0)
    >>> v = np.random.default_rng(0).random((16, 16, 16)).astype(np.float32)
    >>> out = pipe(volume=v, volume_mask=(v > 0.5).astype(np.uint8), spacing=(1.0, 1.0, 2.0))
    >>> out["volume"].shape, out["volume_mask"].dtype, out["spacing"]
    ((16, 16, 16), dtype('uint8'), (1.0, 1.0, 2.0))
"""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .artefacts import RandomGhosting, RandomMotion
from .elastic import RandomElasticDeformation
from .intensity import RandomBiasField, RandomBlur, RandomGamma, RandomNoise
from .io import VolumeFile, read_volume
from .spatial import Pad, RandomAffine, RandomCrop, RandomFlip, RandomRotate90, Resample

__all__ = [
    "Pad",
    "RandomAffine",
    "RandomBiasField",
    "RandomBlur",
    "RandomCrop",
    "RandomElasticDeformation",
    "RandomFlip",
    "RandomGamma",
    "RandomGhosting",
    "RandomMotion",
    "RandomNoise",
    "RandomRotate90",
    "Resample",
    "VolumeFile",
    "read_volume",
]
