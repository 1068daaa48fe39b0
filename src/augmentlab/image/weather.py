"""Weather and lighting effects: fog, rain, shadows, sun flare (pixel values only)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_number, shown, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import as_float, like
from .spatial.bases import ImageOnlyTransform
from .spatial.lut import apply_lut

__all__ = ["RandomFog", "RandomRain", "RandomShadow", "RandomSunFlare"]




def _expand(a: np.ndarray, image: np.ndarray) -> np.ndarray:
    return a[:, :, None] if image.ndim == 3 else a


def _roi(owner: str, roi: Any) -> tuple[float, float, float, float]:
    if not isinstance(roi, (list, tuple)) or len(roi) != 4:
        raise InvalidConfig(f"{owner}: roi={shown(roi)} must be (x_min, y_min, x_max, y_max) fractions")
    x0, y0, x1, y1 = (float(check_number(owner, "roi", v, low=0, high=1)) for v in roi)
    if not (0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1):
        raise InvalidConfig(f"{owner}: roi={roi!r} needs 0 <= x_min < x_max <= 1 and "
                            "0 <= y_min < y_max <= 1")
    return x0, y0, x1, y1


def _smooth_field(rng: np.random.Generator, size: tuple[int, int], cells: int) -> np.ndarray:
    """A smooth random field in [0, 1]: coarse noise upsampled bicubically."""
    coarse = rng.random((cells, cells), dtype=np.float32)
    field = cv2.resize(coarse, (size[1], size[0]), interpolation=cv2.INTER_CUBIC)
    return np.clip(field, 0, 1)


class RandomFog(ImageOnlyTransform):
    """Blend toward a hazy white veil of random density ``fog_coef_range`` with soft patches.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomFog(fog_coef_range=(0.5, 0.5), p=1.0)(image=np.zeros((8, 8, 3), np.uint8), seed=0)
        >>> int(out["image"].min()) > 0
        True
    """

    def __init__(self, *, fog_coef_range: Range = (0.3, 1.0), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.fog_coef_range = to_range("RandomFog", "fog_coef_range", fog_coef_range, center=None,
                                       low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"fog": uniform(rng, *self.fog_coef_range),
                "seed": integer(rng, 0, 2**63 - 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        field = _smooth_field(kernel_rng(params["seed"]), image.shape[:2], 4)
        veil = params["fog"] * (0.6 + 0.4 * field)  # density varies smoothly across the frame
        x = as_float(image)
        v = _expand(veil, image)
        return like(x * (1 - v) + v * 0.9, image)


class RandomRain(ImageOnlyTransform):
    """Slanted rain streaks, a slight blur and dimming. ``drop_length`` in pixels; None (the
    default, as in Albumentations) makes streaks an eighth of the image height.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.RandomRain()(image=np.zeros((32, 32, 3), np.uint8), seed=0)["image"].shape
        (32, 32, 3)
    """

    def __init__(self, *, slant_range: Range = (-10, 10), drop_length: int | None = None,
                 drop_width: int = 1, drop_color: tuple[int, int, int] = (200, 200, 200),
                 blur_value: int = 7, brightness_coefficient: float = 0.7, density: float = 0.002,
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.slant_range = to_range("RandomRain", "slant_range", slant_range, center=None)
        for name, v in (("drop_length", drop_length), ("drop_width", drop_width),
                        ("blur_value", blur_value)):
            if name == "drop_length" and v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InvalidConfig(f"RandomRain: {name}={shown(v)} must be a positive integer")
            check_number("RandomRain", name, v)  # and not beyond float's range (10**400)
        check_number("RandomRain", "density", density, low=0, high=1)
        if check_number("RandomRain", "brightness_coefficient", brightness_coefficient, high=1) <= 0:
            raise InvalidConfig(f"RandomRain: brightness_coefficient={brightness_coefficient!r} "
                                "must lie in (0, 1]")
        if not isinstance(drop_color, (list, tuple)) or len(drop_color) != 3:
            raise InvalidConfig(f"RandomRain: drop_color={shown(drop_color)} must be three values "
                                "0..255, e.g. [200, 200, 200]")
        self.drop_length, self.drop_width, self.blur_value = drop_length, drop_width, blur_value
        self.drop_color = tuple(int(check_number("RandomRain", "drop_color", c, low=0, high=255))
                                for c in drop_color)
        self.brightness_coefficient, self.density = float(brightness_coefficient), float(density)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        n = int(round(self.density * h * w))
        return {"slant": uniform(rng, *self.slant_range),
                "drops": rng.integers(0, [w, h], size=(n, 2)).tolist()}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        k = self.blur_value
        # blur and dim first (the scene behind the rain), then draw every streak in one call
        out = cv2.blur(image, (k, k)).reshape(image.shape)
        out = _dim(out, self.brightness_coefficient)
        c = 1 if image.ndim == 2 else image.shape[2]
        scale = 1.0 if image.dtype == np.uint8 else 1.0 / 255.0
        color = (tuple(v * scale for v in self.drop_color) if c == 3
                 else (float(np.mean(self.drop_color)) * scale,) * min(c, 4))
        starts = np.asarray(params["drops"], np.int32).reshape(-1, 2)
        length = self.drop_length or max(1, image.shape[0] // 8)
        ends = starts + np.array([int(round(params["slant"])), length], np.int32)
        lines = list(np.stack([starts, ends], axis=1))  # (n, 2, 2): one segment per drop
        if lines:
            out = np.ascontiguousarray(out)
            if c <= 4:
                cv2.polylines(out, lines, False, color, self.drop_width)
            else:  # OpenCV draws on at most 4 channels: draw a mask, then fill through it
                mask = np.zeros(image.shape[:2], np.uint8)
                cv2.polylines(mask, lines, False, 255, self.drop_width)
                out[mask > 0] = color[0]
        return out


def _dim(image: np.ndarray, factor: float) -> np.ndarray:
    if image.dtype == np.uint8:
        table = np.clip(np.rint(np.arange(256) * factor), 0, 255).astype(np.uint8)[:, None]
        return apply_lut(image, table)
    return (image * np.float32(factor)).astype(np.float32)


class RandomShadow(ImageOnlyTransform):
    """Darken random polygons inside ``shadow_roi`` (fractions of the frame).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomShadow(p=1.0)(image=np.full((32, 32, 3), 200, np.uint8), seed=1)
        >>> int(out["image"].min()) < 200
        True
    """

    def __init__(self, *, shadow_roi: tuple[float, float, float, float] = (0, 0.5, 1, 1),
                 num_shadows_limit: IntRange = (1, 2),
                 shadow_dimension: int = 5, shadow_intensity_range: Range = (0.5, 0.5),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.shadow_roi = _roi("RandomShadow", shadow_roi)
        lo, hi = to_range("RandomShadow", "num_shadows_limit", num_shadows_limit, center=None,
                          low=1)
        self.num_shadows = (int(lo), int(hi))
        # polygon corners: a whole number >= 3 (and not 1e400, nor true)
        self.shadow_dimension = check_number("RandomShadow", "shadow_dimension", shadow_dimension,
                                             low=3, integer=True)
        self.intensity = to_range("RandomShadow", "shadow_intensity_range",
                                  shadow_intensity_range, center=None, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        x0, y0, x1, y1 = self.shadow_roi
        n = integer(rng, self.num_shadows[0], self.num_shadows[1] + 1)
        polys = []
        for _ in range(n):
            xs = rng.uniform(x0 * w, x1 * w, self.shadow_dimension)
            ys = rng.uniform(y0 * h, y1 * h, self.shadow_dimension)
            polys.append(np.stack([xs, ys], 1).round().astype(int).tolist())
        return {"polygons": polys, "intensity": uniform(rng, *self.intensity)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        mask = np.zeros(image.shape[:2], np.uint8)
        for poly in params["polygons"]:
            cv2.fillPoly(mask, [cv2.convexHull(np.asarray(poly, np.int32))], 1)
        factor = 1.0 - params["intensity"] * mask.astype(np.float32)
        return like(as_float(image) * _expand(factor, image), image)


class RandomSunFlare(ImageOnlyTransform):
    """A bright sun disc of radius ``src_radius`` pixels (400 by default, as in Albumentations)
    centred inside ``flare_roi``, with a few translucent halo circles.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.RandomSunFlare(p=1.0)(image=np.zeros((32, 32, 3), np.uint8), seed=0)
        >>> int(out["image"].max()) > 0
        True
    """

    def __init__(self, *, flare_roi: tuple[float, float, float, float] = (0, 0, 1, 0.5), src_radius: int = 400,
                 num_flare_circles_range: IntRange = (6, 10), p: float = 0.5) -> None:
        super().__init__(p=p)
        self.flare_roi = _roi("RandomSunFlare", flare_roi)
        self.src_radius = check_number("RandomSunFlare", "src_radius", src_radius, low=1,
                                       integer=True)
        lo, hi = to_range("RandomSunFlare", "num_flare_circles_range", num_flare_circles_range,
                          center=None, low=0)
        self.circles = (int(lo), int(hi))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        h, w = sample.size
        x0, y0, x1, y1 = self.flare_roi
        cx, cy = uniform(rng, x0 * w, x1 * w), uniform(rng, y0 * h, y1 * h)
        n = integer(rng, self.circles[0], self.circles[1] + 1)
        angle = uniform(rng, 0, 2 * np.pi)
        halos = []
        for _ in range(n):
            t = uniform(rng, 0.1, 1.0) * max(h, w)
            halos.append([cx + np.cos(angle) * t, cy + np.sin(angle) * t,
                          uniform(rng, 0.02, 0.08) * max(h, w), uniform(rng, 0.05, 0.2)])
        return {"center": [cx, cy], "halos": halos}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        light = np.zeros((h, w), np.float32)
        # halos: translucent discs, summed; each touches only its bounding box
        for hx, hy, r, a in params["halos"]:
            cx_, cy_, ri = int(round(hx)), int(round(hy)), max(1, int(round(r)))
            bx0, bx1 = max(0, cx_ - ri), min(w, cx_ + ri + 1)
            by0, by1 = max(0, cy_ - ri), min(h, cy_ + ri + 1)
            if bx0 >= bx1 or by0 >= by1:
                continue  # the halo falls outside the frame
            disc = np.zeros((by1 - by0, bx1 - bx0), np.float32)
            cv2.circle(disc, (cx_ - bx0, cy_ - by0), ri, float(a), -1)
            light[by0:by1, bx0:bx1] += disc
        # the sun: a radial falloff, computed inside its own square only
        cx, cy = params["center"]
        r = self.src_radius
        x0, x1 = max(0, int(cx - r)), min(w, int(cx + r) + 1)
        y0, y1 = max(0, int(cy - r)), min(h, int(cy + r) + 1)
        if x0 < x1 and y0 < y1:
            yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
            d = np.sqrt((xx - np.float32(cx)) ** 2 + (yy - np.float32(cy)) ** 2)
            light[y0:y1, x0:x1] += np.clip(1.0 - d / np.float32(r), 0, 1) ** 1.5
        np.clip(light, 0, 1, out=light)
        if image.dtype == np.uint8:  # out = x + (255 - x) * light, in saturating uint8 steps
            l8 = np.rint(light * 255).astype(np.uint8)
            if image.ndim == 3:
                l8 = cv2.merge([l8] * image.shape[2]) if image.shape[2] <= 4 else \
                    np.repeat(l8[:, :, None], image.shape[2], axis=2)
            room = cv2.multiply(cv2.bitwise_not(image), l8, scale=1.0 / 255.0)
            return cv2.add(image, room).reshape(image.shape)
        lv = _expand(light, image)
        return like(image * (1 - lv) + lv, image)
