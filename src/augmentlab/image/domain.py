"""Domain adaptation toward reference images: HistogramMatching and FDA (Fourier Domain
Adaptation).

Reference images are given in the constructor as file paths (read once, with the guards of
`augmentlab.image.io.read_image`) or as arrays. A config holds the paths as they are, so a
transform built from paths makes the round trip; an array is written as a placeholder naming its
shape, dtype and digest (so pipelines with different arrays hash differently), and building from
that placeholder is refused with a message saying to give file paths.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ..core.errors import InvalidConfig, InvalidInput
from ..core.params import shown, to_range
from ..core.rng import integer, uniform
from ..core.sample import Sample, to_jsonable
from ..core.types import Range
from .functional.dtype import max_value
from .io import read_image
from .spatial.bases import ImageOnlyTransform
from .spatial.lut import apply_lut

__all__ = ["FDA", "HistogramMatching"]

_PLACEHOLDER = "array:"


def _references(owner: str, images: Any) -> tuple[list[np.ndarray], list[str]]:
    """The reference images as arrays, and what a config shows for each (path or placeholder)."""
    if images is None:
        raise InvalidConfig(f"{owner}: needs reference_images, a list of image file paths (or "
                            "arrays), e.g. reference_images=['target_domain/0001.png']")
    if isinstance(images, (str, Path, np.ndarray)) or not isinstance(images, Sequence) or \
            not images:
        raise InvalidConfig(f"{owner}: reference_images={shown(images)} must be a non-empty list of "
                            "image file paths (or of arrays, which a config cannot hold)")
    arrays, shown_as = [], []
    for item in images:
        if isinstance(item, np.ndarray):
            if item.dtype not in (np.uint8, np.uint16, np.float32) or item.ndim not in (2, 3) \
                    or not item.size:
                raise InvalidConfig(f"{owner}: a reference image must be a non-empty HxW or HxWxC "
                                    f"uint8, uint16 or float32 array, got {item.dtype} "
                                    f"{item.shape}")
            digest = hashlib.sha256(np.ascontiguousarray(item).tobytes()).hexdigest()[:16]
            arrays.append(item)
            shown_as.append(f"{_PLACEHOLDER}{'x'.join(map(str, item.shape))}:{item.dtype}:{digest}")
        elif isinstance(item, (str, Path)):
            if str(item).startswith(_PLACEHOLDER):
                raise InvalidConfig(f"{owner}: this config was written from a transform built with "
                                    f"reference arrays ({item}), which a config does not hold; "
                                    "give the reference images as file paths to save and load it")
            path = Path(item)
            if not path.is_file():
                raise InvalidConfig(f"{owner}: reference image {str(item)!r} is not a file")
            arrays.append(read_image(path))
            shown_as.append(str(item))
        else:
            raise InvalidConfig(f"{owner}: reference image {shown(item)} must be a file path or an "
                                "array")
    return arrays, shown_as


def _as_dtype_of(reference: np.ndarray, image: np.ndarray) -> np.ndarray:
    """`reference` on `image`'s scale (uint8 0..255, uint16 0..65535, float 0..1)."""
    if reference.dtype == image.dtype:
        return reference
    unit = reference.astype(np.float32) / (float(max_value(reference))
                                           if reference.dtype.kind == "u" else 1.0)
    if image.dtype.kind == "u":
        return np.clip(np.rint(unit * float(max_value(image))), 0, max_value(image)).astype(image.dtype)
    return np.clip(unit, 0, 1).astype(np.float32)


