"""Point-cloud augmentation on a ``points`` field (``(N, D)`` float coordinates) with optional
``point_labels`` (one per point) and ``normals`` (``(N, D)``) that follow their points. Transform
names carry the ``points.`` prefix in pipeline files."""

from .transforms import (
    Flip,
    Jitter,
    NormalizeToUnitSphere,
    RandomDropout,
    Rotate,
    Scale,
    Shuffle,
    Translate,
    rotation_matrix,
)

__all__ = [
    "Flip",
    "Jitter",
    "NormalizeToUnitSphere",
    "RandomDropout",
    "Rotate",
    "Scale",
    "Shuffle",
    "Translate",
    "rotation_matrix",
]
