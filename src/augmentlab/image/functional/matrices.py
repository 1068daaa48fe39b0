"""3x3 matrices in pixel-centre coordinates for the geometric transforms. Pure functions."""

from __future__ import annotations

import math

import numpy as np

__all__ = ["affine", "crop", "hflip", "resize", "rot90", "translate", "transpose", "vflip"]


def translate(tx: float, ty: float) -> np.ndarray:
    """Shift by ``(tx, ty)`` pixels."""
    return np.array([[1.0, 0.0, tx], [0.0, 1.0, ty], [0.0, 0.0, 1.0]])


def hflip(width: int) -> np.ndarray:
    """Mirror left-right: ``x -> width - 1 - x``."""
    return np.array([[-1.0, 0.0, width - 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])


def vflip(height: int) -> np.ndarray:
    """Mirror top-bottom: ``y -> height - 1 - y``."""
    return np.array([[1.0, 0.0, 0.0], [0.0, -1.0, height - 1.0], [0.0, 0.0, 1.0]])


def transpose() -> np.ndarray:
    """Swap x and y (the main diagonal)."""
    return np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


def rot90(k: int, size: tuple[int, int]) -> np.ndarray:
    """Rotate `k` quarter turns counter-clockwise (as ``np.rot90``) an image of ``(h, w)``."""
    m = np.eye(3)
    h, w = size
    for _ in range(k % 4):
        m = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, w - 1.0], [0.0, 0.0, 1.0]]) @ m
        h, w = w, h
    return m


def crop(x0: int, y0: int) -> np.ndarray:
    """Take the window starting at ``(x0, y0)``."""
    return translate(-x0, -y0)


def resize(size: tuple[int, int], new_size: tuple[int, int]) -> np.ndarray:
    """Scale ``(h, w)`` to ``(h', w')`` with the half-pixel convention of ``cv2.resize``."""
    sy, sx = new_size[0] / size[0], new_size[1] / size[1]
    return np.array([[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]])


def affine(
    size: tuple[int, int],
    *,
    angle: float = 0.0,
    scale: tuple[float, float] = (1.0, 1.0),
    translate_px: tuple[float, float] = (0.0, 0.0),
    shear: tuple[float, float] = (0.0, 0.0),
) -> np.ndarray:
    """Rotate (degrees, counter-clockwise as displayed), scale, shear about the image centre,
    then translate.

    Example:
        >>> np.allclose(affine((5, 5), angle=90) @ [4, 2, 1], [2, 0, 1])
        True
    """
    h, w = size
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    a = math.radians(angle)
    rot = np.array([[math.cos(a), math.sin(a), 0.0], [-math.sin(a), math.cos(a), 0.0],
                    [0.0, 0.0, 1.0]])
    shx, shy = math.tan(math.radians(shear[0])), math.tan(math.radians(shear[1]))
    sh = np.array([[1.0, shx, 0.0], [shy, 1.0, 0.0], [0.0, 0.0, 1.0]])
    sc = np.diag([scale[0], scale[1], 1.0])
    return translate(cx + translate_px[0], cy + translate_px[1]) @ rot @ sh @ sc @ translate(-cx, -cy)
