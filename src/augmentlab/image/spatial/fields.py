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
from .geometry import clip_polygon, polygon_area
from .rotated import COLUMNS, ROTATED_FORMATS, corners_from, frame_of, rotated_out, rotated_sizes

__all__ = [
    "AXIS_FORMATS",
    "BBOX_FORMATS",
    "BBoxes",
    "BoxSet",
    "KeyPoints",
    "box_columns",
    "PointSet",
    "check_image",
    "check_mask",
]

# the kinds the pipeline's image pass handles itself (checked there, so without a check here);
# "label" is a sample's class label, which no transform changes
register_kinds(("image", "mask", "bboxes", "keypoints", "polygons", "label"), grid=("image", "mask"))
AXIS_FORMATS = ("pascal_voc", "coco", "yolo", "albumentations", "cxcywh")
BBOX_FORMATS = AXIS_FORMATS + ROTATED_FORMATS  # rotated boxes: see `.rotated`


def box_columns(fmt: str) -> int:
    """How many leading columns of a box row are its coordinates in `fmt` (the rest are extra
    columns the caller attached, carried along).

    Example:
        >>> box_columns("coco"), box_columns("obb"), box_columns("xyxyxyxy")
        (4, 5, 8)
    """
    return COLUMNS.get(fmt, 4)


