"""COCO segmentations and masks: run-length encodings (plain and compressed) and polygons, both
ways. Read by the COCO dataset format and by `CopyPaste`'s instance banks.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import DataError

__all__ = ["has_holes", "mask_polygons", "rle_decode", "rle_encode", "segmentation_mask"]


def rle_decode(rle: dict[str, Any], height: int, width: int) -> np.ndarray:
    """A COCO RLE (``counts`` as a list, or COCO's compressed string) as an HxW uint8 mask.

    Example:
        >>> rle_decode({"counts": [1, 2, 3], "size": [2, 3]}, 2, 3).tolist()
        [[0, 1, 0], [1, 0, 0]]
    """
    counts = rle["counts"]
    if isinstance(counts, str):  # COCO's compressed form: 5-bit groups, delta-coded after the 3rd
        values: list[int] = []
        pos = 0
        while pos < len(counts):
            x, k, more = 0, 0, True
            while more:
                c = ord(counts[pos]) - 48
                x |= (c & 0x1F) << (5 * k)
                more = bool(c & 0x20)
                pos += 1
                k += 1
                if not more and (c & 0x10):
                    x |= -1 << (5 * k)
            if len(values) > 2:
                x += values[-2]
            values.append(x)
        counts = values
    runs = [int(r) for r in counts]
    if any(r < 0 for r in runs) or sum(runs) != height * width:
        raise ValueError(f"the runs add up to {sum(runs)} pixels (or one is negative) for a "
                         f"{height}x{width} mask")
    flat = np.zeros(height * width, dtype=np.uint8)
    at, value = 0, 0
    for run in runs:
        flat[at:at + int(run)] = value
        at += int(run)
        value ^= 1
    return flat.reshape(width, height).T  # column-major (Fortran) order


def rle_encode(mask: np.ndarray) -> dict[str, Any]:
    """An HxW mask as an uncompressed COCO RLE.

    Example:
        >>> rle_encode(np.array([[0, 1, 0], [1, 0, 0]]))
        {'counts': [1, 2, 3], 'size': [2, 3]}
    """
    flat = mask.T.reshape(-1).astype(np.uint8)
    change = np.flatnonzero(np.diff(np.concatenate([[0], flat, [1 - flat[-1] if flat.size else 0]])))
    counts = np.diff(np.concatenate([[0], change])).tolist()
    return {"counts": [int(c) for c in counts], "size": [int(mask.shape[0]), int(mask.shape[1])]}


def segmentation_mask(seg: Any, height: int, width: int, where: str) -> np.ndarray:
    """A COCO ``segmentation`` (polygon lists or an RLE) as an HxW uint8 mask; `where` names the
    annotation in errors.

    Example:
        >>> segmentation_mask([[0, 0, 2, 0, 2, 1, 0, 1]], 3, 4, "a").tolist()
        [[1, 1, 1, 0], [1, 1, 1, 0], [0, 0, 0, 0]]
    """
    import cv2

    if isinstance(seg, dict):
        size = seg.get("size")
        if size != [height, width] or "counts" not in seg:
            raise DataError(f"{where}: an RLE needs 'counts' and size [{height}, {width}], got {size}")
        try:
            return rle_decode(seg, height, width)
        except (ValueError, TypeError, IndexError, OverflowError) as exc:
            raise DataError(f"{where}: the RLE cannot be decoded ({exc}); its counts must be run "
                            "lengths adding up to height x width") from None
    if not isinstance(seg, list):
        raise DataError(f"{where}: a segmentation is a list of polygons [[x1, y1, x2, y2, ...]] or "
                        f"an RLE {{'counts': ..., 'size': [h, w]}}, got {type(seg).__name__}")
    mask = np.zeros((height, width), np.uint8)
    for k, poly in enumerate(seg):
        try:
            flat = np.asarray(poly, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise DataError(f"{where}: polygon {k} is not a list of numbers") from None
        if flat.size % 2 or not np.isfinite(flat).all():
            raise DataError(f"{where}: polygon {k} has {flat.size} numbers (or one not finite); a "
                            "polygon is (x, y) pairs of finite numbers")
        if flat.size < 6:
            continue  # fewer than 3 points: no area to draw (COCO has a few such)
        cv2.fillPoly(mask, [np.round(flat.reshape(-1, 2)).astype(np.int32)], 1)
    return mask


def mask_polygons(mask: np.ndarray) -> list[list[float]]:
    """The outer outlines of an HxW mask as COCO polygon lists.

    Example:
        >>> m = np.zeros((5, 5), np.uint8); m[1:4, 1:4] = 1
        >>> mask_polygons(m)
        [[1.0, 1.0, 1.0, 3.0, 3.0, 3.0, 3.0, 1.0]]
    """
    import cv2

    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [[float(v) for v in c.reshape(-1)] for c in contours if len(c) >= 3]


def has_holes(mask: np.ndarray) -> bool:
    """Whether an HxW mask has a hole (a ring: an object with another pasted inside it). COCO
    polygons cannot say so, their outline would cover the hole: such a mask is written as RLE.

    Example:
        >>> m = np.ones((5, 5), np.uint8); has_holes(m)
        False
        >>> m[2, 2] = 0; has_holes(m)
        True
    """
    import cv2

    _, hierarchy = cv2.findContours(mask.astype(np.uint8), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return hierarchy is not None and bool((hierarchy[0][:, 3] >= 0).any())
