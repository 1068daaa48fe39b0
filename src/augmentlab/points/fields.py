"""The point-cloud field kinds: ``points``, a finite float array ``(N, D)`` of coordinates, D >= 2,
at least one point; ``point_labels``, one label per point; ``normals``, ``(N, D)`` floats, one per
point (point transforms keep the three in step); ``constituents``, a jet's particles, finite floats
``(N, 3)``: eta, phi (radians), pt >= 0."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..core.errors import InvalidInput
from ..core.kinds import register_kinds

__all__ = ["check_point_fields"]


def _check_points(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim != 2 \
            or value.shape[0] == 0 or value.shape[1] < 2:
        raise InvalidInput(f"{key}: expected a float array (N, D) of N >= 1 points in D >= 2 "
                           f"dimensions, got {getattr(value, 'dtype', type(value).__name__)} "
                           f"{getattr(value, 'shape', '')}")
    if not np.isfinite(value).all():
        raise InvalidInput(f"{key}: points must be finite (no NaN or inf coordinates)")


def _check_constituents(key: str, value: Any) -> None:
    if not isinstance(value, np.ndarray) or value.dtype.kind != "f" or value.ndim != 2 \
            or value.shape[1] != 3 or value.shape[0] == 0:
        raise InvalidInput(f"{key}: expected a float (N, 3) array of (eta, phi, pt) rows, got "
                           f"{getattr(value, 'dtype', type(value).__name__)} "
                           f"{getattr(value, 'shape', '')}")
    if not np.isfinite(value).all() or (value[:, 2] < 0).any():
        raise InvalidInput(f"{key}: constituents must be finite with pt >= 0")


def _check_per_point(key: str, value: Any, points: np.ndarray | None, normals: bool) -> None:
    if points is None:
        raise InvalidInput(f"{key}: these belong to the points of a cloud; pass points=... too")
    try:
        n = len(value)
    except TypeError:
        raise InvalidInput(f"{key}: expected one entry per point, got {type(value).__name__}") from None
    if isinstance(value, (str, bytes)) or n != len(points):
        raise InvalidInput(f"{key}: {n} entries for {len(points)} points; give one per point "
                           "(a list or an array, not a string)")
    if normals and (not isinstance(value, np.ndarray) or value.shape != points.shape
                    or value.dtype.kind != "f" or not np.isfinite(value).all()):
        raise InvalidInput(f"{key}: expected finite float normals shaped like the points "
                           f"{points.shape}")


def check_point_fields(fields: Mapping[str, Any], kinds: Mapping[str, str]) -> None:
    """Validate a call's ``points``, ``point_labels``, ``normals`` and ``constituents`` fields.

    Example:
        >>> check_point_fields({"points": np.zeros((3, 3)), "point_labels": [1]},
        ...                    {"points": "points", "point_labels": "point_labels"})
        Traceback (most recent call last):
        ...
        augmentlab.core.errors.InvalidInput: point_labels: 1 entries for 3 points; give one per point ...
    """
    clouds = []
    for key, kind in kinds.items():
        if kind == "points":
            _check_points(key, fields[key])
            clouds.append(fields[key])
        elif kind == "constituents":
            _check_constituents(key, fields[key])
    for key, kind in kinds.items():
        if kind in ("point_labels", "normals"):
            _check_per_point(key, fields[key], clouds[0] if clouds else None, kind == "normals")


register_kinds(("points", "point_labels", "normals", "constituents"), check_point_fields)
