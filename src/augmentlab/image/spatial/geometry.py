"""Geometry kernels: warp an array by a 3x3 matrix, or remap it by a displacement field.

Matrices map source pixel centres to destination pixel centres (pixel ``(row i, col j)`` is the
point ``x=j, y=i``), the OpenCV convention. Pure functions: no RNG, inputs never modified.
Signed-permutation matrices with integer offsets (flips, 90-degree turns, crops, pads) run as exact
array copies; axis-aligned scale + integer-aligned crop runs as ``cv2.resize``; the rest as one
``cv2.warpAffine`` / ``cv2.warpPerspective``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

import cv2
import numpy as np

__all__ = [
    "CV_BORDER",
    "CV_INTER",
    "ExactPlan",
    "apply_exact",
    "exact_plan",
    "forward_map_points",
    "identity_map",
    "remap_array",
    "transform_points",
    "warp_array",
    "warp_general",
]

CV_INTER = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "area": cv2.INTER_AREA,
    "lanczos": cv2.INTER_LANCZOS4,
}
CV_BORDER = {
    "constant": cv2.BORDER_CONSTANT,
    "replicate": cv2.BORDER_REPLICATE,
    "reflect": cv2.BORDER_REFLECT,
    "reflect_101": cv2.BORDER_REFLECT_101,
    "wrap": cv2.BORDER_WRAP,
}
_CV_DTYPE_CHARS = "BHhfd"  # uint8, uint16, int16, float32, float64: what OpenCV's warps accept


def _fill_tuple(fill: float | Sequence[float], channels: int) -> tuple[float, ...]:
    if isinstance(fill, (int, float)):
        return (fill, fill, fill, fill)
    vals = [float(v) for v in fill]
    return tuple(vals[:channels] + [0.0] * (4 - min(len(vals), 4)))[:4]


def _cv_call(
    fn: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
    arr: np.ndarray,
    fill: float | Sequence[float],
) -> np.ndarray:
    """Run an OpenCV call on any dtype / channel count (chunks of 4 channels, dtype round trip)."""
    dtype = arr.dtype
    if dtype.char in _CV_DTYPE_CHARS and (arr.ndim == 2 or arr.shape[2] <= 4) and (
            arr.flags.c_contiguous or _mat_compatible(arr)):  # what OpenCV takes as it is
        out = fn(arr, _fill_tuple(fill, 1 if arr.ndim == 2 else arr.shape[2]))
        return out[:, :, None] if out.ndim == 2 and arr.ndim == 3 else out
    work = arr
    if dtype.char == "?":
        work = arr.view(np.uint8)
    elif dtype.char not in _CV_DTYPE_CHARS:
        work = arr.astype(np.float64)  # int32/int64 labels: exact through nearest sampling
    if work.ndim == 3 and work.shape[2] > 4:
        fills = list(fill) if not isinstance(fill, (int, float)) else [fill] * work.shape[2]
        parts = [
            _cv_call(fn, np.ascontiguousarray(work[:, :, c : c + 4]), fills[c : c + 4])
            for c in range(0, work.shape[2], 4)
        ]
        out = np.concatenate([p if p.ndim == 3 else p[:, :, None] for p in parts], axis=2)
    else:
        channels = 1 if work.ndim == 2 else work.shape[2]
        if not _mat_compatible(work):
            work = np.ascontiguousarray(work)
        out = fn(work, _fill_tuple(fill, channels))
        if arr.ndim == 3 and out.ndim == 2:  # OpenCV drops a trailing channel axis of size 1
            out = out[:, :, None]
    if dtype.char == "?":
        return out.view(np.bool_)
    return out if out.dtype == dtype else out.astype(dtype)


def _mat_compatible(a: np.ndarray) -> bool:
    """True when OpenCV can read `a` in place: rows may be strided (a crop of a larger image),
    pixels and channels within a row must be packed."""
    item = a.itemsize
    if a.ndim == 2:
        return a.strides[1] == item and a.strides[0] >= a.shape[1] * item
    return (a.strides[2] == item and a.strides[1] == item * a.shape[2]
            and a.strides[0] >= a.shape[1] * a.strides[1])


class ExactPlan(NamedTuple):
    """A warp that is a transpose and/or flip followed by a window (crop or pad) of the result:
    done by array copies, bit-exact, no interpolation."""

    swap: bool  # transpose first
    flip: int | None  # then cv2.flip with this code
    y0: int  # then the window [y0, y0 + h) x [x0, x0 + w) of that, padding outside it
    x0: int


def exact_plan(m: np.ndarray, in_hw: tuple[int, int]) -> ExactPlan | None:
    """The `ExactPlan` of matrix `m` on an ``in_hw`` input, or None when `m` is not a signed
    permutation with an integer offset.

    The checks use plain floats: on a 3x3 matrix, numpy calls cost more than the copy itself.

    Example:
        >>> import numpy as np
        >>> exact_plan(np.array([[-1., 0, 9], [0, 1, 0], [0, 0, 1]]), (4, 10))
        ExactPlan(swap=False, flip=1, y0=0, x0=0)
    """
    a00, a01, t0, a10, a11, t1, l0, l1, l2 = m.ravel().tolist()
    if l0 != 0.0 or l1 != 0.0 or l2 != 1.0:
        return None
    if a00 == 0.0 and a11 == 0.0:  # x' depends on y: transpose first
        swap = True
        a00, a01, a10, a11 = a01, a00, a11, a10
        sh, sw = in_hw[1], in_hw[0]
    else:
        swap = False
        sh, sw = in_hw
    if a01 != 0.0 or a10 != 0.0:
        return None
    tx, ty = round(t0), round(t1)
    if abs(t0 - tx) > 1e-9 or abs(t1 - ty) > 1e-9:
        return None
    code = None  # cv2.flip code: 1 mirrors x, 0 mirrors y, -1 both
    if a00 == -1.0:
        code, tx = 1, tx - (sw - 1)
    elif a00 != 1.0:
        return None
    if a11 == -1.0:
        code, ty = (0 if code is None else -1), ty - (sh - 1)
    elif a11 != 1.0:
        return None
    return ExactPlan(swap, code, -ty, -tx)


def apply_exact(
    arr: np.ndarray, plan: ExactPlan, out_hw: tuple[int, int], border: str,
    fill: float | Sequence[float],
) -> np.ndarray | None:
    """Run an `ExactPlan` on `arr`; None when the padding is wider than the image (OpenCV's
    warp then handles the tiling).

    Example:
        >>> import numpy as np
        >>> a = np.arange(6, dtype=np.uint8).reshape(2, 3)
        >>> apply_exact(a, ExactPlan(False, 0, 0, 1), (2, 2), "constant", 0).tolist()
        [[4, 5], [1, 2]]
    """
    src = arr
    if plan.swap:
        src = _cv_call(lambda s, f: cv2.transpose(s), src, 0) if src.ndim == 2 or src.shape[2] <= 4 \
            else np.ascontiguousarray(src.swapaxes(0, 1))
    code = plan.flip
    if code is not None:  # OpenCV's flip is a vectorised copy; a reversed numpy view copies slowly
        if src.dtype.char == "B" and src.flags.c_contiguous and (src.ndim == 2 or src.shape[2] <= 4):
            src = cv2.flip(src, code)  # the common case, without _cv_call's general handling
            src = src[:, :, None] if src.ndim == 2 and arr.ndim == 3 else src
        else:
            src = _cv_call(lambda s, f: cv2.flip(s, code), src, 0)
    h, w = out_hw
    sh, sw = src.shape[:2]
    y0, x0 = plan.y0, plan.x0
    if y0 >= 0 and x0 >= 0 and y0 + h <= sh and x0 + w <= sw:
        if (h, w) == (sh, sw):  # the whole frame: a fresh array from OpenCV, or a copy of ours
            return src if src is not arr else src.copy()
        return np.ascontiguousarray(src[y0 : y0 + h, x0 : x0 + w])
    if border == "constant":
        ys, ye = max(y0, 0), min(y0 + h, sh)
        xs, xe = max(x0, 0), min(x0 + w, sw)
        if ys < ye and xs < xe:  # the visible part of the source, padded out by OpenCV
            pads = (ys - y0, y0 + h - ye, xs - x0, x0 + w - xe)
            return _cv_call(
                lambda s, f: cv2.copyMakeBorder(s, *pads, cv2.BORDER_CONSTANT, value=f),
                src[ys:ye, xs:xe], fill,
            )
        out = np.empty((h, w) + src.shape[2:], dtype=src.dtype)
        fv = np.asarray(fill, dtype=np.float64)
        out[...] = fv if fv.ndim == 0 or src.ndim == 3 else fv.ravel()[0]
        return out
    pad = (max(0, -y0), max(0, y0 + h - sh), max(0, -x0), max(0, x0 + w - sw))
    if max(pad[0], pad[1]) > sh or max(pad[2], pad[3]) > sw:
        return None
    padded = _cv_call(
        lambda s, f: cv2.copyMakeBorder(s, *pad, CV_BORDER[border], value=f),
        np.ascontiguousarray(src), fill,
    )
    yy, xx = y0 + pad[0], x0 + pad[2]
    return np.ascontiguousarray(padded[yy : yy + h, xx : xx + w])


def _resize_crop(
    arr: np.ndarray, m: np.ndarray, out_hw: tuple[int, int], interpolation: str
) -> np.ndarray | None:
    """Axis-aligned positive scale whose source window is integer-aligned: crop + cv2.resize."""
    (sx, a01, tx), (a10, sy, ty), last = m.tolist()
    if a01 != 0.0 or a10 != 0.0 or last != [0.0, 0.0, 1.0] or sx <= 0 or sy <= 0:
        return None
    h, w = out_hw
    vals = ((0.5 * sx - 0.5 - tx) / sx, (0.5 * sy - 0.5 - ty) / sy, w / sx, h / sy)
    if any(abs(v - round(v)) > 1e-6 for v in vals):
        return None
    x0i, y0i, cwi, chi = (int(round(v)) for v in vals)
    if x0i < 0 or y0i < 0 or x0i + cwi > arr.shape[1] or y0i + chi > arr.shape[0]:
        return None
    crop = arr[y0i : y0i + chi, x0i : x0i + cwi]
    if (chi, cwi) == (h, w):
        return np.ascontiguousarray(crop)
    flag = cv2.INTER_NEAREST_EXACT if interpolation == "nearest" else CV_INTER[interpolation]
    return _cv_call(lambda s, f: cv2.resize(s, (w, h), interpolation=flag), crop, 0)


def warp_array(
    arr: np.ndarray,
    m: np.ndarray,
    out_hw: tuple[int, int],
    *,
    interpolation: str = "linear",
    border: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Warp `arr` (HxW or HxWxC, any dtype) by the 3x3 matrix `m` into an ``out_hw`` array.

    Example:
        >>> import numpy as np
        >>> a = np.arange(6, dtype=np.uint8).reshape(2, 3)
        >>> flip = np.array([[-1, 0, 2], [0, 1, 0], [0, 0, 1]], float)
        >>> warp_array(a, flip, (2, 3)).tolist()
        [[2, 1, 0], [5, 4, 3]]
    """
    m = np.asarray(m, dtype=np.float64)
    plan = exact_plan(m, arr.shape[:2])
    out = None if plan is None else apply_exact(arr, plan, out_hw, border, fill)
    if out is not None:
        return out
    return warp_general(arr, m, out_hw, interpolation=interpolation, border=border, fill=fill)


