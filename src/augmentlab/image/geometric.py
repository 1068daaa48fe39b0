"""Flips, quarter turns, rotation, affine and perspective transforms (matrix based, fusable), and
RandomGridShuffle (a permutation of grid cells: not a matrix, applied on its own)."""

from __future__ import annotations

import dataclasses
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import shown, to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..core.transform import Transform
from ..core.types import Fill, Range
from .functional import matrices as mx
from .functional.dtype import DEPTHS
from .spatial.bases import GeometricTransform
from .spatial.fields import BoxSet, PointSet

__all__ = [
    "D4",
    "Affine",
    "HorizontalFlip",
    "Perspective",
    "RandomGridShuffle",
    "RandomRotate90",
    "Rotate",
    "ShiftScaleRotate",
    "Transpose",
    "VerticalFlip",
]

Size = tuple[int, int]


class HorizontalFlip(GeometricTransform):
    """Mirror left-right, half of the time by default (``p=0.5``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.HorizontalFlip(p=1.0)(image=np.array([[1, 2, 3]], np.uint8))["image"].tolist()
        [[3, 2, 1]]
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.hflip(size[1])


class VerticalFlip(GeometricTransform):
    """Mirror top-bottom, half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.VerticalFlip(p=1.0)(image=np.array([[1], [2]], np.uint8))["image"].tolist()
        [[2], [1]]
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.vflip(size[0])


class Transpose(GeometricTransform):
    """Swap rows and columns, half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Transpose(p=1.0)(image=np.zeros((2, 5), np.uint8))["image"].shape
        (5, 2)
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    random = False

    def __init__(self, *, p: float = 0.5) -> None:
        super().__init__(p=p)

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.transpose()

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (size[1], size[0])


class RandomRotate90(GeometricTransform):
    """Rotate by 0, 90, 180 or 270 degrees counter-clockwise (uniformly).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomRotate90()(image=np.zeros((2, 5), np.uint8), seed=0)
        >>> out["image"].shape in [(2, 5), (5, 2)]
        True
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    def __init__(self, *, p: float = 1.0) -> None:
        super().__init__(p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"k": integer(rng, 0, 4)}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        return mx.rot90(params["k"], size)

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return size if params["k"] % 2 == 0 else (size[1], size[0])


# the 8 symmetries of a square, named as in Albumentations: identity, quarter turns counter-
# clockwise, flips, and the transposes about the main ("t") and anti-diagonal ("hvt")
D4_ELEMENTS = ("e", "r90", "r180", "r270", "v", "hvt", "h", "t")
_SWAPS_SIDES = frozenset({"r90", "r270", "t", "hvt"})


class D4(GeometricTransform):
    """One of the 8 symmetries of a square (the dihedral group D4), uniformly: the identity,
    quarter turns, flips and both transposes. For data with no preferred orientation (aerial and
    microscope images). Moves masks, boxes and keypoints exactly; applied every time by default
    (``p=1``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.array([[1, 2, 3], [4, 5, 6]], np.uint8)
        >>> al.D4().matrix({"element": "t"}, (2, 3)).tolist()
        [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
        >>> al.D4()(image=img, seed=0)["image"].shape in [(2, 3), (3, 2)]
        True
    """

    frame_to_frame = True  # never shows area outside its input (see the fuser)

    native_params = True

    def __init__(self, *, p: float = 1.0) -> None:
        super().__init__(p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"element": D4_ELEMENTS[integer(rng, 0, 8)]}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        element = params["element"]
        if element not in D4_ELEMENTS:
            raise InvalidConfig(f"D4: element {element!r} is not one of {', '.join(D4_ELEMENTS)}")
        if element == "e":
            return np.eye(3)
        if element in ("r90", "r180", "r270"):
            return mx.rot90({"r90": 1, "r180": 2, "r270": 3}[element], size)
        if element == "v":
            return mx.vflip(h)
        if element == "h":
            return mx.hflip(w)
        if element == "t":
            return mx.transpose()
        return mx.rot90(2, (w, h)) @ mx.transpose()  # hvt: transpose, then a half turn

    def output_size(self, params: dict[str, Any], size: Size) -> Size:
        return (size[1], size[0]) if params["element"] in _SWAPS_SIDES else size


