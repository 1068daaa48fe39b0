"""Document degradation for OCR and document models (the effects of the Augraphy family, written
as vectorised NumPy/OpenCV passes): ink, paper, scanner and copier defects, and page geometry.

- `ink`: `InkBleed`, `LowInkLines`, `Faxify` (binarisation, optional halftone);
- `paper`: `PaperTexture`, `BleedThrough`, `ShadowCast`;
- `copier`: `PhotocopyNoise`, `DirtyRollers`, `DirtyDrum`;
- `warps`: `Folding`, `PageWarp`, displacement warps that move masks, boxes and keypoints with
  the text.

JPEG artefacts are `augmentlab.JpegCompression` / `ImageCompression`.

Example:
    >>> import numpy as np, augmentlab as al
    >>> from augmentlab.image.document import InkBleed, PaperTexture, PageWarp
    >>> page = np.full((64, 48), 255, np.uint8); page[20:24, 6:40] = 0
    >>> scan = al.Compose([PageWarp(), InkBleed(), PaperTexture()], seed=0)
    >>> scan(image=page, bboxes=[[6, 20, 40, 24]])["image"].shape
    (64, 48)
"""

from .copier import DirtyDrum, DirtyRollers, PhotocopyNoise
from .ink import Faxify, InkBleed, LowInkLines
from .paper import BleedThrough, PaperTexture, ShadowCast
from .warps import Folding, PageWarp

__all__ = [
    "BleedThrough",
    "DirtyDrum",
    "DirtyRollers",
    "Faxify",
    "Folding",
    "InkBleed",
    "LowInkLines",
    "PageWarp",
    "PaperTexture",
    "PhotocopyNoise",
    "ShadowCast",
]
