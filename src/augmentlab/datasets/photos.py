"""Built-in real data. Loaders raise `MissingDependency` naming the extra when a package is absent."""

from __future__ import annotations

import numpy as np

from ..core.optional import require

__all__ = ["sample_photos"]


def sample_photos(size: int = 256) -> list[tuple[str, np.ndarray]]:
    """Four real RGB photos from scikit-image and scikit-learn, centre-cropped to ``size``.

    Example:
        >>> names = [n for n, _ in sample_photos(64)]
        >>> names
        ['astronaut', 'coffee', 'china', 'flower']
    """
    import cv2

    data = require("skimage.data", "dev", "sample_photos", package="scikit-image")
    sk = require("sklearn.datasets", "dev", "sample_photos", package="scikit-learn").load_sample_images().images
    out = []
    for name, img in (("astronaut", data.astronaut()), ("coffee", data.coffee()),
                      ("china", sk[0]), ("flower", sk[1])):
        h, w = img.shape[:2]
        s = min(h, w)
        crop = img[(h - s) // 2 : (h - s) // 2 + s, (w - s) // 2 : (w - s) // 2 + s]
        out.append((name, cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA)))
    return out
