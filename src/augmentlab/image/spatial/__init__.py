"""The image pass of a pipeline: what `Compose` does for images, masks, boxes and keypoints.

- `fields`: the image field kinds, the box and keypoint containers (`BBoxes`, `KeyPoints`) and
  their checks; `rotated`: rotated boxes (``obb``, ``xyxyxyxy``); `polygons`: the `Polygons`
  field; `label_fields`: per-box label lists and Albumentations' ``bbox_params``.
- `geometry`, `warp`, `lut`: exact warp plans, one resampling for a chain of matrices, uint8
  lookup tables.
- `bases`: the image transform bases (`PointwiseTransform`, `GeometricTransform`,
  `DisplacementTransform`, `ImageOnlyTransform`).
- `fusion`: consecutive geometric steps warped once, consecutive pointwise steps one table pass.
- `image_pass`: checks and converts the image fields on the way in (tensors, PIL, CHW) and gives
  them back on the way out; registered with the core as the pipeline's image pass.

Example:
    >>> import numpy as np, augmentlab as al
    >>> out = al.Compose([al.HorizontalFlip(p=1.0)])(image=np.zeros((4, 6), np.uint8),
    ...                                                bboxes=al.BBoxes([[0, 0, 2, 2]]))
    >>> out["bboxes"].array.tolist()
    [[4.0, 0.0, 6.0, 2.0]]
"""

from .adapters import ToTensorV2
from .bases import (
    DisplacementTransform,
    GeometricTransform,
    ImageOnlyTransform,
    PointwiseTransform,
)
from .fields import BBoxes, KeyPoints
from .image_pass import ImagePass
from .polygons import Polygons

__all__ = [
    "BBoxes",
    "DisplacementTransform",
    "GeometricTransform",
    "ImagePass",
    "ImageOnlyTransform",
    "KeyPoints",
    "PointwiseTransform",
    "Polygons",
    "ToTensorV2",
]
