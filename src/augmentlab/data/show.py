"""``augmentlab show``: what a pipeline does to one file of a dataset, as a PNG grid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..core.compose import Compose
from ..core.errors import InvalidInput
from ..core.files import atomic_write
from ..core.transform import Transform
from ..datasets.formats import entry_for_file, read_entry
from ..image.spatial.fields import to_xyxy
from ..image.spatial.rotated import ROTATED_FORMATS
from .job import sample_id_of

__all__ = ["entry_for_file", "pixel_boxes", "show_grid"]


def pixel_boxes(boxes: Any, shape: tuple[int, ...]) -> np.ndarray:
    """`boxes` (a `BBoxes` in any format) as ``(N, 4)`` pixel corners ``x0, y0, x1, y1`` on an
    image of `shape`, for drawing.

    Example:
        >>> from augmentlab.image.spatial import BBoxes
        >>> pixel_boxes(BBoxes([[0.5, 0.5, 0.5, 0.5]], format="yolo"), (100, 200)).tolist()
        [[50.0, 25.0, 150.0, 75.0]]
    """
    if boxes.format in ROTATED_FORMATS:  # drawn as the rectangle around each turned box
        return to_xyxy(np.asarray(boxes.array, dtype=np.float64), boxes.format,
                       (int(shape[0]), int(shape[1])))
    arr = np.asarray(boxes.array, dtype=np.float64)[:, :4].reshape(-1, 4)
    if boxes.format == "yolo":
        h, w = shape[:2]
        cx, cy, bw, bh = arr.T
        return np.stack([(cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h], 1)
    if boxes.format == "coco":
        return np.concatenate([arr[:, :2], arr[:, :2] + arr[:, 2:]], axis=1)
    return arr


def _draw(fields: dict[str, Any]) -> np.ndarray:
    import cv2

    img = fields["image"]
    out = np.ascontiguousarray(np.dstack([img] * 3) if img.ndim == 2 else img[..., :3].copy())
    if "mask" in fields:  # masked pixels tinted red
        mask = fields["mask"]
        on = mask.any(axis=2) if mask.ndim == 3 else mask > 0  # instance masks: any of them
        out[on] = (0.5 * out[on] + 0.5 * np.array([255, 0, 0])).astype(np.uint8)
    if "bboxes" in fields:
        for x0, y0, x1, y1 in pixel_boxes(fields["bboxes"], img.shape):
            cv2.rectangle(out, (int(round(x0)), int(round(y0))), (int(round(x1)) - 1, int(round(y1)) - 1),
                          (0, 255, 0), 2)
    if "keypoints" in fields:  # blue dots
        for x, y in np.asarray(fields["keypoints"].array).reshape(-1, 2)[:, :2]:
            cv2.circle(out, (int(round(x)), int(round(y))), 2, (0, 0, 255), -1)
    return out


def show_grid(pipeline: Transform, file: str | Path, out: str | Path, *, n: int = 16, seed: int = 0,
              columns: int = 4) -> Path:
    """Write a PNG grid: the file (top left) and `n` augmented copies, boxes green, masks red,
    keypoints blue.

    Example:
        >>> import tempfile, cv2, augmentlab as al
        >>> d = Path(tempfile.mkdtemp()); _ = cv2.imwrite(str(d / "a.png"), np.zeros((16, 16, 3), np.uint8))
        >>> show_grid(al.Compose([al.Rotate()]), d / "a.png", d / "grid.png", n=3).name
        'grid.png'
    """
    import cv2

    file, out = Path(file), Path(out)
    if not file.is_file():
        raise InvalidInput(f"show: {file} is not a file")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput(f"show: n={n!r} must be a positive integer")
    pipe = pipeline if isinstance(pipeline, Compose) else Compose([pipeline])
    root, entry = entry_for_file(file)
    fields = read_entry(root, entry)
    cells = [_draw(fields)]
    for copy in range(1, n + 1):
        sample = pipe(**fields, sample_id=sample_id_of(entry.rel), copy=copy, seed=seed)
        cells.append(_draw(sample))
    h = max(c.shape[0] for c in cells)
    w = max(c.shape[1] for c in cells)
    padded = [np.pad(c, ((2, 2 + h - c.shape[0]), (2, 2 + w - c.shape[1]), (0, 0)), constant_values=255)
              for c in cells]
    padded += [np.full_like(padded[0], 255)] * (-len(padded) % columns)
    rows = [np.concatenate(padded[i:i + columns], axis=1) for i in range(0, len(padded), columns)]
    ok, buf = cv2.imencode(".png", cv2.cvtColor(np.concatenate(rows, axis=0), cv2.COLOR_RGB2BGR))
    atomic_write(out, buf.tobytes())
    return out
