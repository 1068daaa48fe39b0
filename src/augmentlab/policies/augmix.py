"""AugMix (Hendrycks et al., ICLR 2020): a convex mix of several short random op chains, blended
with the original image, so the result stays close to the data while varying a lot."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.params import check_choice, check_number
from ..core.rng import integer, uniform
from ..core.sample import Sample
from ..image.functional.dtype import DEPTHS, max_value
from ..image.spatial.bases import ImageOnlyTransform
from ..image.spatial.geometry import warp_general
from ..image.spatial.warp import INTERPOLATIONS
from .ops import GEOMETRIC_OPS, color_kernel, geometric_matrix
from .spaces import AUGMIX

__all__ = ["AugMix"]

_ENHANCE = ("brightness", "color", "contrast", "sharpness")
_LEVEL_MAX = 10.0  # the reference code's PARAMETER_MAX: a level l means l / 10 of an op's range


class AugMix(ImageOnlyTransform):
    """AugMix: ``width`` chains of ``depth`` ops (1-3 at random when ``depth <= 0``), mixed with
    Dirichlet(``alpha``) weights, then blended with the original by a Beta(``alpha``, ``alpha``)
    weight. Levels are drawn as in the reference code, uniformly in ``[0.1, severity]`` of 10; the
    colour-enhance ops (``all_ops``) use the signed ``1 ± 0.9`` factor scale of RandAugment.

    The chains warp the image differently, so masks, boxes and keypoints cannot follow them: a
    sample with any of those is refused unless ``geometric=False`` (colour ops only).

    Example:
        >>> import numpy as np, augmentlab as al
        >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
        >>> out = al.Compose([AugMix(severity=3)], seed=0)(image=img)
        >>> out["image"].shape, out["image"].dtype
        ((16, 16, 3), dtype('uint8'))
    """

    name = "AugMix"

    native_dtypes = DEPTHS  # every op keeps the image's dtype and range

    def __init__(self, *, severity: float = 3, width: int = 3, depth: int = -1, alpha: float = 1.0,
                 all_ops: bool = True, geometric: bool = True, interpolation: str = "linear",
                 p: float = 1.0) -> None:
        super().__init__(p=p)
        owner = "AugMix"
        self.severity = float(check_number(owner, "severity", severity, low=0.1, high=10))
        self.width = int(check_number(owner, "width", width, low=1, high=16, integer=True))
        self.depth = int(check_number(owner, "depth", depth, low=-1, high=16, integer=True))
        self.alpha = float(check_number(owner, "alpha", alpha, low=1e-3, high=1e3))
        self.geometric = bool(geometric)
        self.interpolation = check_choice(owner, "interpolation", interpolation, INTERPOLATIONS)
        self.ops = [op for op in AUGMIX if (all_ops or op not in _ENHANCE)
                    and (self.geometric or op not in GEOMETRIC_OPS)]

    def sample_params(self, sample: Sample, rng: np.random.Generator) -> dict[str, Any]:
        if self.geometric:
            moving = [k for k, kind in sample.kinds.items()
                      if kind in ("mask", "bboxes", "keypoints")]
            if moving:
                raise InvalidInput(f"AugMix: {moving[0]!r} cannot follow AugMix's differently "
                                   "warped chains; use AugMix(geometric=False) for samples with "
                                   "masks, boxes or keypoints")
        m = float(rng.beta(self.alpha, self.alpha))
        weights = [float(w) for w in rng.dirichlet([self.alpha] * self.width)]
        chains = []
        for _ in range(self.width):
            depth = self.depth if self.depth > 0 else integer(rng, 1, 4)
            chain = []
            for _ in range(depth):
                op = self.ops[integer(rng, 0, len(self.ops))]
                chain.append([op, self._value(op, rng)])
            chains.append(chain)
        return {"m": m, "weights": weights, "chains": chains}

    def _value(self, op: str, rng: np.random.Generator) -> float:
        entry = AUGMIX[op]
        if entry is None:
            return 0.0
        level = uniform(rng, 0.1, self.severity) / _LEVEL_MAX
        value = entry[0] * level + (4.0 if op == "posterize" else 0.0)
        return -value if entry[1] and rng.random() < 0.5 else value

    def apply_image(self, image: np.ndarray, params: dict[str, Any]) -> np.ndarray:
        size = image.shape[:2]
        mix = np.zeros(image.shape, np.float32)
        for weight, chain in zip(params["weights"], params["chains"], strict=True):
            x = image
            for op, value in chain:
                if op in GEOMETRIC_OPS:
                    x = warp_general(x, geometric_matrix(op, value, size), size,
                                     interpolation=self.interpolation, border="constant", fill=0)
                else:
                    x = color_kernel(op, x, value)
            mix += weight * x.astype(np.float32)
        m = params["m"]
        out = m * image.astype(np.float32) + (1.0 - m) * mix
        top = max_value(image)
        if image.dtype.kind == "u":
            return np.clip(np.rint(out), 0, top).astype(image.dtype)
        return np.clip(out, 0.0, top).astype(image.dtype)
