"""Mosaic (Bochkovskiy et al., YOLOv4 2020): four images tiled around a random centre, their boxes
carried along, clipped, and dropped when too little of them is left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import check_number
from ..core.sample import to_jsonable
from ..core.transform import _wrap_init
from ..core.types import ArrayLike

__all__ = ["Mosaic", "MosaicBatch"]


class MosaicBatch(NamedTuple):
    """Mosaic images ``(N, h, w[, C])``, per image the kept boxes (pascal_voc, ``(k, 4)``) and
    their labels, soft image labels weighted by tile area (None without image labels), params."""

    images: np.ndarray
    boxes: list[np.ndarray]
    box_labels: list[list[Any]]
    labels: np.ndarray | None
    params: dict[str, Any]


class Mosaic:
    """Tile each image with three random others of the batch into a ``size`` canvas: each source is
    resized to the canvas, and the part of it facing the random centre fills one quadrant. Boxes
    move with their pixels; a box keeps its place if at least ``min_visibility`` of its area is
    left in its tile. Uncovered canvas is ``fill`` (0, as in Albumentations; YOLO pads with 114).

    Example:
        >>> import numpy as np
        >>> imgs = [np.full((20, 30, 3), v, np.uint8) for v in (0, 60, 120, 180)]
        >>> boxes = [np.array([[2.0, 2.0, 28.0, 18.0]])] * 4
        >>> out = Mosaic(size=(40, 40))(imgs, boxes, [["car"]] * 4, seed=0)
        >>> out.images.shape, len(out.boxes)
        ((4, 40, 40, 3), 4)
    """

    _config: dict[str, Any]  # the constructor's arguments, recorded by _wrap_init

    def __init__(self, *, size: Sequence[int], center: Sequence[float] = (0.25, 0.75),
                 min_visibility: float = 0.2, fill: float = 0) -> None:
        if (not isinstance(size, (list, tuple)) or len(size) != 2
                or not all(isinstance(v, int) and v >= 2 for v in size)):
            raise InvalidConfig(f"Mosaic: size={size!r} must be (height, width), integers >= 2")
        self.size = (int(size[0]), int(size[1]))
        if (not isinstance(center, (list, tuple)) or len(center) != 2
                or not 0 < center[0] <= center[1] < 1):
            raise InvalidConfig(f"Mosaic: center={center!r} must be (low, high) with "
                                "0 < low <= high < 1")
        self.center = (float(center[0]), float(center[1]))
        self.min_visibility = float(check_number("Mosaic", "min_visibility", min_visibility,
                                                 low=0, high=1))
        self.fill = float(check_number("Mosaic", "fill", fill))

    def get_config(self) -> dict[str, Any]:
        """Constructor arguments plus ``name``.

        Example:
            >>> Mosaic(size=(64, 64)).get_config()["size"]
            [64, 64]
        """
        return {"name": "Mosaic", **to_jsonable(self._config)}

    def __call__(self, images: Sequence[np.ndarray], boxes: Sequence[Any],
                 box_labels: Sequence[Sequence[Any]] | None = None, labels: ArrayLike | None = None, *,
                 num_classes: int | None = None, seed: int = 0, batch: int = 0) -> MosaicBatch:
        """Mosaic one batch of at least 2 images (sizes may differ; boxes in pixels, pascal_voc)."""
        n = len(images)
        if n < 2 or len(boxes) != n or (box_labels is not None and len(box_labels) != n):
            raise InvalidInput(f"Mosaic: needs >= 2 images with one box array (and label list) "
                               f"each; got {n} images, {len(boxes)} box arrays")
        imgs = [np.asarray(im) for im in images]
        if len({(im.ndim, im.shape[2:] if im.ndim == 3 else (), im.dtype) for im in imgs}) != 1:
            raise InvalidInput("Mosaic: images must share channels and dtype")
        bxs = [self._boxes(b, i) for i, b in enumerate(boxes)]
        blabels = [list(bl) for bl in box_labels] if box_labels is not None else [
            [None] * len(b) for b in bxs]
        if any(len(bl) != len(b) for bl, b in zip(blabels, bxs, strict=True)):
            raise InvalidInput("Mosaic: each image needs one label per box")
        soft = None
        if labels is not None:
            from .base import soft_labels

            soft = soft_labels(labels, num_classes, "Mosaic")
        rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(batch)]))
        h, w = self.size
        out_imgs, out_boxes, out_blabels, out_soft, params = [], [], [], [], []
        for i in range(n):
            others = [int(v) for v in rng.choice(np.delete(np.arange(n), i), 3, replace=n - 1 < 3)]
            sources = [i, *others]
            xc = int(round(rng.uniform(*self.center) * w))
            yc = int(round(rng.uniform(*self.center) * h))
            params.append({"sources": sources, "center": [xc, yc]})
            canvas = np.full((h, w, *imgs[0].shape[2:]), self.fill, imgs[0].dtype)
            kept, kept_labels, area = [], [], np.zeros(len(sources))
            # quadrant: (canvas window, which corner of the resized source faces the centre)
            tiles = [((0, 0, xc, yc), (w - xc, h - yc)), ((xc, 0, w, yc), (-xc, h - yc)),
                     ((0, yc, xc, h), (w - xc, -yc)), ((xc, yc, w, h), (-xc, -yc))]
            for k, (src, ((x0, y0, x1, y1), (ox, oy))) in enumerate(zip(sources, tiles, strict=True)):
                if x1 <= x0 or y1 <= y0:
                    continue
                im = imgs[src]
                sy, sx = h / im.shape[0], w / im.shape[1]
                resized = cv2.resize(im, (w, h), interpolation=cv2.INTER_LINEAR)
                canvas[y0:y1, x0:x1] = resized[y0 + oy:y1 + oy, x0 + ox:x1 + ox]
                area[k] = (x1 - x0) * (y1 - y0)
                b = bxs[src] * [sx, sy, sx, sy] - [ox, oy, ox, oy]
                clipped = np.column_stack([np.clip(b[:, 0], x0, x1), np.clip(b[:, 1], y0, y1),
                                           np.clip(b[:, 2], x0, x1), np.clip(b[:, 3], y0, y1)])
                full = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
                left = (clipped[:, 2] - clipped[:, 0]) * (clipped[:, 3] - clipped[:, 1])
                keep = (full > 0) & (left >= self.min_visibility * full) & (left > 0)
                kept.append(clipped[keep])
                kept_labels += [lab for lab, ok in zip(blabels[src], keep, strict=True) if ok]
            out_imgs.append(canvas)
            out_boxes.append(np.concatenate(kept) if kept else np.zeros((0, 4)))
            out_blabels.append(kept_labels)
            if soft is not None:
                out_soft.append((area / area.sum()) @ soft[sources])
        return MosaicBatch(np.stack(out_imgs), out_boxes, out_blabels,
                           None if soft is None else np.stack(out_soft), {"tiles": params})

    @staticmethod
    def _boxes(b: Any, i: int) -> np.ndarray:
        fmt = getattr(b, "format", "pascal_voc")
        if fmt != "pascal_voc":
            raise InvalidInput(f"Mosaic: boxes[{i}] are {fmt} boxes; Mosaic takes pascal_voc "
                               "[x_min, y_min, x_max, y_max] in pixels (rotated boxes are not "
                               "supported)")
        b = getattr(b, "array", b)
        arr = np.asarray(b, dtype=np.float64) if len(b) else np.zeros((0, 4))
        if arr.ndim != 2 or arr.shape[1] != 4:  # (k, 5) read as (k*5/4, 4) would be garbage
            raise InvalidInput(f"Mosaic: boxes[{i}] must be a (k, 4) array of [x_min, y_min, "
                               f"x_max, y_max], got shape {arr.shape}; pass class ids in "
                               "box_labels")
        if not np.isfinite(arr).all() or (arr[:, 2] < arr[:, 0]).any() or (
                arr[:, 3] < arr[:, 1]).any():
            raise InvalidInput(f"Mosaic: boxes[{i}] must be finite [x_min, y_min, x_max, y_max]")
        return arr


_wrap_init(Mosaic)