@dataclass
class BBoxes:
    """Boxes that carry their format and per-box labels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> b = al.BBoxes([[10, 20, 50, 60]], format="pascal_voc", labels=["cat"])
        >>> out = al.Compose([al.HorizontalFlip(p=1.0)])(image=np.zeros((100, 200, 3), np.uint8), bboxes=b)
        >>> out["bboxes"].array.tolist(), out["bboxes"].labels
        ([[150.0, 20.0, 190.0, 60.0]], ['cat'])

        Rotated boxes: ``format="obb"`` rows are ``(cx, cy, w, h, angle in degrees)``,
        ``format="xyxyxyxy"`` rows the four corners (DOTA):

        >>> r = al.BBoxes([[50, 40, 40, 20, 30]], format="obb")
        >>> out = al.Compose([al.HorizontalFlip(p=1.0)])(image=np.zeros((100, 200, 3), np.uint8), bboxes=r)
        >>> out["bboxes"].array.round(6).tolist()
        [[150.0, 40.0, 40.0, 20.0, -30.0]]
    """

    array: np.ndarray  # (N, columns of the format + extra columns) float64
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
            self.array = self.array.reshape(0, box_columns(format))

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
    # rotated boxes only (format obb or xyxyxyxy): each box's frame, the unit vectors of its width
    # and height sides (N, 2, 2) moved by every warp, and whether its polygon is still its four
    # corners moved exactly (not cut by the frame, not bent by a displacement field)
    frames: np.ndarray | None = None
    exact: np.ndarray | None = None

    @property
    def rotated(self) -> bool:
        return self.frames is not None

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
                arr = arr.reshape(0, box_columns(fmt))
        cols = box_columns(fmt)
        if arr.ndim != 2 or arr.shape[1] < cols:
            what = {"obb": " (cx, cy, w, h, angle)", "xyxyxyxy": " (x1, y1, ..., x4, y4)"}
            raise InvalidInput(f"{key}: expected an (N, {cols}+) array of boxes in {fmt} format"
                               f"{what.get(fmt, '')}, got shape {arr.shape}")
        if not np.isfinite(arr[:, :cols]).all():
            raise InvalidInput(f"{key}: box coordinates must be finite (found NaN or inf)")
        labels = _label_list(labels, len(arr), key)
        n = len(arr)
        if fmt in ROTATED_FORMATS:
            return cls._rotated(arr, key, fmt, size, clip, labels, as_object, dtype)
        xyxy = to_xyxy(arr[:, :4], fmt, size)
        if clip:  # Albumentations' BboxParams(clip=True): boxes a little outside are cut to the frame
            h, w = size
            np.clip(xyxy, 0.0, [w, h, w, h], out=xyxy)
        _check_boxes(xyxy, key, fmt, size)
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

    @classmethod
    def _rotated(cls, arr: np.ndarray, key: str, fmt: str, size: tuple[int, int], clip: bool,
                 labels: list[Any] | None, as_object: bool, dtype: Any) -> BoxSet:
        corners = corners_from(arr, fmt, key)
        n = len(arr)
        polys = list(corners)
        exact = np.ones(n, bool)
        h, w = size
        # A rotated box may reach outside the frame (an object the frame cuts: the smallest
        # rectangle around its visible part sticks out, and boxes come back that way): the part
        # inside is what moves. `clip` changes nothing here. A box with nothing inside is refused.
        for i, poly in enumerate(polys):
            if poly.min() < 0 or (poly[:, 0] > w).any() or (poly[:, 1] > h).any():
                polys[i], exact[i] = clip_polygon(poly, w, h), False
                if len(polys[i]) < 3 or polygon_area(polys[i]) <= 0:
                    raise InvalidInput(f"{key}: rotated box {i} ({fmt}, corners "
                                       f"{corners[i].round(4).tolist()}) has no part inside the "
                                       f"{w}x{h} image; check the format or drop the box")
        xyxy = np.array([[*p.min(axis=0), *p.max(axis=0)] for p in polys]).reshape(-1, 4)
        return cls(xyxy=xyxy, extra=arr[:, box_columns(fmt):].copy(), labels=labels,
                   visibility=np.ones(n), format=fmt, as_object=as_object, dtype=dtype,
                   polys=polys, index=np.arange(n), frames=frame_of(corners).reshape(-1, 2, 2),
                   exact=exact)

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
            frames=None if self.frames is None else self.frames[idx],
            exact=None if self.exact is None else self.exact[idx],
        )

    def with_boxes(self, xyxy: np.ndarray, visibility: np.ndarray | None = None,
                   polys: list[np.ndarray] | None = None, frames: np.ndarray | None = None,
                   exact: np.ndarray | None = None) -> BoxSet:
        """The same boxes at new places. A rotated box set keeps its frames and polygons unless
        new ones are given (a warp passes them; a step that only changes visibility need not)."""
        if self.rotated and polys is None:
            polys = self.polys
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
            frames=self.frames if frames is None else frames,
            exact=self.exact if exact is None else exact,
        )

    def sizes(self) -> tuple[np.ndarray, np.ndarray]:
        """Each box's width and height (a rotated box: its rectangle's sides)."""
        if self.rotated:
            assert self.polys is not None and self.frames is not None
            return rotated_sizes(self.polys, self.frames)
        return self.xyxy[:, 2] - self.xyxy[:, 0], self.xyxy[:, 3] - self.xyxy[:, 1]

    def to_output(self, size: tuple[int, int]) -> Any:
        if self.rotated:
            assert self.polys is not None and self.frames is not None and self.exact is not None
            arr = rotated_out(self.polys, self.frames, self.exact, self.format)
        else:
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
    """Convert boxes in `fmt` to absolute pascal_voc (rotated boxes: their bounding boxes).

    Example:
        >>> to_xyxy(np.array([[0.5, 0.5, 0.2, 0.4]]), "yolo", (10, 20)).tolist()
        [[8.0, 3.0, 12.0, 7.0]]
    """
    h, w = size
    a = np.asarray(arr, dtype=np.float64)
    if fmt in ROTATED_FORMATS:
        corners = corners_from(a.reshape(-1, a.shape[-1]), fmt, "boxes")
        return np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)
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
    if value.ndim not in (2, 3) or 0 in value.shape[:2]:  # (H, W, 0): instances, none of them
        raise InvalidInput(f"{key}: expected a non-empty HxW or HxWxC mask, got shape {value.shape}")
    if value.dtype.kind not in "biuf":
        raise InvalidInput(f"{key}: mask dtype {value.dtype} is not numeric")
    if size is not None and value.shape[:2] != size:
        hint = ("; it looks channels-first (N, H, W): give it as (H, W, N), e.g. "
                "np.moveaxis(mask, 0, -1)" if value.ndim == 3 and value.shape[1:] == size else "")
        raise InvalidInput(f"{key}: mask is {value.shape[1]}x{value.shape[0]} but the image is "
                           f"{size[1]}x{size[0]}; masks must match the image size{hint}")
    return value