class Affine(GeometricTransform):
    """Rotate, scale, translate and shear about the image centre in one matrix.

    Args:
        rotate: degrees, a spread ``a`` (means ``(-a, a)``) or ``(min, max)``.
        scale: factor range, e.g. ``(0.9, 1.1)``; ``keep_ratio=True`` uses one factor for x and
            y (the default, as in Albumentations, draws them independently).
        translate_percent: fraction of width/height, spread or ``(min, max)``; None (the
            default): no shift.
        shear: degrees, spread or ``(min, max)``, drawn for x and y independently.

    Applied half of the time by default (``p=0.5``, as in Albumentations).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.Affine(rotate=15, scale=(0.9, 1.1), translate_percent=0.06, p=1.0)
        >>> t(image=np.zeros((32, 32, 3), np.uint8), seed=1)["image"].shape
        (32, 32, 3)
    """

    def __init__(
        self,
        *,
        rotate: Range = 0.0,
        scale: Range = (1.0, 1.0),
        translate_percent: Range | None = None,
        shear: Range = (0.0, 0.0),
        keep_ratio: bool = False,
        interpolation: str = "linear",
        border_mode: str = "constant",
        fill: Fill = 0,
        fill_mask: float = 0,
        p: float = 0.5,
    ) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        owner = type(self).__name__
        self.rotate = to_range(owner, "rotate", rotate)
        self.scale = to_range(owner, "scale", scale, center=None)
        if self.scale[0] <= 0:
            raise InvalidConfig(f"{owner}: scale={scale!r} must be > 0")
        self.translate = to_range(owner, "translate_percent",
                                  0.0 if translate_percent is None else translate_percent)
        self.shear = to_range(owner, "shear", shear, low=-89, high=89)
        self.keep_ratio = bool(keep_ratio)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        sx = uniform(rng, *self.scale)
        sy = sx if self.keep_ratio else uniform(rng, *self.scale)
        return {
            "angle": uniform(rng, *self.rotate),
            "scale": [sx, sy],
            "translate": [uniform(rng, *self.translate), uniform(rng, *self.translate)],
            "shear": [uniform(rng, *self.shear), uniform(rng, *self.shear)],
        }

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        tx, ty = params["translate"]
        return mx.affine(size, angle=params["angle"], scale=tuple(params["scale"]),
                         translate_px=(tx * w, ty * h), shear=tuple(params["shear"]))


