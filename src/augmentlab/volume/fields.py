"""The volume field kinds and their check.

``volume``: a 3-D array ``(D, H, W)`` or ``(D, H, W, C)`` (channels last) of uint8, int16, uint16,
int32, float32 or float64 voxels, no NaN or inf. ``volume_mask``: integer or bool labels
``(D, H, W)`` on the same grid; it follows every spatial transform (nearest-neighbour) and no
intensity transform touches it. ``spacing``: the voxel size along D, H, W (e.g. millimetres, three
positive numbers), carried through and updated by the transforms that change it (permuted by a
90-degree rotation, replaced by a resampling). Several volumes (T1 and T2 of one subject) are
declared with ``Compose(extra_fields={"t2": "volume"})`` and must share the grid.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["MASK_DTYPES", "VOLUME_DTYPES", "check_spacing", "check_volume_fields"]

VOLUME_DTYPES = frozenset({"uint8", "int16", "uint16", "int32", "float32", "float64"})
MASK_DTYPES = frozenset({"bool", "uint8", "int8", "int16", "uint16", "int32", "int64"})
_MAX_CHANNELS_FIRST = 4  # a leading axis this short in front of a long last axis is channels


def _check_volume(key: str, value: Any) -> tuple[int, int, int]:
    if not isinstance(value, np.ndarray):
        raise InvalidInput(f"{key}: expected a numpy array (D, H, W) or (D, H, W, C), got "
                           f"{type(value).__name__}; convert with np.asarray(...) (a torch tensor: "
                           ".numpy(), a NIfTI file: augmentlab.volume.read_volume(path))")
    if value.ndim == 2:
        raise InvalidInput(f"{key}: expected a 3-D volume (D, H, W) or (D, H, W, C), got a 2-D "
                           f"array {value.shape}; pass a 2-D image as image=... instead")
    if value.ndim not in (3, 4):
        raise InvalidInput(f"{key}: expected a 3-D volume (D, H, W) or (D, H, W, C) with channels "
                           f"last, got {value.ndim} axes {value.shape}; pass one volume per call "
                           "(index a batch), and a single channel as (D, H, W)")
    if value.ndim == 4 and value.shape[0] <= _MAX_CHANNELS_FIRST < value.shape[-1]:
        raise InvalidInput(f"{key}: shape {value.shape} looks channels-first (C, D, H, W); volumes "
                           "are channels-last: pass np.moveaxis(volume, 0, -1)")
    if 0 in value.shape:
        raise InvalidInput(f"{key}: the volume is empty (shape {value.shape})")
    if value.dtype.name not in VOLUME_DTYPES:
        raise InvalidInput(f"{key}: dtype {value.dtype} is not supported; use one of "
                           f"{', '.join(sorted(VOLUME_DTYPES))} (e.g. volume.astype(np.float32))")
    if value.dtype.kind == "f" and not np.isfinite(value).all():
        raise InvalidInput(f"{key}: the volume holds NaN or inf; replace them first, e.g. "
                           "np.nan_to_num(volume, nan=volume[np.isfinite(volume)].min())")
    return value.shape[0], value.shape[1], value.shape[2]


def _check_mask(key: str, value: Any) -> tuple[int, int, int]:
    if not isinstance(value, np.ndarray) or value.ndim != 3:
        raise InvalidInput(f"{key}: expected a label array (D, H, W), got "
                           f"{getattr(value, 'shape', type(value).__name__)}; one mask per call, "
                           "its labels as integers (several structures: one label value each)")
    if value.dtype.name not in MASK_DTYPES:
        raise InvalidInput(f"{key}: dtype {value.dtype} is not a label type; masks hold integer "
                           "labels or bool (e.g. np.rint(mask).astype(np.uint8))")
    return value.shape[0], value.shape[1], value.shape[2]


def check_spacing(key: str, value: Any) -> tuple[float, float, float]:
    """`value` as a spacing ``(d, h, w)`` of three positive finite numbers, or `InvalidInput`.

    Example:
        >>> check_spacing("spacing", [1, 1, 2.5])
        (1.0, 1.0, 2.5)
        >>> check_spacing("spacing", (1, 0, 1))
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: spacing: expected three positive finite numbers ...
    """
    if isinstance(value, np.ndarray):
        value = value.tolist()
    ok = (isinstance(value, Sequence) and not isinstance(value, (str, bytes)) and len(value) == 3
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
          and all(math.isfinite(v) and v > 0 for v in value))
    if not ok:
        raise InvalidInput(f"{key}: expected three positive finite numbers (the voxel size along "
                           f"D, H, W, e.g. spacing=(1.0, 1.0, 2.5)), got {value!r}")
    return float(value[0]), float(value[1]), float(value[2])


def check_volume_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``volume``, ``volume_mask`` and ``spacing`` fields: shapes, dtypes, NaN,
    one grid for all of them.

    Example:
        >>> kinds = {"volume": "volume", "volume_mask": "volume_mask"}
        >>> check_volume_fields({"volume": np.zeros((4, 5, 6), np.float32),
        ...                      "volume_mask": np.zeros((4, 5, 5), np.uint8)}, kinds)
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: volume_mask: shape (4, 5, 5) is not the volume's grid (4, 5, 6)...
    """
    grid: tuple[int, int, int] | None = None
    owner = ""
    for key, kind in kinds.items():
        if kind == "volume":
            shape = _check_volume(key, fields[key])
            if grid is not None and shape != grid:
                raise InvalidInput(f"{key}: grid {shape} differs from {owner}'s {grid}; volumes of "
                                   "one call must share D, H, W (resample them first)")
            grid, owner = shape, key
    for key, kind in kinds.items():
        if kind == "volume_mask":
            if grid is None:
                raise InvalidInput(f"{key}: a volume mask labels the voxels of a volume; pass "
                                   "volume=... with it")
            shape = _check_mask(key, fields[key])
            if shape != grid:
                raise InvalidInput(f"{key}: shape {shape} is not the volume's grid {grid} "
                                   f"({owner}); the mask must label every voxel of the volume")
        elif kind == "spacing":
            if grid is None:
                raise InvalidInput(f"{key}: spacing is the voxel size of a volume; pass volume=... "
                                   "with it")
            check_spacing(key, fields[key])


register_kinds(("volume", "volume_mask", "spacing"), check_volume_fields)
