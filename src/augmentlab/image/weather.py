"""Weather and lighting effects: fog, rain, snow, shadows, sun flare, spatter (rain drops or
mud on the lens), vignetting (pixel values only)."""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig
from ..core.params import check_choice, check_number, shown, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import as_float, like
from .spatial.bases import ImageOnlyTransform, require_channels
from .spatial.lut import apply_lut

__all__ = ["RandomFog", "RandomRain", "RandomShadow", "RandomSnow", "RandomSunFlare", "Spatter",
           "Vignetting"]




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


def snow_bleach(image: np.ndarray, snow_point: float, brightness_coeff: float) -> np.ndarray:
    """Albumentations' (and Automold's) snow: in HLS, the lightness of every pixel darker than
    ``snow_point * 127.5 + 85`` (on 0..255) is multiplied by ``brightness_coeff`` (saturated).
    RGB uint8 or float32 in [0, 1].

    Example:
        >>> img = np.full((1, 2, 3), 60, np.uint8); img[0, 1] = 200
        >>> snow_bleach(img, 0.2, 2.0)[0].tolist()
        [[120, 120, 120], [200, 200, 200]]
    """
    threshold = snow_point * 255 / 2 + 255 / 3
    hls = cv2.cvtColor(image, cv2.COLOR_RGB2HLS)
    if image.dtype == np.uint8:  # the lightness through a table
        ramp = np.arange(256, dtype=np.float32)
        table = np.where(ramp < threshold, ramp * np.float32(brightness_coeff), ramp)
        table = np.clip(table, 0, 255).astype(np.uint8)  # truncated, as Albumentations
        hls[:, :, 1] = cv2.LUT(hls[:, :, 1], table)
    else:
        light = hls[:, :, 1]
        dark = light < threshold / 255
        light[dark] = np.minimum(light[dark] * np.float32(brightness_coeff), 1.0)
    return cv2.cvtColor(hls, cv2.COLOR_HLS2RGB)


class RandomSnow(ImageOnlyTransform):
    """Snow by bleaching: the lightness of the darker pixels (below a threshold that grows with
    ``snow_point``, drawn from ``snow_point_range``) is multiplied by ``brightness_coeff``, so
    the image washes out toward white. Albumentations' ``RandomSnow`` with ``method="bleach"``
    (its default), the same arguments and defaults (``p=0.5``); RGB images only.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.full((4, 4, 3), 60, np.uint8)
        >>> int(al.RandomSnow(p=1.0)(image=img, seed=0)["image"].min()) > 60
        True
    """

    native_params = True

    def __init__(self, *, snow_point_range: Range = (0.1, 0.3), brightness_coeff: float = 2.5,
                 method: str = "bleach", p: float = 0.5) -> None:
        super().__init__(p=p)
        self.snow_point_range = to_range("RandomSnow", "snow_point_range", snow_point_range,
                                         center=None, low=0, high=1)
        self.brightness_coeff = float(check_number("RandomSnow", "brightness_coeff",
                                                   brightness_coeff, low=0))
        check_choice("RandomSnow", "method", method, ("bleach",))
        self.method = method

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"snow_point": uniform(rng, *self.snow_point_range)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        require_channels(image, "RandomSnow")
        return snow_bleach(image, params["snow_point"], self.brightness_coeff)


class Vignetting(ImageOnlyTransform):
    """Darken toward the corners, as a lens does: pixels within ``radius`` (a fraction of the
    half diagonal, drawn from ``radius_range``) of the centre keep their values; beyond, the gain
    falls smoothly (a smoothstep in the distance) to ``1 - strength`` at the corners
    (``strength`` drawn from ``strength_range``). Any dtype and number of channels. augmentlab's
    own (Albumentations 2.0.8 has no vignetting transform).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.Vignetting(strength_range=(0.5, 0.5), radius_range=(0.2, 0.2), p=1.0)
        >>> out = t(image=np.full((21, 21), 200, np.uint8), seed=0)["image"]
        >>> int(out[10, 10]), int(out[0, 0])
        (200, 100)
    """

    native_params = True
    native_dtypes = frozenset({"uint8", "uint16", "float32"})

    def __init__(self, *, strength_range: Range = (0.2, 0.5), radius_range: Range = (0.3, 0.6),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.strength_range = to_range("Vignetting", "strength_range", strength_range,
                                       center=None, low=0, high=1)
        self.radius_range = to_range("Vignetting", "radius_range", radius_range, center=None,
                                     low=0, high=0.99)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"strength": uniform(rng, *self.strength_range),
                "radius": uniform(rng, *self.radius_range)}

    @staticmethod
    def gain(size: tuple[int, int], strength: float, radius: float) -> np.ndarray:
        """The ``(H, W)`` float32 gain: 1 within `radius`, ``1 - strength`` at the corners."""
        h, w = size
        cx, cy = (w - 1) / 2, (h - 1) / 2
        norm = math.hypot(cx, cy) or 1.0
        dx = ((np.arange(w) - cx) / norm).astype(np.float32) ** 2
        dy = ((np.arange(h) - cy) / norm).astype(np.float32) ** 2
        r = np.sqrt(dx[None, :] + dy[:, None])
        t = np.clip((r - np.float32(radius)) / np.float32(1 - radius), 0, 1)
        return np.float32(1) - np.float32(strength) * t * t * (np.float32(3) - 2 * t)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        g = self.gain(image.shape[:2], params["strength"], params["radius"])
        out = image.astype(np.float32) * (g[:, :, None] if image.ndim == 3 else g)
        if image.dtype.kind == "u":
            np.rint(out, out=out)
        return out.astype(image.dtype)


