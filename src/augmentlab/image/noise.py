"""Noise and degradation transforms (pixel values only)."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidInput
from ..core.params import check_choice, to_range
from ..core.rng import integer, kernel_rng, uniform
from ..core.sample import Sample
from ..core.types import IntRange, Range
from .functional.dtype import DEPTHS, as_float, as_uint8, like, max_value
from .functional.noise import gauss_noise, normal16, uniform16
from .spatial.bases import ImageOnlyTransform, require_channels, sample_channels
from .spatial.geometry import CV_INTER
from .spatial.lut import apply_lut
from .spatial.warp import INTERPOLATIONS

__all__ = [
    "Downscale",
    "GaussNoise",
    "ISONoise",
    "ImageCompression",
    "JpegCompression",
    "MultiplicativeNoise",
    "SaltAndPepper",
]


def _seed(rng: np.random.Generator) -> int:
    return integer(rng, 0, 2**63 - 1)


class GaussNoise(ImageOnlyTransform):
    """Additive Gaussian noise; ``std_range`` and ``mean_range`` are fractions of the maximum
    value (255 for uint8, 1 for float32). See `augmentlab.image.functional.noise` for how uint8
    noise is drawn exactly and fast.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> out = al.GaussNoise(std_range=(0.1, 0.1))(image=np.full((8, 8), 128, np.uint8), seed=0)
        >>> out["image"].dtype
        dtype('uint8')
    """

    def __init__(self, *, std_range: Range = (0.2, 0.44), mean_range: Range = (0.0, 0.0),
                 per_channel: bool = True, p: float = 0.5) -> None:
        super().__init__(p=p)
        self.std_range = to_range("GaussNoise", "std_range", std_range, center=None, low=0, high=1)
        self.mean_range = to_range("GaussNoise", "mean_range", mean_range, center=None, low=-1,
                                   high=1)
        self.per_channel = bool(per_channel)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"std": uniform(rng, *self.std_range),
                "mean": uniform(rng, *self.mean_range), "seed": _seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return gauss_noise(image, params["mean"], params["std"], params["seed"], self.per_channel)


class MultiplicativeNoise(ImageOnlyTransform):
    """Multiply by ``U(multiplier)``: one factor per image, per channel, or per pixel
    (``elementwise=True``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.MultiplicativeNoise(multiplier=(2, 2), p=1.0)
        >>> int(t(image=np.full((1, 1), 100, np.uint8))["image"][0, 0])
        200
    """

    def __init__(self, *, multiplier: Range = (0.9, 1.1), per_channel: bool = False,
                 elementwise: bool = False, p: float = 0.5) -> None:
        super().__init__(p=p)
        self.multiplier = to_range("MultiplicativeNoise", "multiplier", multiplier, center=None,
                                   low=0)
        self.per_channel, self.elementwise = bool(per_channel), bool(elementwise)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.elementwise:
            return {"seed": _seed(rng)}
        c = sample_channels(sample) if self.per_channel else 1
        return {"multiplier": rng.uniform(*self.multiplier, size=c).tolist()}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        c = 1 if image.ndim == 2 else image.shape[2]
        if "multiplier" in params:  # one factor per image or channel: a lookup table for uint8
            m = np.asarray(params["multiplier"], np.float64)
            if len(m) not in (1, c):
                raise InvalidInput(f"MultiplicativeNoise: params are for {len(m)} channels, the "
                                   f"image has {c}")
            if image.dtype == np.uint8:
                table = np.clip(np.rint(np.arange(256)[:, None] * m[None, :]), 0, 255)
                return apply_lut(image, table.astype(np.uint8))
            factor = m.astype(np.float32) if image.ndim == 3 else np.float32(m[0])
            return np.clip(image * factor, 0, 1).astype(np.float32)
        rng = kernel_rng(params["seed"])
        shape = image.shape[:2] + ((c if self.per_channel else 1,) if image.ndim == 3 else ())
        lo, hi = self.multiplier
        field = rng.random(shape, dtype=np.float32) * np.float32(hi - lo) + np.float32(lo)
        if image.dtype == np.uint8:
            return np.clip(np.rint(image * field), 0, 255).astype(np.uint8)
        return np.clip(image * field, 0, 1).astype(np.float32)


class SaltAndPepper(ImageOnlyTransform):
    """Set a fraction ``amount`` of pixels to white (salt) or black (pepper).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.SaltAndPepper(amount=(1, 1), salt_vs_pepper=(1, 1), p=1.0)
        >>> int(t(image=np.zeros((4, 4), np.uint8))["image"].min())
        255
    """

    native_dtypes = DEPTHS

    def __init__(self, *, amount: Range = (0.01, 0.06), salt_vs_pepper: Range = (0.4, 0.6),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.amount = to_range("SaltAndPepper", "amount", amount, center=None, low=0, high=1)
        self.salt_vs_pepper = to_range("SaltAndPepper", "salt_vs_pepper", salt_vs_pepper,
                                       center=None, low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"amount": uniform(rng, *self.amount),
                "salt": uniform(rng, *self.salt_vs_pepper), "seed": _seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        u = uniform16(kernel_rng(params["seed"]), image.shape[:2]).astype(np.float32)
        u = (u + 0.5) / 65536.0
        amount, salt = params["amount"], params["salt"]
        salt_mask = u < amount * salt
        pepper_mask = (u >= amount * salt) & (u < amount)
        out = image.copy()
        out[salt_mask] = max_value(image)
        out[pepper_mask] = 0
        return out


def _wrap_degrees(h: np.ndarray, std: float) -> np.ndarray:
    """``h mod 360`` for hues in [0, 360) plus noise of standard deviation `std` degrees.

    `normal16` never strays past 4.33 sigma, so below 80 degrees one turn either way is all
    that can be needed: two masked adds, much cheaper than ``np.mod`` on float32.
    """
    if std * 4.5 >= 360.0:
        return np.mod(h, 360)
    h += np.float32(360) * (h < 0)
    h -= np.float32(360) * (h >= 360)
    return h


class ISONoise(ImageOnlyTransform):
    """Camera sensor noise: hue jitter (``color_shift``, fraction of a turn) and luminance noise
    (``intensity`` times the luminance spread), in HLS space. Needs 3 channels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.ISONoise()(image=np.full((8, 8, 3), 90, np.uint8), seed=0)["image"].shape
        (8, 8, 3)
    """

    def __init__(self, *, color_shift: Range = (0.01, 0.05), intensity: Range = (0.1, 0.5),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.color_shift = to_range("ISONoise", "color_shift", color_shift, center=None, low=0,
                                    high=1)
        self.intensity = to_range("ISONoise", "intensity", intensity, center=None, low=0)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"color_shift": uniform(rng, *self.color_shift),
                "intensity": uniform(rng, *self.intensity), "seed": _seed(rng)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        require_channels(image, "ISONoise")
        rng = kernel_rng(params["seed"])
        # few full-size temporaries, reused in place: each fresh 0.8 MB float array can cost
        # page faults of its own once the allocator has handed memory back to the system
        hls = as_float(image)
        if hls is image:
            hls = hls.copy()
        cv2.cvtColor(hls, cv2.COLOR_RGB2HLS, dst=hls)
        h, lum = cv2.split(hls)[:2]
        spread = float(lum.std())
        shape = image.shape[:2]
        noise = normal16(rng, shape)
        noise *= np.float32(params["intensity"] * spread)
        lum += noise
        np.clip(lum, 0, 1, out=lum)
        noise = normal16(rng, shape)
        noise *= np.float32(params["color_shift"] * 360)
        h += noise
        h = _wrap_degrees(h, params["color_shift"] * 360)
        hls[..., 0] = h
        hls[..., 1] = lum
        cv2.cvtColor(hls, cv2.COLOR_HLS2RGB, dst=hls)
        return like(hls, image)


class JpegCompression(ImageOnlyTransform):
    """Round trip through a JPEG encoder at a random quality (float images via 8 bits; uint16
    images are refused: JPEG holds 8 bits per channel).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.JpegCompression(quality_range=(50, 50))(image=np.zeros((8, 8, 3), np.uint8))["image"].shape
        (8, 8, 3)
    """

    image_dtypes = frozenset({"uint8", "float32"})
    uint16_refusal = "JPEG holds 8 bits per channel"

    def __init__(self, *, quality_range: IntRange = (80, 100), p: float = 1.0) -> None:
        super().__init__(p=p)
        lo, hi = to_range("JpegCompression", "quality_range", quality_range, center=None, low=1,
                          high=100)
        self.quality_range = (int(lo), int(hi))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"quality": integer(rng, self.quality_range[0], self.quality_range[1] + 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        return codec_round_trip(image, ".jpg", params["quality"])


_QUALITY = {".jpg": cv2.IMWRITE_JPEG_QUALITY, ".webp": cv2.IMWRITE_WEBP_QUALITY}


def codec_round_trip(image: np.ndarray, suffix: str, quality: int) -> np.ndarray:
    """`image` encoded as `suffix` (``".jpg"``, ``".webp"``) at `quality` and decoded, in its own
    dtype (float through 8 bits); channel counts other than 1 and 3 go one channel at a time.

    Example:
        >>> codec_round_trip(np.full((8, 8, 3), 77, np.uint8), ".webp", 90).shape
        (8, 8, 3)
    """
    u8 = as_uint8(image)
    c = 1 if u8.ndim == 2 else u8.shape[2]
    if c not in (1, 3):
        out = np.stack([codec_round_trip(np.ascontiguousarray(u8[:, :, i]), suffix, quality)
                        for i in range(c)], axis=2)
    else:
        bgr = u8 if c == 1 else cv2.cvtColor(u8, cv2.COLOR_RGB2BGR)
        ok, buf = cv2.imencode(suffix, bgr, [_QUALITY[suffix], int(quality)])
        if not ok:
            raise InvalidInput(f"OpenCV cannot encode {suffix} here")
        dec = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE if c == 1 else cv2.IMREAD_COLOR)
        out = dec if c == 1 else cv2.cvtColor(dec, cv2.COLOR_BGR2RGB)
        out = out.reshape(u8.shape)
    return like(out, image)


class ImageCompression(ImageOnlyTransform):
    """Round trip through a JPEG or WebP encoder (``compression_type``) at a random quality in
    ``quality_range``; float images go through 8 bits and uint16 images are refused (both codecs
    hold 8 bits per channel). As Albumentations' ``ImageCompression`` (same defaults, ``p=0.5``).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> t = al.ImageCompression(compression_type="webp", quality_range=(30, 30), p=1.0)
        >>> t(image=np.zeros((8, 8, 3), np.uint8))["image"].shape
        (8, 8, 3)
    """

    image_dtypes = frozenset({"uint8", "float32"})
    uint16_refusal = "JPEG and WebP hold 8 bits per channel"

    native_params = True

    def __init__(self, *, compression_type: str = "jpeg", quality_range: IntRange = (99, 100),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self.compression_type = check_choice("ImageCompression", "compression_type",
                                             compression_type, ("jpeg", "webp"))
        lo, hi = to_range("ImageCompression", "quality_range", quality_range, center=None, low=1,
                          high=100)
        self.quality_range = (int(lo), int(hi))

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"quality": integer(rng, self.quality_range[0], self.quality_range[1] + 1)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        suffix = ".jpg" if self.compression_type == "jpeg" else ".webp"
        return codec_round_trip(image, suffix, params["quality"])


class Downscale(ImageOnlyTransform):
    """Shrink by a random factor in ``scale_range`` and enlarge back (loss of detail).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> al.Downscale()(image=np.zeros((16, 16, 3), np.uint8))["image"].shape
        (16, 16, 3)
    """

    native_dtypes = DEPTHS

    def __init__(self, *, scale_range: Range = (0.25, 0.25), down_interpolation: str = "nearest",
                 up_interpolation: str = "nearest", p: float = 0.5) -> None:
        super().__init__(p=p)
        self.scale_range = to_range("Downscale", "scale_range", scale_range, center=None,
                                    low=0.01, high=0.99)
        self.down = check_choice("Downscale", "down_interpolation", down_interpolation,
                                 INTERPOLATIONS)
        self.up = check_choice("Downscale", "up_interpolation", up_interpolation, INTERPOLATIONS)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"scale": uniform(rng, *self.scale_range)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        h, w = image.shape[:2]
        small = (max(1, int(round(w * params["scale"]))), max(1, int(round(h * params["scale"]))))
        down = cv2.resize(image, small, interpolation=CV_INTER[self.down])
        out = cv2.resize(down, (w, h), interpolation=CV_INTER[self.up])
        return out.reshape(image.shape)
