"""``augmentlab preview``: augment the built-in photos and look at the result."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .core.compose import Compose
from .core.files import atomic_write
from .image import (
    Affine,
    BrightnessContrast,
    CoarseDropout,
    GaussNoise,
    HorizontalFlip,
    HueSaturationValue,
)

__all__ = ["preview"]

# Objects in the built-in photos, for drawing boxes and keypoints on the demo grid (x0, y0, x1, y1).
_PHOTO_BOXES = {
    "astronaut": [[90, 10, 170, 100]],
    "coffee": [[40, 60, 200, 200]],
    "china": [[10, 20, 140, 240]],
    "flower": [[60, 50, 200, 210]],
}


def _preview_pipeline() -> Compose:
    return Compose([
        HorizontalFlip(p=0.5),
        Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, shear=0.0, keep_ratio=True, p=1.0),
        BrightnessContrast(brightness_limit=0.2, contrast_limit=0.2),
        HueSaturationValue(hue_shift_limit=20, sat_shift_limit=30, val_shift_limit=20, p=1.0),
        GaussNoise(std_range=(0.02, 0.08), p=1.0),
        CoarseDropout(num_holes_range=(1, 3), p=1.0),
    ], seed=0, min_visibility=0.2)


def _draw(image: np.ndarray, boxes: np.ndarray, points: np.ndarray) -> np.ndarray:
    import cv2

    out = np.ascontiguousarray(image.copy())
    for x0, y0, x1, y1 in np.asarray(boxes).reshape(-1, 4)[:, :4]:
        cv2.rectangle(out, (int(round(x0)), int(round(y0))), (int(round(x1)) - 1, int(round(y1)) - 1),
                      (0, 255, 0), 2)
    for x, y in np.asarray(points).reshape(-1, 2):
        cv2.circle(out, (int(round(x)), int(round(y))), 4, (255, 0, 0), -1)
    return out


def preview(out_dir: Path, copies: int = 5) -> Path:
    """Augment the built-in photos and write a PNG grid: originals, then augmented copies, with
    boxes (green) and keypoints (red) drawn where the pipeline moved them.

    Example:
        >>> import tempfile
        >>> preview(Path(tempfile.mkdtemp()), copies=1).name
        'preview_grid.png'
    """
    import cv2

    from .datasets import sample_photos

    pipe = _preview_pipeline()
    rows = []
    for sid, (name, img) in enumerate(sample_photos(256)):
        boxes = np.array(_PHOTO_BOXES[name], float)
        points = np.array([[(b[0] + b[2]) / 2, (b[1] + b[3]) / 2] for b in boxes])
        cells = [_draw(img, boxes, points)]
        for c in range(copies):
            out = pipe(image=img, bboxes=boxes, keypoints=points, sample_id=sid, copy=c)
            cells.append(_draw(out["image"], out["bboxes"], out["keypoints"]))
        rows.append(np.concatenate([np.pad(c, ((4, 4), (4, 4), (0, 0)), constant_values=255)
                                    for c in cells], axis=1))
    grid = np.concatenate(rows, axis=0)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "preview_grid.png"
    ok, buf = cv2.imencode(".png", cv2.cvtColor(grid, cv2.COLOR_RGB2BGR))
    atomic_write(path, buf.tobytes())
    atomic_write(out_dir / "preview_pipeline.yaml", pipe.to_yaml().encode("utf-8"))
    return path