_SPATTER_COLORS = {"rain": (238, 238, 175), "mud": (20, 42, 63)}
_DROP_EDGE = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], np.float32)


def spatter_noise(rng: np.random.Generator, mean: float, std: float,
                  size: tuple[int, int]) -> np.ndarray:
    """The liquid layer's Gaussian noise, ``(H, W)`` float32."""
    noise = rng.standard_normal(size, dtype=np.float32)
    noise *= np.float32(std)
    noise += np.float32(mean)
    return noise


def spatter_layer(noise: np.ndarray, cutout: float, sigma: float) -> np.ndarray:
    """The liquid layer: Gaussian `noise` blurred by `sigma` (a kernel of three sigmas a side,
    edges replicated), values below `cutout` set to 0."""
    k = int(2 * round(3 * sigma) + 1)
    layer = cv2.GaussianBlur(noise, (k, k), sigmaX=sigma, sigmaY=sigma,
                             borderType=cv2.BORDER_REPLICATE)
    layer[layer < cutout] = 0
    return layer


def rain_drops(layer: np.ndarray, color: np.ndarray, intensity: float) -> np.ndarray:
    """Drops ``(H, W, 3)`` on [0, 1] to add to the image: the layer's blobs, shaded by the
    distance to their edges and embossed, as Albumentations' ``Spatter(mode="rain")``."""
    liquid = np.clip(layer * 255, 0, 255).astype(np.uint8)
    dist = 255 - cv2.Canny(liquid, 50, 150)
    dist = cv2.distanceTransform(dist, cv2.DIST_L2, 5)
    _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
    dist = cv2.GaussianBlur(dist, (3, 3), sigmaX=1, sigmaY=1, borderType=cv2.BORDER_REPLICATE)
    # Albumentations equalises this float distance (0..20) as if it were on [0, 1]: times 255,
    # saturated, so only the last pixel before an edge keeps a gradient; kept as it computes it
    levels = cv2.equalizeHist(np.clip(np.rint(dist * 255), 0, 255).astype(np.uint8))
    dist = cv2.filter2D(levels.astype(np.float32) * np.float32(1 / 255), -1, _DROP_EDGE)
    np.clip(dist, 0, 1, out=dist)
    dist = cv2.GaussianBlur(dist, (5, 5), sigmaX=1.5, sigmaY=1.5, borderType=cv2.BORDER_REPLICATE)
    m = liquid.astype(np.float32) * dist
    top = float(m.max())
    m = m / top if top > 0 else np.zeros_like(m)
    return m[:, :, None] * (color * (intensity * 0.9)).astype(np.float32)


def mud_mask(layer: np.ndarray, cutout: float, sigma: float, intensity: float,
             rng: np.random.Generator) -> np.ndarray:
    """Where the mud lies and how thick, ``(H, W)`` float32 in [0, intensity]: the layer above
    `cutout`, blurred by `sigma`, scaled to peak at `intensity` (an empty layer gets a random
    tenth of the pixels, drawn from `rng`), as Albumentations' ``Spatter(mode="mud")``."""
    h, w = layer.shape
    mask = (layer > cutout).astype(np.float32)
    if not mask.any():
        mask.flat[rng.choice(h * w, max(1, int(0.1 * h * w)), replace=False)] = 1.0
    if sigma > 0:
        mask = cv2.GaussianBlur(mask, (0, 0), sigmaX=sigma, sigmaY=sigma,
                                borderType=cv2.BORDER_REPLICATE)
    top = float(mask.max())
    if top > 0:
        mask *= np.float32(intensity / top)
    else:
        mask[0, 0] = 1.0
        mask *= np.float32(intensity)
    return mask


