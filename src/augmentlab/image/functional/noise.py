"""Noise kernels. Randomness comes in as an integer seed drawn by the transform's sample_params.

Speed: for uint8 images, Gaussian noise only matters after rounding, since
``round(x + n) = x + round(n)`` for integer ``x``. So we draw ``k = round(n)`` directly from its
exact discrete distribution, ``P(k) = Phi((k + .5 - mu)/s) - Phi((k - .5 - mu)/s)``, by inverse
transform sampling of 16-bit uniform integers through a 65,536-entry table (each probability is
represented to within 2**-16). The uniforms come straight from the bit generator's raw 64-bit
output (four per draw), several times cheaper than float normals; the table is built from the
511 bucket sizes in microseconds, so every drawn std gets its exact table.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...core.rng import kernel_rng

__all__ = ["gauss_noise", "uniform16"]


def uniform16(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Uniform 16-bit integers from the generator's raw 64-bit output.

    Example:
        >>> uniform16(np.random.default_rng(0), (2, 3)).dtype
        dtype('uint16')
    """
    n = int(np.prod(shape))
    raw = rng.bit_generator.random_raw((n + 3) // 4)
    return raw.view(np.uint16)[:n].reshape(shape)


@lru_cache(maxsize=1)
def _normal_quantiles() -> np.ndarray:
    from scipy.special import ndtri

    table = ndtri((np.arange(65536) + 0.5) / 65536.0).astype(np.float32)
    table.flags.writeable = False
    return table


def normal16(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal float32 samples by inverse-CDF lookup of 16-bit uniforms.

    65,536 equiprobable quantiles (their midpoints): the sample CDF is within 2**-17 of the
    normal's, with tails cut at +-4.3 sigma (probability 1.5e-5). About 5x faster than
    ``Generator.standard_normal`` here, and plenty for pixel noise.

    Example:
        >>> z = normal16(np.random.default_rng(0), (200_000,))
        >>> abs(float(z.mean())) < 0.01 and abs(float(z.std()) - 1) < 0.01
        True
    """
    return np.take(_normal_quantiles(), uniform16(rng, shape))


@lru_cache(maxsize=256)
def rounded_gauss_table(mean_px: float, std_px: float) -> np.ndarray:
    """int16 table mapping a uniform uint16 ``i`` to ``round(N(mean, std))`` (in pixel units).

    Entry ``i`` is the smallest ``k`` whose CDF exceeds ``(i + 0.5) / 65536``; tails beyond
    +-255 are folded into +-255 (they saturate the same way).

    Example:
        >>> t = rounded_gauss_table(0.0, 10.0)
        >>> abs(float(t.mean())) < 0.05 and 9.9 < float(t.std()) < 10.1
        True
    """
    from scipy.special import ndtr

    ks = np.arange(-255, 256)
    upper = ndtr((ks + 0.5 - mean_px) / std_px) if std_px > 0 else (ks + 0.5 > mean_px) * 1.0
    upper[-1] = 1.0
    # number of table slots i with (i + 0.5) / 65536 < upper[k]
    ends = np.clip(np.ceil(upper * 65536.0 - 0.5), 0, 65536).astype(np.int64)
    counts = np.diff(ends, prepend=0)
    return np.repeat(ks.astype(np.int16), counts)


def gauss_noise(image: np.ndarray, mean: float, std: float, seed: int, per_channel: bool
                ) -> np.ndarray:
    """Add N(mean, std) noise (fractions of the maximum value) and clip to the valid range.

    Example:
        >>> img = np.full((64, 64), 128, np.uint8)
        >>> out = gauss_noise(img, 0.0, 0.1, seed=0, per_channel=True)
        >>> 24 < float(out.astype(float).std()) < 27
        True
    """
    rng = kernel_rng(seed)
    shape = image.shape if per_channel or image.ndim == 2 else image.shape[:2]
    if image.dtype == np.uint8:
        table = rounded_gauss_table(round(mean * 255.0, 9), round(std * 255.0, 9))
        noise = np.take(table, uniform16(rng, shape))
        if noise.shape != image.shape:
            noise = np.repeat(noise[:, :, None], image.shape[2], axis=2)
        out = noise + image  # int16: numpy's mixed-type add is ~4x faster than cv2.add here
        return np.clip(out, 0, 255, out=out).astype(np.uint8).reshape(image.shape)
    noise = normal16(rng, shape) * np.float32(std) + np.float32(mean)
    if noise.shape != image.shape:
        noise = noise[:, :, None]
    return np.clip(image + noise, 0, 1).astype(np.float32)