def warp_general(
    arr: np.ndarray,
    m: np.ndarray,
    out_hw: tuple[int, int],
    *,
    interpolation: str = "linear",
    border: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """`warp_array` for a matrix that `exact_plan` turned down: crop + resize, or an OpenCV warp."""
    if border == "constant" or interpolation == "area":
        out = _resize_crop(arr, m, out_hw, interpolation)
        if out is not None:
            return out
    h, w = out_hw
    flag = CV_INTER["linear" if interpolation == "area" else interpolation]
    if m[2].tolist() == [0.0, 0.0, 1.0]:
        return _warp_call(
            lambda s, f: cv2.warpAffine(s, m[:2], (w, h), flags=flag, borderMode=CV_BORDER[border],
                                        borderValue=f),
            arr, fill,
        )
    return _warp_call(
        lambda s, f: cv2.warpPerspective(s, m, (w, h), flags=flag, borderMode=CV_BORDER[border],
                                         borderValue=f),
        arr, fill,
    )


def _warp_call(
    fn: Callable[[np.ndarray, tuple[float, ...]], np.ndarray],
    arr: np.ndarray,
    fill: float | Sequence[float],
) -> np.ndarray:
    """`_cv_call` for OpenCV's warps and remaps. A 3-channel uint8 image goes through as 4
    channels: OpenCV vectorises these kernels for 4 channels but runs 3 on a slower path
    (with both cvtColor calls, bench/image.py's Affine went from 1.1x to 2.2x of
    Albumentations). Every channel is interpolated on its own with the same fixed-point
    weights, so the bytes are identical (tests/test_geometry_reference.py checks it)."""
    if arr.dtype.char == "B" and arr.ndim == 3 and arr.shape[2] == 3 and arr.flags.c_contiguous:
        out = fn(cv2.cvtColor(arr, cv2.COLOR_RGB2RGBA), _fill_tuple(fill, 3))
        return cv2.cvtColor(out, cv2.COLOR_RGBA2RGB)
    return _cv_call(fn, arr, fill)


def identity_map(size: tuple[int, int]) -> np.ndarray:
    """The ``(H, W, 2)`` float32 map of pixel centres ``(x, y)``: the warp that changes nothing."""
    return _identity_map(int(size[0]), int(size[1])).copy()


@lru_cache(maxsize=16)
def _identity_map(h: int, w: int) -> np.ndarray:
    grid = np.empty((h, w, 2), np.float32)
    grid[..., 0] = np.arange(w, dtype=np.float32)[None, :]
    grid[..., 1] = np.arange(h, dtype=np.float32)[:, None]
    grid.flags.writeable = False
    return grid


def remap_array(
    arr: np.ndarray,
    xy_map: np.ndarray,
    *,
    interpolation: str = "linear",
    border: str = "constant",
    fill: float | Sequence[float] = 0,
) -> np.ndarray:
    """Sample `arr` at ``xy_map`` (``(H, W, 2)`` float32: the source point of each output pixel).

    Interpolating lookups use OpenCV's fixed-point maps (1/32 pixel, the precision warpAffine
    uses internally): ~15% faster than float maps. Nearest lookups keep the float map, so a
    mask pixel comes from exactly the rounded source point.
    """
    flag = CV_INTER["linear" if interpolation == "area" else interpolation]
    if flag == cv2.INTER_NEAREST:
        map1, map2 = xy_map, None
    else:
        map1, map2 = cv2.convertMaps(xy_map, None, cv2.CV_16SC2)
    return _warp_call(
        lambda s, f: cv2.remap(s, map1, map2, flag, borderMode=CV_BORDER[border], borderValue=f),
        arr, fill,
    )


def transform_points(xy: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Map ``(N, 2)`` points through the 3x3 matrix `m` (with the perspective divide).

    Example:
        >>> transform_points(np.array([[1.0, 2.0]]), np.diag([2.0, 3.0, 1.0])).tolist()
        [[2.0, 6.0]]
    """
    if len(xy) == 0:
        return xy.reshape(0, 2).astype(np.float64)
    h = np.concatenate([xy, np.ones((len(xy), 1))], axis=1) @ np.asarray(m, np.float64).T
    return h[:, :2] / h[:, 2:3]


_HALF = np.array([[1.0, 0.0, 0.5], [0.0, 1.0, 0.5], [0.0, 0.0, 1.0]])
_MINUS_HALF = np.array([[1.0, 0.0, -0.5], [0.0, 1.0, -0.5], [0.0, 0.0, 1.0]])


def edge_matrix(m: np.ndarray) -> np.ndarray:
    """The pixel-edge-coordinate version of a pixel-centre matrix (for boxes and polygons)."""
    return _HALF @ np.asarray(m, np.float64) @ _MINUS_HALF


def rectangle(xyxy: np.ndarray) -> np.ndarray:
    """The (4, 2) corner polygon of one box, counter-clockwise in image coordinates."""
    x0, y0, x1, y1 = xyxy
    return np.array([[x0, y0], [x0, y1], [x1, y1], [x1, y0]], np.float64)


def clip_polygon(poly: np.ndarray, width: float, height: float) -> np.ndarray:
    """Sutherland-Hodgman clip of a convex polygon to ``[0, width] x [0, height]``.

    Example:
        >>> clip_polygon(np.array([[-1, -1], [-1, 1], [1, 1], [1, -1]], float), 5, 5).tolist()
        [[0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]
    """
    out = np.asarray(poly, np.float64)
    for axis, bound, keep_below in ((0, 0.0, False), (0, width, True), (1, 0.0, False),
                                    (1, height, True)):
        if len(out) == 0:
            break
        pts = []
        n = len(out)
        for i in range(n):
            cur, nxt = out[i], out[(i + 1) % n]
            cur_in = cur[axis] <= bound if keep_below else cur[axis] >= bound
            nxt_in = nxt[axis] <= bound if keep_below else nxt[axis] >= bound
            if cur_in:
                pts.append(cur)
            if cur_in != nxt_in:
                t = (bound - cur[axis]) / (nxt[axis] - cur[axis])
                pts.append(cur + t * (nxt - cur))
        out = np.array(pts, np.float64).reshape(-1, 2)
    return out


def polygon_area(poly: np.ndarray) -> float:
    """Absolute area of a simple polygon (shoelace formula).

    Example:
        >>> polygon_area(np.array([[0, 0], [0, 2], [3, 2], [3, 0]], float))
        6.0
    """
    if len(poly) < 3:
        return 0.0
    x, y = poly[:, 0], poly[:, 1]
    twice = np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1]) + x[-1] * y[0] - x[0] * y[-1]
    return abs(float(twice)) / 2.0


def _bilinear(field: np.ndarray, xy: np.ndarray) -> np.ndarray:
    h, w = field.shape[:2]
    x = np.clip(xy[:, 0], 0, w - 1)
    y = np.clip(xy[:, 1], 0, h - 1)
    x0 = np.clip(np.floor(x).astype(int), 0, max(w - 2, 0))
    y0 = np.clip(np.floor(y).astype(int), 0, max(h - 2, 0))
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    top = field[y0, x0] * (1 - fx) + field[y0, x1] * fx
    bottom = field[y1, x0] * (1 - fx) + field[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def forward_map_points(xy: np.ndarray, xy_map: np.ndarray, iterations: int = 20) -> np.ndarray:
    """Where source points land under a backward map (``out(p) = src(map(p))``).

    Solves ``map(q) = p`` for each point by fixed-point iteration on the displacement
    ``d(q) = map(q) - q``; converges for the smooth, small displacements of elastic/grid/optical warps.
    """
    if len(xy) == 0:
        return xy.reshape(0, 2).astype(np.float64)
    disp = (xy_map - _identity_map(*xy_map.shape[:2])).astype(np.float64)
    q = xy.astype(np.float64).copy()
    for _ in range(iterations):
        q = xy - _bilinear(disp, q)
    return q


def box_outline(xyxy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points along each box's outline (pixel-centre coordinates, about one per pixel), and the
    index of the box each belongs to. The outline is the box's edge, which in pixel-centre
    coordinates runs half a pixel outside the centres of its border pixels."""
    pts, owner = [], []
    for i, (x0, y0, x1, y1) in enumerate(xyxy):
        ex0, ey0, ex1, ey1 = x0 - 0.5, y0 - 0.5, x1 - 0.5, y1 - 0.5
        nx = max(2, int(np.ceil(ex1 - ex0)) * 2 + 1)
        ny = max(2, int(np.ceil(ey1 - ey0)) * 2 + 1)
        xs, ys = np.linspace(ex0, ex1, nx), np.linspace(ey0, ey1, ny)
        ring = np.concatenate([
            np.stack([xs, np.full(nx, ey0)], 1), np.stack([xs, np.full(nx, ey1)], 1),
            np.stack([np.full(ny, ex0), ys], 1), np.stack([np.full(ny, ex1), ys], 1),
        ])
        pts.append(ring)
        owner.append(np.full(len(ring), i))
    if not pts:
        return np.zeros((0, 2)), np.zeros(0, dtype=int)
    return np.concatenate(pts), np.concatenate(owner)
