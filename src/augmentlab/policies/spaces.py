"""Augmentation spaces: which ops a policy picks from and what its magnitude scale means per op.

A space maps an op name to ``(high, signed)``: level ``k`` of ``bins`` levels is the value
``high * k / (bins - 1)`` (``None``: the op has no magnitude). Values follow the conventions of
`augmentlab.policies.ops`. The numbers are those of the papers' reference implementations as
torchvision 0.2x transcribes them (``torchvision/transforms/autoaugment.py``, the
``_augmentation_space`` methods of RandAugment, TrivialAugmentWide and AutoAugment); the one change
is that translations are fractions of the image size, so a space means the same at every size
(TrivialAugment Wide's 32 pixels are the full width of the 32-pixel CIFAR images it was tuned on).
"""

from __future__ import annotations

from typing import Any

from ..core.errors import InvalidConfig
from ..core.transform import Transform
from .ops import COLOR_OPS, GEOMETRIC_OPS, ColorOp, GeometricOp

__all__ = ["AUGMIX", "AUTOAUGMENT", "RANDAUGMENT", "TRIVIALAUGMENT_WIDE", "level_value", "make_op",
           "op_at_level", "space_ops"]

Space = dict[str, tuple[float, bool] | None]

_ENHANCE = ("brightness", "color", "contrast", "sharpness")


def _space(shear: float, translate: float, rotate: float, enhance: float | None,
           posterize: float, extra: tuple[str, ...] = ()) -> Space:
    space: Space = {"identity": None, "shear_x": (shear, True), "shear_y": (shear, True),
                    "translate_x": (translate, True), "translate_y": (translate, True),
                    "rotate": (rotate, True)}
    if enhance is not None:
        space.update({op: (enhance, True) for op in _ENHANCE})
    space.update({"posterize": (posterize, False), "solarize": (1.0, False),
                  "autocontrast": None, "equalize": None})
    space.update({op: None for op in extra})
    return space


# RandAugment (Cubuk et al. 2020): 14 ops, 31 levels by default
RANDAUGMENT = _space(0.3, 150.0 / 331.0, 30.0, 0.9, 4.0)
# AutoAugment's tables (Cubuk et al. 2019) index 10 levels of the same scale, plus Invert
AUTOAUGMENT = {k: v for k, v in _space(0.3, 150.0 / 331.0, 30.0, 0.9, 4.0, ("invert",)).items()
               if k != "identity"}
# TrivialAugment Wide (Müller & Hutter 2021)
TRIVIALAUGMENT_WIDE = _space(0.99, 1.0, 135.0, 0.99, 6.0)
# AugMix (Hendrycks et al. 2020): no identity; enhance ops only with all_ops (they overlap the
# corruptions of the robustness benchmarks); `AugMix` adds 4 to posterize's dropped bits
AUGMIX = {k: v for k, v in _space(0.3, 1.0 / 3.0, 30.0, 0.9, 4.0).items() if k != "identity"}


def level_value(space: Space, op: str, level: float, bins: int) -> float:
    """The magnitude value of `op` at `level` (of ``bins`` levels) in `space`.

    Example:
        >>> level_value(RANDAUGMENT, "rotate", 9, 31)
        9.0
    """
    entry = space[op]
    if entry is None:
        return 0.0
    return entry[0] * level / (bins - 1)


def make_op(op: str, magnitude: Any = 0.0, *, bins: int = 0, signed: bool = True,
            geometry: dict[str, Any] | None = None, p: float = 1.0) -> Transform:
    """The `GeometricOp` or `ColorOp` for `op`; `geometry` holds interpolation / fill settings.

    Example:
        >>> make_op("rotate", 10).name, make_op("equalize").name
        ('GeometricOp', 'ColorOp')
    """
    if op in GEOMETRIC_OPS:
        return GeometricOp(op=op, magnitude=magnitude, bins=bins, signed=signed, p=p,
                           **(geometry or {}))
    if op in COLOR_OPS:
        return ColorOp(op=op, magnitude=magnitude, bins=bins, signed=signed, p=p)
    raise InvalidConfig(f"unknown policy op {op!r}; use one of "
                        f"{', '.join(GEOMETRIC_OPS + COLOR_OPS)}")


def op_at_level(space: Space, op: str, level: int | None, bins: int, *, p: float = 1.0,
                geometry: dict[str, Any] | None = None) -> Transform:
    """`op` of `space` at a fixed `level` of `bins` (None: an op without a magnitude), with the
    space's sign rule and probability `p` -- one step of an AutoAugment-style sub-policy.

    Example:
        >>> t = op_at_level(AUTOAUGMENT, "rotate", 9, 10, p=0.6)
        >>> t.magnitude, t.signed, t.p
        ((30.0, 30.0), True, 0.6)
    """
    entry = space[op]
    value = 0.0 if level is None else level_value(space, op, level, bins)
    return make_op(op, value, signed=entry is not None and entry[1], geometry=geometry, p=p)


def space_ops(space: Space, level: float | None, bins: int, geometry: dict[str, Any],
              ops: list[str] | None = None) -> list[Transform]:
    """One op per entry of `space`: at a fixed `level`, or (``None``) drawing a level per call."""
    out = []
    for op in ops or list(space):
        entry = space[op]
        if entry is None:
            out.append(make_op(op, geometry=geometry))
        elif level is None:
            out.append(make_op(op, [0.0, entry[0]], bins=bins, signed=entry[1], geometry=geometry))
        else:
            out.append(make_op(op, level_value(space, op, level, bins), signed=entry[1],
                               geometry=geometry))
    return out