def _channels(owner: str, image: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both as ``(H, W, C)``: the reference has the image's channels, or one that serves all."""
    img = image if image.ndim == 3 else image[:, :, None]
    ref = reference if reference.ndim == 3 else reference[:, :, None]
    if ref.shape[2] == 1 and img.shape[2] > 1:
        ref = np.repeat(ref, img.shape[2], axis=2)
    if ref.shape[2] != img.shape[2]:
        raise InvalidInput(f"{owner}: the reference image has {ref.shape[2]} channel(s), the image "
                           f"{img.shape[2]}; give references with the images' channels (or grey "
                           "ones, which serve every channel)")
    return img, ref


class _Referenced(ImageOnlyTransform):
    _abstract = True
    native_params = True
    _refs: list[np.ndarray]
    _shown: list[str]

    def get_config(self) -> dict[str, Any]:
        config = {k: v for k, v in self._config.items() if k != "reference_images"}
        return {"name": self.name, "reference_images": list(self._shown), **to_jsonable(config)}

    def _pick(self, rng: np.random.Generator) -> int:
        return integer(rng, 0, len(self._refs)) if len(self._refs) > 1 else 0

    def _reference(self, params: dict[str, Any], image: np.ndarray) -> np.ndarray:
        i = params["reference"]
        if not 0 <= i < len(self._refs):
            raise InvalidInput(f"{self.name}: params pick reference {i}, there are {len(self._refs)}")
        return _as_dtype_of(self._refs[i], image)


def match_histograms(image: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Each channel of `image` mapped so that its cumulative histogram follows `reference`'s
    (scikit-image's ``match_histograms``: a value at quantile q becomes the reference's value at
    quantile q, interpolated linearly), as float64 on the image's scale.

    Example:
        >>> img = np.array([[0, 1], [2, 3]], np.uint8)
        >>> match_histograms(img, np.array([[10, 20], [30, 40]], np.uint8)).tolist()
        [[10.0, 20.0], [30.0, 40.0]]
    """
    img, ref = _channels("HistogramMatching", image, reference)
    out = np.empty(img.shape, np.float64)
    for c in range(img.shape[2]):
        src, tmpl = img[:, :, c].reshape(-1), ref[:, :, c].reshape(-1)
        if img.dtype.kind == "u":  # counts per level: no sorting
            table = _matched_levels(src, tmpl, int(max_value(img)) + 1)
            out[:, :, c] = table[img[:, :, c]]
        else:
            values, lookup, counts = np.unique(src, return_inverse=True, return_counts=True)
            tmpl_values, tmpl_counts = np.unique(tmpl, return_counts=True)
            table = np.interp(np.cumsum(counts) / src.size, np.cumsum(tmpl_counts) / tmpl.size,
                              tmpl_values.astype(np.float64))
            out[:, :, c] = table[lookup].reshape(img.shape[:2])
    return out if image.ndim == 3 else out[:, :, 0]


class HistogramMatching(_Referenced):
    """Match each channel's histogram to that of a reference image (one of
    ``reference_images``, drawn per call), then blend with the input: ``blend`` (drawn from
    ``blend_ratio``) of the matched image. As Albumentations' ``HistogramMatching`` (``p=0.5``),
    with the same arithmetic, except that matched values are rounded (Albumentations truncates
    them to whole levels, a bias of half a level down) and that the reference's own histogram is
    matched (Albumentations first resizes the reference to the image, which changes it a
    little). Any dtype and number of channels (the reference needs the image's channels, or one
    that serves all; it is brought to the image's dtype).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> ref = np.linspace(100, 200, 64).astype(np.uint8).reshape(8, 8)
        >>> t = al.HistogramMatching(reference_images=[ref], blend_ratio=(1, 1), p=1.0)
        >>> out = t(image=np.arange(64, dtype=np.uint8).reshape(8, 8), seed=0)["image"]
        >>> int(out.min()), int(out.max())
        (100, 200)
    """

    native_dtypes = frozenset({"uint8", "uint16", "float32"})

    def __init__(self, *, reference_images: Sequence[Any] | None = None,
                 blend_ratio: Range = (0.5, 1.0),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self._refs, self._shown = _references("HistogramMatching", reference_images)
        self.blend_ratio = to_range("HistogramMatching", "blend_ratio", blend_ratio, center=None,
                                    low=0, high=1)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"reference": self._pick(rng), "blend": uniform(rng, *self.blend_ratio)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        reference = self._reference(params, image)
        blend = params["blend"]
        if image.dtype.kind == "u":  # one table per channel: level -> blended matched level
            img, ref = _channels("HistogramMatching", image, reference)
            top = int(max_value(image))
            levels = np.arange(top + 1, dtype=np.float64)
            tables = []
            for c in range(img.shape[2]):
                table = _matched_levels(img[:, :, c], ref[:, :, c], top + 1)
                tables.append(np.clip(np.rint(table * blend + levels * (1.0 - blend)), 0, top))
            lut = np.stack(tables, axis=1).astype(image.dtype)
            if image.dtype == np.uint8:
                return apply_lut(image, lut) if image.ndim == 3 else apply_lut(image, lut[:, :1])
            out = np.stack([lut[:, c][img[:, :, c]] for c in range(img.shape[2])], axis=2)
            return out if image.ndim == 3 else out[:, :, 0]
        matched = match_histograms(image, reference)
        out = matched * blend + image.astype(np.float64) * (1.0 - blend)
        return np.clip(out, 0, 1).astype(np.float32)


def _matched_levels(source: np.ndarray, template: np.ndarray, levels: int) -> np.ndarray:
    """For each level of an integer channel, the template's level at the same quantile."""
    src_counts = np.bincount(source.reshape(-1), minlength=levels)
    tmpl_counts = np.bincount(template.reshape(-1), minlength=levels)
    tmpl_values = np.flatnonzero(tmpl_counts)
    q_src = np.cumsum(src_counts) / source.size
    q_tmpl = np.cumsum(tmpl_counts[tmpl_values]) / template.size
    return np.interp(q_src, q_tmpl, tmpl_values.astype(np.float64))


def fda(image: np.ndarray, target: np.ndarray, beta: float) -> np.ndarray:
    """Fourier Domain Adaptation (Yang and Soatto, CVPR 2020, eq. 1): the amplitude spectrum of
    each channel of `image` at the frequencies ``|k| < b`` along both axes, ``b = floor(beta *
    min(H, W))``, is replaced by `target`'s (of the same size); the phase is kept. (The paper's
    code swaps ``-b <= k < b``, which is not symmetric and makes the inverse transform complex;
    the symmetric window keeps the result real.) Returns float64 on the image's scale, unclipped.

    Example:
        >>> img = np.random.default_rng(0).random((16, 16))
        >>> bool(np.allclose(fda(img, img + 0.5, 0.0), img))  # beta 0: nothing swapped
        True
        >>> round(float(fda(img, np.full((16, 16), 0.9), 0.1).mean()), 3)  # the mean (DC) swapped
        0.9
    """
    h, w = image.shape[:2]
    img = image if image.ndim == 3 else image[:, :, None]
    trg = target if target.ndim == 3 else target[:, :, None]
    b = int(np.floor(min(h, w) * beta))
    out = np.empty(img.shape, np.float64)
    for c in range(img.shape[2]):
        src = np.fft.rfft2(img[:, :, c].astype(np.float64))
        if b > 0:
            amp_t = np.abs(np.fft.rfft2(trg[:, :, c].astype(np.float64)))
            # the low frequencies of a real signal's half spectrum: columns 0..b-1, rows
            # -(b-1)..b-1 (the negative columns are the conjugates of these)
            rows = np.r_[0:min(b, h), max(h - b + 1, b):h]
            cols = slice(0, min(b, src.shape[1]))
            window = src[rows, cols]
            phase = np.exp(1j * np.angle(window))
            src[rows, cols] = amp_t[rows, cols] * phase
        out[:, :, c] = np.fft.irfft2(src, s=(h, w))
    return out if image.ndim == 3 else out[:, :, 0]


class FDA(_Referenced):
    """Fourier Domain Adaptation (Yang and Soatto, CVPR 2020): swap the lowest frequencies of
    the image's amplitude spectrum for a reference image's (resized to the image), keeping the
    image's phase: the reference's overall colours and illumination, the image's content.
    ``beta`` (drawn from ``beta_limit``, at most 0.5) sets the window: the frequencies ``|k| < b``
    along both axes, ``b = floor(beta * min(H, W))`` (see `fda`). Albumentations' ``FDA``
    arguments and defaults (``p=0.5``).

    The window is centred on the zero frequency; Albumentations 2.0.8 cuts it from the shifted
    spectrum around ``(H / 2 - 0.5, W / 2 - 0.5)`` with truncated bounds while the zero frequency
    sits at ``(H // 2, W // 2)``: its window reaches one or two frequencies further on the
    negative side than on the positive one, and it keeps the real part of a result that is no
    longer real, so outputs differ visibly (the same move toward the reference's colours). Any
    dtype and number of channels.

    Example:
        >>> import numpy as np, augmentlab as al
        >>> ref = np.full((16, 16, 3), 200, np.uint8)
        >>> t = al.FDA(reference_images=[ref], beta_limit=(0.1, 0.1), p=1.0)
        >>> out = t(image=np.full((32, 32, 3), 50, np.uint8), seed=0)["image"]
        >>> int(out.mean())
        200
    """

    native_dtypes = frozenset({"uint8", "uint16", "float32"})

    def __init__(self, *, reference_images: Sequence[Any] | None = None,
                 beta_limit: Range = (0.0, 0.1),
                 p: float = 0.5) -> None:
        super().__init__(p=p)
        self._refs, self._shown = _references("FDA", reference_images)
        self.beta_limit = to_range("FDA", "beta_limit", beta_limit, center=None, low=0, high=0.5)

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        return {"reference": self._pick(rng), "beta": uniform(rng, *self.beta_limit)}

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        reference = self._reference(params, image)
        h, w = image.shape[:2]
        if reference.shape[:2] != (h, w):
            reference = cv2.resize(reference, (w, h), interpolation=cv2.INTER_LINEAR)
            reference = reference.reshape(h, w, -1) if image.ndim == 3 else reference
        out = fda(image, _channels("FDA", image, reference)[1], params["beta"])
        if image.dtype.kind == "u":
            return np.clip(np.rint(out), 0, max_value(image)).astype(image.dtype)
        return np.clip(out, 0, 1).astype(np.float32)

