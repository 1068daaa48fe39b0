"""Erasing: CoarseDropout (Cutout), GridDropout, RandomErasing.

Holes change pixels (and, with ``fill_mask`` set, the mask); boxes and keypoints are left as
they are: the object is still there, only hidden.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_number, shown, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.transform import Transform
from ..core.types import Fill, IntRange, Range

__all__ = ["CoarseDropout", "GridDropout", "RandomErasing"]


def _check_fill(owner: str, fill: Any) -> Any:
    if isinstance(fill, str) and fill == "random":
        return fill
    if isinstance(fill, (int, float)) and not isinstance(fill, bool):
        return check_number(owner, "fill", fill)  # finite, and within float's range
    if isinstance(fill, (list, tuple)) and fill and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in fill):
        return [check_number(owner, "fill", v) for v in fill]
    raise InvalidConfig(f"{owner}: fill={shown(fill)} must be a number, a list (one per channel) or "
                        "'random'")


def _check_fill_mask(owner: str, fill_mask: Any) -> float | None:
    return None if fill_mask is None else check_number(owner, "fill_mask", fill_mask)


class _Holes(Transform):
    """Shared apply: params hold ``holes`` as [x0, y0, x1, y1] pixel rectangles."""

    _abstract = True
    fill: Any
    fill_mask: float | None

    @property
    def fields(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset({"image", "mask"}) if self.fill_mask is not None else frozenset({"image"})

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = image.copy()
        rng = kernel_rng(params["seed"]) if self.fill == "random" else None
        top = 255 if image.dtype == np.uint8 else 1.0
        for x0, y0, x1, y1 in params["holes"]:
            region = out[y0:y1, x0:x1]
            if rng is not None:
                if image.dtype == np.uint8:
                    region[...] = rng.integers(0, 256, region.shape, dtype=np.uint8)
                else:
                    region[...] = rng.random(region.shape, dtype=np.float32)
            else:
                value = np.asarray(self.fill, dtype=np.float64)
                if image.dtype == np.uint8 and value.max() <= 1 and isinstance(self.fill, float):
                    value = value * top
                region[...] = value if value.ndim == 0 or image.ndim == 3 else value.ravel()[0]
        return out

    def apply_mask(self, mask: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        out = mask.copy()
        for x0, y0, x1, y1 in params["holes"]:
            out[y0:y1, x0:x1] = self.fill_mask
        return out


def _extent(owner: str, name: str, value: Any) -> tuple[float, float]:
    lo, hi = to_range(owner, name, value, center=None, low=0)
    if (lo <= 1 < hi) or (hi <= 1 and lo != hi and lo > 1):
        raise InvalidConfig(f"{owner}: {name}={value!r} mixes fractions and pixels; give both "
                            "as fractions (<= 1) or both as pixels (> 1)")
    return lo, hi


def _draw(rng: np.random.Generator, rng_: tuple[float, float], full: int) -> int:
    lo, hi = rng_
    if hi <= 1:  # fractions of the side
        return max(1, int(round(uniform(rng, lo, hi) * full)))
    return integer(rng, int(lo), int(hi) + 1)


class CoarseDropout(_Holes):
    """Cutout: blank ``num_holes_range`` rectangles whose sides are fractions of the image
    (values <= 1) or pixels (> 1).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.CoarseDropout(num_holes_range=(1, 1), hole_height_range=(0.5, 0.5),
        ...                      hole_width_range=(0.5, 0.5), p=1.0)
        >>> int((t(image=np.full((8, 8), 9, np.uint8), seed=0)["image"] == 0).sum())
        16
    """

    def __init__(self, *, num_holes_range: IntRange = (1, 2), hole_height_range: Range = (0.1, 0.2),
                 hole_width_range: Range = (0.1, 0.2), fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        lo, hi = to_range("CoarseDropout", "num_holes_range", num_holes_range, center=None, low=1)
        self.num_holes = (int(lo), int(hi))
        self.hole_height = _extent("CoarseDropout", "hole_height_range", hole_height_range)
        self.hole_width = _extent("CoarseDropout", "hole_width_range", hole_width_range)
        self.fill = _check_fill("CoarseDropout", fill)
        if fill_mask is not None:
            check_number("CoarseDropout", "fill_mask", fill_mask)
        self.fill_mask = fill_mask

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        holes = []
        for _ in range(integer(rng, self.num_holes[0], self.num_holes[1] + 1)):
            hh = min(h, _draw(rng, self.hole_height, h))
            hw = min(w, _draw(rng, self.hole_width, w))
            y0, x0 = integer(rng, 0, h - hh + 1), integer(rng, 0, w - hw + 1)
            holes.append([x0, y0, x0 + hw, y0 + hh])
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class GridDropout(_Holes):
    """Blank a regular grid of rectangles: ``ratio`` of each grid unit's side is dropped.

    ``unit_size_range`` is the side of a square unit, as fractions of the shorter image side
    (values <= 1) or pixels (> 1); None (the default, as in Albumentations) makes units a tenth
    of each side (at least 2 pixels), a 10 x 10 grid.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.GridDropout(ratio=0.5, unit_size_range=(4, 4), random_offset=False, p=1.0)
        >>> int((t(image=np.ones((8, 8), np.uint8))["image"] == 0).sum())
        16
    """

    def __init__(self, *, ratio: float = 0.5, unit_size_range: Range | None = None,
                 random_offset: bool = True, fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.ratio = float(check_number("GridDropout", "ratio", ratio, low=0, high=1))
        self.unit_size = (None if unit_size_range is None
                          else _extent("GridDropout", "unit_size_range", unit_size_range))
        self.random_offset = bool(random_offset)
        self.fill = _check_fill("GridDropout", fill)
        self.fill_mask = _check_fill_mask("GridDropout", fill_mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        if self.unit_size is None:  # a tenth of each side: a 10 x 10 grid
            uh, uw = max(2, h // 10), max(2, w // 10)
        else:
            uh = uw = max(2, min(_draw(rng, self.unit_size, min(h, w)), min(h, w)))
        hh = max(1, int(round(uh * self.ratio))) if self.ratio > 0 else 0
        hw = max(1, int(round(uw * self.ratio))) if self.ratio > 0 else 0
        ox = integer(rng, 0, uw) if self.random_offset else 0
        oy = integer(rng, 0, uh) if self.random_offset else 0
        holes = []
        if hh > 0 and hw > 0:
            for y in range(oy - uh, h, uh):
                for x in range(ox - uw, w, uw):
                    x0, y0 = max(x, 0), max(y, 0)
                    x1, y1 = min(x + hw, w), min(y + hh, h)
                    if x1 > x0 and y1 > y0:
                        holes.append([x0, y0, x1, y1])
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}


class RandomErasing(_Holes):
    """torchvision's RandomErasing: one rectangle with area fraction ``scale`` and aspect
    ``ratio``, filled with ``fill`` (or ``"random"`` noise).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomErasing()(image=np.full((16, 16, 3), 7, np.uint8), seed=0)
        >>> int((out["image"] == 0).any())
        1
    """

    def __init__(self, *, scale: Range = (0.02, 0.33), ratio: Range = (0.3, 3.3),
                 fill: Fill | Literal["random"] = 0,
                 fill_mask: float | None = None, p: float = 1.0) -> None:
        super().__init__(p=p)
        self.scale = to_range("RandomErasing", "scale", scale, center=None, low=0, high=1)
        self.ratio = to_range("RandomErasing", "ratio", ratio, center=None, low=1e-3)
        self.fill = _check_fill("RandomErasing", fill)
        self.fill_mask = _check_fill_mask("RandomErasing", fill_mask)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        holes: list[list[int]] = []
        for _ in range(10):
            area = h * w * uniform(rng, *self.scale)
            aspect = math.exp(uniform(rng, *log_ratio))
            eh, ew = int(round(math.sqrt(area * aspect))), int(round(math.sqrt(area / aspect)))
            if 0 < eh < h and 0 < ew < w:
                y0, x0 = integer(rng, 0, h - eh + 1), integer(rng, 0, w - ew + 1)
                holes = [[x0, y0, x0 + ew, y0 + eh]]
                break
        return {"holes": holes, "seed": integer(rng, 0, 2**63 - 1)}
