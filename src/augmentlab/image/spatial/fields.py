"""Field kinds, box and keypoint containers, and input validation.

Coordinates: keypoints use pixel-centre coordinates (pixel ``(i, j)`` is the point ``x=j, y=i``);
boxes use pixel-edge coordinates (a box ``[0, 0, 1, 1]`` in pascal_voc covers exactly pixel 0).
Internally every box is pascal_voc in absolute pixels; it goes back to the caller's format on exit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...core.errors import InvalidConfig, InvalidInput
from ...core.kinds import register_kinds
from ...core.types import ArrayLike

__all__ = [
    "BBOX_FORMATS",
    "BBoxes",
    "BoxSet",
    "KeyPoints",
    "PointSet",
    "check_image",
    "check_mask",
]

# the kinds the pipeline's image pass handles itself (checked there, so without a check here);
# "label" is a sample's class label, which no transform changes
register_kinds(("image", "mask", "bboxes", "keypoints", "label"), grid=("image", "mask"))
BBOX_FORMATS = ("pascal_voc", "coco", "yolo", "albumentations", "cxcywh")


@dataclass
class BBoxes:
    """Boxes that carry their format and per-box labels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> b = al.BBoxes([[10, 20, 50, 60]], format="pascal_voc", labels=["cat"])
        >>> out = al.Compose([al.HorizontalFlip(p=1.0)])(image=np.zeros((100, 200, 3), np.uint8), bboxes=b)
        >>> out["bboxes"].array.tolist(), out["bboxes"].labels
        ([[150.0, 20.0, 190.0, 60.0]], ['cat'])
    """

    array: np.ndarray  # (N, 4 + extra columns) float64
    format: str = "pascal_voc"
    labels: Sequence[Any] | None = None

    # written out (the dataclass keeps it) so that `array` takes any array-like and holds an array
    def __init__(self, array: ArrayLike, format: str = "pascal_voc",
                 labels: Sequence[Any] | None = None) -> None:
        if format not in BBOX_FORMATS:
            raise InvalidInput(
                f"bboxes: unknown format {format!r}; use one of {', '.join(BBOX_FORMATS)}"
            )
        self.format = format
        self.labels = labels
        self.array = np.asarray(array, dtype=np.float64)
        if self.array.size == 0:
            self.array = self.array.reshape(0, 4)

    def __len__(self) -> int:
        return len(self.array)


@dataclass
class KeyPoints:
    """Keypoints ``(x, y)`` in pixel-centre coordinates, with per-point labels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> k = al.KeyPoints([[3, 1]], labels=["nose"])
        >>> out = al.Compose([al.VerticalFlip(p=1.0)])(image=np.zeros((10, 8), np.uint8), keypoints=k)
        >>> out["keypoints"].array.tolist()
        [[3.0, 8.0]]
    """

    array: np.ndarray  # (N, 2 + extra columns) float64
    labels: Sequence[Any] | None = None

    # written out (the dataclass keeps it) so that `array` takes any array-like and holds an array
    def __init__(self, array: ArrayLike, labels: Sequence[Any] | None = None) -> None:
        self.labels = labels
        self.array = np.asarray(array, dtype=np.float64)
        if self.array.size == 0:
            self.array = self.array.reshape(0, 2)

    def __len__(self) -> int:
        return len(self.array)


def _label_list(labels: Sequence[Any] | None, n: int, key: str) -> list[Any] | None:
    if labels is None:
        return None
    out = list(labels)
    if len(out) != n:
        raise InvalidInput(f"{key}: {n} items but {len(out)} labels; give one label per item")
    return out


@dataclass
class BoxSet:
    """Internal boxes: absolute pascal_voc coordinates plus everything needed to go back."""

    xyxy: np.ndarray  # (N, 4) float64
    extra: np.ndarray  # (N, k) extra columns the caller attached (class ids, scores)
    labels: list[Any] | None
    visibility: np.ndarray  # (N,) fraction of each box still inside the image
    format: str
    as_object: bool
    dtype: Any = np.float64
    # The exact region each box covers, as a convex polygon in pixel-edge coordinates. After a
    # rotation a box is no longer a rectangle; clipping its polygon (not its bounding box) to the
    # frame keeps the box equal to the bounding box of the visible object. None: the rectangles.
    polys: list[np.ndarray] | None = None
    # each box's position in the caller's input: per-box label lists follow the kept boxes
    index: np.ndarray | None = None

    @classmethod
    def from_input(cls, value: Any, key: str, fmt: str, size: tuple[int, int],
                   clip: bool = False) -> BoxSet:
        labels = None
        as_object = isinstance(value, BBoxes)
        dtype: Any = np.float64
        if as_object:
            fmt, arr, labels = value.format, value.array, value.labels
        else:
            try:
                arr = np.asarray(value)
            except Exception as exc:  # ragged lists and the like
                raise InvalidInput(f"{key}: not an array of boxes ({exc})") from None
            if arr.dtype.kind not in "iuf":
                raise InvalidInput(f"{key}: boxes must be numbers, got dtype {arr.dtype}; a class "
                                   "label in a 5th column goes in its own list instead: "
                                   "bboxes=[[x1, y1, x2, y2], ...], labels=['cat', ...]")
            dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
            arr = arr.astype(np.float64)
            if arr.size == 0:
                arr = arr.reshape(0, 4)
        if arr.ndim != 2 or arr.shape[1] < 4:
            raise InvalidInput(
                f"{key}: expected an (N, 4+) array of boxes in {fmt} format, got shape {arr.shape}"
            )
        if not np.isfinite(arr[:, :4]).all():
            raise InvalidInput(f"{key}: box coordinates must be finite (found NaN or inf)")
        labels = _label_list(labels, len(arr), key)
        xyxy = to_xyxy(arr[:, :4], fmt, size)
        if clip:  # Albumentations' BboxParams(clip=True): boxes a little outside are cut to the frame
            h, w = size
            np.clip(xyxy, 0.0, [w, h, w, h], out=xyxy)
        _check_boxes(xyxy, key, fmt, size)
        n = len(arr)
        return cls(
            xyxy=xyxy,
            extra=arr[:, 4:].copy(),
            labels=labels,
            visibility=np.ones(n),
            format=fmt,
            as_object=as_object,
            dtype=dtype,
            index=np.arange(n),
        )

    def subset(self, keep: np.ndarray) -> BoxSet:
        idx = np.flatnonzero(keep)
        return BoxSet(
            xyxy=self.xyxy[idx],
            extra=self.extra[idx],
            labels=None if self.labels is None else [self.labels[i] for i in idx],
            visibility=self.visibility[idx],
            format=self.format,
            as_object=self.as_object,
            dtype=self.dtype,
            polys=None if self.polys is None else [self.polys[i] for i in idx],
            index=None if self.index is None else self.index[idx],
        )

    def with_boxes(self, xyxy: np.ndarray, visibility: np.ndarray | None = None,
                   polys: list[np.ndarray] | None = None) -> BoxSet:
        return BoxSet(
            xyxy=xyxy,
            extra=self.extra,
            labels=self.labels,
            visibility=self.visibility if visibility is None else visibility,
            format=self.format,
            as_object=self.as_object,
            dtype=self.dtype,
            polys=polys,
            index=self.index,
        )

    def to_output(self, size: tuple[int, int]) -> Any:
        arr = from_xyxy(self.xyxy, self.format, size)
        if self.as_object:
            return BBoxes(arr, format=self.format, labels=self.labels)
        return np.concatenate([arr, self.extra], axis=1).astype(self.dtype, copy=False)


@dataclass
class PointSet:
    """Internal keypoints: (N, 2) pixel-centre coordinates plus extra columns and labels."""

    xy: np.ndarray
    extra: np.ndarray
    labels: list[Any] | None
    as_object: bool
    dtype: Any = np.float64
    index: np.ndarray | None = None  # each point's position in the caller's input (see BoxSet)

    @classmethod
    def from_input(cls, value: Any, key: str, size: tuple[int, int]) -> PointSet:
        labels = None
        as_object = isinstance(value, KeyPoints)
        dtype: Any = np.float64
        if as_object:
            arr, labels = value.array, value.labels
        else:
            try:
                arr = np.asarray(value)
            except Exception as exc:
                raise InvalidInput(f"{key}: not an array of keypoints ({exc})") from None
            if arr.dtype.kind not in "iuf":
                raise InvalidInput(f"{key}: keypoints must be numbers, got dtype {arr.dtype}")
            dtype = arr.dtype if arr.dtype.kind == "f" else np.float64
            arr = arr.astype(np.float64)
            if arr.size == 0:
                arr = arr.reshape(0, 2)
        if arr.ndim != 2 or arr.shape[1] < 2:
            raise InvalidInput(f"{key}: expected an (N, 2+) array of (x, y) keypoints, got shape "
                               f"{arr.shape}")
        if not np.isfinite(arr[:, :2]).all():
            raise InvalidInput(f"{key}: keypoint coordinates must be finite (found NaN or inf)")
        h, w = size
        inside = (arr[:, 0] >= 0) & (arr[:, 0] < w) & (arr[:, 1] >= 0) & (arr[:, 1] < h)
        if not inside.all():
            i = int(np.flatnonzero(~inside)[0])
            raise InvalidInput(
                f"{key}: keypoint {i} at ({arr[i, 0]:g}, {arr[i, 1]:g}) lies outside the "
                f"{w}x{h} image; keypoints need 0 <= x < width and 0 <= y < height"
            )
        return cls(arr[:, :2].copy(), arr[:, 2:].copy(), _label_list(labels, len(arr), key),
                   as_object, dtype, np.arange(len(arr)))

    def subset(self, keep: np.ndarray) -> PointSet:
        idx = np.flatnonzero(keep)
        labels = None if self.labels is None else [self.labels[i] for i in idx]
        return PointSet(self.xy[idx], self.extra[idx], labels, self.as_object, self.dtype,
                        None if self.index is None else self.index[idx])

    def with_points(self, xy: np.ndarray) -> PointSet:
        return PointSet(xy, self.extra, self.labels, self.as_object, self.dtype, self.index)

    def to_output(self) -> Any:
        if self.as_object:
            return KeyPoints(self.xy.copy(), labels=self.labels)
        return np.concatenate([self.xy, self.extra], axis=1).astype(self.dtype, copy=False)


def to_xyxy(arr: np.ndarray, fmt: str, size: tuple[int, int]) -> np.ndarray:
    """Convert ``(N, 4)`` boxes in `fmt` to absolute pascal_voc."""
    h, w = size
    a = np.asarray(arr, dtype=np.float64)
    if fmt == "pascal_voc":
        return a.copy()
    if fmt == "albumentations":
        return a * np.array([w, h, w, h])
    if fmt == "coco":
        return np.stack([a[:, 0], a[:, 1], a[:, 0] + a[:, 2], a[:, 1] + a[:, 3]], axis=1)
    if fmt in ("yolo", "cxcywh"):
        if fmt == "yolo":
            a = a * np.array([w, h, w, h])
        half_w, half_h = a[:, 2] / 2, a[:, 3] / 2
        return np.stack([a[:, 0] - half_w, a[:, 1] - half_h, a[:, 0] + half_w, a[:, 1] + half_h],
                        axis=1)
    raise InvalidConfig(f"unknown box format {fmt!r}; use one of {', '.join(BBOX_FORMATS)}")


def from_xyxy(xyxy: np.ndarray, fmt: str, size: tuple[int, int]) -> np.ndarray:
    """Convert absolute pascal_voc boxes back to `fmt`."""
    h, w = size
    a = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    if fmt == "pascal_voc":
        return a.copy()
    if fmt == "albumentations":
        return a / np.array([w, h, w, h])
    if fmt == "coco":
        return np.stack([a[:, 0], a[:, 1], a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]], axis=1)
    cx, cy = (a[:, 0] + a[:, 2]) / 2, (a[:, 1] + a[:, 3]) / 2
    out = np.stack([cx, cy, a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]], axis=1)
    return out / np.array([w, h, w, h]) if fmt == "yolo" else out


def _check_boxes(xyxy: np.ndarray, key: str, fmt: str, size: tuple[int, int]) -> None:
    h, w = size
    tol = 1e-6 * max(h, w)
    bad_order = (xyxy[:, 0] >= xyxy[:, 2]) | (xyxy[:, 1] >= xyxy[:, 3])
    if bad_order.any():
        i = int(np.flatnonzero(bad_order)[0])
        raise InvalidInput(
            f"{key}: box {i} {xyxy[i].round(4).tolist()} (as pascal_voc, from {fmt}) has "
            "x_min >= x_max or y_min >= y_max; boxes need a positive width and height"
        )
    outside = ((xyxy[:, 0] < -tol) | (xyxy[:, 1] < -tol) | (xyxy[:, 2] > w + tol)
               | (xyxy[:, 3] > h + tol))
    if outside.any():
        i = int(np.flatnonzero(outside)[0])
        raise InvalidInput(
            f"{key}: box {i} {xyxy[i].round(4).tolist()} (as pascal_voc, from {fmt}) is outside "
            f"the {w}x{h} image; clip boxes to the image or check the format"
        )


_IMAGE_DTYPES = (np.uint8, np.uint16, np.float32)


def check_image(value: Any, key: str) -> np.ndarray:
    """Validate an image: uint8, uint16 or float32, HxW or HxWxC (any number of channels),
    non-empty, finite."""
    if type(value) is np.ndarray and value.dtype.char == "B" and 2 <= value.ndim <= 3 and value.size:
        return value  # the common case, checked without building anything
    if not isinstance(value, np.ndarray):
        raise InvalidInput(f"{key}: expected a numpy array, got {type(value).__name__}")
    if value.dtype not in _IMAGE_DTYPES:
        raise InvalidInput(
            f"{key}: dtype {value.dtype} is not supported; use uint8 (0..255), uint16 (0..65535) "
            "or float32 (0..1 for colour, noise and filter transforms), e.g. "
            "image.astype(np.float32) / 255"
        )
    if value.ndim not in (2, 3):
        raise InvalidInput(f"{key}: expected HxW or HxWxC, got {value.ndim} dimensions "
                           f"(shape {value.shape})")
    if value.size == 0:
        raise InvalidInput(f"{key}: image is empty (shape {value.shape})")
    if value.dtype == np.float32 and not np.isfinite(value).all():
        raise InvalidInput(f"{key}: float image contains NaN or inf; clean it before augmenting")
    return value


def check_mask(value: Any, key: str, size: tuple[int, int] | None) -> np.ndarray:
    """Validate a mask: HxW or HxWxC, same height and width as the image."""
    if not isinstance(value, np.ndarray):
        raise InvalidInput(f"{key}: expected a numpy array, got {type(value).__name__}")
    if value.ndim not in (2, 3) or value.size == 0:
        raise InvalidInput(f"{key}: expected a non-empty HxW or HxWxC mask, got shape {value.shape}")
    if value.dtype.kind not in "biuf":
        raise InvalidInput(f"{key}: mask dtype {value.dtype} is not numeric")
    if size is not None and value.shape[:2] != size:
        hint = ("; it looks channels-first (N, H, W): give it as (H, W, N), e.g. "
                "np.moveaxis(mask, 0, -1)" if value.ndim == 3 and value.shape[1:] == size else "")
        raise InvalidInput(f"{key}: mask is {value.shape[1]}x{value.shape[0]} but the image is "
                           f"{size[1]}x{size[0]}; masks must match the image size{hint}")
    return value
