"""augmentlab: grow small training sets and prove whether that helped.

Example:
    >>> import numpy as np, augmentlab as al
    >>> pipe = al.Compose([al.HorizontalFlip(p=0.5), al.BrightnessContrast()], seed=0)
    >>> out = pipe(image=np.zeros((32, 32, 3), np.uint8), sample_id=0)
    >>> out["image"].shape
    (32, 32, 3)
"""

from . import (
    audio,
    errors,
    graph,
    image,
    mix,
    multimodal,
    points,
    policies,
    registry,
    series,
    tabular,
    text,
    volume,
)
from .compat import from_albumentations
from .core import (
    Compose,
    OneOf,
    Record,
    Sample,
    Sequential,
    SomeOf,
    Sometimes,
    Transform,
    dump_pipeline,
    load_pipeline,
)
from .core.version import __version__
from .image import *  # noqa: F403  (the transform classes, listed in image.__all__)
from .image.spatial import BBoxes, KeyPoints, Polygons, ToTensorV2

__all__ = [
    "BBoxes",
    "Compose",
    "KeyPoints",
    "OneOf",
    "Polygons",
    "Record",
    "Sample",
    "Sequential",
    "SomeOf",
    "Sometimes",
    "ToTensorV2",
    "Transform",
    "__version__",
    "audio",
    "dump_pipeline",
    "errors",
    "from_albumentations",
    "graph",
    "image",
    "load_pipeline",
    "mix",
    "multimodal",
    "points",
    "policies",
    "registry",
    "series",
    "tabular",
    "text",
    "volume",
    *image.__all__,
]