class Rotate(Affine):
    """Rotate by a random angle about the centre (degrees, counter-clockwise as displayed),
    half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.Rotate(limit=(90, 90), p=1.0)(image=np.zeros((8, 8), np.uint8), keypoints=[[7, 0]])
        >>> out["keypoints"].round(6).tolist()
        [[0.0, 0.0]]
    """

    def __init__(self, *, limit: Range = (-90, 90), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(rotate=limit, keep_ratio=True, interpolation=interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        return {"angle": uniform(rng, *self.rotate), "scale": [1.0, 1.0],
                "translate": [0.0, 0.0], "shear": [0.0, 0.0]}


class ShiftScaleRotate(Affine):
    """Albumentations' ShiftScaleRotate, expressed as an `Affine`.

    ``shift_limit`` is a fraction of the size, ``scale_limit`` a spread around 1, ``rotate_limit``
    degrees; applied half of the time by default (``p=0.5``).

    Example:
        >>> import augmentlab as al
        >>> al.ShiftScaleRotate(shift_limit=0.1, scale_limit=0.2, rotate_limit=30).scale
        (0.8, 1.2)
    """

    def __init__(self, *, shift_limit: Range = (-0.0625, 0.0625), scale_limit: Range = (-0.1, 0.1),
                 rotate_limit: Range = (-45, 45), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        lo, hi = to_range("ShiftScaleRotate", "scale_limit", scale_limit)
        super().__init__(rotate=rotate_limit, scale=(1 + lo, 1 + hi),
                         translate_percent=shift_limit, shear=0.0, keep_ratio=True,
                         interpolation=interpolation,
                         border_mode=border_mode, fill=fill, fill_mask=fill_mask, p=p)


class Perspective(GeometricTransform):
    """Random four-point perspective: each corner moves by a fraction ``scale`` of the size;
    applied half of the time by default (``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Perspective(scale=(0.05, 0.1), p=1.0)(image=np.zeros((16, 16), np.uint8), seed=2)["image"].shape
        (16, 16)
    """

    def __init__(self, *, scale: Range = (0.05, 0.1), interpolation: str = "linear",
                 border_mode: str = "constant", fill: Fill = 0, fill_mask: float = 0,
                 p: float = 0.5) -> None:
        super().__init__(interpolation=interpolation, border_mode=border_mode, fill=fill,
                         fill_mask=fill_mask, p=p)
        self.scale = to_range("Perspective", "scale", scale, center=None, low=0, high=0.45)

    def sample_geometry(self, size: Size, rng: np.random.Generator) -> dict[str, Any]:
        sigma = uniform(rng, *self.scale)
        # corner offsets towards the inside, as fractions of the size: |N(0, sigma)|
        offsets = np.abs(rng.normal(0.0, sigma, size=(4, 2)))
        return {"offsets": np.clip(offsets, 0, 0.45).round(12).tolist()}

    def matrix(self, params: dict[str, Any], size: Size) -> np.ndarray:
        h, w = size
        rect = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float64)
        sign = np.array([[1, 1], [-1, 1], [-1, -1], [1, -1]], np.float64)
        quad = rect + sign * np.asarray(params["offsets"]) * np.array([w - 1, h - 1])
        return cv2.getPerspectiveTransform(quad.astype(np.float32),
                                           rect.astype(np.float32)).astype(np.float64)



class RandomGridShuffle(Transform):
    """Cut the image into a ``grid`` of (rows, columns) cells and permute them. Cell sides differ
    by at most one pixel (their order along each axis drawn at random); cells of one shape are
    permuted among themselves. As Albumentations' ``RandomGridShuffle`` (``p=0.5``).

    Masks move with the image, keypoints with their cell (a keypoint belongs to the cell of the
    pixel it is on). A box is cut by the cell edges into rectangles that move with their cells;
    pieces that still touch (edges or corners, as Albumentations' 8-connected components) form
    one box, so a box can become several (its labels follow each piece), each keeping the share
    of the box's area it holds as its visibility. This is Albumentations' result computed on the
    rectangles instead of rasterised masks, so it is exact for fractional coordinates. Rotated
    boxes are refused (their pieces are not rectangles).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.arange(16, dtype=np.uint8).reshape(4, 4)
        >>> out = al.RandomGridShuffle(grid=(2, 2), p=1.0)(image=img, seed=0)["image"]
        >>> sorted(int(out[r, c]) for r in (0, 2) for c in (0, 2))
        [0, 2, 8, 10]
    """

    fields = frozenset({"image", "mask", "bboxes", "keypoints"})
    image_dtypes = DEPTHS
    native_params = True

    def __init__(self, *, grid: tuple[int, int] = (3, 3), p: float = 0.5) -> None:
        super().__init__(p=p)
        if (not isinstance(grid, (list, tuple)) or len(grid) != 2 or
                not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in grid)):
            raise InvalidConfig(f"RandomGridShuffle: grid={shown(grid)} must be (rows, columns), "
                                "two whole numbers >= 1, e.g. (3, 3)")
        self.grid = (int(grid[0]), int(grid[1]))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        rows, cols = self.grid
        if rows > h or cols > w:
            raise InvalidInput(f"RandomGridShuffle: a {rows}x{cols} grid does not fit a {w}x{h} "
                               "image; use a smaller grid")
        edges = []
        for side, n in ((h, rows), (w, cols)):
            sizes = [side // n + (1 if i < side % n else 0) for i in range(n)]
            for i in range(n - 1, 0, -1):  # Fisher-Yates: the order of the sizes
                j = integer(rng, 0, i + 1)
                sizes[i], sizes[j] = sizes[j], sizes[i]
            edges.append([0, *np.cumsum(sizes).tolist()])
        ys, xs = edges
        groups: dict[tuple[int, int], list[int]] = {}
        for r in range(rows):
            for c in range(cols):
                groups.setdefault((ys[r + 1] - ys[r], xs[c + 1] - xs[c]), []).append(r * cols + c)
        mapping = list(range(rows * cols))
        for cells in groups.values():
            moved = cells.copy()
            for i in range(len(moved) - 1, 0, -1):
                j = integer(rng, 0, i + 1)
                moved[i], moved[j] = moved[j], moved[i]
            for old, new in zip(cells, moved, strict=True):
                mapping[old] = new
        return {"rows": ys, "cols": xs, "mapping": mapping}

    def _tiles(self, params: dict[str, Any], size: tuple[int, int]) -> np.ndarray:
        """``(cells, 4)`` [y0, x0, y1, x1] of each cell, checked against the size."""
        ys, xs = params["rows"], params["cols"]
        if ys[-1] != size[0] or xs[-1] != size[1] or \
                len(params["mapping"]) != (len(ys) - 1) * (len(xs) - 1):
            raise InvalidInput(f"RandomGridShuffle: params are for a {xs[-1]}x{ys[-1]} image, this "
                               f"one is {size[1]}x{size[0]}")
        return np.array([[ys[r], xs[c], ys[r + 1], xs[c + 1]]
                         for r in range(len(ys) - 1) for c in range(len(xs) - 1)], np.int64)

    def _grid(self, array: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        tiles = self._tiles(params, array.shape[:2])
        out = np.empty_like(array)
        for old, new in enumerate(params["mapping"]):
            y0, x0, y1, x1 = tiles[old]
            ny0, nx0, ny1, nx1 = tiles[new]
            out[ny0:ny1, nx0:nx1] = array[y0:y1, x0:x1]
        return out

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return self._grid(image, params)

    def apply_mask(self, mask: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return self._grid(mask, params)

    def apply_keypoints(self, points: PointSet, params: dict[str, Any]) -> PointSet:
        if not len(points.xy):
            return points
        ys, xs = np.asarray(params["rows"]), np.asarray(params["cols"])
        tiles = self._tiles(params, (int(ys[-1]), int(xs[-1])))
        # the pixel each point is on (pixel-centre coordinates), then its cell
        col = np.clip(np.floor(points.xy[:, 0] + 0.5), 0, xs[-1] - 1)
        row = np.clip(np.floor(points.xy[:, 1] + 0.5), 0, ys[-1] - 1)
        cell = ((np.searchsorted(ys, row, side="right") - 1) * (len(xs) - 1)
                + np.searchsorted(xs, col, side="right") - 1)
        new = np.asarray(params["mapping"])[cell]
        shift = tiles[new][:, [1, 0]] - tiles[cell][:, [1, 0]]
        return points.with_points(points.xy + shift)

    def apply_bboxes(self, boxes: BoxSet, params: dict[str, Any]) -> BoxSet:
        if getattr(boxes, "rotated", False):
            raise InvalidInput("RandomGridShuffle: rotated boxes (format obb or xyxyxyxy) cut by "
                               "the grid are not rectangles any more and cannot be moved exactly; "
                               "give axis-aligned boxes, or masks or keypoints, with this transform")
        if not len(boxes.xyxy):
            return boxes
        ys, xs = params["rows"], params["cols"]
        tiles = self._tiles(params, (ys[-1], xs[-1])).astype(np.float64)
        mapping = params["mapping"]
        out_boxes, out_vis, source = [], [], []
        for k, (bx0, by0, bx1, by1) in enumerate(boxes.xyxy):
            area = (bx1 - bx0) * (by1 - by0)
            pieces = []  # the box cut by each cell, moved with it: [x0, y0, x1, y1]
            for old, (y0, x0, y1, x1) in enumerate(tiles):
                px0, py0, px1, py1 = max(bx0, x0), max(by0, y0), min(bx1, x1), min(by1, y1)
                if px1 > px0 and py1 > py0:
                    ny0, nx0 = tiles[mapping[old]][:2]
                    pieces.append([px0 - x0 + nx0, py0 - y0 + ny0, px1 - x0 + nx0, py1 - y0 + ny0])
            for group in _touching(pieces):
                part = np.array([pieces[i] for i in group])
                out_boxes.append([part[:, 0].min(), part[:, 1].min(), part[:, 2].max(),
                                  part[:, 3].max()])
                share = float(((part[:, 2] - part[:, 0]) * (part[:, 3] - part[:, 1])).sum()) / area
                out_vis.append(boxes.visibility[k] * min(1.0, share))
                source.append(k)
        idx = np.asarray(source, np.intp)
        return dataclasses.replace(
            boxes, xyxy=np.asarray(out_boxes, np.float64).reshape(-1, 4), extra=boxes.extra[idx],
            labels=None if boxes.labels is None else [boxes.labels[i] for i in idx],
            visibility=np.asarray(out_vis, np.float64), polys=None,
            index=None if boxes.index is None else boxes.index[idx])


def _touching(rects: list[list[float]]) -> list[list[int]]:
    """Groups of rectangles connected by shared edges or corners (union-find), in first-seen order."""
    parent = list(range(len(rects)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rects):
        for j in range(i):
            b = rects[j]
            if a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(rects)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())