def mud_layers(mask: np.ndarray, color: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Albumentations' ``(mud, non_mud)`` pair, ``(H, W, 3)`` each: the image becomes
    ``image * non_mud + mud``. For a mask within [0, 1] that is ``image + mask * (color -
    image)``, a blend toward `color`, which `Spatter` computes directly."""
    mud = mask[:, :, None] * color.astype(np.float32)[None, None, :]
    non_mud = np.empty_like(mud)
    for i in range(3):
        if color[i] > 0:
            non_mud[..., i] = np.clip((color[i] - mud[..., i]) / color[i], 0, 1)
        else:
            non_mud[..., i] = 1.0 - mask
    return mud.astype(np.float32), non_mud.astype(np.float32)


class Spatter(ImageOnlyTransform):
    """Rain drops or mud on the lens. A liquid layer of Gaussian noise (``mean``, ``std``),
    blurred by ``gauss_sigma`` and cut below ``cutout_threshold``, makes either shaded drops
    added to the image (``mode="rain"``) or blotches of ``color`` covering it (``"mud"``), at
    ``intensity``. Each argument is a number or a range drawn per call. As Albumentations'
    ``Spatter``: the same arguments, defaults (``p=0.5``; ``color`` by mode) and arithmetic (a
    test compares the layers); RGB images only.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.full((64, 64, 3), 100, np.uint8)
        >>> out = al.Spatter(mode="mud", p=1.0)(image=img, seed=0)["image"]
        >>> out.shape, bool((out != img).any())
        ((64, 64, 3), True)
    """

    native_params = True

    def __init__(self, *, mean: Range = (0.65, 0.65), std: Range = (0.3, 0.3),
                 gauss_sigma: Range = (2, 2), cutout_threshold: Range = (0.68, 0.68),
                 intensity: Range = (0.6, 0.6), mode: str = "rain",
                 color: tuple[int, int, int] | None = None, p: float = 0.5) -> None:
        super().__init__(p=p)
        owner = "Spatter"
        self.mean = to_range(owner, "mean", mean, center=None, low=0, high=1)
        self.std = to_range(owner, "std", std, center=None, low=0, high=1)
        self.gauss_sigma = to_range(owner, "gauss_sigma", gauss_sigma, center=None, low=0,
                                    high=50)
        self.cutout_threshold = to_range(owner, "cutout_threshold", cutout_threshold, center=None,
                                         low=0, high=1)
        self.intensity = to_range(owner, "intensity", intensity, center=None, low=0, high=1)
        self.mode = check_choice(owner, "mode", mode, ("rain", "mud"))
        if color is None:
            color = _SPATTER_COLORS[self.mode]
        if not isinstance(color, (list, tuple)) or len(color) != 3:
            raise InvalidConfig(f"{owner}: color={shown(color)} must be three values 0..255 (RGB)")
        self.color = tuple(int(check_number(owner, "color", c, low=0, high=255)) for c in color)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"mean": uniform(rng, *self.mean), "std": uniform(rng, *self.std),
                "cutout": uniform(rng, *self.cutout_threshold),
                "sigma": uniform(rng, *self.gauss_sigma),
                "intensity": uniform(rng, *self.intensity), "seed": integer(rng, 0, 2**63 - 1)}

    def layers(self, size: tuple[int, int], params: dict[str, Any]) -> np.ndarray:
        """The drops ``(H, W, 3)`` to add (rain) or the mud's mask ``(H, W)`` (mud) these
        params give."""
        rng = kernel_rng(params["seed"])
        noise = spatter_noise(rng, params["mean"], params["std"], size)
        layer = spatter_layer(noise, params["cutout"], params["sigma"])
        if self.mode == "rain":
            color = np.asarray(self.color, np.float64) / 255.0
            return rain_drops(layer, color, params["intensity"])
        return mud_mask(layer, params["cutout"], params["sigma"], params["intensity"], rng)

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        require_channels(image, "Spatter")
        x = as_float(image)
        layer = self.layers(image.shape[:2], params)
        if self.mode == "rain":
            out = x + layer
        else:  # toward the mud's colour, by the mask
            color = np.asarray(self.color, np.float32) / np.float32(255)
            out = x + layer[:, :, None] * (color - x)
        return like(np.clip(out, 0, 1, out=out), image)
