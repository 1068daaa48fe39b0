"""CutMix (Yun et al. 2019) and SaliencyMix (Uddin et al. 2021): paste a patch of the partner."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from .base import Mixer

__all__ = ["CutMix", "SaliencyMix", "spectral_residual_saliency"]


def _box(cx: int, cy: int, cut_h: int, cut_w: int, hw: tuple[int, int]) -> list[int]:
    h, w = hw
    return [int(np.clip(cx - cut_w // 2, 0, w)), int(np.clip(cy - cut_h // 2, 0, h)),
            int(np.clip(cx + cut_w // 2, 0, w)), int(np.clip(cy + cut_h // 2, 0, h))]


def _paste(x: np.ndarray, partner: np.ndarray, boxes: list[list[int]],
           channels_first: bool) -> np.ndarray:
    out = x.copy()
    for i, (x0, y0, x1, y1) in enumerate(boxes):
        j = partner[i]
        if channels_first:
            out[i, :, y0:y1, x0:x1] = x[j, :, y0:y1, x0:x1]
        else:
            out[i, y0:y1, x0:x1] = x[j, y0:y1, x0:x1]
    return out


def _area_lam(box: list[int], hw: tuple[int, int]) -> float:
    x0, y0, x1, y1 = box
    return 1.0 - (x1 - x0) * (y1 - y0) / float(hw[0] * hw[1])


class CutMix(Mixer):
    """Paste the same random box of each image's partner into it; the box's area is
    ``1 - lam`` of the image for ``lam ~ Beta(alpha, alpha)`` (less where it is clipped at the
    border), and the labels mix by the area actually pasted.

    Example:
        >>> import numpy as np
        >>> x = np.stack([np.zeros((8, 8), np.uint8), np.full((8, 8), 255, np.uint8)])
        >>> out = CutMix(num_classes=2)(x, [0, 1], seed=1)
        >>> pasted = float((out.images[0] == 255).mean())
        >>> bool(np.isclose(out.labels[0, 1], pasted)) or out.params["partner"][0] == 0
        True
    """

    def __init__(self, *, alpha: float = 1.0, p: float = 1.0, within_class: bool = False,
                 num_classes: int | None = None) -> None:
        super().__init__(alpha=alpha, p=p, within_class=within_class, num_classes=num_classes)

    def draw(self, x: np.ndarray, y: np.ndarray, partner: np.ndarray, hw: tuple[int, int],
             rng: np.random.Generator, **extra: Any) -> dict[str, Any]:
        lam = float(rng.beta(self.alpha, self.alpha))
        cut = np.sqrt(1.0 - lam)
        cut_h, cut_w = int(hw[0] * cut), int(hw[1] * cut)
        cx, cy = int(rng.integers(0, hw[1])), int(rng.integers(0, hw[0]))
        box = _box(cx, cy, cut_h, cut_w, hw)
        return {"boxes": [box] * len(x), "lam": [_area_lam(box, hw)] * len(x)}

    def mix(self, x: np.ndarray, y: np.ndarray, params: dict[str, Any],
            **extra: Any) -> tuple[np.ndarray, np.ndarray]:
        partner = np.asarray(params["partner"])
        out = _paste(x, partner, params["boxes"], bool(extra.get("channels_first", False)))
        lam = np.asarray(params["lam"])[:, None]
        return out, lam * y + (1.0 - lam) * y[partner]


def spectral_residual_saliency(image: np.ndarray) -> np.ndarray:
    """Spectral-residual saliency (Hou & Zhang, CVPR 2007), the map SaliencyMix uses: the log
    amplitude spectrum minus its local mean, back through the original phase, squared and
    smoothed, computed at 64 pixels wide and returned at the image's size in [0, 1].

    Example:
        >>> import numpy as np, cv2
        >>> img = (np.random.default_rng(0).random((64, 96)) * 60).astype(np.uint8)
        >>> _ = cv2.circle(img, (70, 20), 6, 255, -1)  # a bright disc on a noisy background
        >>> s = spectral_residual_saliency(img)
        >>> [int(v) for v in np.unravel_index(s.argmax(), s.shape)]
        [16, 70]
    """
    x = image.astype(np.float32)
    if x.ndim == 3:
        x = x.mean(axis=2) if x.shape[2] != 3 else cv2.cvtColor(x, cv2.COLOR_RGB2GRAY)
    h, w = x.shape
    small = cv2.resize(x, (64, max(1, round(64 * h / w))), interpolation=cv2.INTER_AREA)
    spectrum = np.fft.fft2(small)
    # log1p, not log: an exact zero of the spectrum (flat synthetic images) would dominate
    log_amp = np.log1p(np.abs(spectrum)).astype(np.float32)
    residual = log_amp - cv2.blur(log_amp, (3, 3), borderType=cv2.BORDER_REPLICATE)
    sal = np.abs(np.fft.ifft2(np.exp(residual + 1j * np.angle(spectrum)))) ** 2
    sal = cv2.GaussianBlur(sal.astype(np.float32), (0, 0), 2.5)
    sal = cv2.resize(sal, (w, h), interpolation=cv2.INTER_LINEAR)
    top = float(sal.max())
    return sal / top if top > 0 else sal


class SaliencyMix(CutMix):
    """CutMix with the patch centred on the most salient point of the partner image (spectral
    residual saliency), so the pasted patch holds the partner's object rather than background.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((2, 32, 32), np.uint8); x[1, 4:10, 20:26] = 255
        >>> out = SaliencyMix(num_classes=2)(x, [0, 1], seed=0)
        >>> len(out.params["boxes"]), bool(np.allclose(out.labels.sum(1), 1))
        (2, True)
    """

    def draw(self, x: np.ndarray, y: np.ndarray, partner: np.ndarray, hw: tuple[int, int],
             rng: np.random.Generator, **extra: Any) -> dict[str, Any]:
        lam = float(rng.beta(self.alpha, self.alpha))
        cut = np.sqrt(1.0 - lam)
        cut_h, cut_w = int(hw[0] * cut), int(hw[1] * cut)
        channels_first = bool(extra.get("channels_first", False))
        boxes, lams = [], []
        for j in partner.tolist():
            img = np.moveaxis(x[j], 0, -1) if channels_first else x[j]
            cy, cx = np.unravel_index(int(spectral_residual_saliency(img).argmax()), hw)
            box = _box(int(cx), int(cy), cut_h, cut_w, hw)
            boxes.append(box)
            lams.append(_area_lam(box, hw))
        return {"boxes": boxes, "lam": lams}
