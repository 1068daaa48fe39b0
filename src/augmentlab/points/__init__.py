"""Point-cloud augmentation on a ``points`` field (``(N, D)`` float coordinates) with optional
``point_labels`` (one per point) and ``normals`` (``(N, D)``) that follow their points; and the
jet recipes on a ``constituents`` field (``(N, 3)``: eta, phi, pt). Transform names carry the
``points.`` prefix in pipeline files."""

from . import fields  # noqa: F401  (registers the field kinds and their checks with the core)
from .jets import AlignPrincipalAxis, Recentre, Reflect, Zoom, jet_image
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
    "AlignPrincipalAxis",
    "Flip",
    "Jitter",
    "NormalizeToUnitSphere",
    "RandomDropout",
    "Recentre",
    "Reflect",
    "Rotate",
    "Scale",
    "Shuffle",
    "Translate",
    "Zoom",
    "jet_image",
    "rotation_matrix",
]
